// The user's command during a drill (--exec): run by /bin/sh with the endpoint in its
// environment, every line kept with its time and stream, its exit status, and stopped (with what
// it started) when the drill is done with it. Real processes, no Docker.
#include "controller/drill/exec_runner.h"

#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace radctl::drill {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Pair;

const std::atomic<bool> kNever{false};

ExecRun RunToEnd(const std::string& command, Environment env = {}) {
  std::ostringstream echo;
  ExecRunner runner(RealClock(), command, std::move(env), &echo);
  EXPECT_TRUE(runner.Start().ok());
  EXPECT_TRUE(runner.WaitEnded(absl::Seconds(30), kNever)) << command << " did not end";
  runner.Stop();
  return runner.Snapshot();
}

TEST(ExecRunnerTest, KeepsEveryLineWithItsStreamAndTimeInOrder) {
  const ExecRun run =
      RunToEnd("echo one; echo two >&2; sleep 0.2; printf 'three\\nno newline at the end'");
  ASSERT_EQ(run.lines.size(), 4u);
  EXPECT_EQ(run.lines[0].text, "one");
  EXPECT_FALSE(run.lines[0].from_stderr);
  EXPECT_EQ(run.lines[1].text, "two");
  EXPECT_TRUE(run.lines[1].from_stderr);
  EXPECT_EQ(run.lines[2].text, "three");
  EXPECT_EQ(run.lines[3].text, "no newline at the end");
  EXPECT_GE(run.lines[2].at - run.lines[0].at, absl::Milliseconds(150)) << "stamped as read";
  EXPECT_GE(run.lines[0].at, run.start);
  EXPECT_LE(run.lines[3].at, run.end + absl::Milliseconds(200));
  EXPECT_TRUE(run.Passed());
  EXPECT_THAT(run.Outcome(), HasSubstr("exit status 0"));
}

TEST(ExecRunnerTest, AFailingCommandFailsAndSaysHow) {
  ExecRun run = RunToEnd("exit 3");
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_FALSE(run.Passed());
  EXPECT_THAT(run.Outcome(), HasSubstr("exit status 3"));
  run = RunToEnd("kill -9 $$");
  EXPECT_EQ(run.signal, 9);
  EXPECT_FALSE(run.Passed());
  EXPECT_THAT(run.Outcome(), HasSubstr("killed by signal 9"));
}

TEST(ExecRunnerTest, TheEndpointIsInItsEnvironmentBesideTheDrillsOwn) {
  setenv("RADCTL_EXEC_TEST_INHERITED", "yes", 1);
  const ExecRun run = RunToEnd(
      "echo \"$PGHOST:$PGPORT $PGUSER $PGDATABASE $RADCTL_EXEC_TEST_INHERITED\"",
      {{"PGHOST", "127.0.0.1"}, {"PGPORT", "6543"}, {"PGUSER", "app"}, {"PGDATABASE", "app"}});
  ASSERT_EQ(run.lines.size(), 1u);
  EXPECT_EQ(run.lines[0].text, "127.0.0.1:6543 app app yes");
}

TEST(ExecRunnerTest, StopEndsItAndWhatItStartedAndCountsAsCarriedThrough) {
  std::ostringstream echo;
  ExecRunner runner(RealClock(), "sleep 60 & echo started; wait", {}, &echo);
  ASSERT_TRUE(runner.Start().ok());
  const absl::Time start = absl::Now();
  EXPECT_FALSE(runner.WaitEnded(absl::Milliseconds(300), kNever));
  runner.Stop(absl::Seconds(5));
  EXPECT_LT(absl::Now() - start, absl::Seconds(5)) << "the background sleep kept nothing open";
  const ExecRun run = runner.Snapshot();
  EXPECT_TRUE(run.stopped_by_drill);
  EXPECT_TRUE(run.Passed());
  EXPECT_THAT(run.Outcome(), HasSubstr("stopped by the drill"));
  EXPECT_THAT(echo.str(), HasSubstr("exec: started"));
}

TEST(ExecRunnerTest, ACommandThatCannotRunIsAFailureNotAHang) {
  const ExecRun run = RunToEnd("/nonexistent/program");
  EXPECT_EQ(run.exit_code, 127);
  EXPECT_FALSE(run.Passed());
  ASSERT_FALSE(run.lines.empty());
  EXPECT_TRUE(run.lines[0].from_stderr);
}

TEST(EndpointEnvironmentTest, LibpqVariablesAndAUrlThatVerifiesTheServer) {
  ClusterSpec spec;
  spec.name = "demo";
  spec.bouncer.bind = "0.0.0.0";
  spec.bouncer.port = 6543;
  spec.auth.user = "app";
  spec.auth.database = "app";
  spec.tls.enabled = true;
  ClusterSecrets secrets;
  secrets.app_password = "p@ss:w/rd";
  secrets.ca_file = "/var/lib/radctl/demo/tls/ca.crt";
  const Environment env = EndpointEnvironment(spec, secrets);
  EXPECT_THAT(env, Contains(Pair("PGHOST", "127.0.0.1")));
  EXPECT_THAT(env, Contains(Pair("PGPORT", "6543")));
  EXPECT_THAT(env, Contains(Pair("PGUSER", "app")));
  EXPECT_THAT(env, Contains(Pair("PGPASSWORD", "p@ss:w/rd")));
  EXPECT_THAT(env, Contains(Pair("PGDATABASE", "app")));
  EXPECT_THAT(env, Contains(Pair("PGSSLMODE", "verify-full")));
  EXPECT_THAT(env, Contains(Pair("PGSSLROOTCERT", "/var/lib/radctl/demo/tls/ca.crt")));
  EXPECT_THAT(env, Contains(Pair("DATABASE_URL",
                                 "postgresql://app:p%40ss%3Aw%2Frd@127.0.0.1:6543/app"
                                 "?sslmode=verify-full&sslrootcert=%2Fvar%2Flib%2Fradctl%2Fdemo%"
                                 "2Ftls%2Fca.crt")));
  for (const auto& [name, value] : env) EXPECT_NE(name, "DATABASE_READ_URL");
  spec.bouncer.read_port = 6544;
  spec.tls.enabled = false;
  const Environment plain = EndpointEnvironment(spec, secrets);
  EXPECT_THAT(plain, Contains(Pair("PGSSLMODE", "disable")));
  EXPECT_THAT(plain, Contains(Pair("DATABASE_READ_URL",
                                   "postgresql://app:p%40ss%3Aw%2Frd@127.0.0.1:6544/app"
                                   "?sslmode=disable")));
}

}  // namespace
}  // namespace radctl::drill
