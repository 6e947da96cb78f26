// `radctl drill --exec`: the user's own client runs during the rounds with the endpoint in its
// environment, and its outcome decides the drill's. The client here is psql in a loop (a new
// connection per query, as a short-lived application would), through the real endpoint of a
// watched 3-node cluster (DrillTest's, shared), through a killed primary.
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/harness.h"
#include "tests/support/process.h"

namespace radctl::it {
namespace {

using ::radctl::testsupport::Process;
using ::testing::HasSubstr;

constexpr absl::Duration kHealTimeout = absl::Seconds(90);

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::Time ParseTime(const nlohmann::json& value) {
  absl::Time t;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, value.get<std::string>(), &t, &error)) << error;
  return t;
}

TEST(DrillTest, TheUsersClientRunsThroughTheRoundsAndItsExitStatusDecides) {
  const TestCluster& cluster = SharedCluster("it-drill", 3, 16580);
  const std::string log = absl::StrCat("/tmp/radctl-it-", cluster.name(), ".log");
  Process watcher({"apply", "-f", cluster.spec_path(), "--watch", "--http", "off"}, log);
  ASSERT_TRUE(cluster.WaitHealthy(2, kHealTimeout));

  // The endpoint as the command sees it, then psql once every 50 ms on a new connection, a line
  // per outcome, for about 10 s.
  const std::string report = absl::StrCat(::testing::TempDir(), "drill-exec-", getpid(), ".html");
  const std::string command =
      "echo \"endpoint $PGUSER@$PGHOST:$PGPORT/$PGDATABASE sslmode=$PGSSLMODE\"; "
      "test -r \"$PGSSLROOTCERT\" && psql \"$DATABASE_URL\" -XAtqc 'select 1' >/dev/null || exit "
      "9; "
      "for i in $(seq 1 100); do "
      "if psql -XAtq -c 'select pg_is_in_recovery()' >/dev/null 2>&1; then echo \"ok $i\"; "
      "else echo \"failed $i\" >&2; fi; sleep 0.05; done";
  CommandResult drill = Radctl(absl::StrCat(
      "drill ", cluster.name(), " --rounds 1 --settle 1s --writers 2 --rate 20 --report ", report,
      " -o json --exec ", ShellQuote(command)));
  ASSERT_EQ(drill.exit_code, 0) << drill.err << drill.out;
  nlohmann::json json = nlohmann::json::parse(drill.out, nullptr, false);
  ASSERT_FALSE(json.is_discarded()) << drill.out;
  const nlohmann::json& exec = json["exec"];
  EXPECT_EQ(exec["passed"], true) << exec.dump(2);
  ASSERT_FALSE(exec["lines"].empty());
  EXPECT_EQ(exec["lines"][0]["text"],
            absl::StrCat("endpoint app@127.0.0.1:", 16580, "/app sslmode=verify-full"));

  // Its lines, stamped as they came, cover the round: some before the fault, some after.
  const absl::Time fault = ParseTime(json["rounds"][0]["fault_at"]);
  int ok = 0, failed = 0, before = 0, after = 0;
  absl::Time previous = absl::InfinitePast();
  for (const nlohmann::json& line : exec["lines"]) {
    const absl::Time at = ParseTime(line["at"]);
    EXPECT_GE(at, previous) << "in the order they came";
    previous = at;
    const std::string text = line["text"];
    ok += absl::StartsWith(text, "ok ");
    failed += absl::StartsWith(text, "failed ");
    before += at < fault;
    after += at > fault;
  }
  EXPECT_GT(ok, 20);
  EXPECT_GT(before, 0);
  EXPECT_GT(after, 0);
  const std::string html = ReadFile(report);
  EXPECT_THAT(html, HasSubstr("<h2>Your command</h2>"));
  EXPECT_THAT(html, HasSubstr("class=\"exec-line\"")) << "its lines are on the round's timeline";
  std::cerr << "psql through a killed primary: " << ok << " queries ok, " << failed
            << " failed; outage seen by the drill's writers " << json["rounds"][0]["outage_s"]
            << " s\n";

  // A command that fails fails the drill, and says how; no round runs after it ended.
  CommandResult failing =
      Radctl(absl::StrCat("drill ", cluster.name(), " --rounds 3 --exec 'echo giving up; exit 3'"));
  EXPECT_EQ(failing.exit_code, 1) << failing.err;
  EXPECT_THAT(failing.err, HasSubstr("exec: giving up"));
  EXPECT_THAT(failing.err, HasSubstr("the command (--exec) echo giving up; exit 3 exit status 3"));
  std::remove(report.c_str());
  if (::testing::Test::HasFailure()) std::cerr << "---- watcher log ----\n" << watcher.Log();
}

}  // namespace
}  // namespace radctl::it
