// The planner's rules for backups (spec.backup), pure and table-tested: the repository gets its
// stanza as soon as there is a primary, and in watch mode a scheduled backup is taken when the
// clock passes the time the schedule gives after the newest backup in the repository. A missed
// backup (the controller was down) is taken once, not once per missed slot; without any backup
// the first one is taken at once, since a cluster without one cannot be recovered.
#pragma once

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "crd-like-specs/cluster_spec.h"
#include "reconcilers/action.h"
#include "reconcilers/observed_state.h"
#include "reconcilers/plan.h"

namespace radctl {

// The end of the newest backup in the repository; InfinitePast when there is none.
absl::Time LastBackupTime(const BackupObservation& backup);

// When the next scheduled backup is due after one that ended at `last_backup`: InfinitePast (at
// once) when there is none yet, InfiniteFuture without a schedule (or one that never fires).
absl::Time NextBackupDue(const BackupSpec& backup, absl::Time last_backup);

struct BackupStep {
  std::optional<Action> action;  // create-stanza or backup, on the primary
  std::string waiting;           // why backups cannot go on (not converged), "" when they can
  // When the next scheduled backup is due, if it is not due now: the loop looks again by then.
  absl::Duration due_in = absl::InfiniteDuration();
};

// The stanza for a cluster with backups enabled and a writable `primary`. Nothing while the
// repository has not been read (absence is only trusted when observed).
BackupStep PlanStanza(const ClusterSpec& spec, const ObservedState& observed, int primary);

// A scheduled backup on `primary` when one is due (only asked in watch mode, with nothing else
// to do).
BackupStep PlanScheduledBackup(const ClusterSpec& spec, const ObservedState& observed, int primary);

// What the primary's archiver says, once the stanza exists (before it, archive-push fails by
// design): ArchiveFailing while its last attempt failed (Postgres keeps the WAL meanwhile), and
// ArchiveBacklog when the WAL waiting for it passes the WAL retention limit
// (spec.replication.maxSlotWalKeepSize): radctl never drops it, so the disk fills if nobody acts.
std::vector<Alert> ArchiveAlerts(const ClusterSpec& spec, const ObservedState& observed,
                                 int primary);

// "1GB", "512MB", "64kB", "2TB", a bare number in MB (Postgres's unit for the setting); -1 (no
// limit) and anything unreadable give nullopt.
std::optional<int64_t> WalSizeBytes(const std::string& text);

}  // namespace radctl
