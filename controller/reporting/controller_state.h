// What the watch loop last observed, planned and concluded (conditions, how long each node has
// been in its role), shared with the HTTP endpoint and kept with the cluster for `status`.
// Thread-safe: the loop publishes, HTTP handlers read copies.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "controller/clients/clock.h"
#include "controller/reporting/conditions.h"
#include "controller/reporting/metrics.h"
#include "controller/reporting/node_states.h"
#include "controller/state/cluster_store.h"
#include "crd-like-specs/cluster_spec.h"
#include "reconcilers/observed_state.h"
#include "reconcilers/plan.h"

namespace radctl {

struct ControllerView {
  bool observed_once = false;
  ClusterSpec spec;
  ObservedState observed;
  std::vector<Condition> conditions;
  std::map<std::string, NodeState> node_states;  // by node name
  bool in_pass = false;
  absl::Time last_pass_end = absl::InfinitePast();  // on the clock's Monotonic()
};

class ControllerState {
 public:
  // `store` (may be null) keeps conditions and node states when they change.
  ControllerState(std::string cluster, ClusterStore* store, const Clock& clock);

  void PassStarted();
  // A pass took `took`; `failed` when observing or an action failed.
  void PassEnded(absl::Duration took, bool failed);
  // After observing and planning: recomputes conditions and node states.
  void Publish(const ClusterSpec& spec, const ObservedState& observed, const Plan& plan);

  ControllerView View() const;
  Metrics& metrics() { return metrics_; }

 private:
  mutable std::mutex mu_;
  ControllerView view_;
  ClusterStore* store_;
  const Clock& clock_;
  Metrics metrics_;
};

// Conditions and node states as the watcher last concluded them, kept with the cluster for
// `radctl status` run beside it. Damaged or missing files read as empty (they are recomputed).
std::vector<Condition> LoadConditions(const ClusterStore& store);
[[nodiscard]] absl::Status SaveConditions(ClusterStore& store,
                                          const std::vector<Condition>& conditions);
std::map<std::string, NodeState> LoadNodeStates(const ClusterStore& store);
[[nodiscard]] absl::Status SaveNodeStates(ClusterStore& store,
                                          const std::map<std::string, NodeState>& states);

}  // namespace radctl
