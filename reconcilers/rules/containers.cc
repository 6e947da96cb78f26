// Rules 1 and 3: the network, and the containers of desired nodes and the bouncer.
#include "absl/strings/str_cat.h"
#include "reconcilers/rules/rules.h"
#include "reconcilers/spec_hash.h"

namespace radctl {

Proposal CreateNetwork(const Situation& s) {
  Proposal out;
  if (!s.observed.network_exists) {
    out.Add(ActionType::kCreateNetwork, 0, 0, "cluster network is missing");
  }
  return out;
}

Proposal NodeContainers(const Situation& s, const Proposal& earlier, int hold) {
  Proposal out;
  for (int ordinal : s.desired) {
    if (ordinal == hold || s.Busy(ordinal, earlier, out)) continue;
    const NodeObservation* node = s.Node(ordinal);
    if (node == nullptr || node->container == ContainerState::kMissing) {
      bool has_volume = node != nullptr && node->volume_exists;
      AddUnlessBackingOff(s, out, ActionType::kCreateNode, ordinal, 0,
                          has_volume ? "container is missing; re-creating it on its existing volume"
                                     : "node is desired but does not exist");
    } else if (node->container != ContainerState::kRunning) {
      AddUnlessBackingOff(
          s, out, ActionType::kStartContainer, ordinal, 0,
          node->container == ContainerState::kCreated
              ? std::string("container was created but never started")
              : absl::StrCat("container is stopped (exit code ", node->exit_code, ")"));
    }
  }
  return out;
}

Proposal BouncerContainer(const Situation& s) {
  Proposal out;
  const BouncerObservation& bouncer = s.observed.bouncer;
  if (bouncer.container == ContainerState::kMissing) {
    out.Add(ActionType::kCreateBouncer, 0, 0, "bouncer does not exist");
  } else if (!BouncerMadeFor(s.spec, bouncer.spec_hash)) {
    out.Add(ActionType::kRemoveBouncer, 0, 0,
            "bouncer was created from another spec (port, bind address, pool mode or auth "
            "changed); re-creating it");
  } else if (bouncer.container != ContainerState::kRunning) {
    out.Add(ActionType::kCreateBouncer, 0, 0, "bouncer container is stopped; re-creating it");
  } else if (bouncer.spec_hash == BouncerSpecHashWithoutLoginHold(s.spec) &&
             s.memory.login_hold_added_to != bouncer.container_id) {
    // Re-creating it would drop every client it has (an upgrade of radctl is no reason to).
    Action* add = AddUnlessBackingOff(
        s, out, ActionType::kAddLoginHold, 0, 0,
        "bouncer was made by a radctl that did not hold unanswered logins (after a killed "
        "primary it would turn clients away); adding the rules to it, its clients stay "
        "connected");
    if (add != nullptr) add->container_id = bouncer.container_id;
  }
  return out;
}

Proposal NoteBusyNodes(const Situation& s) {
  Proposal out;
  for (const NodeObservation& node : s.observed.nodes) {
    const std::string& busy = s.memory.Node(node.ordinal).busy_with;
    if (!busy.empty()) out.Wait(absl::StrCat(node.name, ": ", busy, " in progress"));
  }
  return out;
}

}  // namespace radctl
