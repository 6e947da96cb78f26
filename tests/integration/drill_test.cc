// `radctl drill` on the real engine, as a user runs it: first against a cluster nobody watches
// (it must say so and change nothing), then short drills against a watched one (kill, network
// cut, freeze), checking what a user reads in its JSON and report.
#include <signal.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/harness.h"
#include "tests/support/process.h"

namespace radctl::it {
namespace {

using ::radctl::testsupport::Process;
using ::testing::HasSubstr;

constexpr absl::Duration kHealTimeout = absl::Seconds(90);
constexpr char kWatcherHttp[] = "127.0.0.1:16589";  // not the default: other watchers may hold it

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int Count(const std::string& text, const std::string& what) {
  int count = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

absl::StatusOr<nlohmann::json> ParseJson(const CommandResult& result) {
  nlohmann::json json = nlohmann::json::parse(result.out, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    return absl::InternalError(absl::StrCat("not JSON: ", result.out, "\nstderr: ", result.err));
  }
  return json;
}

// What every round of a drill against a healthy watched cluster must show.
void ExpectSoundRound(const nlohmann::json& round, const std::string& fault) {
  SCOPED_TRACE(round.dump(2));
  EXPECT_EQ(round["fault"], fault);
  EXPECT_EQ(round["recovered"], true);
  ASSERT_FALSE(round["new_primary"].is_null());
  EXPECT_NE(round["new_primary"], round["old_primary"]) << "a failover happened";
  EXPECT_FALSE(round["detected_s"].is_null()) << "radctl's Failover event was found";
  EXPECT_FALSE(round["promoted_s"].is_null());
  EXPECT_FALSE(round["streaming_s"].is_null()) << "every standby streamed again";
  EXPECT_GT(round["outage_s"].get<double>(), 0.0);
  EXPECT_GT(round["acknowledged"].get<int>(), 50);
  EXPECT_EQ(round["checked_nodes"].size(), 3u) << "checked on the primary and both standbys";
  EXPECT_EQ(round["split_brains"].size(), 0u);
  if (fault == "kill-primary") {
    // Writers with nothing in flight on the killed primary are held, not turned away
    // (images/pgbouncer/entrypoint.sh).
    EXPECT_EQ(round["clients_turned_away"], 0);
  }
}

TEST(DrillTest, RefusesWithoutAWatcherThenMeasuresFailoversOfAWatchedCluster) {
  const TestCluster& cluster = SharedCluster("it-drill", 3, 16580);

  // Bad input: exit 2, before anything happens.
  CommandResult bad = Radctl("drill it-drill --rounds 0");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--rounds must be between 1 and 10000"));

  // Nobody watches: a drill would wait for a failover that never comes. It says so.
  CommandResult unwatched = Radctl("drill it-drill --rounds 1");
  EXPECT_EQ(unwatched.exit_code, 1);
  EXPECT_THAT(unwatched.err, HasSubstr("no controller is watching cluster it-drill"));
  EXPECT_THAT(unwatched.err, HasSubstr("--run-controller FILE"));
  EXPECT_EQ(cluster.QueryNode(1, "SELECT count(*) FROM pg_namespace WHERE nspname = 'radctl_drill'")
                .value_or("?"),
            "0")
      << "nothing was changed";

  const std::string log = "/tmp/radctl-it-it-drill-watch.log";
  std::remove(log.c_str());
  Process watcher({"apply", "-f", cluster.spec_path(), "--watch", "--http", kWatcherHttp}, log);
  ASSERT_TRUE(cluster.WaitHealthy(2, kHealTimeout));

  const std::string report = "/tmp/radctl-it-drill-report.html";
  std::remove(report.c_str());
  CommandResult drilled = Radctl(absl::StrCat(
      "drill it-drill --rounds 2 --writers 4 --rate 80 --settle 2s -o json --report ", report));
  EXPECT_EQ(drilled.exit_code, 0) << drilled.err;
  EXPECT_THAT(drilled.err, HasSubstr(absl::StrCat("controller: pid ", watcher.pid())));
  EXPECT_THAT(drilled.err, HasSubstr("/healthz: alive"));
  absl::StatusOr<nlohmann::json> json = ParseJson(drilled);
  ASSERT_TRUE(json.ok()) << json.status();
  ASSERT_EQ((*json)["rounds"].size(), 2u) << drilled.err;
  for (const nlohmann::json& round : (*json)["rounds"]) ExpectSoundRound(round, "kill-primary");
  EXPECT_EQ((*json)["summary"][0]["rounds"], 2);
  EXPECT_EQ((*json)["summary"][0]["split_brains"], 0);

  // The report holds a timeline per round with the outage, the writes and the fault in it.
  const std::string html = ReadFile(report);
  EXPECT_EQ(Count(html, "<svg class=\"timeline\""), 2);
  EXPECT_EQ(Count(html, "class=\"outage\""), 2);
  EXPECT_EQ(Count(html, "class=\"writes\""), 2);
  EXPECT_GE(Count(html, "docker kill it-drill-pg-"), 2);
  EXPECT_GE(Count(html, ">Failover<"), 2);

  // A network cut and a freeze, healed afterwards: the cluster is whole again each time.
  for (const std::string fault : {"cut-primary", "pause-primary"}) {
    SCOPED_TRACE(fault);
    CommandResult one = Radctl(absl::StrCat(
        "drill it-drill --fault ", fault, " --rounds 1 --writers 2 --rate 40 --settle 1s -o json"));
    EXPECT_EQ(one.exit_code, 0) << one.err;
    absl::StatusOr<nlohmann::json> parsed = ParseJson(one);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    ASSERT_EQ((*parsed)["rounds"].size(), 1u) << one.err;
    ExpectSoundRound((*parsed)["rounds"][0], fault);
    EXPECT_TRUE(cluster.WaitHealthy(2, kHealTimeout));
  }
  CommandResult networks = Shell(
      "docker inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' "
      "it-drill-pg-1 it-drill-pg-2 it-drill-pg-3");
  EXPECT_EQ(Count(networks.out, "it-drill-net"), 3)
      << "every node is attached again: " << networks.out;
  CommandResult states =
      Shell("docker inspect -f '{{.State.Status}}' it-drill-pg-1 it-drill-pg-2 it-drill-pg-3");
  EXPECT_EQ(Count(states.out, "running"), 3) << "nothing left frozen: " << states.out;

  // The drill removed its schema.
  std::string primary;
  ASSERT_TRUE(cluster.WaitHealthy(2, kHealTimeout, &primary));
  EXPECT_EQ(cluster
                .QueryNode(OrdinalOf(primary),
                           "SELECT count(*) FROM pg_namespace WHERE nspname = 'radctl_drill'")
                .value_or("?"),
            "0");
  if (::testing::Test::HasFailure()) std::cerr << "---- watcher log ----\n" << watcher.Log();
  watcher.Signal(SIGTERM);
}

}  // namespace
}  // namespace radctl::it
