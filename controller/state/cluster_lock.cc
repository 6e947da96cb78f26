#include "controller/state/cluster_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "controller/state/cluster_store.h"

namespace radctl {

absl::StatusOr<int> LockStateFile(const Clock& clock, const std::string& dir,
                                  const std::string& file, const std::string& command,
                                  absl::FunctionRef<std::string(const std::string& holder)> busy) {
  if (absl::Status usable = EnsureStateDirectory(dir); !usable.ok()) return usable;
  std::string path = absl::StrCat(dir, "/", file);
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot open lock file ", path, ": ", std::strerror(errno)));
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char holder[512] = {0};
    ssize_t n = pread(fd, holder, sizeof(holder) - 1, 0);
    close(fd);
    return absl::FailedPreconditionError(
        busy(n > 0 ? std::string(absl::StripAsciiWhitespace(holder)) : "another process"));
  }
  std::string holder =
      absl::StrCat("pid ", getpid(), ", ", command, ", since ",
                   absl::FormatTime("%Y-%m-%d %H:%M:%S", clock.Now(), absl::LocalTimeZone()), "\n");
  if (ftruncate(fd, 0) == 0) {
    ssize_t ignored = pwrite(fd, holder.data(), holder.size(), 0);
    (void)ignored;  // the lock holds without the note; the note only improves the message
  }
  return fd;
}

absl::StatusOr<ClusterLock> ClusterLock::Acquire(const Clock& clock, const std::string& dir,
                                                 const std::string& cluster,
                                                 const std::string& command) {
  absl::StatusOr<int> fd = LockStateFile(clock, dir, "lock", command, [&](const std::string& who) {
    return absl::StrCat("cluster ", cluster, " is already managed by another radctl (", who,
                        "); stop that one first, or let it do the work");
  });
  if (!fd.ok()) return fd.status();
  return ClusterLock(*fd);
}

ClusterLock::~ClusterLock() {
  if (fd_ >= 0) close(fd_);  // releases the flock
}

}  // namespace radctl
