#include "controller/cli/help_text.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "controller/cli/arg_parser.h"
#include "controller/cli/verb_table.h"

namespace radctl::cli {
namespace {

// Longer synopses name the required flags only, then [options].
constexpr size_t kMaxSynopsis = 76;

std::string FlagWord(const FlagDef& flag, bool short_form) {
  std::string name = short_form && !flag.alias.empty() ? flag.alias : flag.name;
  if (flag.value.empty()) return name;
  if (flag.choices.size() > 1 && flag.choices.size() <= 5) {
    return absl::StrCat(name, " ", absl::StrJoin(flag.choices, "|"));
  }
  return absl::StrCat(name, " ", flag.value);
}

std::string ArgWord(const ArgDef& arg) { return arg.required ? arg.name : "[" + arg.name + "]"; }

std::string FlagColumn(const FlagDef& flag) {
  std::string text = flag.alias.empty() ? "    " + flag.name : flag.alias + ", " + flag.name;
  if (!flag.value.empty()) absl::StrAppend(&text, " ", flag.value);
  return text;
}

std::string FlagHelp(const FlagDef& flag) {
  std::string help = flag.help;
  if (!flag.choices.empty() && flag.complete == Completion::kChoices &&
      help.find(flag.choices[0]) == std::string::npos) {
    absl::StrAppend(&help, " (", absl::StrJoin(flag.choices, ", "), ")");
  }
  if (flag.required) absl::StrAppend(&help, "; required");
  return help;
}

std::string FlagsTable(const std::vector<FlagDef>& flags) {
  std::string text;
  for (const FlagDef& flag : flags) {
    std::string column = FlagColumn(flag);
    if (column.size() > 28) {
      absl::StrAppend(&text, "  ", column, "\n", std::string(33, ' '), FlagHelp(flag), "\n");
    } else {
      absl::StrAppendFormat(&text, "  %-30s %s\n", column, FlagHelp(flag));
    }
  }
  return text;
}

// The details as Markdown: lines indented by two spaces (commands to type) become a code block.
std::string MarkdownParagraphs(const std::string& details) {
  std::string text;
  bool in_code = false;
  for (absl::string_view line : absl::StrSplit(details, '\n')) {
    const bool code = absl::StartsWith(line, "  ");
    if (code != in_code) absl::StrAppend(&text, "\n");
    absl::StrAppend(&text, code ? "  " : "", line, "\n");
    in_code = code;
  }
  return text;
}

}  // namespace

std::string Synopsis(const VerbDef& verb) {
  std::vector<std::string> words = {verb.name};
  for (const ArgDef& arg : verb.args) words.push_back(ArgWord(arg));
  std::vector<std::string> all = words;
  for (const FlagDef& flag : verb.flags) {
    all.push_back(flag.required ? FlagWord(flag, true) : "[" + FlagWord(flag, true) + "]");
  }
  std::string full = absl::StrJoin(all, " ");
  if (full.size() <= kMaxSynopsis) return full;
  for (const FlagDef& flag : verb.flags) {
    if (flag.required) words.push_back(FlagWord(flag, true));
  }
  words.push_back("[options]");
  return absl::StrJoin(words, " ");
}

std::string UsageText(const std::string& state_dir) {
  std::string text =
      "radctl keeps a highly available PostgreSQL cluster running on Docker.\n\n"
      "usage: radctl COMMAND [ARGS] [options]\n\ncommands:\n";
  for (const VerbDef& verb : AllVerbs()) {
    if (verb.hidden) continue;
    absl::StrAppendFormat(&text, "  %-16s %s\n", verb.name, verb.summary);
  }
  absl::StrAppend(&text, "\nglobal options (before or after the command):\n",
                  FlagsTable(GlobalFlags()), "\nThe state directory here is ", state_dir,
                  " ($RADCTL_STATE_DIR, else /var/lib/radctl for root,\n"
                  "else $XDG_STATE_HOME/radctl or ~/.local/state/radctl).\n"
                  "Exit status: 0 success, 1 failure, 2 bad usage or spec (nothing changed).\n"
                  "radctl help COMMAND (or radctl COMMAND --help) tells more about a command.\n");
  return text;
}

std::string VerbHelpText(const VerbDef& verb) {
  std::string text = absl::StrCat("usage: radctl ", Synopsis(verb), "\n\n", verb.details, "\n");
  if (!verb.flags.empty()) absl::StrAppend(&text, "\noptions:\n", FlagsTable(verb.flags));
  absl::StrAppend(&text, "\nglobal options: --state-dir DIR, --log-format text|json\n");
  return text;
}

std::string CommandReferenceMarkdown() {
  std::string text =
      "# Command reference\n\n"
      "Generated from radctl's verb table (`controller/cli/verb_table.cc`) by\n"
      "`hack/docs.sh`; `radctl help COMMAND` prints the same. A unit test fails when this\n"
      "file and the table disagree.\n\n"
      "Global options, before or after the command:\n\n";
  for (const FlagDef& flag : GlobalFlags()) {
    absl::StrAppend(&text, "- `", FlagColumn(flag).substr(flag.alias.empty() ? 4 : 0),
                    "`: ", FlagHelp(flag), "\n");
  }
  absl::StrAppend(&text,
                  "\nExit status: 0 success, 1 failure, 2 bad usage or spec (nothing changed).\n");
  for (const VerbDef& verb : AllVerbs()) {
    if (verb.hidden) continue;
    absl::StrAppend(&text, "\n## radctl ", verb.name, "\n\n", verb.summary, ".\n\n```\nradctl ",
                    Synopsis(verb), "\n```\n\n", MarkdownParagraphs(verb.details), "\n");
    if (!verb.flags.empty()) {
      absl::StrAppend(&text, "\n| option | meaning |\n|---|---|\n");
      for (const FlagDef& flag : verb.flags) {
        absl::StrAppend(&text, "| `", FlagColumn(flag).substr(flag.alias.empty() ? 4 : 0), "` | ",
                        absl::StrReplaceAll(FlagHelp(flag), {{"|", "\\|"}}), " |\n");
      }
    }
  }
  return text;
}

}  // namespace radctl::cli
