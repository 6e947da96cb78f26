// Watch mode on the real engine: with `radctl apply --watch` running, the cluster heals itself
// and the endpoint keeps reaching a writable primary. Faults are injected the way they happen:
// docker kill, Postgres killed in its container, network cut, whole-cluster restart, the
// controller itself killed.
#include <signal.h>

#include <algorithm>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/harness.h"
#include "tests/integration/watch_support.h"
#include "tests/support/process.h"
#include "tests/support/writer.h"

namespace radctl::it {
namespace {

using ::radctl::testsupport::Process;
using ::radctl::testsupport::Writer;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(WatchTest, KilledPrimaryFailsOverUnderWritesRejoinsAndFailsOverAgain) {
  const TestCluster& cluster =
      SharedCluster("it-watch-sync", 3, 16550, "  replication:\n    synchronous: true\n");
  Watcher watcher(cluster);
  std::string first;
  ASSERT_TRUE(cluster.WaitHealthy(2, kHealTimeout, &first));
  std::unique_ptr<Writer> writer = StartWriter(cluster);
  ASSERT_TRUE(WritesResume(*writer, absl::InfinitePast()));

  for (int round = 1; round <= 2; ++round) {
    SCOPED_TRACE(absl::StrCat("failover round ", round));
    std::string old_primary;
    ASSERT_TRUE(cluster.WaitHealthy(2, kHealTimeout, &old_primary));
    absl::Time killed = absl::Now();
    ASSERT_EQ(Shell(absl::StrCat("docker kill ", old_primary)).exit_code, 0);

    // Writes succeed again, on another node, which the bouncer points to.
    EXPECT_TRUE(WritesResume(*writer, killed));
    std::string new_primary;
    ASSERT_TRUE(WaitNewPrimary(cluster, old_primary, &new_primary));

    // The killed container comes back (the watcher restarts it; starting it by hand is the
    // same) as a streaming standby of the new primary, never as a second primary.
    Shell(absl::StrCat("docker start ", old_primary));
    EXPECT_TRUE(cluster.WaitHealthy(2, kHealTimeout));
    absl::StatusOr<std::string> recovery =
        cluster.QueryNode(OrdinalOf(old_primary), "SELECT pg_is_in_recovery()");
    EXPECT_EQ(recovery.value_or(""), "t") << "the old primary must be a standby now";
  }
  writer->Stop();
  // Synchronous replication: no acknowledged write is lost across two failovers.
  EXPECT_TRUE(NoAcknowledgedRowLost(cluster, *writer));
  EXPECT_GT(writer->Succeeded(), 20);

  // Every decision was an event with its reason.
  EXPECT_THAT(watcher.Log(), HasSubstr("has the highest received LSN"));
  // Why: the kill, as Docker's `kill` event tells it, or (when the loop looked only once the
  // engine had cleaned up) the exit code it reports.
  EXPECT_THAT(watcher.Log(),
              ContainsRegex("container (was killed \\(SIGKILL\\)|died \\(exit code 137\\))"));
  // SIGTERM stops the watcher cleanly.
  EXPECT_EQ(watcher.process().Signal(SIGTERM), 0);
}

TEST(WatchTest, FrozenPrimaryIsReplacedThreeTimesInARowWithoutLoss) {
  const TestCluster& cluster =
      SharedCluster("it-watch-sync", 3, 16550, "  replication:\n    synchronous: true\n");
  Watcher watcher(cluster);
  ASSERT_TRUE(cluster.WaitHealthy(2, kHealTimeout));
  std::unique_ptr<Writer> writer = StartWriter(cluster);
  ASSERT_TRUE(WritesResume(*writer, absl::InfinitePast()));
  for (int round = 1; round <= 3; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    std::string old_primary;
    ASSERT_TRUE(cluster.WaitHealthy(2, kHealTimeout, &old_primary));
    ASSERT_TRUE(WritesResume(*writer, absl::Now()));  // writes flow on the healed cluster
    absl::Time frozen = absl::Now();
    // Postgres stops answering (the whole container is frozen), it does not die.
    ASSERT_EQ(Shell(absl::StrCat("docker pause ", old_primary)).exit_code, 0);
    EXPECT_TRUE(WritesResume(*writer, frozen));
    std::string new_primary;
    ASSERT_TRUE(WaitNewPrimary(cluster, old_primary, &new_primary));
    // Fenced (killed: it could not be stopped from inside), restarted, rewound: a standby.
    EXPECT_TRUE(cluster.WaitHealthy(2, kHealTimeout));
  }
  writer->Stop();
  EXPECT_TRUE(NoAcknowledgedRowLost(cluster, *writer));
}

TEST(WatchTest, PrimaryFreezingWhileAStandbyIsClonedStillFailsOverAtOnce) {
  TestCluster cluster("it-busy", 2, 16559);
  ASSERT_EQ(cluster.Apply().exit_code, 0);
  std::string primary;
  ASSERT_TRUE(cluster.WaitHealthy(1, kHealTimeout, &primary));
  // ~100 MB, so that cloning a new standby takes a second or two.
  ASSERT_TRUE(cluster
                  .QueryNode(OrdinalOf(primary),
                             "CREATE TABLE big AS SELECT g, repeat('x', 1000) AS pad "
                             "FROM generate_series(1, 100000) g")
                  .ok());
  Watcher watcher(cluster);
  std::unique_ptr<Writer> writer = StartWriter(cluster);
  ASSERT_TRUE(WritesResume(*writer, absl::InfinitePast()));

  cluster.WriteSpec(3);  // the watcher picks the edit up and clones it-busy-pg-3
  ASSERT_TRUE(WaitFor(
      [&](std::string* observed) {
        *observed = watcher.Log();
        return absl::StrContains(watcher.Log(), "CloneStandby");
      },
      kHealTimeout));
  // The clone's source freezes mid-copy: the copy hangs, but the loop does not wait for it.
  absl::Time frozen = absl::Now();
  ASSERT_EQ(Shell(absl::StrCat("docker pause ", primary)).exit_code, 0);
  EXPECT_TRUE(WaitFor(
      [&](std::string* observed) {
        *observed = watcher.Log();
        return absl::StrContains(watcher.Log(), " Failover ");
      },
      absl::Seconds(10)));
  EXPECT_TRUE(WritesResume(*writer, frozen));
  EXPECT_LT(writer->LongestGap(frozen, absl::Now()), absl::Seconds(5));
  // In the end: three nodes, the new one cloned from the new primary.
  EXPECT_TRUE(cluster.WaitHealthy(2, absl::Seconds(120)));
  writer->Stop();
  // The premise held: the freeze came while the first clone was copying, not after it.
  const std::string log = watcher.Log();
  EXPECT_LT(log.find(" Failover "), log.find("clone-standby: done")) << log;
}

TEST(WatchTest, PostgresKilledInsideThePrimaryContainerIsRestartedWithoutLoss) {
  const TestCluster& cluster =
      SharedCluster("it-watch-sync", 3, 16550, "  replication:\n    synchronous: true\n");
  Watcher watcher(cluster);
  std::string primary;
  ASSERT_TRUE(cluster.WaitHealthy(2, kHealTimeout, &primary));
  std::unique_ptr<Writer> writer = StartWriter(cluster);
  ASSERT_TRUE(WritesResume(*writer, absl::InfinitePast()));

  absl::Time killed = absl::Now();
  // The postmaster, SIGKILLed: the container stays up.
  ASSERT_EQ(
      Shell(absl::StrCat("docker exec ", primary,
                         " sh -c 'kill -9 $(head -n 1 /var/lib/postgresql/data/postmaster.pid)'"))
          .exit_code,
      0);
  EXPECT_TRUE(WritesResume(*writer, killed));
  EXPECT_TRUE(cluster.WaitHealthy(2, kHealTimeout));
  writer->Stop();
  EXPECT_TRUE(NoAcknowledgedRowLost(cluster, *writer));
}

TEST(WatchTest, StandbyDeathLeavesTheEndpointAloneAndTheStandbyReturns) {
  const TestCluster& cluster = SharedCluster("it-watch", 3, 16552);
  Watcher watcher(cluster);
  std::string primary;
  ASSERT_TRUE(cluster.WaitHealthy(2, kHealTimeout, &primary));
  std::unique_ptr<Writer> writer = StartWriter(cluster);
  ASSERT_TRUE(WritesResume(*writer, absl::InfinitePast()));
  int standby = OrdinalOf(primary) == 3 ? 2 : 3;

  absl::Time killed = absl::Now();
  ASSERT_EQ(Shell(absl::StrCat("docker kill ", cluster.Node(standby))).exit_code, 0);
  EXPECT_TRUE(cluster.WaitHealthy(2, kHealTimeout));
  writer->Stop();
  EXPECT_EQ(writer->Failed(killed), 0) << "a standby's death must not fail clients";
  std::string now_primary;
  std::string observed;
  ASSERT_TRUE(cluster.Healthy(2, &observed, &now_primary)) << observed;
  EXPECT_EQ(now_primary, primary);
}

TEST(WatchTest, PrimaryCutOffFromTheNetworkIsReplacedAndRejoinsWhenBack) {
  const TestCluster& cluster = SharedCluster("it-watch", 3, 16552);
  Watcher watcher(cluster);
  std::string old_primary;
  ASSERT_TRUE(cluster.WaitHealthy(2, kHealTimeout, &old_primary));
  std::unique_ptr<Writer> writer = StartWriter(cluster);
  ASSERT_TRUE(WritesResume(*writer, absl::InfinitePast()));
  // A client connected through the endpoint that sits idle through the cut.
  absl::StatusOr<std::unique_ptr<PgConnection>> idle = cluster.ConnectEndpoint();
  ASSERT_TRUE(idle.ok()) << idle.status();
  ASSERT_TRUE((*idle)->Execute("SELECT 1", absl::Seconds(10)).ok());

  absl::Time cut = absl::Now();
  ASSERT_EQ(Shell(absl::StrCat("docker network disconnect ", cluster.name(), "-net ", old_primary))
                .exit_code,
            0);
  EXPECT_TRUE(WritesResume(*writer, cut));
  std::string new_primary;
  ASSERT_TRUE(WaitNewPrimary(cluster, old_primary, &new_primary));
  // The writer's statement hung on the cut-off primary, so the hold's PAUSE could not complete:
  // the hung server connections were closed under PgBouncer, not every client dropped (KILL).
  // The idle client is still connected and now reaches the new primary.
  absl::StatusOr<PgRows> served = (*idle)->Query("SELECT pg_is_in_recovery()", absl::Seconds(10));
  ASSERT_TRUE(served.ok()) << "the idle client was dropped: " << served.status();
  EXPECT_EQ((*served)[0][0].value_or(""), "f");
  EXPECT_THAT(watcher.Log(), Not(HasSubstr("BouncerKill")));
  // The cut-off primary was fenced: it does not accept writes even from inside its container.
  absl::StatusOr<std::string> inside =
      cluster.QueryNode(OrdinalOf(old_primary), "SELECT pg_is_in_recovery()");
  EXPECT_TRUE(!inside.ok() || *inside == "t") << "old primary still writable: " << *inside;

  ASSERT_EQ(Shell(absl::StrCat("docker network connect ", cluster.name(), "-net ", old_primary))
                .exit_code,
            0);
  EXPECT_TRUE(cluster.WaitHealthy(2, kHealTimeout));
  writer->Stop();
  EXPECT_THAT(watcher.Log(), HasSubstr("has not answered for"));
}

TEST(WatchTest, SecondWritablePrimaryIsFencedAndRejoined) {
  const TestCluster& cluster = SharedCluster("it-watch", 3, 16552);
  Watcher watcher(cluster);
  std::string primary;
  ASSERT_TRUE(cluster.WaitHealthy(2, kHealTimeout, &primary));
  std::unique_ptr<Writer> writer = StartWriter(cluster);
  ASSERT_TRUE(WritesResume(*writer, absl::InfinitePast()));
  int rogue = OrdinalOf(primary) == 2 ? 3 : 2;

  // Someone promotes a standby by hand: two writable primaries.
  absl::Time split = absl::Now();
  ASSERT_EQ(cluster.QueryNode(rogue, "SELECT pg_promote()", "postgres").value_or(""), "t");
  // The one the bouncer does not point to is fenced, rewound and streams again; clients never
  // noticed.
  EXPECT_TRUE(WaitFor(
      [&](std::string* observed) {
        *observed = watcher.Log();
        return absl::StrContains(watcher.Log(), "2 writable primaries");
      },
      kHealTimeout));
  std::string after;
  EXPECT_TRUE(cluster.WaitHealthy(2, kHealTimeout, &after));
  EXPECT_EQ(after, primary);
  EXPECT_EQ(cluster.QueryNode(rogue, "SELECT pg_is_in_recovery()").value_or(""), "t");
  writer->Stop();
  EXPECT_EQ(writer->Failed(split), 0);
  EXPECT_TRUE(NoAcknowledgedRowLost(cluster, *writer));
}

TEST(WatchTest, ControllerKilledMidFailoverConvergesWhenRestarted) {
  const TestCluster& cluster = SharedCluster("it-watch", 3, 16552);
  Watcher watcher(cluster);
  std::string old_primary;
  ASSERT_TRUE(cluster.WaitHealthy(2, kHealTimeout, &old_primary));
  std::unique_ptr<Writer> writer = StartWriter(cluster);

  ASSERT_EQ(Shell(absl::StrCat("docker kill ", old_primary)).exit_code, 0);
  // SIGKILL the controller as soon as it has decided to fail over.
  ASSERT_TRUE(WaitFor(
      [&](std::string* observed) {
        *observed = "no Failover event yet";
        return absl::StrContains(watcher.Log(), "Failover");
      },
      absl::Seconds(30)));
  watcher.process().Signal(SIGKILL);

  // Started again, it converges without manual repair.
  watcher.Start();
  EXPECT_TRUE(cluster.WaitHealthy(2, kHealTimeout));
  absl::Time healed = absl::Now();
  EXPECT_TRUE(WritesResume(*writer, healed));
  writer->Stop();
}

TEST(WatchTest, SecondControllerOnTheSameClusterIsRefused) {
  TestCluster cluster("it-twice", 1, 16555);
  ASSERT_EQ(cluster.Apply().exit_code, 0);
  Watcher watcher(cluster);
  ASSERT_TRUE(cluster.WaitHealthy(0, kHealTimeout));
  CommandResult second = cluster.Apply();
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_THAT(second.err, HasSubstr("already managed by another radctl"));
  EXPECT_THAT(second.err, HasSubstr(absl::StrCat("pid ", watcher.process().pid())));
  EXPECT_THAT(second.err, HasSubstr("radctl apply --watch"));
}

TEST(WatchTest, WholeClusterRestartKeepsThePrimaryAndTheData) {
  const TestCluster& cluster = SharedCluster("it-watch", 3, 16552);
  Watcher watcher(cluster);
  std::string primary;
  ASSERT_TRUE(cluster.WaitHealthy(2, kHealTimeout, &primary));
  ASSERT_TRUE(
      cluster.QueryEndpoint("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('before')").ok());

  // docker stop of several containers stops them at once (docker restart takes them one after
  // the other: a rolling restart, where each primary is switched over before it stops). The
  // watcher re-creates the stopped bouncer itself.
  const std::string nodes =
      absl::StrCat(cluster.Node(1), " ", cluster.Node(2), " ", cluster.Node(3));
  ASSERT_EQ(Shell(absl::StrCat("docker stop ", nodes, " ", cluster.name(), "-bouncer && ",
                               "docker start ", nodes))
                .exit_code,
            0);
  std::string after;
  ASSERT_TRUE(cluster.WaitHealthy(2, kHealTimeout, &after));
  EXPECT_EQ(after, primary);
  absl::StatusOr<std::vector<std::vector<std::string>>> rows =
      cluster.QueryEndpoint("SELECT v FROM kept");
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0][0], "before");
}

}  // namespace
}  // namespace radctl::it
