#include "reconcilers/recovery_target.h"

#include "absl/strings/str_cat.h"
#include "reconcilers/lsn.h"

namespace radctl {
namespace {

std::string TargetTime(absl::Time time) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E*S UTC", time, absl::UTCTimeZone());
}

// pgBackRest stores a backup's end in whole seconds, cut down: the backup is consistent only a
// little after that second began. A time target must be past the second after it.
constexpr absl::Duration kStopPrecision = absl::Seconds(1);

absl::Status BeforeFirst(const RecoverySpec& recovery, const BackupRecord& first,
                         const std::string& target) {
  return absl::FailedPreconditionError(absl::StrCat(
      "spec.bootstrap.recovery: ", target, " is before the first backup of cluster ",
      recovery.from_cluster, " ended (", first.label, ", ended ", TargetTime(first.stop),
      " at WAL ", FormatLsn(first.lsn_stop),
      "): there is nothing to recover from; choose a later target. Nothing was restored"));
}

}  // namespace

std::string DescribeRecoveryTarget(const RecoverySpec& recovery) {
  if (recovery.latest) return "the end of the archive";
  if (!recovery.target_lsn.empty()) return absl::StrCat("WAL position ", recovery.target_lsn);
  absl::Time time;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, recovery.target_time, &time, &error)) {
    return absl::StrCat("time ", TargetTime(time));
  }
  return absl::StrCat("time ", recovery.target_time);
}

absl::StatusOr<RecoveryChoice> ChooseRecovery(const RecoverySpec& recovery,
                                              const std::vector<BackupRecord>& backups,
                                              absl::Time now) {
  if (backups.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("spec.bootstrap.recovery: cluster ", recovery.from_cluster,
                     " has no backup in its repository; take one (radctl backup ",
                     recovery.from_cluster, ") before recovering from it. Nothing was restored"));
  }
  RecoveryChoice choice;
  choice.description = DescribeRecoveryTarget(recovery);
  const BackupRecord* chosen = nullptr;
  if (recovery.latest) {
    chosen = &backups.back();
    choice.type = "default";
  } else if (!recovery.target_lsn.empty()) {
    std::optional<Lsn> target = ParseLsn(recovery.target_lsn);
    if (!target) {
      return absl::InvalidArgumentError(absl::StrCat(
          "spec.bootstrap.recovery.targetLSN: not a WAL position: ", recovery.target_lsn));
    }
    for (const BackupRecord& backup : backups) {
      if (backup.lsn_stop <= *target) chosen = &backup;
    }
    if (chosen == nullptr) {
      return BeforeFirst(recovery, backups.front(),
                         absl::StrCat("targetLSN ", recovery.target_lsn));
    }
    choice.type = "lsn";
    choice.target = FormatLsn(*target);
  } else {
    absl::Time target;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, recovery.target_time, &target, &error)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "spec.bootstrap.recovery.targetTime: not an RFC 3339 time: ", recovery.target_time));
    }
    if (target > now) {
      return absl::FailedPreconditionError(absl::StrCat(
          "spec.bootstrap.recovery: targetTime ", TargetTime(target), " is in the future (it is ",
          TargetTime(now), " now): WAL up to it does not exist yet. Nothing was restored"));
    }
    for (const BackupRecord& backup : backups) {
      if (backup.stop + kStopPrecision <= target) chosen = &backup;
    }
    if (chosen == nullptr) {
      return BeforeFirst(recovery, backups.front(),
                         absl::StrCat("targetTime ", TargetTime(target)));
    }
    choice.type = "time";
    choice.target = absl::FormatTime("%Y-%m-%d %H:%M:%E6S+00", target, absl::UTCTimeZone());
  }
  choice.backup_label = chosen->label;
  return choice;
}

}  // namespace radctl
