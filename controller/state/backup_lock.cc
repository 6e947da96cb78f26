#include "controller/state/backup_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "controller/state/cluster_store.h"

namespace radctl {

absl::StatusOr<BackupLock> BackupLock::Acquire(const std::string& dir, const std::string& cluster,
                                               const std::string& command) {
  if (absl::Status usable = EnsureStateDirectory(dir); !usable.ok()) return usable;
  std::string path = absl::StrCat(dir, "/backup.lock");
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot open lock file ", path, ": ", std::strerror(errno)));
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char holder[512] = {0};
    ssize_t n = pread(fd, holder, sizeof(holder) - 1, 0);
    close(fd);
    std::string who = n > 0 ? std::string(absl::StripAsciiWhitespace(holder)) : "another process";
    return absl::FailedPreconditionError(absl::StrCat(
        "a backup of cluster ", cluster, " is already running (", who, "); one runs at a time"));
  }
  std::string holder =
      absl::StrCat("pid ", getpid(), ", ", command, ", since ",
                   absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::Now(), absl::LocalTimeZone()), "\n");
  if (ftruncate(fd, 0) == 0) {
    ssize_t ignored = pwrite(fd, holder.data(), holder.size(), 0);
    (void)ignored;  // the lock holds without the note
  }
  return BackupLock(fd);
}

BackupLock::~BackupLock() {
  if (fd_ >= 0) close(fd_);
}

}  // namespace radctl
