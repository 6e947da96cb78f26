#include "controller/reporting/conditions.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "reconcilers/naming.h"

namespace radctl {
namespace {

Condition Make(std::string type, bool status, std::string reason, std::string message) {
  return Condition{std::move(type), status, std::move(reason), std::move(message)};
}

Condition Ready(const ClusterSpec& spec, const ObservedState& observed) {
  const NodeObservation* primary = nullptr;
  for (const NodeObservation& node : observed.nodes) {
    if (node.IsWritablePrimary()) primary = &node;
  }
  const BouncerObservation& bouncer = observed.bouncer;
  if (primary == nullptr) return Make("Ready", false, "NoPrimary", "no node is a writable primary");
  if (bouncer.container != ContainerState::kRunning || !bouncer.reachable) {
    return Make("Ready", false, "BouncerDown",
                absl::StrCat("the bouncer does not answer",
                             bouncer.probe_error.empty() ? "" : ": " + bouncer.probe_error));
  }
  if (bouncer.target_host != primary->name) {
    return Make("Ready", false, "BouncerNotOnPrimary",
                absl::StrCat("the bouncer points to ",
                             bouncer.target_host.empty() ? "nothing" : bouncer.target_host,
                             ", the primary is ", primary->name));
  }
  if (bouncer.paused) return Make("Ready", false, "BouncerPaused", "clients are held (PAUSE)");
  return Make("Ready", true, "PrimaryReachable",
              absl::StrCat("the endpoint reaches the writable primary ", primary->name));
}

Condition Degraded(const ClusterSpec& spec, const ObservedState& observed) {
  std::string primary;
  for (const NodeObservation& node : observed.nodes) {
    if (node.IsWritablePrimary()) primary = node.name;
  }
  int wanted = spec.nodes - 1;
  int streaming = 0;
  for (const NodeObservation& node : observed.nodes) {
    if (!primary.empty() && node.IsStreamingFrom(primary) &&
        node.wal_receiver.status == "streaming") {
      ++streaming;
    }
  }
  std::string message =
      absl::StrCat(std::min(streaming, wanted), " of ", wanted, " standbys streaming");
  if (primary.empty()) return Make("Degraded", true, "NoPrimary", "no writable primary");
  if (streaming < wanted) return Make("Degraded", true, "StandbysNotStreaming", message);
  return Make("Degraded", false, "AllStandbysStreaming", message);
}

}  // namespace

const Condition* FindCondition(const std::vector<Condition>& conditions, const std::string& type) {
  for (const Condition& condition : conditions) {
    if (condition.type == type) return &condition;
  }
  return nullptr;
}

std::vector<Condition> ComputeConditions(const ClusterSpec& spec, const ObservedState& observed,
                                         const Plan& plan, const std::vector<Condition>& previous,
                                         absl::Time now) {
  const Action* failover = nullptr;
  for (const Action& action : plan.actions) {
    if (action.type == ActionType::kFailover || action.type == ActionType::kFence) {
      if (failover == nullptr || action.type == ActionType::kFailover) failover = &action;
    }
  }
  const Alert* quorum = nullptr;
  for (const Alert& alert : plan.alerts) {
    if (alert.reason == "WaitingForQuorum") quorum = &alert;
  }
  std::vector<Condition> conditions = {
      Ready(spec, observed),
      Degraded(spec, observed),
      quorum != nullptr ? Make("FailingOver", true, "WaitingForQuorum", quorum->message)
      : failover != nullptr
          ? Make("FailingOver", true, "PrimaryFailed", failover->reason)
          : Make("FailingOver", false, "PrimaryHealthy", "no failover in progress"),
      plan.converged()
          ? Make("Reconciling", false, "Converged", "observed state matches the spec")
          : Make("Reconciling", true, plan.actions.empty() ? "Waiting" : "Acting",
                 plan.actions.empty() ? plan.waiting.front()
                                      : absl::StrCat(plan.actions.size(),
                                                     " action(s): ", plan.actions.front().reason)),
  };
  for (Condition& condition : conditions) {
    const Condition* before = FindCondition(previous, condition.type);
    condition.last_transition =
        before != nullptr && before->status == condition.status ? before->last_transition : now;
  }
  return conditions;
}

}  // namespace radctl
