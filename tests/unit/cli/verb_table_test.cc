// The one table of verbs and flags agrees with everything made from it: each verb reads exactly
// the flags the table declares for it (no more, none forgotten), and the help, the three shell
// completions and the manual's command reference name every verb, argument and flag.
#include "controller/cli/verb_table.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "controller/cli/arg_parser.h"
#include "controller/cli/completion.h"
#include "controller/cli/help_text.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace radctl::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

// A value the verb's own checks accept for a flag or argument of this kind.
std::string PlausibleValue(const std::string& kind, const std::vector<std::string>& choices) {
  if (!choices.empty()) return choices[0];
  static const std::map<std::string, std::string> kValues = {
      {"FILE", "/nonexistent/spec.yaml"},
      {"DIR", "/nonexistent"},
      {"N", "2"},
      {"K", "2"},
      {"R", "1"},
      {"W/S", "100"},
      {"PORT", "7000"},
      {"ADDR:PORT", "127.0.0.1:8433"},
      {"HOST:PORT", "db.example.com:5432"},
      {"DURATION", "5s"},
      {"WHEN", "10m"},
      {"TIME", "2026-01-01T00:00:00Z"},
      {"LSN", "0/3000060"},
      {"NAME", "demo"},
      {"NEW", "copy"},
      {"NODE", "2"},
      {"IMAGE", "radctl/radctl:test"},
      {"COMMAND", "status"},
      {"KIND", "clusters"},
      {"SHELL", "bash"},
      {"condition=TYPE[=true|false]", "condition=Ready"}};
  auto found = kValues.find(kind);
  return found == kValues.end() ? "x" : found->second;
}

// The first line where two texts differ, as "line N: want ... / have ...", or "".
std::string FirstDifference(const std::string& want, const std::string& have) {
  std::vector<std::string> a = absl::StrSplit(want, '\n');
  std::vector<std::string> b = absl::StrSplit(have, '\n');
  for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    std::string x = i < a.size() ? a[i] : "(end)";
    std::string y = i < b.size() ? b[i] : "(end)";
    if (x != y) return absl::StrCat("line ", i + 1, ":\n  generated: ", x, "\n  committed: ", y);
  }
  return "";
}

TEST(VerbTableTest, EachVerbReadsExactlyTheFlagsTheTableDeclares) {
  for (const VerbDef& verb : AllVerbs()) {
    std::map<std::string, std::vector<std::string>> flags;
    std::set<std::string> declared;
    for (const FlagDef& flag : verb.flags) {
      flags[flag.name] = {flag.value.empty() ? "" : PlausibleValue(flag.value, flag.choices)};
      declared.insert(flag.name);
    }
    std::vector<std::string> args;
    for (const ArgDef& arg : verb.args) args.push_back(PlausibleValue(arg.name, arg.choices));
    ParsedArgs parsed(flags, args, declared);
    // Valid or not with these values, the verb has looked at every flag it declares.
    (void)verb.prepare(parsed);
    EXPECT_THAT(parsed.undeclared(), IsEmpty()) << verb.name << " reads flags the table lacks";
    for (const std::string& flag : declared) {
      EXPECT_TRUE(parsed.read().count(flag)) << verb.name << " never reads " << flag;
    }
  }
}

TEST(VerbTableTest, HelpNamesEveryVerbArgumentAndFlag) {
  const std::string usage = UsageText("/state");
  for (const VerbDef& verb : AllVerbs()) {
    if (verb.hidden) {
      EXPECT_THAT(usage, ::testing::Not(HasSubstr(verb.name)));
      continue;
    }
    EXPECT_THAT(usage, HasSubstr("  " + verb.name + " ")) << verb.name;
    std::string help = VerbHelpText(verb);
    EXPECT_THAT(help, HasSubstr("usage: radctl " + verb.name)) << verb.name;
    for (const ArgDef& arg : verb.args) EXPECT_THAT(help, HasSubstr(arg.name)) << verb.name;
    for (const FlagDef& flag : verb.flags) {
      EXPECT_THAT(help, HasSubstr(flag.name)) << verb.name;
      if (!flag.alias.empty()) {
        EXPECT_THAT(help, HasSubstr(flag.alias + ", ")) << verb.name;
      }
    }
  }
  EXPECT_THAT(usage, HasSubstr("The state directory here is /state"));
}

TEST(VerbTableTest, EveryCompletionOffersEveryVerbAndFlag) {
  const std::string bash = BashCompletionScript();
  const std::string zsh = ZshCompletionScript();
  const std::string fish = FishCompletionScript();
  for (const VerbDef& verb : AllVerbs()) {
    if (!verb.hidden) {
      EXPECT_THAT(bash, HasSubstr("    " + verb.name + ") echo")) << verb.name;
      EXPECT_THAT(zsh, HasSubstr("'" + verb.name + ":")) << verb.name;
      EXPECT_THAT(fish, HasSubstr("-a " + verb.name + " -d")) << verb.name;
    }
    for (const FlagDef& flag : verb.flags) {
      EXPECT_THAT(bash, HasSubstr(flag.name)) << verb.name;
      EXPECT_THAT(zsh, HasSubstr(flag.name)) << verb.name;
      EXPECT_THAT(fish, HasSubstr(absl::StrCat("__radctl_verb_is ", verb.name, "' "))) << verb.name;
      EXPECT_THAT(fish, HasSubstr("-l " + flag.name.substr(2))) << verb.name;
    }
  }
  for (const FlagDef& flag : GlobalFlags()) {
    EXPECT_THAT(bash, HasSubstr(flag.name));
    EXPECT_THAT(zsh, HasSubstr(flag.name));
    EXPECT_THAT(fish, HasSubstr("-l " + flag.name.substr(2)));
  }
}

TEST(VerbTableTest, TheManualsCommandReferenceIsGeneratedFromTheTable) {
  std::ifstream file(std::string(RADCTL_SOURCE_DIR) + "/docs/commands.md");
  ASSERT_TRUE(file.good()) << "docs/commands.md is missing: run hack/docs.sh";
  std::stringstream committed;
  committed << file.rdbuf();
  EXPECT_EQ(FirstDifference(CommandReferenceMarkdown(), committed.str()), "")
      << "docs/commands.md differs from the verb table: run hack/docs.sh";
}

}  // namespace
}  // namespace radctl::cli
