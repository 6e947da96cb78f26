// Clock: the one source of time and waiting for the controller, so that tests can run the loop
// on simulated time (leveldb's Env does the same for files and time). Real code uses
// RealClock(); tests/ has a fake that advances only when something waits.
#pragma once

#include <condition_variable>
#include <mutex>

#include "absl/time/time.h"

namespace radctl {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
  // Blocks the calling thread for `duration`.
  virtual void SleepFor(absl::Duration duration) const = 0;
  // Waits on `cv` (with `lock` held, as std::condition_variable::wait_for) for at most
  // `duration`; returns early when notified. Spurious wake-ups are the caller's to handle.
  virtual void WaitFor(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                       absl::Duration duration) const = 0;
};

// The system clock; lives for the whole process.
const Clock& RealClock();

}  // namespace radctl
