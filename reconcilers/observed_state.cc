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

}  // namespace radctl
