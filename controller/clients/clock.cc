#include "controller/clients/clock.h"

#include <chrono>
#include <thread>

#include "absl/time/clock.h"

namespace radctl {
namespace {

class SystemClock : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
  absl::Time Monotonic() const override {
    return absl::UnixEpoch() +
           absl::FromChrono(std::chrono::steady_clock::now().time_since_epoch());
  }
  void SleepFor(absl::Duration duration) const override {
    std::this_thread::sleep_for(absl::ToChronoNanoseconds(duration));
  }
  void WaitFor(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
               absl::Duration duration) const override {
    cv.wait_for(lock, absl::ToChronoNanoseconds(duration));
  }
  void Notify(std::condition_variable& cv) const override { cv.notify_all(); }
};

}  // namespace

const Clock& RealClock() {
  static const SystemClock* clock = new SystemClock();
  return *clock;
}

}  // namespace radctl
