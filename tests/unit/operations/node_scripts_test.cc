// Node scripts carry a step tag that names them in `ps` and Docker's exec events.
#include "controller/operations/node_scripts.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace radctl {
namespace {

using ::testing::HasSubstr;

TEST(NodeScriptsTest, EveryScriptNamesItsStepAndArguments) {
  std::optional<ScriptStep> clone = ParseScriptStep(ScriptCommand(CloneScript("demo-pg-1")));
  ASSERT_TRUE(clone.has_value());
  EXPECT_EQ(clone->name, "clone");
  EXPECT_EQ(clone->args.at("source"), "demo-pg-1");
  std::optional<ScriptStep> rejoin = ParseScriptStep(ScriptCommand(RejoinScript("demo-pg-2")));
  ASSERT_TRUE(rejoin.has_value());
  EXPECT_EQ(rejoin->name, "rejoin");
  EXPECT_EQ(rejoin->args.at("primary"), "demo-pg-2");
  for (const std::string& script :
       {DataDirectoryFactsScript(), InitPrimaryScript(), StartPostgresScript(),
        StopImmediatelyScript(), StartCloneScript(), RegisterStandbyScript(1), RestartScript(),
        StopCleanlyScript()}) {
    EXPECT_TRUE(ParseScriptStep(ScriptCommand(script)).has_value()) << script;
  }
}

TEST(NodeScriptsTest, CommandsStopAtTheFirstFailureAndCommitMetadataLocally) {
  std::vector<std::string> command = ScriptCommand(StartPostgresScript());
  ASSERT_EQ(command.size(), 3u);
  EXPECT_EQ(command[0], "sh");
  EXPECT_THAT(command[2], HasSubstr("set -e;"));
  EXPECT_THAT(command[2], HasSubstr("synchronous_commit=local"));
}

TEST(NodeScriptsTest, PhasesAreReadFromAScriptsOutputInOrder) {
  auto phases = ParsePhases(
      "radctl-phase made 70\nNOTICE: something else\nradctl-phase started 1250\n"
      "radctl-phase broken x\n");
  ASSERT_EQ(phases.size(), 2u);
  EXPECT_EQ(phases[0].first, "made");
  EXPECT_EQ(phases[0].second, absl::Milliseconds(70));
  EXPECT_EQ(phases[1].first, "started");
  EXPECT_EQ(phases[1].second, absl::Milliseconds(1250));
}

TEST(NodeScriptsTest, OtherCommandsAreNotSteps) {
  EXPECT_FALSE(ParseScriptStep({"sh", "-c", "echo hello"}).has_value());
  EXPECT_FALSE(ParseScriptStep({"psql", "-c", ": radctl-step clone;"}).has_value());
}

}  // namespace
}  // namespace radctl
