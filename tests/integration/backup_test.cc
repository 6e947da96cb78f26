// Backups and point-in-time recovery on the real engine (pgBackRest in the radctl/postgres
// image), checked as a user would: rows written, a backup taken by the watcher's schedule, more
// rows, a noted time, a failover, more rows, the table dropped; then a new cluster recovered to
// the noted time has exactly the rows written before it, and one recovered to the end of the
// archive has every acknowledged row (of another table) and no dropped table. Each restored
// cluster is a working HA cluster: a write through its endpoint reaches its standby.
#include <cstdio>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/harness.h"
#include "tests/integration/watch_support.h"

namespace radctl::it {
namespace {

using ::testing::HasSubstr;

constexpr absl::Duration kTimeout = absl::Seconds(120);
constexpr char kSource[] = "bk-restore-src";

std::string Scalar(const TestCluster& cluster, const std::string& sql) {
  absl::StatusOr<std::vector<std::vector<std::string>>> rows = cluster.QueryEndpoint(sql);
  if (!rows.ok()) return absl::StrCat("error: ", rows.status().message());
  if (rows->empty() || rows->front().empty()) return "no rows";
  return rows->front().front();
}

// Rows id from..to into both tables, through the endpoint, acknowledged.
void Insert(const TestCluster& cluster, int from, int to, const std::string& phase) {
  ASSERT_TRUE(
      cluster
          .QueryEndpoint(absl::StrCat(
              "INSERT INTO t SELECT g, '", phase, "' FROM generate_series(", from, ",", to,
              ") g; INSERT INTO ledger SELECT g FROM generate_series(", from, ",", to, ") g"))
          .ok());
}

// The ContinuousArchiving condition as `radctl status -o json` reports it: "True/Reason".
std::string Archiving(const std::string& cluster, std::string* observed) {
  CommandResult status = Radctl(absl::StrCat("status ", cluster, " -o json"));
  nlohmann::json json = nlohmann::json::parse(status.out, nullptr, false);
  *observed = status.out + status.err;
  if (json.is_discarded()) return "";
  for (const nlohmann::json& condition : json["conditions"]) {
    if (condition["type"] == "ContinuousArchiving") {
      *observed = condition.dump();
      return absl::StrCat(condition["status"].get<std::string>(), "/",
                          condition["reason"].get<std::string>());
    }
  }
  return "";
}

// A write and a WAL switch on the primary: the archiver has a segment to push at once.
void SwitchWal(const TestCluster& cluster, const std::string& primary) {
  ASSERT_TRUE(cluster
                  .QueryNode(OrdinalOf(primary),
                             "CREATE TABLE IF NOT EXISTS noise (v int); INSERT INTO noise "
                             "VALUES (1); SELECT pg_switch_wal()")
                  .ok());
}

// The backups `radctl backups -o json` lists; empty when it fails.
nlohmann::json ListBackups(const std::string& cluster, std::string* observed) {
  CommandResult listed = Radctl(absl::StrCat("backups ", cluster, " -o json"));
  *observed = listed.out + listed.err;
  nlohmann::json json = nlohmann::json::parse(listed.out, nullptr, false);
  if (listed.exit_code != 0 || json.is_discarded()) return nlohmann::json::array();
  return json["backups"];
}

// The restored cluster answers through its endpoint and a write there reaches its standby.
void ExpectWorkingCluster(const TestCluster& cluster, int nodes) {
  std::string primary;
  ASSERT_TRUE(cluster.WaitHealthy(nodes - 1, kTimeout, &primary));
  ASSERT_TRUE(cluster
                  .QueryEndpoint("CREATE TABLE after_restore (v int); "
                                 "INSERT INTO after_restore VALUES (7)")
                  .ok());
  for (int ordinal = 1; ordinal <= nodes; ++ordinal) {
    if (cluster.Node(ordinal) == primary) continue;
    EXPECT_TRUE(
        cluster.WaitNodeQuery(ordinal, "SELECT sum(v) FROM after_restore", "7", absl::Seconds(30)));
  }
}

TEST(BackupTest, PointInTimeRecoveryAcrossAFailoverIntoNewClusters) {
  TestCluster source(kSource, 2, 16701,
                     "  profile: small\n  backup:\n    enabled: true\n    schedule: \"1h\"\n");
  CommandResult applied = source.Apply();
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  ASSERT_TRUE(source.WaitHealthy(1, kTimeout));
  ASSERT_TRUE(source
                  .QueryEndpoint("CREATE TABLE t (id int PRIMARY KEY, phase text); "
                                 "CREATE TABLE ledger (id int PRIMARY KEY)")
                  .ok());
  Insert(source, 1, 10, "before-backup");

  std::string target;
  {
    // The watcher takes the first backup at once (a cluster without one cannot be recovered),
    // and fails over when the primary is killed.
    Watcher watcher(source);
    nlohmann::json backups;
    ASSERT_TRUE(WaitFor(
        [&](std::string* seen) {
          backups = ListBackups(kSource, seen);
          return backups.size() == 1;
        },
        kTimeout));
    // pgBackRest records a backup's end in whole seconds: a target is only sure to be past it
    // from the next second on (a target before is refused, as the last check shows).
    const std::string stop = backups[0]["stop"];
    ASSERT_TRUE(WaitFor(
        [&](std::string* seen) {
          *seen = Scalar(source, absl::StrCat("SELECT clock_timestamp() > timestamptz '", stop,
                                              "' + interval '1 second'"));
          return *seen == "t";
        },
        absl::Seconds(5)));
    Insert(source, 11, 20, "before-target");
    // The noted time: after rows 1..20 were acknowledged, before anything later was written.
    target = Scalar(source,
                    "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', "
                    "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
    ASSERT_THAT(target, HasSubstr("T"));

    std::string old_primary = source.Node(1);
    CommandResult killed = Shell(absl::StrCat("docker kill ", old_primary));
    ASSERT_EQ(killed.exit_code, 0) << killed.err;
    std::string new_primary;
    ASSERT_TRUE(WaitNewPrimary(source, old_primary, &new_primary));
    Insert(source, 21, 30, "after-target");
    ASSERT_TRUE(source.WaitHealthy(1, kTimeout)) << "the old primary rejoins";

    // A backup on demand, on the new primary, on the new timeline.
    CommandResult backup = Radctl(absl::StrCat("backup ", kSource, " --type incr"));
    ASSERT_EQ(backup.exit_code, 0) << backup.err;
    EXPECT_THAT(backup.out, HasSubstr("incr backup"));
    EXPECT_THAT(backup.out, HasSubstr(" in "));
    ASSERT_TRUE(source.QueryEndpoint("DROP TABLE t").ok());

    // A repository that refuses WAL: the status says so, Postgres keeps the WAL, and archiving
    // catches up once the repository accepts it again.
    ASSERT_EQ(Shell(absl::StrCat("docker exec -u root ", new_primary,
                                 " chmod 0 /var/lib/pgbackrest/archive"))
                  .exit_code,
              0);
    SwitchWal(source, new_primary);
    EXPECT_TRUE(WaitFor(
        [&](std::string* seen) { return Archiving(kSource, seen) == "False/ArchiveFailing"; },
        absl::Seconds(30)));
    // The watcher says so too while it lasts (it observes a steady cluster in full every 2 s).
    EXPECT_TRUE(WaitFor(
        [&](std::string* seen) {
          *seen = Radctl(absl::StrCat("events ", kSource)).out;
          return absl::StrContains(*seen, "ArchiveFailing");
        },
        absl::Seconds(30)));
    ASSERT_EQ(Shell(absl::StrCat("docker exec -u root ", new_primary,
                                 " chmod 750 /var/lib/pgbackrest/archive"))
                  .exit_code,
              0);
    SwitchWal(source, new_primary);
    EXPECT_TRUE(
        WaitFor([&](std::string* seen) { return Archiving(kSource, seen) == "True/Archiving"; },
                absl::Seconds(30)));
  }
  CommandResult events = Radctl(absl::StrCat("events ", kSource));
  EXPECT_THAT(events.out, HasSubstr("BackupDone"));
  CommandResult status = Radctl(absl::StrCat("status ", kSource, " -o json"));
  EXPECT_THAT(status.out, HasSubstr("ContinuousArchiving"));

  {
    SCOPED_TRACE("recovery to the noted time");
    TestCluster pit("bk-restore-pit", 2, 16702,
                    absl::StrCat("  profile: small\n  bootstrap:\n    recovery:\n"
                                 "      fromCluster: ",
                                 kSource, "\n      targetTime: \"", target, "\"\n"));
    CommandResult restored = pit.Apply();
    ASSERT_EQ(restored.exit_code, 0) << restored.err;
    EXPECT_EQ(Scalar(pit, "SELECT count(*) || ' ' || min(id) || ' ' || max(id) FROM t"), "20 1 20");
    EXPECT_EQ(Scalar(pit, "SELECT count(*) FROM t WHERE phase = 'after-target'"), "0");
    EXPECT_EQ(Scalar(pit, "SELECT count(*) FROM ledger"), "20");
    ExpectWorkingCluster(pit, 2);
  }
  {
    SCOPED_TRACE("recovery to the end of the archive, with radctl restore");
    TestCluster latest("bk-restore-latest", 1, 16703);
    const std::string spec_file = "/tmp/radctl-it-bk-restore-latest-restore.yaml";
    std::remove(spec_file.c_str());
    CommandResult restored =
        Radctl(absl::StrCat("restore bk-restore-latest --from ", kSource,
                            " --latest --nodes 1 --bouncer-port 16703 --spec-file ", spec_file));
    std::remove(spec_file.c_str());
    ASSERT_EQ(restored.exit_code, 0) << restored.err;
    EXPECT_EQ(Scalar(latest, "SELECT count(*) || ' ' || max(id) FROM ledger"), "30 30");
    EXPECT_THAT(Scalar(latest, "SELECT count(*) FROM t"), HasSubstr("does not exist"));
    ExpectWorkingCluster(latest, 1);
  }
  {
    SCOPED_TRACE("a target before the first backup");
    TestCluster early("bk-restore-early", 1, 16704,
                      absl::StrCat("  bootstrap:\n    recovery:\n      fromCluster: ", kSource,
                                   "\n      targetTime: \"2020-01-01T00:00:00Z\"\n"));
    CommandResult refused = early.Apply();
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_THAT(refused.err, HasSubstr("before the first backup"));
    EXPECT_THAT(refused.err, HasSubstr("Nothing was restored"));
  }
}

}  // namespace
}  // namespace radctl::it
