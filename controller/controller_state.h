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
#include "controller/cluster_store.h"
#include "controller/conditions.h"
#include "controller/metrics.h"
#include "crd-like-specs/cluster_spec.h"
#include "reconcilers/observed_state.h"
#include "reconcilers/plan.h"

namespace radctl {

struct NodeState {
  std::string role;
  absl::Time since;
};

struct ControllerView {
  bool observed_once = false;
  ClusterSpec spec;
  ObservedState observed;
  std::vector<Condition> conditions;
  std::map<std::string, NodeState> node_states;  // by node name
  bool in_pass = false;
  absl::Time last_pass_end = absl::InfinitePast();
};

class ControllerState {
 public:
  // `store` (may be null) keeps conditions and node states when they change.
  ControllerState(std::string cluster, ClusterStore* store);

  void PassStarted();
  void PassEnded();
  // After observing and planning: recomputes conditions and node states.
  void Publish(const ClusterSpec& spec, const ObservedState& observed, const Plan& plan);

  ControllerView View() const;
  Metrics& metrics() { return metrics_; }

 private:
  mutable std::mutex mu_;
  ControllerView view_;
  ClusterStore* store_;
  Metrics metrics_;
};

// Node roles carried over from `previous` while unchanged; a changed role starts at `now`.
std::map<std::string, NodeState> UpdateNodeStates(const ObservedState& observed,
                                                  const std::map<std::string, NodeState>& previous,
                                                  absl::Time now);

}  // namespace radctl
