#include "reconcilers/observed_state.h"

namespace radctl {

const NodeObservation* ObservedState::Node(int ordinal) const {
  for (const NodeObservation& node : nodes) {
    if (node.ordinal == ordinal) return &node;
  }
  return nullptr;
}

const RepmgrNode* ObservedState::RepmgrRecord(int ordinal) const {
  for (const RepmgrNode& record : repmgr_nodes) {
    if (record.node_id == ordinal) return &record;
  }
  return nullptr;
}

std::string NodeRole(const NodeObservation& node) {
  if (node.IsWritablePrimary()) return "primary";
  if (node.IsReachableStandby()) return "standby";
  if (node.container == ContainerState::kRunning && node.data_dir == DataDir::kPrimary &&
      !node.postgres_running) {
    return "fenced";
  }
  return "down";
}

}  // namespace radctl
