#include "controller/state/backup_lock.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "controller/state/cluster_lock.h"

namespace radctl {

absl::StatusOr<BackupLock> BackupLock::Acquire(const Clock& clock, const std::string& dir,
                                               const std::string& cluster,
                                               const std::string& command) {
  absl::StatusOr<int> fd =
      LockStateFile(clock, dir, "backup.lock", command, [&](const std::string& who) {
        return absl::StrCat("a backup of cluster ", cluster, " is already running (", who,
                            "); one runs at a time: wait for it to end");
      });
  if (!fd.ok()) return fd.status();
  return BackupLock(*fd);
}

BackupLock::~BackupLock() {
  if (fd_ >= 0) close(fd_);
}

}  // namespace radctl
