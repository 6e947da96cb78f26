#include "controller/reporting/controller_state.h"

#include <nlohmann/json.hpp>

namespace radctl {
namespace {

constexpr char kConditionsFile[] = "conditions.json";
constexpr char kNodeStatesFile[] = "node-states.json";

std::string Rfc3339(absl::Time time) {
  return absl::FormatTime(absl::RFC3339_full, time, absl::UTCTimeZone());
}

absl::Time ParseRfc3339(const std::string& text) {
  absl::Time time = absl::InfinitePast();
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &time, &error)) return absl::InfinitePast();
  return time;
}

}  // namespace

std::vector<Condition> LoadConditions(const ClusterStore& store) {
  std::vector<Condition> conditions;
  absl::StatusOr<std::string> text = store.ReadDocument(kConditionsFile);
  if (!text.ok()) return conditions;
  try {
    const nlohmann::json json = nlohmann::json::parse(*text);
    for (const nlohmann::json& item : json) {
      conditions.push_back({item.at("type"), item.at("status") == "True", item.at("reason"),
                            item.at("message"), ParseRfc3339(item.at("lastTransitionTime"))});
    }
  } catch (const nlohmann::json::exception&) {
    conditions.clear();  // recomputed from scratch: only transition times are lost
  }
  return conditions;
}

absl::Status SaveConditions(ClusterStore& store, const std::vector<Condition>& conditions) {
  nlohmann::json json = nlohmann::json::array();
  for (const Condition& c : conditions) {
    json.push_back({{"type", c.type},
                    {"status", c.status ? "True" : "False"},
                    {"reason", c.reason},
                    {"message", c.message},
                    {"lastTransitionTime", Rfc3339(c.last_transition)}});
  }
  return store.WriteDocument(kConditionsFile, json.dump(2) + "\n");
}

std::map<std::string, NodeState> LoadNodeStates(const ClusterStore& store) {
  std::map<std::string, NodeState> states;
  absl::StatusOr<std::string> text = store.ReadDocument(kNodeStatesFile);
  if (!text.ok()) return states;
  try {
    const nlohmann::json json = nlohmann::json::parse(*text);
    for (auto it = json.begin(); it != json.end(); ++it) {
      states[it.key()] = {it.value().at("role"), ParseRfc3339(it.value().at("since"))};
    }
  } catch (const nlohmann::json::exception&) {
    states.clear();
  }
  return states;
}

absl::Status SaveNodeStates(ClusterStore& store, const std::map<std::string, NodeState>& states) {
  nlohmann::json json = nlohmann::json::object();
  for (const auto& [name, state] : states) {
    json[name] = {{"role", state.role}, {"since", Rfc3339(state.since)}};
  }
  return store.WriteDocument(kNodeStatesFile, json.dump(2) + "\n");
}

ControllerState::ControllerState(std::string cluster, ClusterStore* store, const Clock& clock)
    : store_(store), clock_(clock), metrics_(std::move(cluster)) {
  if (store_ != nullptr) {
    view_.conditions = LoadConditions(*store_);
    view_.node_states = LoadNodeStates(*store_);
  }
}

void ControllerState::PassStarted() {
  std::lock_guard<std::mutex> lock(mu_);
  view_.in_pass = true;
}

void ControllerState::PassEnded(absl::Duration took, bool failed) {
  metrics_.RecordReconcile(took, failed, clock_.Now());
  std::lock_guard<std::mutex> lock(mu_);
  view_.in_pass = false;
  view_.last_pass_end = clock_.Monotonic();
}

void ControllerState::Publish(const ClusterSpec& spec, const ObservedState& observed,
                              const Plan& plan) {
  absl::Time now = observed.wall_at;
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
    (void)SaveConditions(*store_, conditions);
    (void)SaveNodeStates(*store_, node_states);
  }
}

ControllerView ControllerState::View() const {
  std::lock_guard<std::mutex> lock(mu_);
  return view_;
}

}  // namespace radctl
