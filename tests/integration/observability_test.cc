// The watcher's HTTP endpoint, metrics and events on the real engine, through a failover:
// every endpoint answers with its documented shape, /readyz is 503 while no primary is reachable
// and 200 again after failover, radctl_failovers_total moves by one, and the Failover event is
// shown by `radctl events`, also after the controller was restarted.
#include <httplib.h>
#include <signal.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/harness.h"
#include "tests/support/process.h"

namespace radctl::it {
namespace {

using ::radctl::testsupport::Process;
using ::testing::HasSubstr;

constexpr int kHttpPort = 18433;

struct Reply {
  int status = 0;
  std::string body;
};

Reply Get(const std::string& path) {
  httplib::Client client("127.0.0.1", kHttpPort);
  client.set_connection_timeout(2);
  client.set_read_timeout(5);
  httplib::Result result = client.Get(path.c_str());
  if (!result) return {};
  return {result->status, result->body};
}

// The value of a sample line "NAME{...} VALUE" whose text starts with `prefix`.
double Sample(const std::string& metrics, const std::string& prefix) {
  for (absl::string_view line : absl::StrSplit(metrics, '\n')) {
    if (absl::StartsWith(line, prefix)) {
      return std::stod(std::string(line.substr(line.rfind(' ') + 1)));
    }
  }
  return -1;
}

std::unique_ptr<Process> StartWatcher(const TestCluster& cluster, const std::string& log) {
  return std::make_unique<Process>(
      std::vector<std::string>{"apply", "-f", cluster.spec_path(), "--watch", "--http",
                               absl::StrCat("127.0.0.1:", kHttpPort), "--log-format", "json"},
      log);
}

TEST(WatchTest, EndpointsMetricsAndEventsThroughAFailover) {
  const absl::Time began = absl::Now();
  const TestCluster& cluster = SharedCluster("it-watch", 3, 16552);
  const std::string name = cluster.name();
  // The metric series of this cluster: `metric`{cluster="NAME"[,labels]}.
  auto series = [&](const std::string& metric, const std::string& labels = "") {
    return absl::StrCat(metric, "{cluster=\"", name, "\"", labels.empty() ? "" : ",", labels, "}");
  };
  const std::string log = "/tmp/radctl-it-observe.log";
  std::remove(log.c_str());
  auto watcher = StartWatcher(cluster, log);
  ASSERT_TRUE(WaitFor(
      [](std::string* observed) {
        Reply ready = Get("/readyz");
        *observed = absl::StrCat(ready.status, " ", ready.body);
        return ready.status == 200;
      },
      absl::Seconds(30)));

  Reply health = Get("/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "ok\n");
  Reply metrics = Get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_THAT(metrics.body, HasSubstr("# TYPE radctl_failovers_total counter"));
  EXPECT_EQ(Sample(metrics.body, series("radctl_nodes", "role=\"standby\"")), 2);
  EXPECT_EQ(Sample(metrics.body, series("radctl_up")), 1);
  double failovers_before = Sample(metrics.body, series("radctl_failovers_total"));
  EXPECT_EQ(failovers_before, 0);
  Reply status = Get("/api/v1/status");
  ASSERT_EQ(status.status, 200);
  nlohmann::json json = nlohmann::json::parse(status.body);
  EXPECT_EQ(json["name"], name);
  EXPECT_EQ(json["nodes"].size(), 3u);
  EXPECT_THAT(json["endpoint"]["uri"].get<std::string>(),
              HasSubstr("app:****@"));  // no auth: masked
  ASSERT_TRUE(json["conditions"].is_array());
  EXPECT_EQ(json["conditions"][0]["type"], "Ready");
  EXPECT_EQ(json["conditions"][0]["status"], "True");
  Reply events = Get("/api/v1/events");
  ASSERT_EQ(events.status, 200);
  EXPECT_TRUE(nlohmann::json::parse(events.body).is_array());
  EXPECT_EQ(Get("/api/v1/events?since=bogus").status, 400);

  // The primary stops answering: /readyz turns 503 until the failover is done, then 200.
  std::string primary = json["primary"];
  ASSERT_EQ(Shell(absl::StrCat("docker pause ", primary)).exit_code, 0);
  bool saw_not_ready = false;
  ASSERT_TRUE(WaitFor(
      [&](std::string* observed) {
        Reply ready = Get("/readyz");
        *observed = absl::StrCat(ready.status, " ", ready.body);
        if (ready.status == 503) saw_not_ready = true;
        return saw_not_ready && ready.status == 200;
      },
      absl::Seconds(60)));
  EXPECT_TRUE(cluster.WaitHealthy(2, absl::Seconds(60)));
  metrics = Get("/metrics");
  EXPECT_EQ(Sample(metrics.body, series("radctl_failovers_total")), failovers_before + 1);
  EXPECT_THAT(metrics.body,
              HasSubstr(absl::StrCat(
                  series("radctl_actions_total", "action=\"failover\",result=\"success\""), " 1")));

  // Logs are JSON lines with --log-format json.
  std::vector<std::string> lines = absl::StrSplit(watcher->Log(), '\n', absl::SkipEmpty());
  bool json_failover = false;
  for (const std::string& line : lines) {
    if (line.front() != '{') continue;
    nlohmann::json event = nlohmann::json::parse(line);
    if (event.value("reason", "") == "Failover") json_failover = true;
  }
  EXPECT_TRUE(json_failover) << watcher->Log();

  // The event outlives the controller.
  watcher->Signal(SIGKILL);
  watcher = StartWatcher(cluster, log);
  // Up before the test ends (and kills it): killed while taking its lease, it would leave
  // the lease half made for the next test's controller to wait out.
  ASSERT_TRUE(WaitFor(
      [](std::string* observed) {
        Reply ready = Get("/readyz");
        *observed = absl::StrCat(ready.status, " ", ready.body);
        return ready.status == 200;
      },
      absl::Seconds(30)));
  // This test's events only (the shared cluster's log holds earlier tests' too).
  const int64_t seconds = absl::ToInt64Seconds(absl::Now() - began) + 1;
  CommandResult shown = Radctl(absl::StrCat("events ", name, " --since ", seconds, "s"));
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_THAT(shown.out, HasSubstr("Failover"));
  EXPECT_THAT(shown.out, HasSubstr(absl::StrCat("primary ", primary, " has not answered")));
  CommandResult as_json = Radctl(absl::StrCat("events ", name, " -o json"));
  ASSERT_EQ(as_json.exit_code, 0);
  EXPECT_THAT(as_json.out, HasSubstr("\"reason\": \"Failover\""));
  EXPECT_EQ(Radctl(absl::StrCat("events ", name, " --since yesterday")).exit_code, 2);

  // status shows conditions and how long nodes have held their roles.
  CommandResult table = Radctl(absl::StrCat("status ", name));
  EXPECT_THAT(table.out, HasSubstr("CONDITION"));
  EXPECT_THAT(table.out, HasSubstr("ROLE FOR"));
  if (HasFailure()) std::cerr << watcher->Log();
  watcher->Signal(SIGKILL);
}

}  // namespace
}  // namespace radctl::it
