// spec.backup and spec.bootstrap.recovery: good specs read as meant, bad ones are refused with
// file:line:col, the field's path and what was expected (one table row each), and the backup
// schedule's grammar and next times.
#include <string>
#include <vector>

#include "crd-like-specs/backup_schedule.h"
#include "crd-like-specs/spec_parser.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace radctl {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

// A document whose spec section is `body`: "spec:" is line 5, so `body` starts on line 6.
std::string Spec(const std::string& body) {
  return "apiVersion: radctl.io/v1alpha1\nkind: PostgresCluster\nmetadata:\n  name: demo\n"
         "spec:\n" +
         body;
}

TEST(BackupSpecTest, ReadsEveryField) {
  SpecParseResult result = ParseClusterSpec(Spec("  backup:\n"
                                                 "    enabled: true\n"
                                                 "    schedule: \"0 3 * * *\"\n"
                                                 "    retention: {full: 4}\n"
                                                 "    repository: shared-repo\n"
                                                 "    compression: zst\n"),
                                            "t.yaml");
  ASSERT_TRUE(result.ok()) << result.errors[0].ToString();
  const BackupSpec& backup = result.spec.backup;
  EXPECT_TRUE(backup.enabled);
  EXPECT_EQ(backup.schedule, "0 3 * * *");
  EXPECT_EQ(backup.retention_full, 4);
  EXPECT_EQ(backup.repository, "shared-repo");
  EXPECT_EQ(backup.compression, "zst");
}

TEST(BackupSpecTest, DefaultsWithoutABackupSection) {
  SpecParseResult result = ParseClusterSpec(Spec("  nodes: 2\n"), "t.yaml");
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(result.spec.backup.enabled);
  EXPECT_EQ(result.spec.backup.repository, "");
  EXPECT_EQ(BackupRepository(result.spec), "demo-backup");
  EXPECT_EQ(result.spec.backup.retention_full, 2);
  EXPECT_EQ(result.spec.backup.compression, "lz4");
  EXPECT_FALSE(result.spec.bootstrap.recovery.has_value());
}

TEST(BackupSpecTest, ReadsARecoveryToATime) {
  SpecParseResult result = ParseClusterSpec(Spec("  bootstrap:\n"
                                                 "    recovery:\n"
                                                 "      fromCluster: prod\n"
                                                 "      targetTime: \"2024-05-01T10:00:00Z\"\n"),
                                            "t.yaml");
  ASSERT_TRUE(result.ok()) << result.errors[0].ToString();
  ASSERT_TRUE(result.spec.bootstrap.recovery.has_value());
  EXPECT_EQ(result.spec.bootstrap.recovery->from_cluster, "prod");
  EXPECT_EQ(result.spec.bootstrap.recovery->target_time, "2024-05-01T10:00:00Z");
}

TEST(BackupSpecTest, BackupAndRecoveryRoundTripThroughTheWriter) {
  ClusterSpec spec;
  spec.name = "copy";
  spec.backup.enabled = true;
  spec.backup.schedule = "*/30 * * * *";
  spec.backup.retention_full = 3;
  spec.backup.compression = "gz";
  spec.bootstrap.recovery = RecoverySpec{"prod", "", "0/3000060", false, "prod-repo"};
  ApplyDefaults(spec);
  std::string yaml = ClusterSpecToYaml(spec);
  SpecParseResult result = ParseClusterSpec(yaml, "written.yaml");
  ASSERT_TRUE(result.ok()) << yaml << result.errors[0].ToString();
  EXPECT_EQ(result.spec, spec) << yaml;
  EXPECT_THAT(yaml, HasSubstr("schedule: \"*/30 * * * *\""));
}

TEST(BackupSpecTest, ArchiveParametersAreRadctls) {
  SpecParseResult result = ParseClusterSpec(
      Spec("  postgres:\n    parameters:\n      archive_command: cp %p /x\n"), "t.yaml");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].ToString(),
            "t.yaml:8:7: spec.postgres.parameters.archive_command: \"archive_command\" is managed "
            "by radctl: it follows spec.backup.enabled (pgBackRest archives WAL into the backup "
            "repository)");
}

struct BadSpec {
  std::string name;
  std::string body;  // the spec section, from line 6
  std::vector<std::string> errors;
};

const std::vector<BadSpec>& BadSpecs() {
  static const auto* const kRows = new std::vector<BadSpec>{
      {"EnabledNotABoolean",
       "  backup:\n    enabled: yes please\n",
       {"t.yaml:7:14: spec.backup.enabled: expected true or false, got \"yes please\""}},
      {"UnknownBackupFieldSuggestsTheKnownOne",
       "  backup:\n    retension: {full: 2}\n",
       {"t.yaml:7:5: spec.backup.retension: unknown field \"retension\"; did you mean "
        "\"retention\"?"}},
      {"ScheduleNeitherIntervalNorCron",
       "  backup:\n    schedule: daily\n",
       {"t.yaml:7:15: spec.backup.schedule: must be an interval such as 30m, 6h or 1d (units s, "
        "m, h, d), or a cron expression of 5 fields in UTC such as \"0 3 * * *\"; got \"daily\""}},
      {"IntervalTooShort",
       "  backup:\n    schedule: 5s\n",
       {"t.yaml:7:15: spec.backup.schedule: an interval must be at least 10s, got \"5s\""}},
      {"CronWithSixFields",
       "  backup:\n    schedule: \"0 0 3 * * *\"\n",
       {"t.yaml:7:15: spec.backup.schedule: a cron expression has 5 fields (minute hour "
        "day-of-month month day-of-week), got 6 in \"0 0 3 * * *\""}},
      {"CronHourOutOfRange",
       "  backup:\n    schedule: \"0 25 * * *\"\n",
       {"t.yaml:7:15: spec.backup.schedule: cron field 2 (hour) \"25\": must be within 0-23"}},
      {"CronBadStep",
       "  backup:\n    schedule: \"*/0 * * * *\"\n",
       {"t.yaml:7:15: spec.backup.schedule: cron field 1 (minute) \"*/0\": the step after / "
        "must be a positive number"}},
      {"RetentionZero",
       "  backup:\n    retention: {full: 0}\n",
       {"t.yaml:7:23: spec.backup.retention.full: must be between 1 and 100, got 0"}},
      {"RetentionNotAMapping",
       "  backup:\n    retention: 3\n",
       {"t.yaml:7:16: spec.backup.retention: expected a mapping, got \"3\""}},
      {"RepositoryWithASlash",
       "  backup:\n    repository: /srv/backups\n",
       {"t.yaml:7:17: spec.backup.repository: must be a Docker volume name "
        "([A-Za-z0-9][A-Za-z0-9_.-]*, at most 100 characters), got \"/srv/backups\""}},
      {"UnknownCompression",
       "  backup:\n    compression: xz\n",
       {"t.yaml:7:18: spec.backup.compression: must be one of none, gz, bz2, lz4, zst; got "
        "\"xz\""}},
      {"RecoveryWithoutSource",
       "  bootstrap:\n    recovery:\n      latest: true\n",
       {"t.yaml:8:7: spec.bootstrap.recovery.fromCluster: required field is missing"}},
      {"RecoveryWithoutTarget",
       "  bootstrap:\n    recovery:\n      fromCluster: prod\n",
       {"t.yaml:8:7: spec.bootstrap.recovery: needs a target: one of targetTime, targetLSN or "
        "latest: true"}},
      {"RecoveryWithTwoTargets",
       "  bootstrap:\n    recovery:\n      fromCluster: prod\n      latest: true\n"
       "      targetLSN: 0/3000060\n",
       {"t.yaml:8:7: spec.bootstrap.recovery: give one target only: targetTime, targetLSN or "
        "latest: true"}},
      {"RecoveryFromItself",
       "  bootstrap:\n    recovery:\n      fromCluster: demo\n      latest: true\n",
       {"t.yaml:8:20: spec.bootstrap.recovery.fromCluster: a cluster cannot be recovered from "
        "itself (metadata.name is \"demo\"); radctl only restores into a new cluster"}},
      {"RecoveryTimeWithoutZone",
       "  bootstrap:\n    recovery:\n      fromCluster: prod\n"
       "      targetTime: \"2024-05-01 10:00:00\"\n",
       {"t.yaml:9:19: spec.bootstrap.recovery.targetTime: must be a time with its zone: RFC 3339 "
        "such as 2024-05-01T10:00:00Z, or as psql prints it such as 2024-05-01 10:00:00.5+00; "
        "got \"2024-05-01 10:00:00\""}},
      {"RecoveryBadLsn",
       "  bootstrap:\n    recovery:\n      fromCluster: prod\n      targetLSN: 3000060\n",
       {"t.yaml:9:18: spec.bootstrap.recovery.targetLSN: must be a WAL position such as "
        "0/3000060 (two hexadecimal numbers), got \"3000060\""}},
      {"RecoveryFromAnInvalidName",
       "  bootstrap:\n    recovery:\n      fromCluster: Prod_DB\n      latest: true\n",
       {"t.yaml:8:20: spec.bootstrap.recovery.fromCluster: must be a lowercase RFC 1123 label "
        "(a-z, 0-9 and '-', starting and ending with a letter or digit), got \"Prod_DB\""}},
      {"UnknownBootstrapMethod",
       "  bootstrap:\n    initdb: {}\n",
       {"t.yaml:7:5: spec.bootstrap.initdb: unknown field \"initdb\"; known fields are "
        "recovery"}},
  };
  return *kRows;
}

class BackupSpecErrorsTest : public ::testing::TestWithParam<BadSpec> {};

TEST_P(BackupSpecErrorsTest, ReportsEveryErrorWithPlaceAndPath) {
  const BadSpec& row = GetParam();
  SpecParseResult result = ParseClusterSpec(Spec(row.body), "t.yaml");
  std::vector<std::string> errors;
  for (const FieldError& error : result.errors) errors.push_back(error.ToString());
  EXPECT_THAT(errors, ElementsAreArray(row.errors)) << "spec:\n" << Spec(row.body);
  EXPECT_EQ(result.spec, ClusterSpec());  // nothing half-filled
}

INSTANTIATE_TEST_SUITE_P(BadSpecs, BackupSpecErrorsTest, ::testing::ValuesIn(BadSpecs()),
                         [](const ::testing::TestParamInfo<BadSpec>& row) {
                           return row.param.name;
                         });

absl::Time Utc(int y, int mo, int d, int h, int mi, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), absl::UTCTimeZone());
}

absl::Time Next(const std::string& schedule, absl::Time after) {
  absl::StatusOr<BackupSchedule> parsed = ParseBackupSchedule(schedule);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return parsed.ok() ? NextScheduledTime(*parsed, after) : absl::InfinitePast();
}

TEST(BackupScheduleTest, IntervalIsCountedFromTheLastBackup) {
  EXPECT_EQ(Next("6h", Utc(2024, 5, 1, 10, 17, 5)), Utc(2024, 5, 1, 16, 17, 5));
  EXPECT_EQ(Next("15s", Utc(2024, 5, 1, 10, 0)), Utc(2024, 5, 1, 10, 0, 15));
  EXPECT_EQ(Next("1d", Utc(2024, 5, 1, 10, 0)), Utc(2024, 5, 2, 10, 0));
}

TEST(BackupScheduleTest, CronFiresAtTheNextMatchingMinuteInUtc) {
  EXPECT_EQ(Next("0 3 * * *", Utc(2024, 5, 1, 2, 59, 59)), Utc(2024, 5, 1, 3, 0));
  EXPECT_EQ(Next("0 3 * * *", Utc(2024, 5, 1, 3, 0)), Utc(2024, 5, 2, 3, 0));  // strictly after
  EXPECT_EQ(Next("*/15 * * * *", Utc(2024, 5, 1, 10, 16)), Utc(2024, 5, 1, 10, 30));
  EXPECT_EQ(Next("30 1-3 * * *", Utc(2024, 5, 1, 3, 31)), Utc(2024, 5, 2, 1, 30));
  EXPECT_EQ(Next("0 0 1 * *", Utc(2024, 12, 15, 0, 0)), Utc(2025, 1, 1, 0, 0));
  EXPECT_EQ(Next("0 0 29 2 *", Utc(2024, 3, 1, 0, 0)), Utc(2028, 2, 29, 0, 0));
}

TEST(BackupScheduleTest, CronDaysOfWeekAndTheTwoDayFieldsRule) {
  // 2024-05-01 is a Wednesday. 0 and 7 are both Sunday.
  EXPECT_EQ(Next("0 4 * * 0", Utc(2024, 5, 1, 0, 0)), Utc(2024, 5, 5, 4, 0));
  EXPECT_EQ(Next("0 4 * * 7", Utc(2024, 5, 1, 0, 0)), Utc(2024, 5, 5, 4, 0));
  EXPECT_EQ(Next("0 4 * * 1-5", Utc(2024, 5, 3, 5, 0)), Utc(2024, 5, 6, 4, 0));
  // Both restricted: either matches (the 10th, or a Monday).
  EXPECT_EQ(Next("0 0 10 * 1", Utc(2024, 5, 1, 0, 0)), Utc(2024, 5, 6, 0, 0));
}

TEST(BackupScheduleTest, ImpossibleCronNeverFires) {
  EXPECT_EQ(Next("0 0 31 2 *", Utc(2024, 1, 1, 0, 0)), absl::InfiniteFuture());
}

}  // namespace
}  // namespace radctl
