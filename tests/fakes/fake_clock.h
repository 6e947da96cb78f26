// A Clock on simulated time for unit tests: time stands still until something waits, and every
// wait returns after a millisecond of real time with the clock moved on by what was waited for. The
// loop's deadlines, detection windows and backoffs then take no real time. Thread-safe.
#pragma once

#include <atomic>
#include <thread>

#include "absl/time/time.h"
#include "controller/clients/clock.h"

namespace radctl::testing {

class FakeClock : public Clock {
 public:
  explicit FakeClock(absl::Time start = absl::FromUnixSeconds(1'800'000'000)) : start_(start) {}

  absl::Time Now() const override { return start_ + absl::Nanoseconds(elapsed_ns_.load()); }
  void SleepFor(absl::Duration duration) const override {
    Advance(duration);
    // Background actions run on real threads: a wait lets them run for a moment of real time,
    // or a busy machine could leave one unscheduled while the loop's simulated deadline passes.
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void WaitFor(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
               absl::Duration duration) const override {
    // A notification that came meanwhile is seen by the caller's own check; the real lock is
    // released briefly so that notifiers are not starved.
    lock.unlock();
    SleepFor(duration);
    lock.lock();
  }

  void Advance(absl::Duration duration) const { elapsed_ns_ += absl::ToInt64Nanoseconds(duration); }

 private:
  const absl::Time start_;
  mutable std::atomic<int64_t> elapsed_ns_{0};
};

}  // namespace radctl::testing
