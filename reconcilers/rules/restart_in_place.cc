// When the registered primary may be started again in place (safety rule 1): only if nobody
// else was promoted, which is what these look for — a newer timeline answered or in sight, a
// node out of sight that may have been promoted, a promotion whose record could not be written.
#include "absl/strings/str_cat.h"
#include "reconcilers/rules/without_primary.h"

namespace radctl::without_primary {

std::string DescribeStop(const NodeObservation& node) {
  if (node.container == ContainerState::kMissing) return "container is gone";
  if (node.killed) return "container was killed (SIGKILL)";
  if (node.oom_killed) return "container was killed for lack of memory (OOM)";
  return absl::StrCat("container died (exit code ", node.exit_code, ")");
}

std::string WhyNotRestartInPlace(const Situation& s, const NodeObservation& primary) {
  if (s.memory.highest_timeline > primary.timeline) {
    return absl::StrCat("a node answered on timeline ", s.memory.highest_timeline, ", newer than ",
                        primary.name, "'s ", primary.timeline, ": it was promoted");
  }
  for (const NodeObservation& node : s.observed.nodes) {
    if (node.ordinal == primary.ordinal) continue;
    if (node.timeline > primary.timeline) {
      return absl::StrCat(node.name, " is on timeline ", node.timeline, ", newer than ",
                          primary.name, "'s ", primary.timeline, ": it was promoted");
    }
    // Out of sight since this controller started (it promotes only what it has seen; another
    // may have promoted it before dying). A node being scaled away is never started again to be
    // looked at; one that stays is.
    if (!node.reachable && node.data_dir == DataDir::kUnknown && node.timeline == 0 &&
        node.container != ContainerState::kMissing && s.Desired(node.ordinal) &&
        !s.memory.Node(node.ordinal).answered_once) {
      return absl::StrCat(node.name, " cannot be looked at (",
                          node.facts_error.empty() ? DescribeStop(node) : node.facts_error,
                          "): it may have been promoted");
    }
  }
  return "";
}

Proposal StartScaledAwayHoldersOfNewerTimeline(const Situation& s, const Proposal& already) {
  Proposal out;
  const int newest = s.memory.highest_timeline;
  if (newest <= s.observed.recorded_primary.timeline) return out;
  for (const NodeObservation& node : s.observed.nodes) {
    if (node.timeline >= newest) return out;  // in sight: nothing to look for
  }
  for (const NodeObservation& node : s.observed.nodes) {
    if (s.Desired(node.ordinal) || node.container == ContainerState::kRunning ||
        node.container == ContainerState::kMissing || already.ActsOn(node.ordinal)) {
      continue;
    }
    AddUnlessBackingOff(
        s, out, ActionType::kStartContainer, node.ordinal, 0,
        absl::StrCat(node.name, " is being scaled away but may hold timeline ", newest,
                     " (a node was promoted on it and its record could not be written): "
                     "starting its container to look at it"));
  }
  return out;
}

const NodeObservation* UnrecordedPromotionToRestart(const Situation& s, int registered) {
  const NodeObservation* found = nullptr;
  for (const NodeObservation& node : s.observed.nodes) {
    if (node.ordinal == registered || node.reachable || node.data_dir != DataDir::kPrimary ||
        node.postgres_running || node.paused || node.container != ContainerState::kRunning ||
        node.timeline <= s.observed.recorded_primary.timeline ||
        s.observed.recorded_primary.ordinal == 0) {
      continue;
    }
    if (found == nullptr || node.timeline > found->timeline) found = &node;
  }
  return found;
}

}  // namespace radctl::without_primary
