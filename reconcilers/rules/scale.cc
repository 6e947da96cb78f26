// Rule 7, scaling down: nodes no longer desired are removed, and slots no standby can use are
// dropped.
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "reconcilers/rules/rules.h"

namespace radctl {

Proposal RemoveUndesiredNodes(const Situation& s, const Proposal& earlier, int primary) {
  Proposal out;
  for (const NodeObservation& node : s.observed.nodes) {
    if (node.ordinal == primary || s.Desired(node.ordinal) || s.Busy(node.ordinal, earlier, out))
      continue;
    out.Add(ActionType::kRemoveNode, node.ordinal, primary,
            absl::StrCat("scaling down to ", s.spec.nodes,
                         " nodes: removing the standby, its volume (data), its replication slot "
                         "and its repmgr record"));
  }
  return out;
}

// Slots on the primary that no standby can use: its own (left from an earlier term as a
// standby) and those of nodes that no longer exist. They would hold WAL back forever.
Proposal DropStaleSlots(const Situation& s, const Proposal& earlier, int primary) {
  Proposal out;
  for (const ReplicationSlot& slot : s.observed.slots) {
    absl::string_view name = slot.name;
    int ordinal = 0;
    if (slot.active || !absl::ConsumePrefix(&name, "repmgr_slot_") ||
        !absl::SimpleAtoi(name, &ordinal)) {
      continue;
    }
    bool exists = s.Node(ordinal) != nullptr;
    if (ordinal == primary || (!exists && !s.Busy(ordinal, earlier, out))) {
      out.Add(ActionType::kDropSlot, ordinal, primary,
              ordinal == primary ? "the primary's own slot is of no use to any standby"
                                 : absl::StrCat("node ", s.Name(ordinal), " no longer exists"));
    }
  }
  return out;
}

}  // namespace radctl
