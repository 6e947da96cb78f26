// A Clock on simulated time for unit tests and the simulator: time stands still until something
// waits, and every wait returns with the clock moved on by what was waited for. The loop's
// deadlines, detection windows and backoffs then take no real time. Thread-safe.
//
// With `real_pause` (the loop tests, whose background actions run on real threads) a wait also
// lets a millisecond of real time pass, so that a busy machine cannot leave a background action
// unscheduled while the loop's simulated deadline passes. The simulator runs on one thread and
// needs none.
//
// Wall time can be stepped (StepWall): Monotonic() never is.
#pragma once

#include <atomic>
#include <thread>

#include "absl/time/time.h"
#include "controller/clients/clock.h"

namespace radctl::testing {

class FakeClock : public Clock {
 public:
  explicit FakeClock(absl::Time start = absl::FromUnixSeconds(1'800'000'000),
                     bool real_pause = true)
      : start_(start), real_pause_(real_pause) {}

  absl::Time Now() const override {
    return Monotonic() + absl::Nanoseconds(wall_offset_ns_.load());
  }
  absl::Time Monotonic() const override { return start_ + absl::Nanoseconds(elapsed_ns_.load()); }
  void SleepFor(absl::Duration duration) const override {
    Advance(duration);
    if (real_pause_) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void WaitFor(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
               absl::Duration duration) const override {
    // A notification that came meanwhile is seen by the caller's own check; the real lock is
    // released briefly so that notifiers are not starved.
    lock.unlock();
    SleepFor(duration);
    lock.lock();
  }
  void Notify(std::condition_variable& cv) const override { cv.notify_all(); }

  void Advance(absl::Duration duration) const { elapsed_ns_ += absl::ToInt64Nanoseconds(duration); }
  // The wall clock set forward (or back, negative) by `step`, as NTP or a person would.
  void StepWall(absl::Duration step) { wall_offset_ns_ += absl::ToInt64Nanoseconds(step); }

 private:
  const absl::Time start_;
  const bool real_pause_;
  mutable std::atomic<int64_t> elapsed_ns_{0};
  std::atomic<int64_t> wall_offset_ns_{0};
};

}  // namespace radctl::testing
