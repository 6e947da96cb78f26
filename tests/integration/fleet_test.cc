// One controller for a directory of clusters, on the real engine: `radctl apply -f DIR --watch
// --prune` brings up every cluster in DIR on ports it picks itself, serves them all on one HTTP
// endpoint, starts a cluster whose spec is added and prunes one whose spec is removed (its data
// volume kept).
#include <httplib.h>
#include <signal.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/harness.h"
#include "tests/support/process.h"

namespace radctl::it {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int kHttpPort = 18434;
constexpr char kDir[] = "/tmp/radctl-it-fleet";

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

// The clusters /api/v1/clusters lists as ready.
std::set<std::string> ReadyClusters(std::string* observed) {
  Reply reply = Get("/api/v1/clusters");
  *observed = absl::StrCat(reply.status, " ", reply.body);
  std::set<std::string> ready;
  if (reply.status != 200) return ready;
  for (const nlohmann::json& cluster : nlohmann::json::parse(reply.body)) {
    if (cluster["ready"].get<bool>()) ready.insert(cluster["name"].get<std::string>());
  }
  return ready;
}

int EndpointPort(const TestCluster& cluster) {
  absl::StatusOr<nlohmann::json> status = cluster.Status();
  if (!status.ok()) return 0;
  return (*status)["endpoint"]["port"].get<int>();
}

void AddToDirectory(const TestCluster& cluster) {
  Shell(absl::StrCat("cp ", cluster.spec_path(), " ", kDir, "/", cluster.name(), ".yaml"));
}

TEST(FleetTest, OneWatcherServesADirectoryOfClustersAddsAndPrunesAsFilesComeAndGo) {
  TestCluster a("it-fleet-a", 1, /*port=*/0);
  TestCluster b("it-fleet-b", 1, /*port=*/0);
  TestCluster c("it-fleet-c", 1, /*port=*/0);
  Shell(absl::StrCat("rm -rf ", kDir, " && mkdir -p ", kDir));
  AddToDirectory(a);
  AddToDirectory(b);
  // Not a spec: ignored.
  Shell(absl::StrCat("echo 'notes' > ", kDir, "/README.txt"));

  std::remove("/tmp/radctl-it-fleet-watch.log");
  testsupport::Process watcher(
      {"apply", "-f", kDir, "--watch", "--prune", "--http", absl::StrCat("127.0.0.1:", kHttpPort)},
      "/tmp/radctl-it-fleet-watch.log");
  ASSERT_TRUE(WaitFor(
      [&](std::string* observed) {
        return ReadyClusters(observed) == std::set<std::string>{"it-fleet-a", "it-fleet-b"};
      },
      absl::Seconds(120)))
      << watcher.Log();

  // Each got a port of its own, picked by radctl, and the endpoint works.
  int port_a = EndpointPort(a);
  int port_b = EndpointPort(b);
  EXPECT_GE(port_a, 20000);
  EXPECT_LT(port_a, 30000);
  EXPECT_GE(port_b, 20000);
  EXPECT_NE(port_a, port_b);
  ASSERT_TRUE(a.QueryEndpoint("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('a')").ok());

  // Both started from the image's template data directory, yet each is a cluster of its own
  // (WAL, backups and pg_rewind tell clusters apart by it), made as initdb would have made it.
  const std::string kIdentifier = "SELECT system_identifier FROM pg_control_system()";
  absl::StatusOr<std::string> id_a = a.QueryNode(1, kIdentifier, "postgres");
  absl::StatusOr<std::string> id_b = b.QueryNode(1, kIdentifier, "postgres");
  ASSERT_TRUE(id_a.ok() && id_b.ok());
  EXPECT_NE(*id_a, *id_b);
  EXPECT_EQ(a.QueryNode(1,
                        "SELECT current_setting('data_checksums') || ' ' || "
                        "current_setting('server_encoding') || ' ' || datcollate "
                        "FROM pg_database WHERE datname = 'app'",
                        "postgres")
                .value_or(""),
            "on UTF8 C.UTF-8");

  // One endpoint for both: ready, metrics labelled by cluster, each family declared once.
  Reply ready = Get("/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_THAT(ready.body, HasSubstr("it-fleet-a: ready"));
  EXPECT_THAT(ready.body, HasSubstr("it-fleet-b: ready"));
  Reply metrics = Get("/metrics");
  EXPECT_THAT(metrics.body, HasSubstr("radctl_up{cluster=\"it-fleet-a\"} 1\n"));
  EXPECT_THAT(metrics.body, HasSubstr("radctl_up{cluster=\"it-fleet-b\"} 1\n"));
  size_t first = metrics.body.find("# TYPE radctl_up gauge");
  EXPECT_NE(first, std::string::npos);
  EXPECT_EQ(metrics.body.find("# TYPE radctl_up gauge", first + 1), std::string::npos);
  EXPECT_EQ(Get("/api/v1/clusters/it-fleet-b/status").status, 200);
  EXPECT_EQ(Get("/api/v1/status").status, 400);  // which one? the reply says how to ask

  // A spec added to the directory: its cluster comes up.
  AddToDirectory(c);
  ASSERT_TRUE(WaitFor(
      [&](std::string* observed) { return ReadyClusters(observed).count("it-fleet-c") == 1; },
      absl::Seconds(120)))
      << watcher.Log();
  EXPECT_TRUE(c.QueryEndpoint("SELECT 1").ok());

  // A spec that stops parsing (an edit half done) is not a spec removed: --prune leaves its
  // cluster alone, and its worker stays on the last valid spec.
  const std::string c_path = absl::StrCat(kDir, "/it-fleet-c.yaml");
  Shell(absl::StrCat("cp ", c_path, " /tmp/radctl-it-fleet-c.saved && echo 'spec: [' >> ", c_path));
  ASSERT_TRUE(WaitFor(
      [&](std::string* observed) {
        *observed = watcher.Log();
        return absl::StrContains(*observed, "ignored until it is fixed: ") &&
               absl::StrContains(*observed, "it-fleet-c.yaml");
      },
      absl::Seconds(30)));
  absl::SleepFor(absl::Seconds(3));  // a few rescans
  EXPECT_THAT(watcher.Log(), Not(HasSubstr("it-fleet-c is gone")));
  EXPECT_EQ(c.LabelledObjects("containers").size(), 2u);  // the node and the bouncer
  EXPECT_TRUE(c.QueryEndpoint("SELECT 1").ok());
  Shell(absl::StrCat("cp /tmp/radctl-it-fleet-c.saved ", c_path));

  // A spec removed, with --prune: its containers go, its data volume stays.
  std::remove(absl::StrCat(kDir, "/it-fleet-b.yaml").c_str());
  ASSERT_TRUE(WaitFor(
      [&](std::string* observed) {
        *observed = absl::StrCat("containers left: ", b.LabelledObjects("containers").size());
        return absl::StrContains(watcher.Log(),
                                 "cluster it-fleet-b pruned (volumes and passwords kept");
      },
      absl::Seconds(60)))
      << watcher.Log();
  EXPECT_THAT(b.LabelledObjects("containers"), ::testing::IsEmpty());
  // Its node's data and the record kept with the controller's lease.
  EXPECT_THAT(
      b.LabelledObjects("volumes"),
      ::testing::UnorderedElementsAre("it-fleet-b-pg-1-data", "it-fleet-b-controller-state"));
  std::string observed;
  EXPECT_EQ(ReadyClusters(&observed), (std::set<std::string>{"it-fleet-a", "it-fleet-c"}))
      << observed;

  // The others were not disturbed.
  absl::StatusOr<std::vector<std::vector<std::string>>> kept =
      a.QueryEndpoint("SELECT v FROM kept");
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_EQ(kept->size(), 1u);

  EXPECT_EQ(watcher.Signal(SIGINT), 0) << watcher.Log();

  // The port picked for `auto` is kept: applying the file again changes nothing.
  CommandResult again = Radctl(absl::StrCat("apply -f ", kDir, "/it-fleet-a.yaml"));
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("cluster it-fleet-a is up to date: nothing to do"));
  EXPECT_EQ(EndpointPort(a), port_a);
  Shell(absl::StrCat("rm -rf ", kDir));
}

TEST(FleetTest, AnInvalidFileAmongSeveralChangesNothing) {
  TestCluster good("it-fleet-good", 1, /*port=*/0);
  std::string bad_path = "/tmp/radctl-it-fleet-bad.yaml";
  Shell(absl::StrCat("printf 'apiVersion: radctl.io/v1alpha1\\nkind: PostgresCluster\\n",
                     "metadata:\\n  name: it-fleet-bad\\nspec:\\n  nodes: many\\n' > ", bad_path));
  CommandResult result = Radctl(absl::StrCat("apply -f ", good.spec_path(), " -f ", bad_path));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("radctl-it-fleet-bad.yaml:6:10: spec.nodes"));
  EXPECT_THAT(result.err, HasSubstr("nothing was changed"));
  EXPECT_TRUE(good.LabelledObjects("containers").empty());
  std::remove(bad_path.c_str());
}

}  // namespace
}  // namespace radctl::it
