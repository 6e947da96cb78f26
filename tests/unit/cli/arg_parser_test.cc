// The command line as kubectl and docker users type it: global flags anywhere, the usual ways of
// giving a value, "did you mean" for every kind of typo, and nothing accepted that the table does
// not declare.
#include "controller/cli/arg_parser.h"

#include "controller/cli/verb_table.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace radctl::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

ParseOutcome Parse(std::vector<std::string> words) { return ParseCommandLine(words, AllVerbs()); }

std::string Error(std::vector<std::string> words) {
  ParseOutcome parsed = Parse(std::move(words));
  EXPECT_FALSE(parsed.error.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(parsed.error)) << parsed.error;
  return std::string(parsed.error.message());
}

TEST(ArgParserTest, GlobalFlagsGoBeforeOrAfterTheVerb) {
  for (const auto& words : std::vector<std::vector<std::string>>{
           {"--state-dir", "/s", "status", "demo"},
           {"status", "--state-dir", "/s", "demo"},
           {"status", "demo", "--state-dir=/s"},
           {"--log-format", "json", "status", "demo", "--state-dir", "/s"}}) {
    ParseOutcome parsed = Parse(words);
    ASSERT_TRUE(parsed.error.ok()) << parsed.error;
    EXPECT_EQ(parsed.invocation.verb->name, "status");
    EXPECT_EQ(parsed.invocation.state_dir, "/s");
    EXPECT_EQ(parsed.invocation.args.Arg(0), "demo");
  }
  EXPECT_EQ(Parse({"--log-format=json", "list"}).invocation.log_format, "json");
}

TEST(ArgParserTest, EveryWayOfGivingAValue) {
  for (const auto& words :
       std::vector<std::vector<std::string>>{{"status", "demo", "-o", "json"},
                                             {"status", "demo", "-ojson"},
                                             {"status", "demo", "-o=json"},
                                             {"status", "demo", "--output", "json"},
                                             {"status", "demo", "--output=json"},
                                             {"status", "-o", "json", "demo"}}) {
    ParseOutcome parsed = Parse(words);
    ASSERT_TRUE(parsed.error.ok()) << parsed.error;
    EXPECT_EQ(parsed.invocation.args.Value("--output"), "json");
    EXPECT_EQ(parsed.invocation.args.Arg(0), "demo");
  }
}

TEST(ArgParserTest, RepeatedFlagsKeepEveryValueInOrder) {
  ParseOutcome parsed = Parse({"apply", "-f", "a.yaml", "--filename=b.yaml", "-fc.yaml"});
  ASSERT_TRUE(parsed.error.ok()) << parsed.error;
  EXPECT_THAT(parsed.invocation.args.Values("--filename"),
              ElementsAre("a.yaml", "b.yaml", "c.yaml"));
}

TEST(ArgParserTest, DidYouMean) {
  EXPECT_EQ(Error({"statsu", "demo"}), "unknown command \"statsu\"; did you mean \"status\"?");
  EXPECT_THAT(Error({"status", "demo", "--ouptut", "json"}),
              HasSubstr("unknown flag --ouptut for radctl status; did you mean \"--output\"?"));
  EXPECT_THAT(Error({"status", "demo", "-o", "josn"}),
              HasSubstr("unknown value \"josn\"; allowed: table, json, yaml, uri, env; did you "
                        "mean \"json\"?"));
  EXPECT_EQ(Error({"frobnicate"}), "unknown command \"frobnicate\"");
}

TEST(ArgParserTest, SaysWhatIsMissingOrTooMuch) {
  EXPECT_EQ(Error({"status"}), "cluster NAME is missing");
  EXPECT_EQ(Error({"status", "a", "b"}), "unexpected argument \"b\"");
  EXPECT_EQ(Error({"scale", "demo"}), "scale needs --nodes N");
  EXPECT_EQ(Error({"status", "demo", "-o"}), "--output needs a value (FORMAT)");
  EXPECT_EQ(Error({"status", "demo", "--read=yes"}), "--read takes no value");
  EXPECT_EQ(Error({}), "no command given");
  EXPECT_THAT(Error({"-o", "json", "status", "demo"}),
              HasSubstr("-o belongs to a command: write it after the command"));
  EXPECT_THAT(Error({"completion", "tcsh"}),
              HasSubstr("unknown value \"tcsh\"; allowed: bash, zsh, fish"));
}

TEST(ArgParserTest, AfterDoubleDashEverythingIsAnArgument) {
  ParseOutcome parsed = Parse({"help", "--", "--help"});
  EXPECT_FALSE(parsed.invocation.help);
  EXPECT_EQ(parsed.invocation.args.Arg(0), "--help");
}

TEST(ArgParserTest, HelpAnywhereWinsOverAWrongLine) {
  ParseOutcome parsed = Parse({"scale", "--bogus", "-h"});
  EXPECT_TRUE(parsed.error.ok());
  EXPECT_TRUE(parsed.invocation.help);
  EXPECT_EQ(parsed.invocation.verb->name, "scale");
  EXPECT_TRUE(Parse({"--version"}).invocation.version);
}

TEST(ArgParserTest, ClosestWordOnlyForLikelyTypos) {
  EXPECT_EQ(ClosestWord("scael", {"scale", "status"}), "scale");
  EXPECT_EQ(ClosestWord("xyz", {"scale", "status"}), "");
}

}  // namespace
}  // namespace radctl::cli
