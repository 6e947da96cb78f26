// The planner's rules, in the order they are considered:
//   1. the network exists;
//   2. two writable primaries: fence all but one, and do nothing else;
//   3. containers of desired nodes and the bouncer exist and run (except a dead primary whose
//      fate the failover rule decides first);
//   4. with one writable primary: repmgr records it, the bouncer points to it, every other
//      desired node streams from it (clone, start, follow, rejoin, rebuild), nodes no longer
//      desired are removed, stale slots dropped; then, when nothing else is to be done, the
//      configuration is rolled out (reload, standbys restarted one at a time, a switchover for
//      the primary) and a requested switchover is made;
//      without one: initialise a new cluster, restart the registered primary in place, or fail
//      over to the most advanced standby.
#include "reconcilers/plan.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "reconcilers/naming.h"
#include "reconcilers/spec_hash.h"
#include "reconcilers/standby_ranking.h"
#include "reconcilers/switchover.h"

namespace radctl {
namespace {

// A failed start of the registered primary is retried this often before failing over instead.
constexpr int kStartPrimaryAttempts = 2;
// A standby that fails to start this often is rebuilt from the primary.
constexpr int kStartStandbyAttempts = 2;
// With synchronous replication, how long a failover waits for a standby that runs but does not
// answer (it may hold acknowledged commits) before promoting without it.
constexpr absl::Duration kSynchronousCandidateWait = absl::Seconds(10);

std::string DescribeStop(const NodeObservation& node) {
  if (node.container == ContainerState::kMissing) return "container is gone";
  if (node.oom_killed) return "container was killed for lack of memory (OOM)";
  return absl::StrCat("container died (exit code ", node.exit_code, ")");
}

// How to fence `node`: stop Postgres from inside the container when that can work; kill the
// container when it is paused, does not let us in, is not running (a kill also stops one that
// is started meanwhile), or a fence of it failed before.
FenceMethod FenceMethodFor(const NodeObservation* node) {
  if (node == nullptr || node->container != ContainerState::kRunning || node->paused ||
      (node->data_dir == DataDir::kUnknown && !node->facts_error.empty())) {
    return FenceMethod::kKillContainer;
  }
  auto failed = node->failed_attempts.find(ActionType::kFence);
  if (failed != node->failed_attempts.end() && failed->second > 0) {
    return FenceMethod::kKillContainer;
  }
  return FenceMethod::kStopPostgres;
}

// The primary as far as it is known: the writable one, else the one repmgr records.
int KnownPrimary(const ObservedState& observed) {
  for (const NodeObservation& node : observed.nodes) {
    if (node.IsWritablePrimary()) return node.ordinal;
  }
  for (const RepmgrNode& record : observed.repmgr_nodes) {
    if (record.type == "primary" && record.active) return record.node_id;
  }
  return 0;
}

class Planner {
 public:
  Planner(const ClusterSpec& spec, const ObservedState& observed, const Requests& requests)
      : spec_(spec),
        observed_(observed),
        requests_(requests),
        desired_(DesiredOrdinals(spec, observed)) {}

  Plan Run() {
    NoteBusyNodes();
    if (!observed_.network_exists) {
      Add(ActionType::kCreateNetwork, 0, 0, "cluster network is missing");
      return Finish();
    }
    std::vector<int> primaries = WritablePrimaries();
    if (primaries.size() > 1) {
      FenceAllButOne(primaries);
      return Finish();
    }
    if (primaries.size() == 1) {
      PlanContainers(/*hold=*/0);
      PlanWithPrimary(primaries[0]);
    } else {
      PlanWithoutPrimary();
    }
    return Finish();
  }

 private:
  std::string Name(int ordinal) const { return NodeName(spec_.name, ordinal); }
  bool Desired(int ordinal) const {
    return std::find(desired_.begin(), desired_.end(), ordinal) != desired_.end();
  }

  Action& Add(ActionType type, int ordinal, int source, std::string reason) {
    plan_.actions.push_back(Action{type, ordinal, source, std::move(reason)});
    Action& action = plan_.actions.back();
    if (type == ActionType::kFence) action.fence = FenceMethodFor(observed_.Node(ordinal));
    return action;
  }
  void Wait(std::string why) { plan_.waiting.push_back(std::move(why)); }

  // An action already planned for this node (at most one per node and pass), or one still
  // running on it in the background.
  bool Busy(int ordinal) const {
    const NodeObservation* node = observed_.Node(ordinal);
    if (node != nullptr && !node->busy_with.empty()) return true;
    return std::any_of(plan_.actions.begin(), plan_.actions.end(), [&](const Action& a) {
      return a.ordinal == ordinal && a.type != ActionType::kPointBouncer;
    });
  }

  // Notes the nodes busy in the background, so the plan says why it is not converged yet.
  void NoteBusyNodes() {
    for (const NodeObservation& node : observed_.nodes) {
      if (!node.busy_with.empty()) Wait(absl::StrCat(node.name, ": ", node.busy_with, " in progress"));
    }
  }

  Plan Finish() {
    if (!plan_.actions.empty()) {
      plan_.requeue_after = absl::ZeroDuration();
    } else if (!plan_.waiting.empty()) {
      plan_.requeue_after = std::min(kRequeueWhileWaiting, wake_within_);
    } else {
      plan_.requeue_after = kRequeueWhenConverged;
    }
    return std::move(plan_);
  }

  std::vector<int> WritablePrimaries() const {
    std::vector<int> result;
    for (const NodeObservation& node : observed_.nodes) {
      if (node.IsWritablePrimary()) result.push_back(node.ordinal);
    }
    return result;
  }

  // --- rule 2: split brain ------------------------------------------------------------------

  // Keeps the primary the bouncer points to (clients are writing there), else the one repmgr
  // records, else the most advanced; fences every other one. Nothing else is done until only
  // one primary is left.
  void FenceAllButOne(const std::vector<int>& primaries) {
    int keep = 0;
    std::string why;
    for (int ordinal : primaries) {
      if (observed_.bouncer.target_host == Name(ordinal)) {
        keep = ordinal;
        why = "the bouncer points to it";
      }
    }
    if (keep == 0) {
      for (int ordinal : primaries) {
        const RepmgrNode* record = observed_.RepmgrRecord(ordinal);
        if (record != nullptr && record->type == "primary" && record->active) {
          keep = ordinal;
          why = "repmgr records it as the primary";
        }
      }
    }
    if (keep == 0) {
      keep = *std::max_element(primaries.begin(), primaries.end(), [&](int a, int b) {
        const NodeObservation& na = *observed_.Node(a);
        const NodeObservation& nb = *observed_.Node(b);
        if (na.timeline != nb.timeline) return na.timeline < nb.timeline;
        if (na.current_lsn != nb.current_lsn) return na.current_lsn < nb.current_lsn;
        return a > b;
      });
      why = "it has the highest timeline and WAL position";
    }
    std::vector<std::string> names;
    names.reserve(primaries.size());
    for (int ordinal : primaries) names.push_back(Name(ordinal));
    for (int ordinal : primaries) {
      if (ordinal == keep) continue;
      Add(ActionType::kFence, ordinal, 0,
          absl::StrFormat("%d writable primaries (%s): keeping %s because %s", primaries.size(),
                          absl::StrJoin(names, ", "), Name(keep), why));
    }
  }

  // --- rule 3: containers -------------------------------------------------------------------

  // Creates or starts the containers of desired nodes and the bouncer. `hold` is a node whose
  // container must stay as it is for now (a dead primary, until the failover is done).
  void PlanContainers(int hold) {
    for (int ordinal : desired_) {
      if (ordinal == hold || Busy(ordinal)) continue;
      const NodeObservation* node = observed_.Node(ordinal);
      if (node == nullptr || node->container == ContainerState::kMissing) {
        bool has_volume = node != nullptr && node->volume_exists;
        Add(ActionType::kCreateNode, ordinal, 0,
            has_volume ? "container is missing; re-creating it on its existing volume"
                       : "node is desired but does not exist");
      } else if (node->container != ContainerState::kRunning) {
        Add(ActionType::kStartContainer, ordinal, 0,
            node->container == ContainerState::kCreated
                ? std::string("container was created but never started")
                : absl::StrCat("container is stopped (exit code ", node->exit_code, ")"));
      }
    }
    PlanBouncerContainer();
  }

  void PlanBouncerContainer() {
    const BouncerObservation& bouncer = observed_.bouncer;
    if (bouncer.container == ContainerState::kMissing) {
      Add(ActionType::kCreateBouncer, 0, 0, "bouncer does not exist");
    } else if (bouncer.spec_hash != BouncerSpecHash(spec_)) {
      Add(ActionType::kRemoveBouncer, 0, 0,
          "bouncer was created from another spec (port, bind address, pool mode or auth "
          "changed); re-creating it");
    } else if (bouncer.container != ContainerState::kRunning) {
      Add(ActionType::kCreateBouncer, 0, 0, "bouncer container is stopped; re-creating it");
    }
  }

  // --- rule 4a: one writable primary ----------------------------------------------------------

  void PlanWithPrimary(int primary) {
    const RepmgrNode* record = observed_.RepmgrRecord(primary);
    if (record == nullptr || record->type != "primary" || !record->active) {
      Add(ActionType::kRecordPrimary, primary, 0,
          absl::StrCat(Name(primary),
                       " is the writable primary but repmgr does not record it as the active "
                       "primary"));
    }
    PlanBouncerTarget(primary);
    for (const NodeObservation& node : observed_.nodes) {
      if (node.ordinal == primary || Busy(node.ordinal)) continue;
      if (!Desired(node.ordinal)) {
        Add(ActionType::kRemoveNode, node.ordinal, primary,
            absl::StrCat("scaling down to ", spec_.nodes,
                         " nodes: removing the standby, its volume (data), its replication slot "
                         "and its repmgr record"));
        continue;
      }
      if (node.container != ContainerState::kRunning) continue;  // rule 3 starts it first
      PlanStandby(node, primary);
    }
    PlanSlots(primary);
    if (!plan_.actions.empty()) return;
    // What follows changes a healthy cluster on purpose: only when nothing else is to be done.
    if (PlanConfiguration(primary)) return;
    PlanRequestedSwitchover(primary);
  }

  // Slots on the primary that no standby can use: its own (left from an earlier term as a
  // standby) and those of nodes that no longer exist. They would hold WAL back forever.
  void PlanSlots(int primary) {
    for (const ReplicationSlot& slot : observed_.slots) {
      absl::string_view name = slot.name;
      int ordinal = 0;
      if (slot.active || !absl::ConsumePrefix(&name, "repmgr_slot_") ||
          !absl::SimpleAtoi(name, &ordinal)) {
        continue;
      }
      bool exists = observed_.Node(ordinal) != nullptr;
      if (ordinal == primary || (!exists && !Busy(ordinal))) {
        Add(ActionType::kDropSlot, ordinal, primary,
            ordinal == primary ? "the primary's own slot is of no use to any standby"
                               : absl::StrCat("node ", Name(ordinal), " no longer exists"));
      }
    }
  }

  // Rolls a changed configuration out: reload everywhere; standbys that need a restart one at a
  // time while the others stream; then the primary by a switchover (or a restart when it is
  // alone). True when it planned something.
  bool PlanConfiguration(int primary) {
    const std::string wanted = ConfigHash(spec_);
    for (const NodeObservation& node : observed_.nodes) {
      if (node.reachable && Desired(node.ordinal) && node.config_hash != wanted) {
        Add(ActionType::kReconfigure, node.ordinal, 0,
            "configuration changed (spec.postgres.parameters or replication): upload and reload");
      }
    }
    if (!plan_.actions.empty()) return true;
    for (const NodeObservation& node : observed_.nodes) {
      if (node.IsReachableStandby() && node.pending_restart) {
        if (!AllStandbysStreaming(primary)) {
          Wait(absl::StrCat(node.name, " needs a restart for new parameters: waiting until every "
                            "standby streams"));
          return true;
        }
        Add(ActionType::kRestartStandby, node.ordinal, primary,
            "parameters changed that take effect only after a restart (standbys first, one at "
            "a time)");
        return true;
      }
    }
    const NodeObservation& primary_node = *observed_.Node(primary);
    if (!primary_node.pending_restart) return false;
    std::optional<int> target = StreamingStandby(primary);
    if (target) {
      Add(ActionType::kSwitchover, *target, primary,
          absl::StrCat("parameters changed that take effect only after a restart: switching over "
                       "to ", Name(*target), " so that ", Name(primary),
                       " restarts as a standby"));
    } else if (spec_.nodes == 1) {
      Add(ActionType::kRestartPrimary, primary, 0,
          "parameters changed that take effect only after a restart; there is no standby to "
          "switch over to: restarting the primary (clients are held meanwhile)");
    } else {
      Wait("the primary needs a restart for new parameters: waiting for a streaming standby");
    }
    return true;
  }

  void PlanRequestedSwitchover(int primary) {
    int target = requests_.switchover_to;
    if (target == 0 || target == primary) return;
    absl::StatusOr<SwitchoverChoice> choice = ChooseSwitchover(spec_, observed_, target);
    if (!choice.ok()) {
      Wait(absl::StrCat("switchover to ", Name(target), " requested, but ",
                        choice.status().message()));
      return;
    }
    Add(ActionType::kSwitchover, choice->to, primary, "switchover requested (radctl switchover)");
  }

  bool AllStandbysStreaming(int primary) const {
    for (int ordinal : desired_) {
      if (ordinal == primary) continue;
      const NodeObservation* node = observed_.Node(ordinal);
      if (node == nullptr || !node->IsStreamingFrom(Name(primary))) return false;
    }
    return true;
  }

  // The most advanced standby streaming from the primary, if any.
  std::optional<int> StreamingStandby(int primary) const {
    const NodeObservation* best = nullptr;
    for (const NodeObservation& node : observed_.nodes) {
      if (!Desired(node.ordinal) || !node.IsStreamingFrom(Name(primary))) continue;
      if (best == nullptr || MoreAdvanced(node, *best)) best = &node;
    }
    if (best == nullptr) return std::nullopt;
    return best->ordinal;
  }

  void PlanBouncerTarget(int primary) {
    const BouncerObservation& bouncer = observed_.bouncer;
    if (bouncer.container != ContainerState::kRunning ||
        bouncer.spec_hash != BouncerSpecHash(spec_)) {
      return;  // rule 3 creates it first
    }
    if (!bouncer.reachable) {
      Wait(absl::StrCat("bouncer admin console does not answer: ", bouncer.probe_error));
      return;
    }
    if (bouncer.target_host != Name(primary)) {
      Add(ActionType::kPointBouncer, 0, primary,
          bouncer.target_host.empty()
              ? absl::StrCat("bouncer has no target; primary is ", Name(primary))
              : absl::StrCat("bouncer points to ", bouncer.target_host, "; primary is ",
                             Name(primary)));
    } else if (bouncer.paused) {
      Add(ActionType::kPointBouncer, 0, primary,
          "bouncer is paused (an earlier repoint was interrupted); resuming it");
    }
  }

  void PlanStandby(const NodeObservation& node, int primary) {
    const std::string primary_name = Name(primary);
    auto failed = [&](ActionType type) {
      auto it = node.failed_attempts.find(type);
      return it == node.failed_attempts.end() ? 0 : it->second;
    };
    if (node.reachable) {
      const std::string& upstream = node.wal_receiver.sender_host;
      // "waiting": the receiver reached the end of its timeline on the upstream and cannot go
      // on (a history that diverged from the primary's); anything else is attached.
      bool stuck = node.wal_receiver.status == "waiting";
      if (upstream == primary_name && !stuck) return;
      if (failed(ActionType::kFollow) > 0) {
        Add(ActionType::kRebuild, node.ordinal, primary,
            absl::StrCat("cannot follow ", primary_name,
                         " (its history has diverged); cloning it again"));
      } else {
        Add(ActionType::kFollow, node.ordinal, primary,
            upstream.empty() ? absl::StrCat("standby has no WAL receiver; primary is ", primary_name)
            : stuck          ? absl::StrCat("standby's WAL receiver is stuck at the end of its "
                                            "timeline on ", upstream)
                             : absl::StrCat("standby streams from ", upstream, "; primary is ",
                                            primary_name));
      }
      return;
    }
    switch (node.data_dir) {
      case DataDir::kEmpty:
        Add(ActionType::kCloneStandby, node.ordinal, primary,
            absl::StrCat("data directory is empty; cloning from ", primary_name));
        return;
      case DataDir::kStandby:
        if (node.postgres_running) {
          Wait(absl::StrCat(node.name, ": Postgres is starting"));
        } else if (failed(ActionType::kStartStandby) >= kStartStandbyAttempts) {
          Add(ActionType::kRebuild, node.ordinal, primary,
              "standby failed to start repeatedly; cloning it again");
        } else {
          Add(ActionType::kStartStandby, node.ordinal, 0, "standby's Postgres is not running");
        }
        return;
      case DataDir::kPrimary:
        if (node.postgres_running) {
          Add(ActionType::kFence, node.ordinal, 0,
              absl::StrCat("former primary is running while ", primary_name,
                           " is the primary"));
        } else if (failed(ActionType::kRejoin) > 0) {
          Add(ActionType::kRebuild, node.ordinal, primary,
              "rejoin with pg_rewind failed; cloning it again");
        } else {
          Add(ActionType::kRejoin, node.ordinal, primary,
              absl::StrCat("former primary returned; rejoining it as a standby of ",
                           primary_name, " with pg_rewind"));
        }
        return;
      case DataDir::kUnknown:
        Wait(absl::StrCat(node.name, ": Postgres does not answer (", node.probe_error,
                          ") and its data directory cannot be read (", node.facts_error, ")"));
        return;
    }
  }

  // --- rule 4b: no writable primary -----------------------------------------------------------

  void PlanWithoutPrimary() {
    bool any_data = false;
    bool any_unknown = false;
    for (const NodeObservation& node : observed_.nodes) {
      if (node.reachable || node.data_dir == DataDir::kStandby ||
          node.data_dir == DataDir::kPrimary) {
        any_data = true;
      } else if (node.data_dir == DataDir::kUnknown) {
        any_unknown = true;
      }
    }
    if (!any_data && observed_.repmgr_nodes.empty()) {
      PlanContainers(/*hold=*/0);
      if (any_unknown) {
        Wait("looking at every node's data directory before initialising a new cluster");
      } else {
        PlanBootstrap();
      }
      return;
    }
    int registered = RegisteredPrimary();
    if (registered == 0) {
      PlanContainers(/*hold=*/0);
      PromoteOrWait(0, "no node is recorded as the primary");
      StartStoppedStandbys();
      return;
    }
    PlanRegisteredPrimaryDown(registered);
    StartStoppedStandbys();
  }

  void PlanBootstrap() {
    const NodeObservation* first = observed_.Node(1);
    if (first == nullptr || first->container != ContainerState::kRunning || Busy(1)) return;
    if (first->data_dir == DataDir::kEmpty) {
      Add(ActionType::kInitPrimary, 1, 0, "new cluster: no node holds data");
    }
  }

  // The primary according to repmgr's records; without records, the only node whose data
  // directory is a primary's (a single-node cluster, or records not readable yet).
  int RegisteredPrimary() const {
    for (const RepmgrNode& record : observed_.repmgr_nodes) {
      if (record.type == "primary" && record.active) return record.node_id;
    }
    if (!observed_.repmgr_nodes.empty()) return 0;
    int found = 0;
    for (const NodeObservation& node : observed_.nodes) {
      if (node.data_dir == DataDir::kUnknown && node.container != ContainerState::kRunning &&
          node.volume_exists) {
        return 0;  // a node not looked at yet may hold the primary's data
      }
      if (node.data_dir == DataDir::kPrimary) {
        if (found != 0) return 0;
        found = node.ordinal;
      }
    }
    return found;
  }

  void PlanRegisteredPrimaryDown(int registered) {
    const NodeObservation* node = observed_.Node(registered);
    const std::string name = Name(registered);
    if (node == nullptr || node->ContainerDied()) {
      std::string why = absl::StrCat("primary ", name, " ",
                                     node == nullptr ? "no longer exists" : DescribeStop(*node));
      if (spec_.failover.enabled && PromoteOrWait(registered, why)) {
        PlanContainers(/*hold=*/registered);
        return;
      }
      PlanContainers(/*hold=*/0);
      if (!spec_.failover.enabled) Wait(why + "; failover is disabled: restarting it in place");
      return;
    }
    PlanContainers(/*hold=*/0);
    if (node->container != ContainerState::kRunning) return;  // stopped cleanly: restarted above
    if (node->reachable) {
      // Registered as primary but in recovery: an interrupted rejoin or promotion.
      PromoteOrWait(registered, absl::StrCat("registered primary ", name, " is in recovery"));
      return;
    }
    absl::Duration down = observed_.observed_at - node->unreachable_since;
    bool detected = down >= absl::Milliseconds(spec_.failover.detection_ms);
    std::string why =
        absl::StrCat("primary ", name, " has not answered for ", absl::FormatDuration(down), " (",
                     node->probe_error, ")");
    auto start_failures = node->failed_attempts.find(ActionType::kStartPrimary);
    bool start_failed = start_failures != node->failed_attempts.end() &&
                        start_failures->second >= kStartPrimaryAttempts;
    if (node->data_dir == DataDir::kPrimary && !node->postgres_running && !start_failed) {
      // Container restarted (the entrypoint fenced it) or Postgres crashed inside it: nobody
      // else was promoted, so restarting it in place loses nothing and is faster than failover.
      Add(ActionType::kStartPrimary, registered, 0,
          absl::StrCat("registered primary ", name,
                       " is fenced and no other node was promoted; starting it as primary"));
      return;
    }
    if (!spec_.failover.enabled) {
      Wait(why + "; failover is disabled");
      return;
    }
    if (!detected && !start_failed) {
      Wait(absl::StrCat(why, "; failing over after ", spec_.failover.detection_ms, "ms"));
      wake_within_ = std::max(absl::Milliseconds(spec_.failover.detection_ms) - down,
                              absl::Milliseconds(10));
      return;
    }
    if (start_failed) why = absl::StrCat("primary ", name, " failed to start");
    PromoteOrWait(registered, why);
  }

  // Plans a failover to the most advanced reachable standby; false (and a note) if none.
  // With synchronous replication any standby may hold the only copy of an acknowledged commit:
  // a standby whose container runs but which does not answer is waited for (a while) before
  // another one is promoted.
  bool PromoteOrWait(int old_primary, const std::string& why) {
    std::vector<std::string> silent;
    for (const NodeObservation& node : observed_.nodes) {
      if (node.ordinal == old_primary || node.reachable ||
          node.container != ContainerState::kRunning || node.data_dir == DataDir::kEmpty) {
        continue;
      }
      if (observed_.observed_at - node.unreachable_since < kSynchronousCandidateWait) {
        silent.push_back(node.name);
      }
    }
    if (spec_.replication.synchronous && !silent.empty()) {
      Wait(absl::StrCat(why, "; waiting for ", absl::StrJoin(silent, ", "),
                        " to answer: with synchronous replication it may hold acknowledged commits"));
      return false;
    }
    std::optional<int> best = MostAdvancedStandby(observed_, /*max_ordinal=*/1 << 20);
    if (best && Busy(*best)) best.reset();  // a standby being started is not promoted mid-way
    if (!best) {
      Wait(why + "; no reachable standby to promote");
      return false;
    }
    const NodeObservation& target = *observed_.Node(*best);
    std::string reason = absl::StrCat(why, "; ", target.name, " has the highest received LSN ",
                                      FormatLsn(PromotableLsn(target)));
    std::vector<std::string> others;
    for (const NodeObservation& node : observed_.nodes) {
      if (node.ordinal != *best && node.IsReachableStandby()) {
        others.push_back(absl::StrCat(node.name, " ", FormatLsn(PromotableLsn(node))));
      }
    }
    if (!others.empty()) absl::StrAppend(&reason, " (", absl::StrJoin(others, ", "), ")");
    if (spec_.replication.synchronous) {
      absl::StrAppend(&reason, "; synchronous replication: no acknowledged commit is lost");
    } else if (observed_.last_primary_lsn > PromotableLsn(target)) {
      absl::StrAppend(&reason, "; asynchronous replication: it is ",
                      observed_.last_primary_lsn - PromotableLsn(target),
                      " bytes behind the primary's last seen position ",
                      FormatLsn(observed_.last_primary_lsn),
                      ", commits in them may be lost");
    } else if (observed_.last_primary_lsn != 0) {
      absl::StrAppend(&reason, "; it had received everything the primary was last seen at (",
                      FormatLsn(observed_.last_primary_lsn), ")");
    }
    Action& failover = Add(ActionType::kFailover, *best, old_primary, reason);
    // The old primary is gone or silent: clients are held if the bouncer lets us, but the
    // promotion does not wait for it. A failover that failed before kills the old container.
    failover.hold = ClientHold::kBestEffort;
    failover.fence = target.failed_attempts.count(ActionType::kFailover) > 0
                         ? FenceMethod::kKillContainer
                         : FenceMethodFor(observed_.Node(old_primary));
    return true;
  }

  // Standbys can run without a primary; starting them early shortens the way back (whole-cluster
  // restart) and makes them candidates for promotion.
  void StartStoppedStandbys() {
    for (const NodeObservation& node : observed_.nodes) {
      if (Busy(node.ordinal) || node.container != ContainerState::kRunning) continue;
      if (!node.reachable && node.data_dir == DataDir::kStandby && !node.postgres_running) {
        Add(ActionType::kStartStandby, node.ordinal, 0, "standby's Postgres is not running");
      }
    }
  }

  const ClusterSpec& spec_;
  const ObservedState& observed_;
  const Requests& requests_;
  const std::vector<int> desired_;
  Plan plan_;
  absl::Duration wake_within_ = absl::InfiniteDuration();  // a rule's deadline, if sooner
};

}  // namespace

std::string Plan::ToString(const std::string& cluster) const {
  std::vector<Action> sorted = actions;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Action& a, const Action& b) {
    return a.ordinal < b.ordinal;
  });
  std::string text;
  for (const Action& action : sorted) {
    absl::StrAppend(&text, action.ToString(cluster), ": ", action.reason, "\n");
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
                 const Requests& requests) {
  return Planner(desired, observed, requests).Run();
}

}  // namespace radctl
