#include "reconcilers/probe_timings.h"

#include <algorithm>

namespace radctl {

ProbeTimings ProbeTimingsFor(const FailoverSpec& failover) {
  const absl::Duration quarter = absl::Milliseconds(failover.detection_ms) / 4;
  return {std::min(absl::Milliseconds(250), quarter),
          std::clamp(quarter, absl::Milliseconds(100), absl::Seconds(1))};
}

}  // namespace radctl
