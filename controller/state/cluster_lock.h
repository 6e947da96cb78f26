// One controller per cluster (safety rule 5): an exclusive, fail-fast flock on the cluster's
// lock file. The kernel releases it when the process dies, however it dies, so a killed
// controller never leaves a stale lock. The file names its holder for the error message.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace radctl {

class ClusterLock {
 public:
  // FailedPrecondition naming the holder ("pid 4711, radctl apply --watch, since ...") when
  // another process holds it.
  [[nodiscard]] static absl::StatusOr<ClusterLock> Acquire(const std::string& dir,
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
