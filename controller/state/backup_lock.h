// One backup of a cluster at a time: an exclusive, fail-fast flock on backup.lock in the
// cluster's state directory, held by the watcher's scheduled backup and by `radctl backup`
// alike (pgBackRest's own lock lives in one container, and after a failover a backup may run
// in another). Like the cluster's lock, the kernel releases it when the holder dies.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "controller/clients/clock.h"

namespace radctl {

class BackupLock {
 public:
  // FailedPrecondition naming the holder when a backup of the cluster is already running.
  [[nodiscard]] static absl::StatusOr<BackupLock> Acquire(const Clock& clock,
                                                          const std::string& dir,
                                                          const std::string& cluster,
                                                          const std::string& command);
  BackupLock(BackupLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  BackupLock& operator=(BackupLock&&) = delete;
  ~BackupLock();

 private:
  explicit BackupLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace radctl
