// Node scripts carry a step tag that names them in `ps` and Docker's exec events.
#include "controller/operations/node_scripts.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>

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

// A temporary directory standing for a node's volume, and a script run in it by /bin/sh as the
// image runs it (without the preamble's cd to the postgres user's home).
class Volume {
 public:
  Volume() {
    char dir_template[] = "/tmp/radctl-volume-XXXXXX";
    if (mkdtemp(dir_template) != nullptr) dir_ = dir_template;
  }
  ~Volume() { std::system(("rm -rf " + dir_).c_str()); }
  const std::string& dir() const { return dir_; }
  int Shell(const std::string& command) const {
    return std::system(("cd " + dir_ + " && " + command).c_str());
  }
  std::string Run(const std::string& script) const {
    {
      std::ofstream file(dir_ + "/script.sh");
      file << script;
    }
    FILE* out = popen(("cd " + dir_ + " && sh script.sh 2>/dev/null").c_str(), "r");
    std::string text;
    char buffer[256];
    while (out != nullptr && fgets(buffer, sizeof buffer, out) != nullptr) text += buffer;
    if (out != nullptr) pclose(out);
    std::remove((dir_ + "/script.sh").c_str());
    return text;
  }

 private:
  std::string dir_;
};

// Safety rule 5: a rebuild keeps every earlier copy. Moving aside twice within the same second
// (the same stamp) keeps both, the first one untouched; the facts list them oldest first.
TEST(MoveAsideScriptTest, EarlierCopiesAreKeptAndNeverMovedInto) {
  Volume volume;
  ASSERT_EQ(volume.Shell("mkdir -p data && touch data/PG_VERSION data/first"), 0);
  EXPECT_THAT(volume.Run(MoveAsideScript("20261206T090000Z")),
              HasSubstr("moved=data.radctl-old-20261206T090000Z "));
  ASSERT_EQ(volume.Shell("mkdir -p data && touch data/PG_VERSION data/second"), 0);
  EXPECT_THAT(volume.Run(MoveAsideScript("20261206T090000Z")),
              HasSubstr("moved=data.radctl-old-20261206T090000Z-2 "));
  EXPECT_EQ(volume.Shell("test -f data.radctl-old-20261206T090000Z/first && "
                         "test ! -e data.radctl-old-20261206T090000Z/second && "
                         "test -f data.radctl-old-20261206T090000Z-2/second && test ! -e data"),
            0);
  EXPECT_THAT(volume.Run(DataDirectoryFactsScript()),
              HasSubstr("aside=data.radctl-old-20261206T090000Z,"
                        "data.radctl-old-20261206T090000Z-2,\n"));
}

// A directory that started (and may have served) never carries the marker that makes it read as
// "empty" and be removed by a later init or clone: the scripts clear it before the first start.
TEST(NodeScriptsTest, TheIncompleteMarkerIsClearedBeforeTheFirstStart) {
  for (const std::string& script : {InitPrimaryScript(), StartCloneScript()}) {
    size_t cleared = script.find("rm -f radctl-incomplete");
    size_t started = script.find("-W start");
    ASSERT_NE(cleared, std::string::npos) << script;
    ASSERT_NE(started, std::string::npos) << script;
    EXPECT_LT(cleared, started) << script;
  }
}

// The facts script, run by /bin/sh on a data directory laid out as Postgres leaves it: a
// standby on timeline 1 that fetched timeline 2's history file while failing to follow (it is
// past the fork point) is on timeline 1. Reading history files too made it look like timeline 2
// (simulator seed 39: a standby behind the fork was promoted as the newest).
TEST(DataDirectoryFactsScriptTest, TheTimelineIsTheNewestSegmentsNotAHistoryFiles) {
  char dir_template[] = "/tmp/radctl-facts-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template;
  ASSERT_EQ(
      std::system(("mkdir -p " + dir + "/data/pg_wal && touch " + dir + "/data/PG_VERSION " + dir +
                   "/data/standby.signal " + dir + "/data/pg_wal/000000010000000000000003 " + dir +
                   "/data/pg_wal/00000002.history")
                      .c_str()),
      0);
  // As the image runs it, but in this directory instead of the postgres user's home.
  {
    std::ofstream file(dir + "/facts.sh");
    file << DataDirectoryFactsScript();
  }
  std::string command = "cd " + dir + " && sh facts.sh 2>/dev/null";
  FILE* out = popen(command.c_str(), "r");
  ASSERT_NE(out, nullptr);
  std::string text;
  char buffer[256];
  while (fgets(buffer, sizeof buffer, out) != nullptr) text += buffer;
  pclose(out);
  std::system(("rm -rf " + dir).c_str());
  EXPECT_THAT(text, HasSubstr("data=standby"));
  EXPECT_THAT(text, HasSubstr("timeline=1\n"));
}

}  // namespace
}  // namespace radctl
