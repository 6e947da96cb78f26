// Scaling the node count, planned switchovers and parameter changes on the real engine: each
// step checked the way a user would (status -o json, slots on the primary, a write through the
// endpoint visible on every standby, SHOW on every node).
#include <signal.h>

#include <fstream>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/harness.h"
#include "tests/support/process.h"
#include "tests/support/writer.h"

namespace radctl::it {
namespace {

using ::radctl::testsupport::Process;
using ::radctl::testsupport::Writer;
using ::testing::HasSubstr;

constexpr absl::Duration kTimeout = absl::Seconds(90);

// The cluster has `nodes` nodes, all healthy; the primary holds exactly one active slot per
// standby; a row written through the endpoint now is visible on every standby.
void ExpectNodes(const TestCluster& cluster, int nodes, const std::string& marker) {
  SCOPED_TRACE(absl::StrCat("expecting ", nodes, " nodes"));
  std::string primary;
  ASSERT_TRUE(cluster.WaitHealthy(nodes - 1, kTimeout, &primary));
  absl::StatusOr<nlohmann::json> status = cluster.Status();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ((*status)["nodes"].size(), static_cast<size_t>(nodes)) << status->dump();
  std::set<std::string> expected_slots;
  for (const nlohmann::json& node : (*status)["nodes"]) {
    if (node["role"] == "standby") {
      expected_slots.insert(absl::StrCat("repmgr_slot_", node["ordinal"].get<int>()));
    }
  }
  absl::StatusOr<std::string> slots =
      cluster.QueryNode(OrdinalOf(primary),
                        "SELECT string_agg(slot_name, ',' ORDER BY slot_name) FROM "
                        "pg_replication_slots WHERE active");
  ASSERT_TRUE(slots.ok());
  std::string expected;
  for (const std::string& slot : expected_slots) {
    absl::StrAppend(&expected, expected.empty() ? "" : ",", slot);
  }
  EXPECT_EQ(*slots, expected);
  ASSERT_TRUE(
      cluster.QueryEndpoint(absl::StrCat("INSERT INTO marks VALUES ('", marker, "')")).ok());
  for (const nlohmann::json& node : (*status)["nodes"]) {
    if (node["role"] != "standby") continue;
    EXPECT_TRUE(cluster.WaitNodeQuery(
        node["ordinal"], absl::StrCat("SELECT count(*) FROM marks WHERE v = '", marker, "'"), "1",
        absl::Seconds(10)))
        << node["name"];
  }
}

TEST(ScaleTest, ThreeFiveTwoOneThreeByScaleWatchAndFileEdits) {
  TestCluster cluster("it-scale", 3, 16560);
  ASSERT_EQ(cluster.Apply().exit_code, 0);
  ASSERT_TRUE(cluster.QueryEndpoint("CREATE TABLE marks (v text)").ok());
  ExpectNodes(cluster, 3, "three");

  // No controller running: scale converges by itself.
  CommandResult scaled = Radctl("scale it-scale --nodes 5");
  ASSERT_EQ(scaled.exit_code, 0) << scaled.err;
  ExpectNodes(cluster, 5, "five");

  // With a watcher running, scale hands the work to it and waits.
  std::remove("/tmp/radctl-it-scale.log");
  auto watcher = std::make_unique<Process>(
      std::vector<std::string>{"apply", "-f", cluster.spec_path(), "--watch"},
      "/tmp/radctl-it-scale.log");
  ASSERT_TRUE(WaitFor(
      [&](std::string* observed) {
        *observed = watcher->Log();
        return absl::StrContains(watcher->Log(), "watching cluster it-scale");
      },
      absl::Seconds(30)));
  scaled = Radctl("scale it-scale --nodes 2");
  ASSERT_EQ(scaled.exit_code, 0) << scaled.err;
  EXPECT_THAT(scaled.err, HasSubstr("a controller is running"));
  ExpectNodes(cluster, 2, "two");
  // The others removed with their data; the record kept with the controller's lease stays.
  EXPECT_THAT(cluster.LabelledObjects("volumes"),
              ::testing::UnorderedElementsAre("it-scale-pg-1-data", "it-scale-pg-2-data",
                                              "it-scale-controller-state"));

  // The desired count survives a controller restart (the file, unchanged, says 3).
  watcher->Signal(SIGKILL);
  watcher = std::make_unique<Process>(
      std::vector<std::string>{"apply", "-f", cluster.spec_path(), "--watch"},
      "/tmp/radctl-it-scale.log");
  ASSERT_TRUE(WaitFor(
      [&](std::string* observed) {
        *observed = watcher->Log();
        return absl::StrContains(watcher->Log(), "keeping nodes: 2 set by radctl scale");
      },
      absl::Seconds(30)));
  ExpectNodes(cluster, 2, "two-again");

  scaled = Radctl("scale it-scale --nodes 1");
  ASSERT_EQ(scaled.exit_code, 0) << scaled.err;
  ExpectNodes(cluster, 1, "one");

  // Editing the file while the watcher runs is picked up.
  cluster.WriteSpec(3);
  ExpectNodes(cluster, 3, "three-again");
  if (HasFailure()) std::cerr << watcher->Log();
  watcher->Signal(SIGKILL);
}

TEST(ScaleTest, ScaleRejectsABadCount) {
  CommandResult scaled = Radctl("scale it-nothing --nodes 10");
  EXPECT_EQ(scaled.exit_code, 2);
  EXPECT_THAT(scaled.err, HasSubstr("--nodes"));
}

TEST(SwitchoverTest, UnderWritesNoFailedWriteNoLossAndBack) {
  const TestCluster& cluster = SharedCluster("it-switch", 3, 16561);
  ASSERT_TRUE(cluster.QueryEndpoint(Writer::kCreateTable).ok());
  absl::StatusOr<PgEndpoint> endpoint = cluster.Endpoint();
  ASSERT_TRUE(endpoint.ok());
  Writer writer(*endpoint, absl::Milliseconds(50));
  writer.Start();
  std::string first;
  ASSERT_TRUE(cluster.WaitHealthy(2, kTimeout, &first));
  ASSERT_TRUE(WritesFlow(writer, absl::Now()));

  // Without --to: the most advanced standby.
  CommandResult switched = Radctl(absl::StrCat("switchover ", cluster.name()));
  ASSERT_EQ(switched.exit_code, 0) << switched.err;
  std::string second;
  ASSERT_TRUE(cluster.WaitHealthy(2, kTimeout, &second));
  EXPECT_NE(second, first);
  EXPECT_THAT(switched.out, HasSubstr(absl::StrCat("switched over: ", second, " is the primary")));
  EXPECT_EQ(cluster.QueryNode(OrdinalOf(first), "SELECT pg_is_in_recovery()").value_or(""), "t");
  EXPECT_THAT(switched.err, ::testing::Not(HasSubstr("Rebuild")));  // rejoined, not rebuilt
  ASSERT_TRUE(WritesFlow(writer, absl::Now()));

  // And back, by name.
  switched = Radctl(absl::StrCat("switchover ", cluster.name(), " --to ", first));
  ASSERT_EQ(switched.exit_code, 0) << switched.err;
  std::string third;
  ASSERT_TRUE(cluster.WaitHealthy(2, kTimeout, &third));
  EXPECT_EQ(third, first);
  ASSERT_TRUE(WritesFlow(writer, absl::Now()));
  writer.Stop();

  EXPECT_EQ(writer.Failed(), 0) << "a switchover must hold clients, not fail them";
  EXPECT_GT(writer.Succeeded(), 20);
  absl::StatusOr<std::vector<std::vector<std::string>>> rows =
      cluster.QueryEndpoint("SELECT count(*) FROM writer_rows");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(std::stoll((*rows)[0][0]), static_cast<int64_t>(writer.AcknowledgedIds().size()));
}

TEST(SwitchoverTest, RefusedForANodeThatIsDown) {
  const TestCluster& cluster = SharedCluster("it-switch", 3, 16561);
  std::string primary;
  ASSERT_TRUE(cluster.WaitHealthy(2, kTimeout, &primary));
  int down = OrdinalOf(primary) == 3 ? 2 : 3;
  ASSERT_EQ(Shell(absl::StrCat("docker stop ", cluster.Node(down))).exit_code, 0);
  CommandResult switched = Radctl(absl::StrCat("switchover ", cluster.name(), " --to ", down));
  EXPECT_EQ(switched.exit_code, 1);
  EXPECT_THAT(switched.err,
              HasSubstr(absl::StrCat("refusing to switch over to ", cluster.Node(down))));
  EXPECT_THAT(switched.err, HasSubstr("Nothing was changed"));
  absl::StatusOr<nlohmann::json> status = cluster.Status();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ((*status)["primary"], primary);
  CommandResult unknown =
      Radctl(absl::StrCat("switchover ", cluster.name(), " --to it-other-pg-1"));
  EXPECT_EQ(unknown.exit_code, 2);
}

TEST(ParametersTest, ReloadableAndRestartParametersRollOut) {
  TestCluster cluster("it-params", 3, 16563);
  ASSERT_EQ(cluster.Apply().exit_code, 0);
  cluster.WriteSpec(
      3, "  postgres:\n    parameters:\n      work_mem: 8MB\n      max_connections: \"150\"\n");
  CommandResult dry = cluster.Apply("--dry-run");
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_THAT(dry.out, HasSubstr("DRY-RUN reconfigure it-params-pg-1"));
  EXPECT_EQ(cluster.QueryNode(1, "SHOW work_mem").value_or(""), "4MB");  // dry run changed nothing

  CommandResult applied = cluster.Apply();
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_TRUE(cluster.WaitHealthy(2, kTimeout));
  for (int ordinal = 1; ordinal <= 3; ++ordinal) {
    EXPECT_EQ(cluster.QueryNode(ordinal, "SHOW work_mem").value_or(""), "8MB") << ordinal;
    EXPECT_EQ(cluster.QueryNode(ordinal, "SHOW max_connections").value_or(""), "150") << ordinal;
  }
  EXPECT_THAT(applied.err, HasSubstr("RestartStandby"));
  EXPECT_THAT(applied.err, HasSubstr("Switchover"));
  CommandResult again = cluster.Apply();
  EXPECT_THAT(again.out, HasSubstr("nothing to do"));
}

}  // namespace
}  // namespace radctl::it
