// One controller per cluster (safety rule 5): an exclusive, fail-fast flock on the cluster's
// lock file. The kernel releases it when the process dies, however it dies, so a killed
// controller never leaves a stale lock. The file names its holder for the error message.
#pragma once

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "controller/clients/clock.h"

namespace radctl {

// An exclusive, fail-fast flock on DIR/FILE, which then names its holder ("pid 4711, COMMAND,
// since ...", `clock`'s wall time). Returns the open descriptor (closing it releases the lock);
// when another process holds it, FailedPrecondition with `busy(holder)`.
[[nodiscard]] absl::StatusOr<int> LockStateFile(
    const Clock& clock, const std::string& dir, const std::string& file, const std::string& command,
    absl::FunctionRef<std::string(const std::string& holder)> busy);

class ClusterLock {
 public:
  // FailedPrecondition naming the holder ("pid 4711, radctl apply --watch, since ...") when
  // another process holds it.
  [[nodiscard]] static absl::StatusOr<ClusterLock> Acquire(const Clock& clock,
                                                           const std::string& dir,
                                                           const std::string& cluster,
                                                           const std::string& command);
  ClusterLock(ClusterLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  ClusterLock& operator=(ClusterLock&&) = delete;
  ~ClusterLock();

 private:
  explicit ClusterLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace radctl
