// spec.bootstrap.recovery, resolved against the source's backups (pure, table-tested): which
// backup to restore and how pgBackRest is told the target. A target no backup can reach (before
// the first backup ended, in the future, or a repository without backups) is a clear error, found
// before anything is restored.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crd-like-specs/cluster_spec.h"
#include "reconcilers/observed_state.h"

namespace radctl {

struct RecoveryChoice {
  std::string backup_label;  // pgBackRest --set
  std::string type;          // pgBackRest --type: default (the end of the archive) | time | lsn
  std::string target;        // pgBackRest --target, "" for the end of the archive
  std::string description;   // "2024-05-01 10:00:00 UTC", for events
};

// The newest backup that ended before the target (`backups` oldest first). FailedPrecondition,
// naming the source and the first backup, when there is none; InvalidArgument for a target that
// does not parse (the spec parser refuses those first).
[[nodiscard]] absl::StatusOr<RecoveryChoice> ChooseRecovery(
    const RecoverySpec& recovery, const std::vector<BackupRecord>& backups, absl::Time now);

// "the end of the archive", "time 2024-05-01 10:00:00 UTC", "WAL position 0/3000060".
std::string DescribeRecoveryTarget(const RecoverySpec& recovery);

}  // namespace radctl
