#include "controller/reporting/node_states.h"

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

}  // namespace radctl
