#include "controller/controller_state.h"

#include "absl/time/clock.h"
#include "controller/status_report.h"

namespace radctl {

std::map<std::string, NodeState> UpdateNodeStates(const ObservedState& observed,
                                                  const std::map<std::string, NodeState>& previous,
                                                  absl::Time now) {
  std::map<std::string, NodeState> states;
  for (const NodeObservation& node : observed.nodes) {
    std::string role = NodeRole(node);
    auto before = previous.find(node.name);
    states[node.name] = before != previous.end() && before->second.role == role
                            ? before->second
                            : NodeState{role, now};
  }
  return states;
}

ControllerState::ControllerState(std::string cluster, ClusterStore* store)
    : store_(store), metrics_(std::move(cluster)) {
  if (store_ != nullptr) {
    view_.conditions = store_->LoadConditions();
    view_.node_states = store_->LoadNodeStates();
  }
}

void ControllerState::PassStarted() {
  std::lock_guard<std::mutex> lock(mu_);
  view_.in_pass = true;
}

void ControllerState::PassEnded() {
  std::lock_guard<std::mutex> lock(mu_);
  view_.in_pass = false;
  view_.last_pass_end = absl::Now();
}

void ControllerState::Publish(const ClusterSpec& spec, const ObservedState& observed,
                              const Plan& plan) {
  absl::Time now = absl::Now();
  std::vector<Condition> conditions;
  std::map<std::string, NodeState> node_states;
  bool changed = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    conditions = ComputeConditions(spec, observed, plan, view_.conditions, now);
    node_states = UpdateNodeStates(observed, view_.node_states, now);
    for (size_t i = 0; i < conditions.size(); ++i) {
      const Condition* before = FindCondition(view_.conditions, conditions[i].type);
      changed = changed || before == nullptr || before->status != conditions[i].status ||
                before->reason != conditions[i].reason;
    }
    changed = changed || node_states.size() != view_.node_states.size();
    for (const auto& [name, state] : node_states) {
      auto before = view_.node_states.find(name);
      changed = changed || before == view_.node_states.end() || before->second.role != state.role;
    }
    view_.observed_once = true;
    view_.spec = spec;
    view_.observed = observed;
    view_.conditions = conditions;
    view_.node_states = node_states;
  }
  const Condition* ready = FindCondition(conditions, "Ready");
  metrics_.RecordObservation(spec, observed, ready != nullptr && ready->status);
  if (changed && store_ != nullptr) {
    // Kept for `radctl status` run beside the watcher; losing one is harmless (recomputed).
    (void)store_->SaveConditions(conditions);
    (void)store_->SaveNodeStates(node_states);
  }
}

ControllerView ControllerState::View() const {
  std::lock_guard<std::mutex> lock(mu_);
  return view_;
}

}  // namespace radctl
