// Which backup a recovery target needs, and the clear errors for targets no backup reaches.
#include "reconcilers/recovery_target.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace radctl {
namespace {

using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

BackupRecord Backup(const std::string& label, absl::Time stop, Lsn lsn_stop) {
  BackupRecord record;
  record.label = label;
  record.type = "full";
  record.start = stop - absl::Minutes(1);
  record.stop = stop;
  record.lsn_stop = lsn_stop;
  return record;
}

const std::vector<BackupRecord> kTwo = {
    Backup("A", kNow - absl::Hours(2), 0x3000000),
    Backup("B", kNow - absl::Hours(1), 0x5000000),
};

RecoverySpec ToTime(absl::Time time) {
  RecoverySpec recovery;
  recovery.from_cluster = "src";
  recovery.target_time = absl::FormatTime(absl::RFC3339_full, time, absl::UTCTimeZone());
  return recovery;
}

TEST(ChooseRecoveryTest, LatestTakesTheNewestBackupAndTheWholeArchive) {
  RecoverySpec recovery;
  recovery.from_cluster = "src";
  recovery.latest = true;
  absl::StatusOr<RecoveryChoice> choice = ChooseRecovery(recovery, kTwo, kNow);
  ASSERT_TRUE(choice.ok()) << choice.status();
  EXPECT_EQ(choice->backup_label, "B");
  EXPECT_EQ(choice->type, "default");
  EXPECT_EQ(choice->target, "");
}

TEST(ChooseRecoveryTest, TimeTakesTheNewestBackupEndedBeforeIt) {
  absl::StatusOr<RecoveryChoice> choice =
      ChooseRecovery(ToTime(kNow - absl::Minutes(90)), kTwo, kNow);
  ASSERT_TRUE(choice.ok()) << choice.status();
  EXPECT_EQ(choice->backup_label, "A");
  EXPECT_EQ(choice->type, "time");
  EXPECT_THAT(choice->target, HasSubstr("+00"));
}

TEST(ChooseRecoveryTest, TimeWithinTheSecondABackupEndedTakesTheOneBefore) {
  // pgBackRest keeps the end in whole seconds: the backup may be consistent only later.
  absl::StatusOr<RecoveryChoice> choice =
      ChooseRecovery(ToTime(kNow - absl::Hours(1) + absl::Milliseconds(500)), kTwo, kNow);
  ASSERT_TRUE(choice.ok()) << choice.status();
  EXPECT_EQ(choice->backup_label, "A");
}

TEST(ChooseRecoveryTest, TimeBeforeTheFirstBackupIsAClearError) {
  absl::StatusOr<RecoveryChoice> choice = ChooseRecovery(ToTime(kNow - absl::Hours(3)), kTwo, kNow);
  ASSERT_EQ(choice.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(choice.status().message(), HasSubstr("before the first backup"));
  EXPECT_THAT(choice.status().message(), HasSubstr("Nothing was restored"));
}

TEST(ChooseRecoveryTest, TimeInTheFutureIsRefused) {
  absl::StatusOr<RecoveryChoice> choice = ChooseRecovery(ToTime(kNow + absl::Hours(1)), kTwo, kNow);
  ASSERT_EQ(choice.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(choice.status().message(), HasSubstr("in the future"));
}

TEST(ChooseRecoveryTest, LsnTakesTheNewestBackupEndedAtOrBeforeIt) {
  RecoverySpec recovery;
  recovery.from_cluster = "src";
  recovery.target_lsn = "0/4000000";
  absl::StatusOr<RecoveryChoice> choice = ChooseRecovery(recovery, kTwo, kNow);
  ASSERT_TRUE(choice.ok()) << choice.status();
  EXPECT_EQ(choice->backup_label, "A");
  EXPECT_EQ(choice->type, "lsn");
  EXPECT_EQ(choice->target, "0/4000000");
  recovery.target_lsn = "0/2000000";
  EXPECT_EQ(ChooseRecovery(recovery, kTwo, kNow).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(ChooseRecoveryTest, NoBackupAtAllSaysHowToTakeOne) {
  absl::StatusOr<RecoveryChoice> choice = ChooseRecovery(ToTime(kNow), {}, kNow);
  ASSERT_EQ(choice.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(choice.status().message(), HasSubstr("radctl backup src"));
}

}  // namespace
}  // namespace radctl
