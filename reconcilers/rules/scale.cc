// Rule 7, scaling down: nodes no longer desired are removed — under synchronous replication
// only once they cannot hold the only copy of an acknowledged commit — and slots no standby can
// use are dropped.
#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "reconcilers/quorum.h"
#include "reconcilers/rules/rules.h"

namespace radctl {

namespace {

// Why `node`, no longer desired, may not be removed yet under synchronous replication (""
// when it may): it may hold a copy of commits it acknowledged that the standbys that stay lack.
// It first stops taking part (its Postgres stopped: it acknowledges nothing more), then goes once
// as many standbys that stay as the primary's k stream from the primary and have received
// everything the primary had written when the node fell silent (all it could have acknowledged).
// Then every acknowledged commit is on k standbys that stay, as a failover's quorum counts them
// once the node is gone: one standby with everything is not enough (with ANY 2, a commit the
// node and one other acknowledged would be on one standby that stays, and a failover that saw
// only another would lose it: simulator seed 902721).
std::string HoldsAcknowledgedCommits(const Situation& s, const NodeObservation& node, int primary,
                                     int k, bool* stop_first) {
  *stop_first = false;
  if (node.data_dir == DataDir::kEmpty && !node.reachable) return "";
  if (node.reachable || (node.container == ContainerState::kRunning && node.postgres_running)) {
    *stop_first = true;
    return "";
  }
  const Lsn barrier = s.memory.Node(node.ordinal).primary_lsn_when_silent;
  const std::string primary_name = s.Name(primary);
  int have_everything = 0;
  for (int ordinal : s.desired) {
    const NodeObservation* stays = s.Node(ordinal);
    if (ordinal == primary || stays == nullptr || !stays->IsStreamingFrom(primary_name)) continue;
    if (barrier != 0 && std::max(stays->receive_lsn, stays->replay_lsn) >= barrier) {
      ++have_everything;
    }
  }
  const int needed = std::max(1, std::min<int>(k, static_cast<int>(s.desired.size()) - 1));
  if (have_everything >= needed) return "";
  return absl::StrCat(
      node.name, " is to be removed (scaling down to ", s.spec.nodes,
      " nodes) but, a synchronous standby, it may hold the only copy of commits it acknowledged: "
      "waiting until ",
      needed > 1 ? absl::StrCat(needed, " standbys that stay stream from ")
                 : std::string("a standby that stays streams from "),
      primary_name,
      barrier == 0 ? std::string(" and the position it may have acknowledged up to is known")
                   : absl::StrCat(needed > 1 ? " and have" : " and has", " received up to ",
                                  FormatLsn(barrier)));
}

// `node`, no longer desired, has a volume whose moved-aside copies were not read this pass.
void ReadVolumeBeforeRemoval(const Situation& s, const NodeObservation& node, Proposal& out) {
  const std::string why = absl::StrCat(
      "scaling down to ", s.spec.nodes, " nodes: ", node.name,
      "'s volume is read before it is removed (rebuilds may have moved data directories aside "
      "there, which radctl never deletes)");
  switch (node.container) {
    case ContainerState::kMissing:
      AddUnlessBackingOff(s, out, ActionType::kCreateNode, node.ordinal, 0,
                          absl::StrCat(why, "; re-creating its container on the volume"));
      break;
    case ContainerState::kCreated:
    case ContainerState::kStopped:
      AddUnlessBackingOff(s, out, ActionType::kStartContainer, node.ordinal, 0,
                          absl::StrCat(why, "; starting its container"));
      break;
    case ContainerState::kRunning:
      out.Wait(absl::StrCat(
          node.name, " is to be removed (scaling down to ", s.spec.nodes,
          " nodes) but its volume could not be read (",
          node.paused
              ? std::string("its container is paused: `docker unpause ") + node.name + "`"
              : (node.facts_error.empty() ? std::string("no answer yet") : node.facts_error),
          "); radctl removes a volume only once it has seen that no data directory moved aside "
          "by a rebuild is kept there"));
      break;
  }
}

}  // namespace

Proposal RemoveUndesiredNodes(const Situation& s, const Proposal& earlier, int primary) {
  Proposal out;
  const int k = FailoverSynchronousNumber(s.spec, s.observed.recorded_primary);
  for (const NodeObservation& node : s.observed.nodes) {
    if (node.ordinal == primary || s.Desired(node.ordinal) || s.Busy(node.ordinal, earlier, out))
      continue;
    // Its volume goes with it, and with the volume every data directory a rebuild moved aside
    // there, which may hold the only copy of commits (simulator seed 174269): radctl never
    // deletes one. What the volume holds is read from its running container, so a stopped
    // container is started and a missing one re-created on the volume first.
    if (node.volume_exists && !node.moved_aside_read) {
      ReadVolumeBeforeRemoval(s, node, out);
      continue;
    }
    if (!node.moved_aside.empty()) {
      out.Wait(absl::StrCat(
          node.name, " is to be removed (scaling down to ", s.spec.nodes,
          " nodes) but its volume holds data directories moved aside by rebuilds (",
          absl::StrJoin(node.moved_aside, ", "),
          "), which radctl never deletes: keep what you need from them (see them with `radctl "
          "aside ",
          s.spec.name, "`), remove each with `radctl aside ", s.spec.name, " ", node.ordinal,
          " --remove DIR`, and the scale-down goes on"));
      continue;
    }
    if (k > 0) {
      bool stop_first = false;
      std::string wait = HoldsAcknowledgedCommits(s, node, primary, k, &stop_first);
      if (stop_first) {
        out.Add(ActionType::kFence, node.ordinal, 0,
                absl::StrCat("scaling down to ", s.spec.nodes, " nodes: ", node.name,
                             " stops acknowledging synchronous commits first; it is removed once "
                             "a standby that stays has everything it may have acknowledged"))
            .fence = FenceMethod::kStopPostgres;
        continue;
      }
      if (!wait.empty()) {
        out.Wait(wait);
        continue;
      }
    }
    out.Add(ActionType::kRemoveNode, node.ordinal, primary,
            absl::StrCat(
                "scaling down to ", s.spec.nodes,
                " nodes: removing the standby, its volume (data), its replication slot "
                "and its repmgr record",
                k > 0 ? "; a standby that stays has every commit it may have acknowledged" : ""));
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
