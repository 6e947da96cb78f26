// The planner: the rules (rules/rules.h) combined in their one precedence. Each rule returns a
// Proposal of its own; a rule that must not collide with earlier ones is given what they
// planned (at most one action per node and pass), and none edits another's output.
#include "reconcilers/plan.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "reconcilers/rules/rules.h"
#include "reconcilers/situation.h"

namespace radctl {
namespace {

// The primary as far as it is known: the writable one, else the one the cluster's state
// records, else the one repmgr records.
int KnownPrimary(const ObservedState& observed) {
  for (const NodeObservation& node : observed.nodes) {
    if (node.IsWritablePrimary()) return node.ordinal;
  }
  if (observed.recorded_primary.ordinal != 0) return observed.recorded_primary.ordinal;
  for (const RepmgrNode& record : observed.repmgr_nodes) {
    if (record.type == "primary" && record.active) return record.node_id;
  }
  return 0;
}

Plan Finish(Proposal proposal) {
  Plan plan;
  plan.actions = std::move(proposal.actions);
  plan.alerts = std::move(proposal.alerts);
  plan.waiting = std::move(proposal.waiting);
  if (!plan.actions.empty()) {
    plan.requeue_after = absl::ZeroDuration();
  } else if (!plan.waiting.empty()) {
    plan.requeue_after = std::min(kRequeueWhileWaiting, proposal.wake_within);
  } else {
    plan.requeue_after = std::min(kRequeueWhenConverged, proposal.wake_within);
  }
  return plan;
}

// Rules 3-9, with the writable `primary`.
void PlanWithPrimary(const Situation& s, int primary, Proposal& plan) {
  plan.Append(NodeContainers(s, plan, /*hold=*/0));
  plan.Append(BouncerContainer(s));
  bool behind = false;
  Proposal record = RecordPrimary(s, primary, &behind);
  // Safety rule 3: nothing depends on a primary before the cluster's state records it — no
  // client is sent there, no node follows or is rewound to it. A record that failed (a full or
  // read-only disk) must not leave clients writing, or standbys rewound, where a later fault
  // could start the recorded primary again and undo it all.
  const bool recorded = s.observed.recorded_primary.ordinal == primary &&
                        s.observed.recorded_primary.timeline == s.Node(primary)->timeline;
  plan.Append(std::move(record));
  if (behind || !recorded) return;
  plan.Append(PointBouncer(s, primary));
  plan.Append(DayTwo(s, primary));
  plan.Append(RemoveUndesiredNodes(s, plan, primary));
  plan.Append(StandbysFollow(s, plan, primary));
  plan.Append(DropStaleSlots(s, plan, primary));
  plan.Append(BackupStanza(s, plan, primary));
  if (!plan.actions.empty()) return;
  // What follows changes a healthy cluster on purpose: only when nothing else is to be done,
  // and the first that has something to do goes alone.
  for (Proposal (*rollout)(const Situation&, int) :
       {ConfigurationRollout, ImageRollout, RequestedSwitchover}) {
    Proposal change = rollout(s, primary);
    if (change.empty()) continue;
    plan.Append(std::move(change));
    break;
  }
  plan.Append(ScheduledBackup(s, plan, primary));
}

}  // namespace

std::string Plan::ToString(const std::string& cluster) const {
  std::vector<Action> sorted = actions;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Action& a, const Action& b) { return a.ordinal < b.ordinal; });
  std::string text;
  for (const Action& action : sorted) {
    absl::StrAppend(&text, action.ToString(cluster), ": ", action.reason);
    // Why the hold may go as far as it does, beside why the action is taken.
    if (HoldsClients(action.type) && !action.pause.why.empty()) {
      absl::StrAppend(&text, " (clients: ", action.pause.why, ")");
    }
    absl::StrAppend(&text, "\n");
  }
  for (const std::string& why : waiting) absl::StrAppend(&text, "waiting: ", why, "\n");
  return text;
}

std::vector<int> DesiredOrdinals(const ClusterSpec& spec, const ObservedState& observed) {
  std::vector<int> ordinals;
  int primary = KnownPrimary(observed);
  bool keep_primary = primary > spec.nodes;
  for (int ordinal = 1; ordinal <= spec.nodes - (keep_primary ? 1 : 0); ++ordinal) {
    ordinals.push_back(ordinal);
  }
  if (keep_primary) ordinals.push_back(primary);
  return ordinals;
}

Plan ComputePlan(const ClusterSpec& desired, const ObservedState& observed,
                 const LoopMemory& memory, const Requests& requests) {
  const Situation s(desired, observed, memory, requests);
  Proposal plan = NoteBusyNodes(s);
  if (!observed.network_exists) {
    plan.Append(CreateNetwork(s));
    return Finish(std::move(plan));
  }
  const std::vector<int> primaries = s.WritablePrimaries();
  if (primaries.size() > 1) {
    plan.Append(FenceAllButOne(s, primaries));
    return Finish(std::move(plan));
  }
  // Containers asked to stop are answered first; a switchover away from a primary being stopped
  // goes alone.
  plan.actions.insert(plan.actions.end(), s.stops.actions.begin(), s.stops.actions.end());
  for (const std::string& why : s.stops.waiting) plan.Wait(why);
  plan.WakeWithin(s.stops.wake_within);
  if (s.stops.switchover) return Finish(std::move(plan));
  const int primary = primaries.empty() ? 0 : primaries[0];
  if (primary != 0) {
    PlanWithPrimary(s, primary, plan);
  } else {
    bool bootstrap = false;
    plan.Append(Bootstrap(s, plan, &bootstrap));
    if (!bootstrap) plan.Append(WithoutPrimary(s, plan));
  }
  plan.Append(ReadEndpoint(s, plan, primary));
  return Finish(std::move(plan));
}

Plan ComputePlan(const ClusterSpec& desired, const ObservedState& observed,
                 const Requests& requests) {
  return ComputePlan(desired, observed, Remember(LoopMemory{}, observed, {}, observed.observed_at),
                     requests);
}

}  // namespace radctl
