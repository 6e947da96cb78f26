#include "reconcilers/backup_schedule.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "crd-like-specs/backup_schedule.h"
#include "reconcilers/naming.h"

namespace radctl {
namespace {

std::string ScheduleTime(absl::Time time) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", time, absl::UTCTimeZone());
}

// A node whose container lacks the repository cannot archive into it nor back up into it.
std::string RepositoryMissing(const ClusterSpec& spec, const NodeObservation& node) {
  if (node.repository == BackupRepository(spec)) return "";
  return absl::StrCat(node.name, "'s container was created without the backup repository volume ",
                      BackupRepository(spec),
                      "; backups wait for it (re-create the containers: radctl delete ", spec.name,
                      " --keep-volumes, then apply again)");
}

std::string Mb(int64_t bytes) { return absl::StrCat(bytes >> 20, " MB"); }

}  // namespace

std::optional<int64_t> WalSizeBytes(const std::string& text) {
  absl::string_view rest = absl::StripAsciiWhitespace(text);
  int64_t unit = int64_t{1} << 20;
  for (const auto& [suffix, bytes] : {std::pair<const char*, int64_t>{"TB", int64_t{1} << 40},
                                      {"GB", int64_t{1} << 30},
                                      {"MB", int64_t{1} << 20},
                                      {"kB", int64_t{1} << 10}}) {
    if (absl::ConsumeSuffix(&rest, suffix)) {
      unit = bytes;
      break;
    }
  }
  int64_t number = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(rest), &number) || number < 0) {
    return std::nullopt;
  }
  return number * unit;
}

std::vector<Alert> ArchiveAlerts(const ClusterSpec& spec, const ObservedState& observed,
                                 int primary) {
  std::vector<Alert> alerts;
  const NodeObservation* node = observed.Node(primary);
  if (!spec.backup.enabled || node == nullptr || !node->archiver.has_value() ||
      !observed.backup.stanza_exists) {
    return alerts;
  }
  const ArchiverStats& archiver = *node->archiver;
  if (archiver.Failing()) {
    alerts.push_back(
        {"ArchiveFailing",
         absl::StrCat(node->name, "'s archive_command fails (", archiver.failed_count,
                      " failure(s), last for WAL ", archiver.last_failed_wal, " at ",
                      ScheduleTime(archiver.last_failed_time), "); ", archiver.ready_segments,
                      " segment(s) wait, kept by Postgres, nothing is lost. Look at the ",
                      "repository volume ", BackupRepository(spec),
                      " (full disk?) and at the node's log")});
  }
  std::optional<int64_t> limit = WalSizeBytes(spec.replication.max_slot_wal_keep_size);
  if (limit && archiver.BacklogBytes() > *limit) {
    alerts.push_back(
        {"ArchiveBacklog",
         absl::StrCat(Mb(archiver.BacklogBytes()), " of WAL on ", node->name,
                      " wait to be archived, more than the WAL retention limit (",
                      spec.replication.max_slot_wal_keep_size,
                      "); radctl never drops unarchived WAL, so it fills the node's volume until "
                      "archiving works again")});
  }
  return alerts;
}

absl::Time LastBackupTime(const BackupObservation& backup) {
  absl::Time last = absl::InfinitePast();
  for (const BackupRecord& record : backup.backups) last = std::max(last, record.stop);
  return last;
}

absl::Time NextBackupDue(const BackupSpec& backup, absl::Time last_backup) {
  if (backup.schedule.empty()) return absl::InfiniteFuture();
  absl::StatusOr<BackupSchedule> schedule = ParseBackupSchedule(backup.schedule);
  if (!schedule.ok()) return absl::InfiniteFuture();  // the parser refused it already
  if (last_backup == absl::InfinitePast()) return absl::InfinitePast();
  return NextScheduledTime(*schedule, last_backup);
}

BackupStep PlanStanza(const ClusterSpec& spec, const ObservedState& observed, int primary) {
  BackupStep step;
  const NodeObservation* node = observed.Node(primary);
  if (!spec.backup.enabled || node == nullptr || !observed.backup.read ||
      observed.backup.stanza_exists) {
    return step;
  }
  if (std::string missing = RepositoryMissing(spec, *node); !missing.empty()) {
    step.waiting = missing;
    return step;
  }
  step.action = Action{
      ActionType::kCreateStanza, primary, 0,
      absl::StrCat("backups are enabled and the repository ", BackupRepository(spec),
                   " has no stanza for cluster ", spec.name, " yet; WAL archiving waits for it")};
  return step;
}

BackupStep PlanScheduledBackup(const ClusterSpec& spec, const ObservedState& observed,
                               int primary) {
  BackupStep step;
  const NodeObservation* node = observed.Node(primary);
  const BackupObservation& backup = observed.backup;
  if (!spec.backup.enabled || spec.backup.schedule.empty() || node == nullptr || !backup.read ||
      !backup.stanza_exists || backup.running) {
    return step;
  }
  const absl::Time last = LastBackupTime(backup);
  const absl::Time due = NextBackupDue(spec.backup, last);
  if (due == absl::InfiniteFuture()) return step;
  if (observed.wall_at < due) {
    step.due_in = due - observed.wall_at;
    return step;
  }
  if (std::string missing = RepositoryMissing(spec, *node); !missing.empty()) {
    step.waiting = missing;
    return step;
  }
  std::string reason =
      last == absl::InfinitePast()
          ? absl::StrCat(
                "the repository holds no backup yet: taking the first full backup (a "
                "cluster without one cannot be recovered)")
          : absl::StrCat("scheduled (\"", spec.backup.schedule, "\"): the newest backup ended ",
                         ScheduleTime(last), ", the next was due ", ScheduleTime(due));
  step.action = Action{ActionType::kBackup, primary, 0, std::move(reason)};
  return step;
}

}  // namespace radctl
