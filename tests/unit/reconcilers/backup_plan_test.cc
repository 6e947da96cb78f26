// Planner tables for backups (spec.backup, spec.bootstrap.recovery): the stanza, scheduled
// backups in watch mode, the restore of a new cluster's first node, and the archiver's alerts.
#include <functional>

#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reconcilers/backup_schedule.h"
#include "reconcilers/plan.h"
#include "tests/unit/reconcilers/observed_state_builder.h"
#include "tests/unit/reconcilers/plan_summary.h"

namespace radctl {
namespace {

using ::radctl::testing::DemoSpec;
using ::radctl::testing::kNow;
using ::radctl::testing::ObservedStateBuilder;
using ::radctl::testing::Snapshot;
using ::testing::HasSubstr;

using ::radctl::testing::Summary;

BackupRecord EndedAgo(absl::Duration ago) {
  BackupRecord record;
  record.label = "20270115-080000F";
  record.type = "full";
  record.start = kNow - ago - absl::Minutes(1);
  record.stop = kNow - ago;
  return record;
}

ClusterSpec BackupSpec1(const std::string& schedule = "6h") {
  ClusterSpec spec = DemoSpec(1);
  spec.backup.enabled = true;
  spec.backup.schedule = schedule;
  return spec;
}

struct BackupCase {
  std::string name;
  ClusterSpec spec;
  bool watching;  // Requests::scheduled_backups
  std::function<Snapshot(ObservedStateBuilder)> observed;
  std::string expected;
};

void PrintTo(const BackupCase& c, std::ostream* os) { *os << c.name; }

class BackupPlanTest : public ::testing::TestWithParam<BackupCase> {};

TEST_P(BackupPlanTest, PlansExpectedActions) {
  const BackupCase& c = GetParam();
  Requests requests;
  requests.scheduled_backups = c.watching;
  Plan plan = ComputePlan(c.spec, c.observed(ObservedStateBuilder(c.spec)), requests);
  EXPECT_EQ(Summary(plan), c.expected) << plan.ToString("demo");
  for (const Action& action : plan.actions) EXPECT_FALSE(action.reason.empty());
}

ObservedStateBuilder Healthy(ObservedStateBuilder b) {
  return std::move(b.Primary(1).Repository(1).BouncerTarget(1));
}

ClusterSpec Recovering() {
  ClusterSpec spec = DemoSpec(1);
  spec.bootstrap.recovery = RecoverySpec{"src", "2027-01-15T08:00:00Z", "", false, ""};
  return spec;
}

const BackupCase kCases[] = {
    {"BackupsOffPlanNothing", DemoSpec(1), true,
     [](ObservedStateBuilder b) { return b.Primary(1).BouncerTarget(1).Build(); }, ""},
    {"RepositoryNotReadYetPlansNothing", BackupSpec1(), true,
     [](ObservedStateBuilder b) { return Healthy(b).Build(); }, ""},
    {"NoStanzaCreatesIt", BackupSpec1(), false,
     [](ObservedStateBuilder b) { return Healthy(b).Backups(false).Build(); },
     "create-stanza demo-pg-1"},
    {"NoStanzaButContainerWithoutRepositoryWaits", BackupSpec1(), false,
     [](ObservedStateBuilder b) { return b.Primary(1).BouncerTarget(1).Backups(false).Build(); },
     "waiting"},
    {"FirstBackupAtOnceWhenWatching", BackupSpec1(), true,
     [](ObservedStateBuilder b) { return Healthy(b).Backups(true).Build(); }, "backup demo-pg-1"},
    {"NoScheduledBackupWithoutWatching", BackupSpec1(), false,
     [](ObservedStateBuilder b) { return Healthy(b).Backups(true).Build(); }, ""},
    {"NoScheduleNoBackup", BackupSpec1(""), true,
     [](ObservedStateBuilder b) { return Healthy(b).Backups(true).Build(); }, ""},
    {"RecentBackupNothingDue", BackupSpec1("6h"), true,
     [](ObservedStateBuilder b) {
       return Healthy(b).Backups(true, {EndedAgo(absl::Hours(1))}).Build();
     },
     ""},
    {"IntervalPassedBackupDue", BackupSpec1("6h"), true,
     [](ObservedStateBuilder b) {
       return Healthy(b).Backups(true, {EndedAgo(absl::Hours(7))}).Build();
     },
     "backup demo-pg-1"},
    {"ManyMissedSlotsOneBackup", BackupSpec1("1h"), true,
     [](ObservedStateBuilder b) {
       return Healthy(b).Backups(true, {EndedAgo(absl::Hours(30))}).Build();
     },
     "backup demo-pg-1"},
    {"RunningBackupNoSecond", BackupSpec1("6h"), true,
     [](ObservedStateBuilder b) {
       return Healthy(b).Backups(true, {EndedAgo(absl::Hours(7))}).BackupRunning().Build();
     },
     ""},
    {"OtherWorkFirstNoBackup",
     [] {
       ClusterSpec spec = BackupSpec1("6h");
       spec.nodes = 2;
       return spec;
     }(),
     true, [](ObservedStateBuilder b) { return Healthy(b).EmptyNode(2).Backups(true).Build(); },
     "clone-standby demo-pg-2 <- demo-pg-1"},
    {"RecoverySpecRestoresNodeOne", Recovering(), false,
     [](ObservedStateBuilder b) { return b.EmptyNode(1).Build(); }, "restore-primary demo-pg-1"},
    {"WithoutRecoveryNodeOneIsInitialised", DemoSpec(1), false,
     [](ObservedStateBuilder b) { return b.EmptyNode(1).Build(); }, "init-primary demo-pg-1"},
    {"RecoverySpecNeverRestoresOverData", Recovering(), false,
     [](ObservedStateBuilder b) { return b.Primary(1).BouncerTarget(1).Build(); }, ""},
};

INSTANTIATE_TEST_SUITE_P(Backups, BackupPlanTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<BackupCase>& param_info) {
                           return param_info.param.name;
                         });

TEST(BackupScheduleTest, NextBackupIsWokenFor) {
  ClusterSpec spec = BackupSpec1("6h");
  Requests requests;
  requests.scheduled_backups = true;
  Plan plan = ComputePlan(
      spec, Healthy(ObservedStateBuilder(spec)).Backups(true, {EndedAgo(absl::Hours(5))}).Build(),
      requests);
  EXPECT_TRUE(plan.actions.empty());
  EXPECT_LE(plan.requeue_after, absl::Hours(1));
}

TEST(BackupScheduleTest, FirstBackupReasonSaysWhy) {
  ClusterSpec spec = BackupSpec1("6h");
  Requests requests;
  requests.scheduled_backups = true;
  Plan plan =
      ComputePlan(spec, Healthy(ObservedStateBuilder(spec)).Backups(true).Build(), requests);
  ASSERT_EQ(plan.actions.size(), 1u);
  EXPECT_THAT(plan.actions[0].reason, HasSubstr("no backup yet"));
}

ArchiverStats FailingArchiver(int64_t ready) {
  ArchiverStats stats;
  stats.archive_mode_on = true;
  stats.failed_count = 3;
  stats.last_failed_wal = "000000010000000000000007";
  stats.last_failed_time = kNow - absl::Seconds(5);
  stats.last_archived_time = kNow - absl::Minutes(5);
  stats.ready_segments = ready;
  return stats;
}

std::vector<std::string> AlertReasons(const Plan& plan) {
  std::vector<std::string> reasons;
  for (const Alert& alert : plan.alerts) reasons.push_back(alert.reason);
  return reasons;
}

TEST(ArchiveAlertTest, FailingArchiveIsAlertedAndSaysNothingIsLost) {
  ClusterSpec spec = BackupSpec1();
  Plan plan = ComputePlan(
      spec,
      Healthy(ObservedStateBuilder(spec)).Backups(true).Archiver(1, FailingArchiver(2)).Build());
  ASSERT_THAT(AlertReasons(plan), ::testing::ElementsAre("ArchiveFailing"));
  EXPECT_THAT(plan.alerts[0].message, HasSubstr("nothing is lost"));
  EXPECT_THAT(plan.alerts[0].message, HasSubstr("000000010000000000000007"));
}

TEST(ArchiveAlertTest, FailuresBeforeTheStanzaExistsAreNotAlerted) {
  ClusterSpec spec = BackupSpec1();
  Plan plan = ComputePlan(
      spec,
      Healthy(ObservedStateBuilder(spec)).Backups(false).Archiver(1, FailingArchiver(2)).Build());
  EXPECT_TRUE(plan.alerts.empty());
}

TEST(ArchiveAlertTest, ArchivingAgainEndsTheAlert) {
  ClusterSpec spec = BackupSpec1();
  ArchiverStats stats = FailingArchiver(0);
  stats.last_archived_time = kNow;  // after the last failure
  Plan plan = ComputePlan(
      spec, Healthy(ObservedStateBuilder(spec)).Backups(true).Archiver(1, stats).Build());
  EXPECT_TRUE(plan.alerts.empty());
}

TEST(ArchiveAlertTest, BacklogPastTheWalRetentionLimitIsAlerted) {
  ClusterSpec spec = BackupSpec1();
  spec.replication.max_slot_wal_keep_size = "64MB";
  Plan plan = ComputePlan(
      spec,
      Healthy(ObservedStateBuilder(spec)).Backups(true).Archiver(1, FailingArchiver(5)).Build());
  EXPECT_THAT(AlertReasons(plan), ::testing::ElementsAre("ArchiveFailing", "ArchiveBacklog"));
  EXPECT_THAT(plan.alerts[1].message, HasSubstr("80 MB"));
}

TEST(WalSizeBytesTest, ReadsPostgresUnits) {
  EXPECT_EQ(WalSizeBytes("1GB"), int64_t{1} << 30);
  EXPECT_EQ(WalSizeBytes("512MB"), int64_t{512} << 20);
  EXPECT_EQ(WalSizeBytes("64kB"), int64_t{64} << 10);
  EXPECT_EQ(WalSizeBytes("100"), int64_t{100} << 20);
  EXPECT_EQ(WalSizeBytes("-1"), std::nullopt);
  EXPECT_EQ(WalSizeBytes("lots"), std::nullopt);
}

}  // namespace
}  // namespace radctl
