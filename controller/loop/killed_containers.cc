#include "controller/loop/killed_containers.h"

namespace radctl {
namespace {

// Docker 20.10 reports the `die` of a killed Postgres container 0.1-0.3 s after its `kill`
// (unmounting the container's filesystem, tearing its network down); far longer means
// something else is wrong, and the engine's listing is trusted again.
constexpr absl::Duration kDeathReportedWithin = absl::Seconds(10);
constexpr char kSigkill[] = "9";

}  // namespace

void KilledContainers::Note(const docker::Event& event, absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  if (event.action == "kill") {
    auto signal = event.labels.find("signal");
    if (signal != event.labels.end() && signal->second == kSigkill) killed_at_[event.name] = now;
  } else if (event.action == "die" || event.action == "start" || event.action == "destroy") {
    killed_at_.erase(event.name);
  }
}

void KilledContainers::Forget() {
  std::lock_guard<std::mutex> lock(mu_);
  killed_at_.clear();
}

bool KilledContainers::Killed(const std::string& container, absl::Time now) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = killed_at_.find(container);
  return it != killed_at_.end() && now - it->second < kDeathReportedWithin;
}

}  // namespace radctl
