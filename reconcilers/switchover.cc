#include "reconcilers/switchover.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "reconcilers/client_hold.h"
#include "reconcilers/naming.h"
#include "reconcilers/plan.h"
#include "reconcilers/standby_ranking.h"

namespace radctl {

Action PlannedSwitchover(int to, int from, std::vector<int> followers, std::string reason) {
  Action switchover{ActionType::kSwitchover, to, from, std::move(reason)};
  switchover.targets = std::move(followers);
  switchover.hold = ClientHold::kRequired;
  switchover.pause = PauseForPlannedChange();
  switchover.fallback = {kSwitchoverReplayWait, /*restart_old_primary=*/true};
  return switchover;
}

absl::StatusOr<SwitchoverChoice> ChooseSwitchover(const ClusterSpec& spec,
                                                  const ObservedState& observed, int requested) {
  const NodeObservation* primary = nullptr;
  for (const NodeObservation& node : observed.nodes) {
    if (node.IsWritablePrimary()) primary = &node;
  }
  if (primary == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("cluster ", spec.name, " has no writable primary to switch over from"));
  }
  const std::vector<int> desired = DesiredOrdinals(spec, observed);
  auto streams_from_primary = [&](const NodeObservation& node) {
    return std::find(desired.begin(), desired.end(), node.ordinal) != desired.end() &&
           node.IsStreamingFrom(primary->name);
  };
  if (requested == 0) {
    std::vector<const NodeObservation*> streaming;
    for (const NodeObservation& node : observed.nodes) {
      if (streams_from_primary(node)) streaming.push_back(&node);
    }
    const NodeObservation* best = MostAdvanced(streaming);
    if (best == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat("cluster ", spec.name,
                                                        " has no standby streaming from ",
                                                        primary->name, " to switch over to"));
    }
    return SwitchoverChoice{primary->ordinal, best->ordinal};
  }
  if (requested == primary->ordinal) return SwitchoverChoice{primary->ordinal, requested};
  const NodeObservation* node = observed.Node(requested);
  if (node == nullptr || !streams_from_primary(*node)) {
    std::string state = node == nullptr ? "does not exist" : absl::StrCat("is ", NodeRole(*node));
    if (node != nullptr && node->IsReachableStandby()) {
      state = std::find(desired.begin(), desired.end(), requested) == desired.end()
                  ? "is being removed (not a desired node)"
                  : "is a standby that does not stream from the primary";
    }
    return absl::FailedPreconditionError(
        absl::StrCat(NodeName(spec.name, requested), " ", state,
                     "; the target must be a standby streaming from the primary ", primary->name));
  }
  return SwitchoverChoice{primary->ordinal, requested};
}

RequestVerdict JudgeRequests(int switchover_to, int promote, const ObservedState& observed) {
  RequestVerdict verdict;
  for (int target : {switchover_to, promote}) {
    const NodeObservation* node = target == 0 ? nullptr : observed.Node(target);
    if (node != nullptr && node->IsWritablePrimary()) {
      verdict.kind = RequestVerdict::Kind::kDone;
      verdict.object = node->name;
      verdict.reason = target == promote ? "PromoteDone" : "SwitchoverDone";
      verdict.message = "is the primary, as requested";
      return verdict;
    }
  }
  if (promote == 0) return verdict;
  for (const NodeObservation& node : observed.nodes) {
    if (node.ordinal == promote || !node.IsWritablePrimary()) continue;
    const NodeObservation* target = observed.Node(promote);
    verdict.kind = RequestVerdict::Kind::kWithdrawn;
    verdict.object = node.name;
    verdict.reason = "PromoteWithdrawn";
    verdict.message = absl::StrCat(
        "answers again as the writable primary: the promotion of ",
        target != nullptr ? target->name : absl::StrCat("node ", promote),
        " requested during its outage is void (nothing was promoted; radctl promote again if it "
        "is still wanted)");
    return verdict;
  }
  return verdict;
}

std::vector<int> HandOverFollowers(const ClusterSpec& spec, const ObservedState& observed,
                                   int primary, int successor) {
  const std::vector<int> desired = DesiredOrdinals(spec, observed);
  const std::string primary_name = NodeName(spec.name, primary);
  std::vector<int> followers;
  for (const NodeObservation& node : observed.nodes) {
    if (node.ordinal == successor || !node.IsStreamingFrom(primary_name) ||
        std::find(desired.begin(), desired.end(), node.ordinal) == desired.end()) {
      continue;
    }
    followers.push_back(node.ordinal);
  }
  return followers;
}

}  // namespace radctl
