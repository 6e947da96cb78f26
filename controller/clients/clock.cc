#include "controller/clients/clock.h"

#include <thread>

#include "absl/time/clock.h"

namespace radctl {
namespace {

class SystemClock : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
  void SleepFor(absl::Duration duration) const override { absl::SleepFor(duration); }
  void WaitFor(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
               absl::Duration duration) const override {
    cv.wait_for(lock, absl::ToChronoNanoseconds(duration));
  }
};

}  // namespace

const Clock& RealClock() {
  static const SystemClock* clock = new SystemClock();
  return *clock;
}

}  // namespace radctl
