// Clock: the one source of time and waiting for the controller, so that tests and the simulator
// run the loop on simulated time (leveldb's Env does the same for files and time). Real code
// uses RealClock(); tests/ has a fake that advances only when something waits.
//
// Two readings: Now() is wall time, for what a person reads (events, certificates' validity,
// a backup schedule "at 02:00"); it may step (NTP, a person setting the date). Monotonic()
// never steps: every duration and every decision on time (silence since, backoff, deadlines)
// is measured with it. Its epoch is arbitrary; never show it or mix it with Now().
#pragma once

#include <condition_variable>
#include <mutex>

#include "absl/time/time.h"

namespace radctl {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
  virtual absl::Time Monotonic() const = 0;
  // Blocks the calling thread for `duration`.
  virtual void SleepFor(absl::Duration duration) const = 0;
  // Waits on `cv` (with `lock` held, as std::condition_variable::wait_for) for at most
  // `duration`; returns early when notified (Notify). Spurious wake-ups are the caller's to
  // handle.
  virtual void WaitFor(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                       absl::Duration duration) const = 0;
  // Wakes every thread waiting on `cv` (notify_all), through the clock so that a simulated one
  // knows who may run.
  virtual void Notify(std::condition_variable& cv) const = 0;
};

// The system clock (CLOCK_REALTIME and CLOCK_MONOTONIC); lives for the whole process.
const Clock& RealClock();

}  // namespace radctl
