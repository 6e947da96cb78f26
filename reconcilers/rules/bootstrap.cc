// Rule 3' for a cluster whose nodes hold no data: the first node is created and initialised
// (or restored from another cluster's backups). A cluster that existed (a recorded primary) is
// never started empty in its place, and nothing is initialised before every node's data
// directory has been looked at.
#include <optional>

#include "absl/strings/str_cat.h"
#include "reconcilers/recovery_target.h"
#include "reconcilers/rules/rules.h"

namespace radctl {
namespace {

// Nothing of the cluster exists: no container and no volume of any node (so none can hold data)
// and no primary recorded. The first node is then created and initialised in one step, beside
// the bouncer only: the engine spends CPU on each container it starts, and on a small machine
// the standbys' starts would take that from the first write. They are made once it is primary,
// when there is something to clone. The init script itself refuses a data directory that holds
// data (a volume of that name made outside radctl), so this never initialises over one.
std::optional<Proposal> NewClusterFromNothing(const Situation& s, const Proposal& earlier) {
  Proposal out;
  if (!s.observed.nodes.empty() || s.observed.recorded_primary.ordinal != 0 ||
      s.spec.bootstrap.recovery.has_value() || !s.Desired(1) || s.Busy(1, earlier, out)) {
    return std::nullopt;
  }
  AddUnlessBackingOff(s, out, ActionType::kCreatePrimary, 1, 0,
                      "new cluster: no container or volume of it exists; creating and "
                      "initialising the first node (the others once it is primary)");
  out.Append(BouncerContainer(s));
  return out;
}

Proposal InitFirstNode(const Situation& s, const Proposal& earlier) {
  Proposal out;
  const NodeObservation* first = s.Node(1);
  if (first == nullptr || first->container != ContainerState::kRunning || s.Busy(1, earlier, out) ||
      first->data_dir != DataDir::kEmpty) {
    return out;
  }
  if (s.spec.bootstrap.recovery.has_value()) {
    const RecoverySpec& recovery = *s.spec.bootstrap.recovery;
    AddUnlessBackingOff(s, out, ActionType::kRestorePrimary, 1, 0,
                        absl::StrCat("new cluster: no node holds data; restoring it from cluster ",
                                     recovery.from_cluster, "'s backups, recovered to ",
                                     DescribeRecoveryTarget(recovery)));
  } else {
    AddUnlessBackingOff(s, out, ActionType::kInitPrimary, 1, 0, "new cluster: no node holds data");
  }
  return out;
}

}  // namespace

Proposal Bootstrap(const Situation& s, const Proposal& earlier, bool* applies) {
  bool any_data = false;
  bool any_unknown = false;
  for (const NodeObservation& node : s.observed.nodes) {
    if (node.reachable || node.data_dir == DataDir::kStandby ||
        node.data_dir == DataDir::kPrimary) {
      any_data = true;
    } else if (node.data_dir == DataDir::kUnknown) {
      any_unknown = true;
    }
  }
  *applies = !any_data && s.observed.repmgr_nodes.empty();
  if (!*applies) return {};
  if (std::optional<Proposal> fresh = NewClusterFromNothing(s, earlier)) return *fresh;
  Proposal out = NodeContainers(s, earlier, /*hold=*/0);
  out.Append(BouncerContainer(s));
  if (any_unknown) {
    out.Wait("looking at every node's data directory before initialising a new cluster");
  } else if (s.observed.recorded_primary.ordinal != 0) {
    // A cluster existed: never start an empty one in its place.
    out.Wait(absl::StrCat("the cluster's state records ",
                          s.Name(s.observed.recorded_primary.ordinal), " as primary on timeline ",
                          s.observed.recorded_primary.timeline,
                          " but no node holds data (volumes removed outside radctl?); to start "
                          "afresh, run radctl delete ",
                          s.spec.name));
  } else {
    Proposal so_far = earlier;
    so_far.Append(out);
    out.Append(InitFirstNode(s, so_far));
  }
  return out;
}

}  // namespace radctl
