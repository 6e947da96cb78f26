#include "reconcilers/probe_timings.h"

#include <algorithm>

namespace radctl {

ProbeTimings ProbeTimingsFor(const FailoverSpec& failover) {
  const absl::Duration quarter = absl::Milliseconds(failover.detection_ms) / 4;
  return {std::min(absl::Milliseconds(250), quarter),
          std::clamp(quarter, absl::Milliseconds(100), absl::Seconds(1))};
}

std::map<int, absl::Time> SilenceDeadlines(const LoopMemory& memory, const FailoverSpec& failover) {
  std::map<int, absl::Time> deadlines;
  for (const auto& [ordinal, node] : memory.nodes) {
    // Silent at the last look: it answered before it (a node that answered then has
    // answered_at == looked_at; one never heard from has no silence to reach a deadline).
    if (node.answered_at != absl::InfinitePast() && node.looked_at > node.answered_at) {
      deadlines[ordinal] = node.answered_at + absl::Milliseconds(failover.detection_ms);
    }
  }
  return deadlines;
}

std::map<int, absl::Duration> ShortenedProbeTimeouts(const LoopMemory& memory,
                                                     const FailoverSpec& failover, absl::Time now) {
  const absl::Duration timeout = ProbeTimingsFor(failover).timeout;
  std::map<int, absl::Duration> timeouts;
  for (const auto& [ordinal, deadline] : SilenceDeadlines(memory, failover)) {
    const absl::Duration left = deadline - now;
    if (left >= -timeout) timeouts[ordinal] = std::clamp(left, kShortestProbe, timeout);
  }
  return timeouts;
}

}  // namespace radctl
