// Safety rules under faults, on the real engine (issue 8's chaos tests): no acknowledged write
// lost in a double fault with synchronous replication (nor when the spec is edited to
// asynchronous during it), no abandoned history made primary again
// after three faults, a transient rejoin error retried with the data kept, a bad parameter
// rejected before anything changes, clients of a controller that died while holding them
// freed within seconds, and a new cluster never initialised over a data directory.
#include <signal.h>

#include <algorithm>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/harness.h"
#include "tests/integration/watch_support.h"

namespace radctl::it {
namespace {

using ::radctl::testsupport::Writer;
using ::testing::HasSubstr;
using ::testing::Not;

// Stops WAL reaching a standby while it stays up and answers: it falls behind.
void MakeLag(const TestCluster& cluster, int ordinal) {
  ASSERT_TRUE(
      cluster.QueryNode(ordinal, "ALTER SYSTEM SET primary_conninfo = ''", "postgres").ok());
  ASSERT_TRUE(cluster.QueryNode(ordinal, "SELECT pg_reload_conf()", "postgres").ok());
}

// The two standbys of a 3-node cluster whose primary is `primary`.
struct Standbys {
  int lagging = 0;
  int in_sync = 0;
};

// One standby falls behind; once `writer` has had 20 more writes acknowledged, the other holds
// the only copy of each of them.
Standbys MakeOneStandbyLag(const TestCluster& cluster, const std::string& primary,
                           const Writer& writer) {
  Standbys standbys;
  const int p = OrdinalOf(primary);
  standbys.lagging = p == 3 ? 2 : 3;
  standbys.in_sync = 6 - p - standbys.lagging;
  MakeLag(cluster, standbys.lagging);
  EXPECT_TRUE(WritesFlow(writer, absl::Now(), 20));
  return standbys;
}

TEST(SafetyTest, DoubleFaultWithSynchronousReplicationLosesNoAcknowledgedWrite) {
  TestCluster& cluster =
      SharedCluster("it-safety-sync", 3, 16600, "  replication:\n    synchronous: true\n");
  Watcher watcher(cluster);
  std::string primary;
  ASSERT_TRUE(cluster.WaitHealthy(2, kHealTimeout, &primary));
  std::unique_ptr<Writer> writer = StartWriter(cluster);
  ASSERT_TRUE(WritesResume(*writer, absl::InfinitePast()));

  // One standby falls behind; the other then holds the only copy of every new commit.
  const int p = OrdinalOf(primary);
  const auto [lagging, in_sync] = MakeOneStandbyLag(cluster, primary, *writer);
  ASSERT_FALSE(::testing::Test::HasFailure());

  // The primary and the standby that acknowledged its recent commits die together.
  ASSERT_EQ(
      Shell(absl::StrCat("docker kill ", cluster.Node(p), " ", cluster.Node(in_sync))).exit_code,
      0);
  absl::Time killed = absl::Now();
  // radctl waits for a quorum rather than promote the lagging standby, and says so; the
  // containers come back (restarted by the watcher) and writes resume without loss.
  EXPECT_TRUE(WaitFor(
      [&](std::string* observed) {
        *observed = watcher.Log();
        return absl::StrContains(*observed, "WaitingForQuorum") ||
               absl::StrContains(*observed, "StartPrimary");
      },
      kHealTimeout));
  EXPECT_TRUE(WritesResume(*writer, killed));
  EXPECT_TRUE(cluster.WaitHealthy(2, kHealTimeout, &primary));
  EXPECT_NE(primary, cluster.Node(lagging)) << "the lagging standby must not have been promoted";
  writer->Stop();
  EXPECT_TRUE(NoAcknowledgedRowLost(cluster, *writer));
  EXPECT_THAT(watcher.Log(), Not(HasSubstr(absl::StrCat(cluster.Node(lagging), " Failover"))));
}

// The spec edited during an outage, as a person under pressure would: the primary is gone, the
// standby holding its recent commits frozen, and synchronous replication turned off so that the
// lagging standby could be promoted. The quorum is the one the primary committed with: radctl
// keeps waiting, and once the frozen standby is back it is the one promoted, losing nothing.
TEST(SafetyTest, TurningSynchronousOffDuringAnOutageDoesNotLowerTheQuorum) {
  TestCluster& cluster =
      SharedCluster("it-safety-sync", 3, 16600, "  replication:\n    synchronous: true\n");
  Watcher watcher(cluster, 17600);
  std::string primary;
  ASSERT_TRUE(cluster.WaitHealthy(2, kHealTimeout, &primary));
  std::unique_ptr<Writer> writer = StartWriter(cluster);
  ASSERT_TRUE(WritesResume(*writer, absl::InfinitePast()));
  const auto [lagging, in_sync] = MakeOneStandbyLag(cluster, primary, *writer);
  ASSERT_FALSE(::testing::Test::HasFailure());

  // The primary is cut off and killed (restarted by the watcher, it stays out of reach); the
  // standby with the recent commits is frozen.
  const std::string network = cluster.name() + "-net";
  ASSERT_EQ(Shell(absl::StrCat("docker pause ", cluster.Node(in_sync))).exit_code, 0);
  ASSERT_EQ(Shell(absl::StrCat("docker network disconnect ", network, " ", primary)).exit_code, 0);
  ASSERT_EQ(Shell(absl::StrCat("docker kill ", primary)).exit_code, 0);
  absl::Time killed = absl::Now();
  EXPECT_TRUE(WaitFor(
      [&](std::string* observed) {
        *observed = watcher.Log();
        return absl::StrContains(*observed, "WaitingForQuorum");
      },
      kHealTimeout));
  cluster.WriteSpec(3);  // synchronous replication off: the watcher applies the edit
  EXPECT_TRUE(WaitFor(
      [&](std::string* observed) {
        *observed = watcher.Log();
        return absl::StrContains(*observed, "SpecChanged");
      },
      absl::Seconds(30)));
  // Passes with the edited spec and the primary long past its detection time: each could
  // promote the lagging standby if the quorum followed the edit.
  EXPECT_TRUE(watcher.WaitPasses(10, absl::Seconds(60)));
  EXPECT_THAT(watcher.Log(), Not(HasSubstr(absl::StrCat(cluster.Node(lagging), " Failover"))));

  ASSERT_EQ(Shell(absl::StrCat("docker unpause ", cluster.Node(in_sync))).exit_code, 0);
  std::string second;
  EXPECT_TRUE(WaitNewPrimary(cluster, primary, &second));
  EXPECT_EQ(second, cluster.Node(in_sync));
  EXPECT_TRUE(WritesResume(*writer, killed));
  ASSERT_EQ(
      Shell(absl::StrCat("docker network connect --alias ", primary, " ", network, " ", primary))
          .exit_code,
      0);
  EXPECT_TRUE(cluster.WaitHealthy(2, absl::Seconds(120)));
  writer->Stop();
  EXPECT_TRUE(NoAcknowledgedRowLost(cluster, *writer));
}

// What the simulator's model assumes of Postgres (tests/fakes/fake_world.cc, StartPostgres): a
// commit still waiting for its synchronous standbys when the primary stops is never acknowledged
// to its client, not even once standbys have it later. Without a controller watching, with
// both standbys frozen, a commit waits; the primary is stopped under it.
TEST(SafetyTest, ACommitWaitingForSynchronousStandbysWhenThePrimaryStopsIsNeverAcknowledged) {
  TestCluster& cluster =
      SharedCluster("it-safety-sync", 3, 16600, "  replication:\n    synchronous: true\n");
  std::string primary;
  ASSERT_TRUE(cluster.WaitHealthy(2, kHealTimeout, &primary));
  const int p = OrdinalOf(primary);
  const std::string standbys =
      absl::StrCat(cluster.Node(p % 3 + 1), " ", cluster.Node((p + 1) % 3 + 1));
  ASSERT_TRUE(cluster.QueryNode(p, "CREATE TABLE IF NOT EXISTS waited (id int)").ok());
  ASSERT_EQ(Shell("docker pause " + standbys).exit_code, 0);

  CommandResult client;
  std::thread commit([&] {
    client = Shell(absl::StrCat("docker exec ", primary, " psql -X -U postgres -d app -c ",
                                ShellQuote("INSERT INTO waited VALUES (1)")));
  });
  EXPECT_TRUE(
      cluster.WaitNodeQuery(p, "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'",
                            "1", absl::Seconds(30)));
  std::thread stop([&] { Shell("docker stop " + primary); });
  commit.join();
  EXPECT_NE(client.exit_code, 0) << client.out;
  EXPECT_THAT(client.out, Not(HasSubstr("INSERT 0 1"))) << "the client was told it committed";
  EXPECT_THAT(client.err, HasSubstr("canceling the wait for synchronous replication"));

  // Thawed, the standbys receive the row (it was written locally); its client was told it failed.
  EXPECT_EQ(Shell("docker unpause " + standbys).exit_code, 0);
  stop.join();
  Watcher watcher(cluster);
  EXPECT_TRUE(cluster.WaitHealthy(2, kHealTimeout));
}

TEST(SafetyTest, ThreeFaultsNeverMakeAnAbandonedHistoryPrimaryAgain) {
  TestCluster& cluster = SharedCluster("it-safety", 3, 16605);
  Watcher watcher(cluster);
  std::string first;
  ASSERT_TRUE(cluster.WaitHealthy(2, kHealTimeout, &first));
  std::unique_ptr<Writer> writer = StartWriter(cluster);
  ASSERT_TRUE(WritesResume(*writer, absl::InfinitePast()));
  const std::string network = absl::StrCat(cluster.name(), "-net");

  // 1. A standby goes away (frozen: unknown, so neither promoted nor waited for when async).
  const int p1 = OrdinalOf(first);
  const std::string s3 = cluster.Node(p1 == 3 ? 2 : 3);
  ASSERT_EQ(Shell(absl::StrCat("docker pause ", s3)).exit_code, 0);
  // 2. The primary dies cut off from the others: restarted, it cannot rejoin, and stays a
  //    former primary on timeline 1. The other standby is promoted; writes go on there.
  //    Replication is asynchronous: a commit acknowledged in the instant before the cut may not
  //    have reached the standby (the busier the machine, the likelier), which is the loss the
  //    failover announces and not what this test is about. So the writes pause until the
  //    standby has replayed them all, and a second writer starts once another primary serves.
  writer->Stop();
  const int s2 = 6 - p1 - OrdinalOf(s3);
  absl::StatusOr<std::string> written = cluster.QueryNode(p1, "SELECT pg_current_wal_lsn()");
  ASSERT_TRUE(written.ok()) << written.status();
  ASSERT_TRUE(cluster.WaitNodeQuery(
      s2, absl::StrCat("SELECT pg_last_wal_replay_lsn() >= '", *written, "'"), "t", kHealTimeout));
  ASSERT_EQ(Shell(absl::StrCat("docker network disconnect ", network, " ", first)).exit_code, 0);
  absl::Time killed = absl::Now();
  ASSERT_EQ(Shell(absl::StrCat("docker kill ", first)).exit_code, 0);
  std::string second;
  ASSERT_TRUE(WaitNewPrimary(cluster, first, &second));
  std::unique_ptr<Writer> after = StartWriter(cluster);
  ASSERT_TRUE(WritesFlow(*after, killed, 20));
  // 3. The new primary dies too, and the frozen standby comes back, on timeline 1 with repmgr
  //    records that still name the first primary.
  absl::Time second_killed = absl::Now();
  ASSERT_EQ(Shell(absl::StrCat("docker kill ", second)).exit_code, 0);
  ASSERT_EQ(Shell(absl::StrCat("docker unpause ", s3)).exit_code, 0);
  // Neither the first primary (an abandoned history) nor the standby behind is made primary:
  // the second comes back (the watcher restarts its container) and resumes, losing nothing.
  EXPECT_TRUE(WritesResume(*after, second_killed));
  absl::StatusOr<nlohmann::json> status = cluster.Status();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ((*status)["primary"], second) << status->dump();
  ASSERT_EQ(Shell(absl::StrCat("docker network connect --alias ", first, " ", network, " ", first))
                .exit_code,
            0);
  EXPECT_TRUE(cluster.WaitHealthy(2, absl::Seconds(90)));
  after->Stop();
  EXPECT_TRUE(NoAcknowledgedRowLost(cluster, *writer));
  EXPECT_TRUE(NoAcknowledgedRowLost(cluster, *after));
  EXPECT_THAT(watcher.Log(), Not(HasSubstr(absl::StrCat(first, " StartPrimary"))));
  EXPECT_THAT(watcher.Log(), Not(HasSubstr(absl::StrCat(s3, " Failover"))));
}

// The data directories moved aside in a node's volume, a line each.
constexpr char kListMovedAside[] = "'ls -d /var/lib/postgresql/data.radctl-old-* 2>/dev/null'";

TEST(SafetyTest, ATransientRejoinErrorIsRetriedAndTheDataKept) {
  TestCluster& cluster = SharedCluster("it-safety", 3, 16605);
  Watcher watcher(cluster);
  std::string first;
  ASSERT_TRUE(cluster.WaitHealthy(2, kHealTimeout, &first));
  // What an earlier test of the shared cluster may have moved aside.
  const std::string moved_aside_before =
      Shell(absl::StrCat("docker exec ", first, " sh -c ", kListMovedAside)).out;
  ASSERT_EQ(Shell(absl::StrCat("docker kill ", first)).exit_code, 0);
  std::string second;
  ASSERT_TRUE(WaitNewPrimary(cluster, first, &second));
  // The old primary comes back cut off from the others: its rejoin cannot reach the primary.
  Shell(absl::StrCat("docker network disconnect ", cluster.name(), "-net ", first));
  Shell(absl::StrCat("docker start ", first));
  EXPECT_TRUE(WaitFor(
      [&](std::string* observed) {
        *observed = watcher.Log();
        return absl::StrContains(*observed, "RejoinFailed");
      },
      kHealTimeout));
  ASSERT_EQ(Shell(absl::StrCat("docker network connect --alias ", first, " ", cluster.name(),
                               "-net ", first))
                .exit_code,
            0);
  EXPECT_TRUE(cluster.WaitHealthy(2, absl::Seconds(90)));
  // The node streams before repmgr's rejoin command returns, so healthy can come first: wait
  // for the action's own end. Rejoined (rewound) on the second try: not cloned again, nothing
  // moved aside.
  EXPECT_TRUE(WaitFor(
      [&](std::string* observed) {
        *observed = watcher.Log();
        return absl::StrContains(*observed, absl::StrCat(first, " rejoin: done"));
      },
      absl::Seconds(30)));
  EXPECT_THAT(watcher.Log(), HasSubstr("rejoin failed 1 time"));
  EXPECT_THAT(watcher.Log(), Not(HasSubstr("Rebuild")));
  EXPECT_THAT(watcher.Log(), Not(HasSubstr(absl::StrCat(first, " CloneStandby"))));
  EXPECT_EQ(Shell(absl::StrCat("docker exec ", first, " sh -c ", kListMovedAside)).out,
            moved_aside_before)
      << "the rejoin moved a data directory aside";
}

// The black-box run that lost 200 of 200 acknowledged rows, as a user would try it: three nodes,
// synchronous, one standby cut off, 200 rows acknowledged (by the other standby alone), a
// scale-down to two nodes that would remove exactly that standby, then the primary cut off from
// the network while the lagging standby comes back. The standby holding the rows is not removed
// while it may hold the only copy, the lagging one is not promoted without them, and the
// scale-down completes with every row there.
//
// The lagging standby is cut off, not frozen: a `docker pause`d standby's kernel still accepts the
// primary's WAL into its socket buffer, so on thaw it may have the rows after all.
TEST(SafetyTest, AScaleDownUnderSynchronousReplicationKeepsTheOnlyCopyOfAcknowledgedRows) {
  TestCluster cluster("it-syncscale", 3, 16635, "  replication:\n    synchronous: true\n");
  ASSERT_EQ(cluster.Apply().exit_code, 0);
  Watcher watcher(cluster, 17635);
  std::string primary;
  ASSERT_TRUE(cluster.WaitHealthy(2, kHealTimeout, &primary));
  ASSERT_EQ(primary, cluster.Node(1));  // a new cluster's first node: ordinal 3 goes first
  ASSERT_TRUE(cluster.QueryEndpoint("CREATE TABLE acked (id int)").ok());
  const std::string network = cluster.name() + "-net";
  const std::string lagging = cluster.Node(2);
  ASSERT_EQ(Shell(absl::StrCat("docker network disconnect ", network, " ", lagging)).exit_code, 0);
  auto inserted = cluster.QueryEndpoint("INSERT INTO acked SELECT generate_series(1, 200)");
  ASSERT_TRUE(inserted.ok()) << inserted.status();  // acknowledged: pg-3 alone has the rows
  std::remove("/tmp/radctl-it-syncscale-scale.log");
  testsupport::Process scale({"scale", cluster.name(), "--nodes", "2"},
                             "/tmp/radctl-it-syncscale-scale.log");
  EXPECT_TRUE(WaitFor(
      [&](std::string* observed) {
        *observed = watcher.Log();
        return absl::StrContains(*observed,
                                 absl::StrCat("scaling down to 2 nodes: ", cluster.Node(3)));
      },
      kHealTimeout));
  // The standby with the rows has stopped acknowledging and waits to be removed.
  EXPECT_TRUE(WaitFor(
      [&](std::string* observed) {
        *observed = watcher.Log();
        return absl::StrContains(*observed, "it may hold the only copy of commits it acknowledged");
      },
      kHealTimeout));
  ASSERT_EQ(Shell(absl::StrCat("docker network disconnect ", network, " ", primary)).exit_code, 0);
  ASSERT_EQ(
      Shell(absl::StrCat("docker network connect --alias ", lagging, " ", network, " ", lagging))
          .exit_code,
      0);
  // Passes in which the primary is cut off past its detection time and the lagging standby is
  // back: each could promote it without the rows.
  EXPECT_TRUE(watcher.WaitPasses(10, absl::Seconds(60)));
  EXPECT_THAT(watcher.Log(), Not(HasSubstr(absl::StrCat(lagging, " failover: done"))));
  ASSERT_EQ(
      Shell(absl::StrCat("docker network connect --alias ", primary, " ", network, " ", primary))
          .exit_code,
      0);
  EXPECT_TRUE(cluster.WaitHealthy(1, absl::Seconds(120)));
  auto count = cluster.QueryEndpoint("SELECT count(*) FROM acked");
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ((*count)[0][0], "200") << watcher.Log();
  // The scale-down completes: two nodes left (which standby goes depends on who was promoted).
  EXPECT_TRUE(WaitFor(
      [&](std::string* observed) {
        *observed =
            Shell(absl::StrCat("docker ps -a --format '{{.Names}}' --filter name=", cluster.name(),
                               "-pg-"))
                .out;
        return std::count(observed->begin(), observed->end(), '\n') == 2;
      },
      absl::Seconds(60)));
  EXPECT_TRUE(cluster.WaitHealthy(1, absl::Seconds(60)));
  scale.Signal(SIGTERM);
}

// The cluster's state directory on a small tmpfs of its own, which a test can fill: root's writes
// then fail with "No space left on device", as on a full state disk. Unmounted at the end with
// what it holds copied back, so that radctl delete finds the cluster.
class SmallStateDisk {
 public:
  explicit SmallStateDisk(std::string dir) : dir_(std::move(dir)) {
    mounted_ = Shell(absl::StrCat("mkdir -p ", dir_,
                                  " && mount -t tmpfs -o size=2m,mode=0700 "
                                  "radctl-it ",
                                  dir_))
                   .exit_code == 0;
  }
  ~SmallStateDisk() {
    if (!mounted_) return;
    Shell(absl::StrCat("rm -f ", dir_, "/filler; rm -rf ", dir_, ".saved; cp -a ", dir_, " ", dir_,
                       ".saved && umount ", dir_, " && cp -a ", dir_, ".saved/. ", dir_,
                       "/ && rm -rf ", dir_, ".saved"));
  }
  bool mounted() const { return mounted_; }
  void Fill() const {
    Shell(absl::StrCat("dd if=/dev/zero of=", dir_, "/filler bs=16k 2>/dev/null; sync"));
  }
  void Free() const { Shell(absl::StrCat("rm -f ", dir_, "/filler")); }

 private:
  std::string dir_;
  bool mounted_ = false;
};

// A failover whose record cannot be kept (the volume the lease keeps it in is full) never routes
// clients to the new, unrecorded primary: the bouncer stays on the recorded one until the record
// is written, then follows it; no acknowledged write is lost.
TEST(SafetyTest, AFailoverWhoseRecordFailsNeverRoutesClientsToAnUnrecordedPrimary) {
  TestCluster cluster("it-recordfull", 3, 16650, "  replication:\n    synchronous: true\n");
  ASSERT_EQ(cluster.Apply().exit_code, 0);
  // The lease's volume (made by apply) on a small disk, before the watcher's lease mounts it.
  CommandResult volume = Shell(absl::StrCat("docker volume inspect -f '{{.Mountpoint}}' ",
                                            cluster.name(), "-controller-state"));
  ASSERT_EQ(volume.exit_code, 0) << volume.err;
  SmallStateDisk disk(std::string(absl::StripAsciiWhitespace(volume.out)));
  ASSERT_TRUE(disk.mounted()) << "mount -t tmpfs failed (the test needs root)";
  Watcher watcher(cluster);
  std::string first;
  ASSERT_TRUE(cluster.WaitHealthy(2, kHealTimeout, &first));
  std::unique_ptr<Writer> writer = StartWriter(cluster);
  ASSERT_TRUE(WritesResume(*writer, absl::InfinitePast()));
  disk.Fill();
  absl::Time killed = absl::Now();
  ASSERT_EQ(Shell(absl::StrCat("docker kill ", first)).exit_code, 0);
  EXPECT_TRUE(WaitFor(
      [&](std::string* observed) {
        *observed = watcher.Log();
        return absl::StrContains(*observed, "its volume full or read-only");
      },
      kHealTimeout));
  absl::SleepFor(absl::Seconds(3));
  absl::StatusOr<nlohmann::json> status = cluster.Status();
  ASSERT_TRUE(status.ok()) << status.status();
  for (const nlohmann::json& node : (*status)["nodes"]) {
    if (node["role"] == "primary" && node["name"] != first) {
      EXPECT_NE((*status)["bouncer"]["target"], node["name"])
          << "the endpoint serves a primary the cluster's record does not name: " << status->dump();
    }
  }
  disk.Free();
  EXPECT_TRUE(WritesResume(*writer, killed));
  EXPECT_TRUE(cluster.WaitHealthy(2, absl::Seconds(90)));
  writer->Stop();
  EXPECT_TRUE(NoAcknowledgedRowLost(cluster, *writer));
}

// The record lives with the lease: a full state disk does not hold up a failover (the state
// directory's copy only falls behind, and catches up once the disk has room); no acknowledged
// write is lost.
TEST(SafetyTest, AFullStateDiskDoesNotHoldUpAFailover) {
  TestCluster cluster("it-statefull", 3, 16651, "  replication:\n    synchronous: true\n");
  std::string dir = cluster.StateFile("");
  dir.pop_back();
  SmallStateDisk disk(dir);
  ASSERT_TRUE(disk.mounted()) << "mount -t tmpfs failed (the test needs root)";
  ASSERT_EQ(cluster.Apply().exit_code, 0);
  Watcher watcher(cluster);
  std::string first;
  ASSERT_TRUE(cluster.WaitHealthy(2, kHealTimeout, &first));
  std::unique_ptr<Writer> writer = StartWriter(cluster);
  ASSERT_TRUE(WritesResume(*writer, absl::InfinitePast()));
  disk.Fill();
  absl::Time killed = absl::Now();
  ASSERT_EQ(Shell(absl::StrCat("docker kill ", first)).exit_code, 0);
  EXPECT_TRUE(WritesResume(*writer, killed));
  EXPECT_THAT(watcher.Log(), HasSubstr("StateDirectoryBehind"));
  disk.Free();
  EXPECT_TRUE(cluster.WaitHealthy(2, absl::Seconds(90)));
  EXPECT_TRUE(WaitFor(
      [&](std::string* observed) {
        absl::StatusOr<nlohmann::json> status = cluster.Status();
        *observed = status.ok() ? status->dump() : std::string(status.status().message());
        // `status` reads the state directory's copy of the record: caught up.
        return status.ok() && (*status)["primary"] != first &&
               (*status)["primary"] == (*status)["bouncer"]["target"] &&
               !absl::StrContains(*observed, "the cluster's state records");
      },
      kHealTimeout));
  writer->Stop();
  EXPECT_TRUE(NoAcknowledgedRowLost(cluster, *writer));
}

// Safety rule 5 on the real engine: a standby that cannot start is rebuilt and its old data
// directory kept; at spec.replication.maxMovedAside copies the next rebuild waits for a person,
// and `radctl aside --remove` is what lets it go on.
TEST(SafetyTest, ARebuildKeepsTheOldDataAndAtTheBoundWaitsForAPerson) {
  TestCluster cluster("it-aside", 2, 16630, "  replication:\n    maxMovedAside: 1\n");
  ASSERT_EQ(cluster.Apply().exit_code, 0);
  Watcher watcher(cluster);
  std::string primary;
  ASSERT_TRUE(cluster.WaitHealthy(1, kHealTimeout, &primary));
  const int standby = primary == cluster.Node(1) ? 2 : 1;
  // A setting Postgres refuses at start: the standby cannot start again.
  auto make_unstartable = [&] {
    return Shell(absl::StrCat("docker exec -u postgres ", cluster.Node(standby),
                              " sh -c 'cd /var/lib/postgresql && echo \"radctl_bogus = on\" >> "
                              "data/postgresql.auto.conf && pg_ctl -D data stop -m immediate'"))
        .exit_code;
  };
  ASSERT_EQ(make_unstartable(), 0);
  EXPECT_TRUE(WaitFor(
      [&](std::string* observed) {
        *observed = watcher.Log();
        return absl::StrContains(*observed, "MovedAside");
      },
      kHealTimeout));
  EXPECT_TRUE(cluster.WaitHealthy(1, kHealTimeout));
  CommandResult listed = Radctl(absl::StrCat("aside ", cluster.name(), " -o json"));
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  nlohmann::json copies = nlohmann::json::parse(listed.out)["movedAside"];
  ASSERT_EQ(copies.size(), 1u) << listed.out;
  EXPECT_EQ(copies[0]["node"], cluster.Node(standby));
  const std::string first = copies[0]["directory"];
  // What was moved aside is the old directory itself, setting and all.
  EXPECT_EQ(Shell(absl::StrCat("docker exec ", cluster.Node(standby), " grep -q radctl_bogus ",
                               first, "/postgresql.auto.conf"))
                .exit_code,
            0);

  ASSERT_EQ(make_unstartable(), 0);
  EXPECT_TRUE(WaitFor(
      [&](std::string* observed) {
        *observed = watcher.Log();
        return absl::StrContains(*observed, "maxMovedAside: 1");
      },
      kHealTimeout));
  EXPECT_THAT(Radctl(absl::StrCat("status ", cluster.name())).out, HasSubstr("MOVED ASIDE"));
  const std::string dir = first.substr(first.rfind('/') + 1);
  CommandResult removed =
      Radctl(absl::StrCat("aside ", cluster.name(), " ", standby, " --remove ", dir));
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_THAT(removed.err, HasSubstr("MovedAsideRemoved"));
  EXPECT_TRUE(cluster.WaitHealthy(1, kHealTimeout));
  listed = Radctl(absl::StrCat("aside ", cluster.name(), " -o json"));
  copies = nlohmann::json::parse(listed.out)["movedAside"];
  ASSERT_EQ(copies.size(), 1u) << listed.out;
  EXPECT_NE(copies[0]["directory"], first);  // the second rebuild's copy, kept in its turn
}

TEST(SafetyTest, ANewClusterIsNeverInitialisedOverAVolumeMadeOutsideRadctl) {
  TestCluster cluster("it-foreign", 2, /*port=*/0);
  const std::string volume = cluster.Node(2) + "-data";
  // A data directory in a volume of node 2's name, made by hand: it carries no cluster label.
  // Started as node 2 it could follow no primary of this cluster (another database system)
  // and radctl could not log into it: apply waited for it until its deadline.
  CommandResult made =
      Shell(absl::StrCat("docker volume rm -f ", volume, " >/dev/null; docker volume create ",
                         volume, " >/dev/null && docker run --rm -v ", volume,
                         ":/var/lib/postgresql --entrypoint sh radctl/postgres:15 "
                         "-c 'initdb -D data >/dev/null 2>&1 && echo mine > data/precious'"));
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const absl::Time started = absl::Now();
  CommandResult applied = cluster.Apply();
  EXPECT_EQ(applied.exit_code, 1);
  EXPECT_LT(absl::Now() - started, absl::Minutes(1)) << "it ends with what to do, not a deadline";
  EXPECT_THAT(applied.err, HasSubstr(absl::StrCat("volume ", volume,
                                                  " already exists and was not made by radctl")));
  EXPECT_THAT(applied.err, HasSubstr(absl::StrCat("docker volume rm ", volume)));
  EXPECT_THAT(Shell(absl::StrCat("docker ps -a -q --filter name=^", cluster.Node(2), "$")).out,
              ::testing::IsEmpty())
      << "no container was made on it";
  CommandResult kept = Shell(absl::StrCat("docker run --rm -v ", volume,
                                          ":/var/lib/postgresql --entrypoint cat "
                                          "radctl/postgres:15 data/precious"));
  EXPECT_EQ(kept.out, "mine\n") << kept.err;
  // Removed as the message says, the next apply makes node 2 a standby.
  Shell(absl::StrCat("docker volume rm ", volume));
  ASSERT_EQ(cluster.Apply().exit_code, 0);
  EXPECT_TRUE(cluster.WaitHealthy(1, absl::Seconds(60)));
}

TEST(SafetyTest, ABadParameterIsRejectedWithItsFieldAndNothingChanges) {
  TestCluster cluster("it-badparam", 2, 16615,
                      "  postgres:\n    parameters:\n      work_mem: \"10 apples\"\n");
  CommandResult applied = cluster.Apply();
  EXPECT_EQ(applied.exit_code, 2) << applied.err;
  EXPECT_THAT(applied.err, HasSubstr("spec.postgres.parameters.work_mem"));
  EXPECT_THAT(applied.err, HasSubstr("PostgreSQL refuses it"));
  EXPECT_THAT(applied.err, HasSubstr("Nothing was changed"));
  EXPECT_THAT(cluster.LabelledObjects("containers"), ::testing::IsEmpty());
  EXPECT_THAT(cluster.LabelledObjects("volumes"), ::testing::IsEmpty());

  // On a running cluster: a value ending in a backslash (a Windows path) is escaped, not a
  // broken postgresql.conf; a bad value is refused and the nodes keep their configuration.
  cluster.WriteSpec(2, "  postgres:\n    parameters:\n      log_directory: 'C:\\temp\\'\n");
  ASSERT_EQ(cluster.Apply().exit_code, 0);
  EXPECT_EQ(cluster.QueryNode(1, "SHOW log_directory").value_or(""), "C:\\temp\\");
  cluster.WriteSpec(2, "  postgres:\n    parameters:\n      shared_buffers: \"-5\"\n");
  applied = cluster.Apply();
  EXPECT_EQ(applied.exit_code, 2) << applied.err;
  EXPECT_THAT(applied.err, HasSubstr("spec.postgres.parameters.shared_buffers"));
  EXPECT_EQ(cluster.QueryNode(1, "SHOW log_directory").value_or(""), "C:\\temp\\");
}

TEST(SafetyTest, ClientsHeldByAControllerThatDiedGetAnErrorWithinSecondsAndAreResumed) {
  constexpr int kPort = 16620;
  TestCluster cluster("it-held", 2, kPort);
  ASSERT_EQ(cluster.Apply().exit_code, 0);
  Watcher watcher(cluster);
  ASSERT_TRUE(cluster.WaitHealthy(1, kHealTimeout));
  ASSERT_TRUE(cluster.QueryEndpoint("SELECT 1").ok());  // the app's pool has been used
  // The controller holds clients (as in a failover) and dies before releasing them.
  absl::StatusOr<std::unique_ptr<PgConnection>> console = cluster.BouncerConsole();
  ASSERT_TRUE(console.ok()) << console.status();
  ASSERT_TRUE((*console)->Execute("PAUSE app", absl::Seconds(5)).ok());
  watcher.process().Signal(SIGKILL);
  // A client arriving now is held (at login or at its first query) and then failed by
  // PgBouncer's own bound (query_wait_timeout, 10 s), not left waiting for the 60 s it allows.
  absl::StatusOr<PgEndpoint> endpoint = cluster.Endpoint();
  ASSERT_TRUE(endpoint.ok());
  absl::Time start = absl::Now();
  absl::Status held;
  absl::StatusOr<std::unique_ptr<PgConnection>> client =
      PgConnection::Connect(RealClock(), *endpoint, absl::Seconds(60));
  held = client.ok() ? (*client)->Query("SELECT 1", absl::Seconds(60)).status() : client.status();
  absl::Duration waited = absl::Now() - start;
  EXPECT_FALSE(held.ok()) << "a held client must get an error, not be served by a paused bouncer";
  EXPECT_THAT(std::string(held.message()), HasSubstr("query_wait_timeout")) << "after " << waited;
  // A controller started again resumes the bouncer: clients are served.
  watcher.Start();
  EXPECT_TRUE(WaitFor(
      [&](std::string* observed) {
        absl::StatusOr<std::vector<std::vector<std::string>>> rows =
            cluster.QueryEndpoint("SELECT 1");
        *observed = rows.ok() ? "ok" : std::string(rows.status().message());
        return rows.ok();
      },
      kHealTimeout));
}

// A controller started from a copy of the state directory (the directory's lock cannot see a
// copy) acts on nothing while the first holds the cluster's lease on the engine, and says who
// holds it; killed, the first lets go at once (the engine ends its lease with its connection),
// and the second then acts. The first, started again, takes the record the second wrote from
// the lease's volume on the engine (primary_record.h). Here the first would heal the cluster with
// its older record too; the simulator's seeds (48977 and ten others in
// tests/sim/regression_seeds.txt) show where an older record loses acknowledged commits, and
// they assume what this test shows on the real engine: the record travels with the lease.
TEST(SafetyTest, AControllerFromACopyOfTheStateDirectoryActsOnlyOnceTheFirstHasEnded) {
  TestCluster cluster("it-lease", 2, 16660);
  ASSERT_EQ(cluster.Apply().exit_code, 0);
  Watcher first(cluster);
  ASSERT_TRUE(cluster.WaitHealthy(1, kHealTimeout));
  auto started_again = [&](const std::string& log) {
    return absl::StrContains(log, absl::StrCat(cluster.Node(2), " start-container: done"));
  };
  // The first acts once, alone: it holds the lease from then on.
  ASSERT_EQ(Shell(absl::StrCat("docker kill ", cluster.Node(2))).exit_code, 0);
  ASSERT_TRUE(WaitFor([&](std::string*) { return started_again(first.Log()); }, kHealTimeout));
  ASSERT_TRUE(cluster.WaitHealthy(1, kHealTimeout));

  const std::string copy = "/tmp/radctl-it-lease-copy";
  std::string cluster_dir = cluster.StateFile("");
  cluster_dir.pop_back();  // the trailing "/"
  ASSERT_EQ(Shell(absl::StrCat("rm -rf ", copy, " && mkdir -p ", copy, " && cp -a ", cluster_dir,
                               " ", copy, "/"))
                .exit_code,
            0);
  std::remove("/tmp/radctl-it-lease-second.log");
  testsupport::Process second(
      {"apply", "-f", cluster.spec_path(), "--watch", "--http", "off", "--state-dir", copy},
      "/tmp/radctl-it-lease-second.log");
  ASSERT_EQ(Shell(absl::StrCat("docker kill ", cluster.Node(2))).exit_code, 0);
  EXPECT_TRUE(WaitFor(
      [&](std::string* observed) {
        *observed = second.Log();
        return absl::StrContains(*observed, "another controller acts on cluster it-lease");
      },
      kHealTimeout));
  EXPECT_THAT(second.Log(), HasSubstr("lease-holder=pid "));
  ASSERT_TRUE(cluster.WaitHealthy(1, kHealTimeout));
  EXPECT_FALSE(started_again(second.Log())) << second.Log();

  // Alone now, the second fails over: a record only its copy of the state directory and the
  // lease's volume on the engine hold.
  first.process().Signal(SIGKILL);
  ASSERT_EQ(Shell(absl::StrCat("docker kill ", cluster.Node(1))).exit_code, 0);
  std::string new_primary;
  ASSERT_TRUE(WaitNewPrimary(cluster, cluster.Node(1), &new_primary)) << second.Log();
  ASSERT_TRUE(cluster
                  .QueryEndpoint("CREATE TABLE after_failover (v text); "
                                 "INSERT INTO after_failover VALUES ('kept')")
                  .ok());
  EXPECT_EQ(second.Signal(SIGTERM), 0);

  // The first, started again on its own (older) state directory, takes the record the lease
  // kept, and the cluster heals around the second's primary with the row written through it.
  first.Start();
  EXPECT_TRUE(WaitFor(
      [&](std::string* observed) {
        *observed = first.Log();
        return absl::StrContains(*observed, "RecordAdopted");
      },
      kHealTimeout));
  EXPECT_TRUE(cluster.WaitHealthy(1, kHealTimeout)) << first.Log();
  absl::StatusOr<std::vector<std::vector<std::string>>> rows =
      cluster.QueryEndpoint("SELECT v FROM after_failover");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(rows->size(), 1u);
  CommandResult status = Radctl(absl::StrCat("status ", cluster.name()));
  EXPECT_THAT(status.out, HasSubstr(new_primary)) << status.out;
}

// A controller SIGKILLed between creating its lease container and starting it leaves the lease
// created, never started: the next controller and `radctl delete` wait until it is older than
// a live creator could take to start it (15 s), remove it and go on. They gave up after 3 s,
// "held by another process" (seen in CI: a test's watcher killed while it took the lease).
TEST(SafetyTest, ALeaseLeftCreatedByAKilledControllerHoldsUpNeitherTheNextNorADelete) {
  TestCluster cluster("it-halflease", 1, /*port=*/0);
  ASSERT_EQ(cluster.Apply().exit_code, 0);
  const std::string lease = cluster.name() + "-controller-lease";
  // Once the lease the last command released is gone (the engine removes it a moment later).
  auto leave_half_made = [&] {
    return WaitFor(
        [&](std::string* observed) {
          CommandResult made =
              Shell(absl::StrCat("docker create --name ", lease,
                                 " --network none --label io.radctl.lease=", cluster.name(),
                                 " --label 'io.radctl.lease-holder=pid 4711 on elsewhere' ",
                                 "--entrypoint true radctl/postgres:15"));
          *observed = made.err;
          return made.exit_code == 0;
        },
        absl::Seconds(10));
  };
  ASSERT_TRUE(leave_half_made());
  absl::Time started = absl::Now();
  cluster.WriteSpec(2);  // something to do: apply takes the lease
  CommandResult applied = cluster.Apply();
  EXPECT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_LT(absl::Now() - started, absl::Seconds(40));
  ASSERT_TRUE(leave_half_made());
  started = absl::Now();
  CommandResult deleted = Radctl(absl::StrCat("delete ", cluster.name()));
  EXPECT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_LT(absl::Now() - started, absl::Seconds(40));
  EXPECT_THAT(cluster.LabelledObjects("containers"), ::testing::IsEmpty());
  EXPECT_EQ(Shell(absl::StrCat("docker inspect ", lease, " >/dev/null 2>&1")).exit_code, 1);
}

}  // namespace
}  // namespace radctl::it
