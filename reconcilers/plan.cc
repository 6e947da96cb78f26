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
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "reconcilers/backup_schedule.h"
#include "reconcilers/credentials_policy.h"
#include "reconcilers/naming.h"
#include "reconcilers/planned_stop.h"
#include "reconcilers/read_endpoint.h"
#include "reconcilers/recovery_target.h"
#include "reconcilers/spec_hash.h"
#include "reconcilers/standby_ranking.h"
#include "reconcilers/switchover.h"
#include "reconcilers/tls_policy.h"

namespace radctl {
namespace {

// "sha256:0123456789abcdef..." -> "0123456789ab", as `docker images` shows it.
std::string ShortImageId(absl::string_view id) {
  absl::ConsumePrefix(&id, "sha256:");
  return std::string(id.substr(0, 12));
}

// The longest pause before an action that keeps failing is tried again.
constexpr absl::Duration kMaxRetryPause = absl::Minutes(5);
// A rejoin whose pg_rewind failed this often (not a connection or timeout) is given up for a
// rebuild; the old data directory is kept aside.
constexpr int kRewindAttempts = 2;
// A failed start of the registered primary is retried this often before failing over instead.
constexpr int kStartPrimaryAttempts = 2;
// A standby that fails to start this often is rebuilt from the primary.
constexpr int kStartStandbyAttempts = 2;

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
  return node->Failed(ActionType::kFence) > 0 ? FenceMethod::kKillContainer
                                              : FenceMethod::kStopPostgres;
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
    if (PlanStops()) return Finish();  // a switchover away from a primary being stopped
    if (primaries.size() == 1) {
      PlanContainers(/*hold=*/0);
      PlanWithPrimary(primaries[0]);
      PlanReadEndpoint(primaries[0]);
    } else {
      PlanWithoutPrimary();
      PlanReadEndpoint(/*primary=*/0);
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

  // An action that failed on a node is tried again after a pause that doubles with every
  // failure in a row (1 s, 2 s, 4 s, ... at most 5 min): a node that cannot start, or a rejoin
  // that cannot connect, is not retried every pass forever. Null (and a note) while it waits.
  Action* AddUnlessBackingOff(ActionType type, int ordinal, int source, std::string reason) {
    const NodeObservation* node = observed_.Node(ordinal);
    auto failures = node == nullptr ? std::map<ActionType, ActionFailures>::const_iterator()
                                    : node->failures.find(type);
    if (node != nullptr && failures != node->failures.end() && failures->second.count > 0) {
      const ActionFailures& failed = failures->second;
      absl::Duration pause = std::min(
          kMaxRetryPause, absl::Seconds(1) * (int64_t{1} << std::min(failed.count - 1, 9)));
      absl::Time next = failed.last + pause;
      if (observed_.observed_at < next) {
        Wait(absl::StrCat(
            node->name, ": ", ActionTypeName(type), " failed ", failed.count,
            failed.count == 1 ? " time" : " times", " (", failed.message, "); trying again in ",
            absl::FormatDuration(absl::Ceil(next - observed_.observed_at, absl::Seconds(1)))));
        wake_within_ = std::min(wake_within_, next - observed_.observed_at);
        return nullptr;
      }
      absl::StrAppend(&reason, " (attempt ", failed.count + 1, ")");
    }
    return &Add(type, ordinal, source, std::move(reason));
  }

  // An action already planned for this node (at most one per node and pass), or one still
  // running on it in the background.
  bool Busy(int ordinal) const {
    if (stops_.stopping.count(ordinal) > 0) return true;  // planned_stop.h answers it
    const NodeObservation* node = observed_.Node(ordinal);
    if (node != nullptr && !node->busy_with.empty()) return true;
    return std::any_of(plan_.actions.begin(), plan_.actions.end(), [&](const Action& a) {
      return a.ordinal == ordinal && a.type != ActionType::kPointBouncer;
    });
  }

  // Containers asked to stop (planned_stop.h): answered first. True when the pass switches over
  // away from a primary being stopped, which is then all it does.
  bool PlanStops() {
    stops_ = PlanPlannedStops(spec_, observed_, desired_);
    plan_.actions.insert(plan_.actions.end(), stops_.actions.begin(), stops_.actions.end());
    for (const std::string& why : stops_.waiting) Wait(why);
    wake_within_ = std::min(wake_within_, stops_.wake_within);
    return stops_.switchover;
  }

  // Notes the nodes busy in the background, so the plan says why it is not converged yet.
  void NoteBusyNodes() {
    for (const NodeObservation& node : observed_.nodes) {
      if (!node.busy_with.empty())
        Wait(absl::StrCat(node.name, ": ", node.busy_with, " in progress"));
    }
  }

  Plan Finish() {
    if (!plan_.actions.empty()) {
      plan_.requeue_after = absl::ZeroDuration();
    } else if (!plan_.waiting.empty()) {
      plan_.requeue_after = std::min(kRequeueWhileWaiting, wake_within_);
    } else {
      plan_.requeue_after = std::min(kRequeueWhenConverged, wake_within_);
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
      if (ordinal == observed_.recorded_primary.ordinal &&
          OnNewestTimeline(*observed_.Node(ordinal))) {
        keep = ordinal;
        why = "the cluster's state records it as the primary";
      }
    }
    for (int ordinal : primaries) {
      if (keep == 0 && observed_.bouncer.target_host == Name(ordinal) &&
          OnNewestTimeline(*observed_.Node(ordinal))) {
        keep = ordinal;
        why = "the bouncer points to it";
      }
    }
    if (keep == 0) {
      for (int ordinal : primaries) {
        const RepmgrNode* record = observed_.RepmgrRecord(ordinal);
        if (record != nullptr && record->type == "primary" && record->active &&
            OnNewestTimeline(*observed_.Node(ordinal))) {
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
        AddUnlessBackingOff(ActionType::kCreateNode, ordinal, 0,
                            has_volume
                                ? "container is missing; re-creating it on its existing volume"
                                : "node is desired but does not exist");
      } else if (node->container != ContainerState::kRunning) {
        AddUnlessBackingOff(
            ActionType::kStartContainer, ordinal, 0,
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
          "changed) or by a radctl that did not hold unanswered logins; re-creating it");
    } else if (bouncer.container != ContainerState::kRunning) {
      Add(ActionType::kCreateBouncer, 0, 0, "bouncer container is stopped; re-creating it");
    }
  }

  // --- rule 4a: one writable primary ----------------------------------------------------------

  void PlanWithPrimary(int primary) {
    const NodeObservation& writable = *observed_.Node(primary);
    if (!OnNewestTimeline(writable)) {
      // Safety rule 3: its history was abandoned when another node was promoted on a newer
      // timeline; writes it takes now would be lost. It is fenced, then rejoined or rebuilt.
      Add(ActionType::kFence, primary, 0,
          absl::StrCat(
              writable.name, " is writable on timeline ", writable.timeline, " but timeline ",
              NewestTimeline(), " is newer (",
              observed_.recorded_primary.ordinal != 0
                  ? absl::StrCat("recorded primary ", Name(observed_.recorded_primary.ordinal))
                  : std::string("seen on another node"),
              "): it must not be primary"));
      return;
    }
    const RecordedPrimary& recorded = observed_.recorded_primary;
    const RepmgrNode* record = observed_.RepmgrRecord(primary);
    if (recorded.ordinal != primary || recorded.timeline != writable.timeline) {
      Add(ActionType::kRecordPrimary, primary, 0,
          absl::StrCat(Name(primary), " is the writable primary on timeline ", writable.timeline,
                       " but the cluster's state records ",
                       recorded.ordinal == 0 ? std::string("no primary")
                                             : absl::StrCat(Name(recorded.ordinal), " on timeline ",
                                                            recorded.timeline)));
    } else if (record == nullptr || record->type != "primary" || !record->active) {
      Add(ActionType::kRecordPrimary, primary, 0,
          absl::StrCat(Name(primary),
                       " is the writable primary but repmgr does not record it as the active "
                       "primary"));
    }
    PlanBouncerTarget(primary);
    PlanDayTwo(primary);
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
    PlanBackupStep(PlanStanza(spec_, observed_, primary));
    for (Alert& alert : ArchiveAlerts(spec_, observed_, primary)) {
      plan_.alerts.push_back(std::move(alert));
    }
    if (!plan_.actions.empty()) return;
    // What follows changes a healthy cluster on purpose: only when nothing else is to be done.
    if (PlanConfiguration(primary)) return;
    if (PlanImageRollout(primary)) return;
    PlanRequestedSwitchover(primary);
    if (requests_.scheduled_backups && plan_.converged()) {
      PlanBackupStep(PlanScheduledBackup(spec_, observed_, primary));
    }
  }

  // A backup rule's outcome (backup_schedule.h): its action unless the primary is busy or the
  // action backs off after failures, or why backups wait; and when to look again.
  void PlanBackupStep(const BackupStep& step) {
    if (step.action && !Busy(step.action->ordinal)) {
      AddUnlessBackingOff(step.action->type, step.action->ordinal, step.action->source,
                          step.action->reason);
    }
    if (!step.waiting.empty()) Wait(step.waiting);
    if (step.due_in != absl::InfiniteDuration()) wake_within_ = std::min(wake_within_, step.due_in);
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

  // Certificates and credentials (tls_policy.h, credentials_policy.h): independent of the rest,
  // planned alongside it.
  void PlanDayTwo(int primary) {
    std::string renew =
        CertificateRenewalReason(spec_, observed_.certificate, observed_.observed_at);
    if (!renew.empty()) Add(ActionType::kRenewCertificate, 0, 0, renew);
    if (std::optional<Action> credentials = CredentialsAction(spec_, observed_, primary)) {
      // The read endpoint logs in to the standbys with its clients' keys too: it gets the new
      // userlist (PlanReadEndpoint) before the role's password changes, as the write bouncer
      // does within the action.
      const BouncerObservation& read = observed_.read_bouncer;
      if (credentials->type == ActionType::kApplyCredentials &&
          spec_.bouncer.read_port != kNoReadPort && read.container == ContainerState::kRunning &&
          read.reachable && !read.files_current) {
        Wait("the read endpoint gets the new userlist before the role's password changes");
      } else {
        plan_.actions.push_back(*credentials);
      }
    }
  }

  // Rolls a changed configuration out: reload everywhere; standbys that need a restart one at a
  // time while the others stream; then the primary by a switchover (or a restart when it is
  // alone). True when it planned something.
  bool PlanConfiguration(int primary) {
    const std::string wanted = ConfigHash(spec_);
    for (const NodeObservation& node : observed_.nodes) {
      if (!node.reachable || !Desired(node.ordinal)) continue;
      if (node.config_hash != wanted) {
        Add(ActionType::kReconfigure, node.ordinal, 0,
            "configuration changed (spec.postgres.parameters, replication or tls): upload and "
            "reload");
      } else if (std::string tls = NodeTlsDrift(spec_, observed_.certificate, node); !tls.empty()) {
        Add(ActionType::kReconfigure, node.ordinal, 0,
            absl::StrCat(tls, ": uploading its TLS files and configuration, and reloading"));
      }
    }
    if (!plan_.actions.empty()) return true;
    for (const NodeObservation& node : observed_.nodes) {
      if (node.IsReachableStandby() && node.pending_restart) {
        if (!AllStandbysStreaming(primary)) {
          Wait(absl::StrCat(node.name,
                            " needs a restart for new parameters: waiting until every "
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
                       "to ",
                       Name(*target), " so that ", Name(primary), " restarts as a standby"));
    } else if (spec_.nodes == 1) {
      Add(ActionType::kRestartPrimary, primary, 0,
          "parameters changed that take effect only after a restart; there is no standby to "
          "switch over to: restarting the primary (clients are held meanwhile)");
    } else {
      Wait("the primary needs a restart for new parameters: waiting for a streaming standby");
    }
    return true;
  }

  // Rolls a changed spec.postgres.image out (the node's spec-hash label): the standbys first, one
  // at a time and only while every standby streams, each by a new container on its volume; then
  // a switchover to a standby on the new image, after which the old primary is a standby like
  // the others. True when it planned something.
  bool PlanImageRollout(int primary) {
    const std::string wanted = NodeSpecHash(spec_);
    // The same tag rebuilt (a new minor version in radctl/postgres:15) counts as a new image.
    auto rebuilt = [&](const NodeObservation& node) {
      return !observed_.wanted_image_id.empty() && !node.image_id.empty() &&
             node.image_id != observed_.wanted_image_id;
    };
    auto stale = [&](const NodeObservation& node) {
      return Desired(node.ordinal) && node.container == ContainerState::kRunning &&
             (node.spec_hash != wanted || rebuilt(node));
    };
    bool spec_changed = false;
    for (const NodeObservation& node : observed_.nodes) {
      spec_changed = spec_changed || (stale(node) && node.spec_hash != wanted);
    }
    const std::string why = spec_changed
                                ? absl::StrCat("spec.postgres.image is ", spec_.postgres.image)
                                : absl::StrCat(spec_.postgres.image, " was rebuilt (now ",
                                               ShortImageId(observed_.wanted_image_id), ")");
    auto runs = [&](const NodeObservation& node) {
      return node.spec_hash == wanted && rebuilt(node)
                 ? absl::StrCat("its earlier build ", ShortImageId(node.image_id))
                 : node.image;
    };
    for (const NodeObservation& node : observed_.nodes) {
      if (node.ordinal == primary || !stale(node)) continue;
      if (!AllStandbysStreaming(primary)) {
        Wait(absl::StrCat(node.name, " runs ", runs(node), " but ", why,
                          ": waiting until every standby streams"));
        return true;
      }
      Add(ActionType::kReplaceContainer, node.ordinal, primary,
          absl::StrCat(why, " but ", node.name, " runs ", runs(node),
                       ": a new container on its volume (standbys first, one at a time)"));
      return true;
    }
    const NodeObservation& primary_node = *observed_.Node(primary);
    if (!stale(primary_node)) return false;
    std::optional<int> target = StreamingStandby(primary);
    if (target) {
      Add(ActionType::kSwitchover, *target, primary,
          absl::StrCat(why, " but the primary runs ", runs(primary_node), ": switching over to ",
                       Name(*target), " (on the new image) so that ", Name(primary),
                       " is replaced as a standby"));
    } else {
      Wait(absl::StrCat("the primary runs ", runs(primary_node), " but ", why,
                        ": waiting for a streaming standby to switch over to (a single node "
                        "keeps its image; scale to 2 nodes to roll it)"));
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

  // --- the read-only endpoint (read_endpoint.h) ----------------------------------------------

  // Whether this pass changes who is primary or where the write endpoint points: the read
  // endpoint is then left alone, so that it never delays or races the write side.
  bool WriteSideActs() const {
    return std::any_of(plan_.actions.begin(), plan_.actions.end(), [](const Action& a) {
      switch (a.type) {
        case ActionType::kCreateBouncer:
        case ActionType::kRemoveBouncer:
        case ActionType::kFence:
        case ActionType::kRecordPrimary:
        case ActionType::kHoldClients:
        case ActionType::kFailover:
        case ActionType::kPointBouncer:
        case ActionType::kSwitchover:
        case ActionType::kRestartPrimary:
          return true;
        default:
          return false;
      }
    });
  }

  // Desired standbys with nothing disruptive planned for them in this pass: one about to be
  // restarted, replaced, rebuilt or repointed is taken out of the read endpoint first (one no
  // longer desired is not a candidate at all).
  std::vector<int> ReadCandidates(std::map<int, std::string>* planned) const {
    std::vector<int> candidates;
    for (int ordinal : desired_) {
      if (auto stopping = stops_.leave_read_endpoint.find(ordinal);
          stopping != stops_.leave_read_endpoint.end()) {
        (*planned)[ordinal] = stopping->second;
        continue;
      }
      auto action = std::find_if(plan_.actions.begin(), plan_.actions.end(), [&](const Action& a) {
        return a.ordinal == ordinal &&
               (a.type == ActionType::kRestartStandby || a.type == ActionType::kReplaceContainer ||
                a.type == ActionType::kRebuild || a.type == ActionType::kFollow);
      });
      if (action != plan_.actions.end()) {
        (*planned)[ordinal] = absl::StrCat(ActionTypeName(action->type), " is planned for it");
      } else {
        candidates.push_back(ordinal);
      }
    }
    return candidates;
  }

  // The read bouncer exists when spec.bouncer.readPort is set and serves the eligible standbys
  // (or the primary as a fallback). Without a writable primary it keeps its last target.
  void PlanReadEndpoint(int primary) {
    const BouncerObservation& read = observed_.read_bouncer;
    if (spec_.bouncer.read_port == kNoReadPort) {
      if (read.container != ContainerState::kMissing) {
        Add(ActionType::kRemoveReadBouncer, 0, 0,
            "spec.bouncer.readPort is not set: removing the read endpoint");
      }
      return;
    }
    if (WriteSideActs()) return;
    if (read.container == ContainerState::kMissing) {
      Add(ActionType::kCreateReadBouncer, 0, 0,
          absl::StrCat("read endpoint (spec.bouncer.readPort ", spec_.bouncer.read_port,
                       ") does not exist"));
      return;
    }
    if (read.spec_hash != ReadBouncerSpecHash(spec_)) {
      Add(ActionType::kRemoveReadBouncer, 0, 0,
          "read bouncer was created from another spec (read port, bind address, pool mode or "
          "auth changed); re-creating it");
      return;
    }
    if (read.container != ContainerState::kRunning) {
      Add(ActionType::kCreateReadBouncer, 0, 0,
          "read bouncer container is stopped; re-creating it");
      return;
    }
    if (primary == 0) return;
    if (!read.reachable) {
      Wait(absl::StrCat("read bouncer admin console does not answer: ", read.probe_error));
      return;
    }
    std::map<int, std::string> planned;
    std::vector<int> candidates = ReadCandidates(&planned);
    ReadTargets wanted = ChooseReadTargets(spec_, observed_, primary, candidates);
    for (auto& [ordinal, why] : planned) wanted.excluded[ordinal] = why;
    const std::vector<int> current = ReadTargetsFromHosts(spec_.name, read.target_host);
    if (wanted.ordinals == current) {
      if (!read.files_current) {
        Add(ActionType::kPointReadBouncer, 0, 0,
            "read bouncer runs with an older userlist or TLS files: uploading the current ones")
            .targets = wanted.ordinals;
      }
      return;
    }
    Add(ActionType::kPointReadBouncer, 0, 0, ReadRetargetReason(primary, wanted, current)).targets =
        wanted.ordinals;
  }

  // The event's text: who is taken out and why, who is put back, and a fallback's reason.
  std::string ReadRetargetReason(int primary, const ReadTargets& wanted,
                                 const std::vector<int>& current) const {
    auto in = [](const std::vector<int>& list, int ordinal) {
      return std::find(list.begin(), list.end(), ordinal) != list.end();
    };
    std::vector<std::string> parts;
    if (current.empty()) parts.push_back("read bouncer has no target yet");
    if (wanted.fallback) {  // one line that says why each standby is out
      std::vector<std::string> why;
      for (const auto& [ordinal, text] : wanted.excluded) {
        why.push_back(absl::StrCat(Name(ordinal), " ", text));
      }
      parts.push_back(absl::StrCat("no standby streams within readMaxLag ",
                                   spec_.bouncer.read_max_lag,
                                   why.empty() ? std::string(" (there is none)")
                                               : absl::StrCat(" (", absl::StrJoin(why, "; "), ")"),
                                   ": read endpoint falls back to the primary ", Name(primary)));
      return absl::StrJoin(parts, "; ");
    }
    const bool was_fallback = current == std::vector<int>{primary};
    for (int ordinal : current) {
      if (was_fallback || in(wanted.ordinals, ordinal)) continue;
      if (ordinal == primary) {  // promoted while it served reads (a switchover, a failover)
        parts.push_back(
            absl::StrCat(Name(ordinal), " taken out of the read endpoint: it is the primary now"));
        continue;
      }
      auto why = wanted.excluded.find(ordinal);
      parts.push_back(
          absl::StrCat(Name(ordinal), " taken out of the read endpoint: ",
                       why != wanted.excluded.end()
                           ? why->second
                           : absl::StrCat("scaling down to ", spec_.nodes, " nodes removes it")));
    }
    for (int ordinal : wanted.ordinals) {
      if (in(current, ordinal)) continue;
      parts.push_back(absl::StrCat(Name(ordinal), " put into the read endpoint: streams from ",
                                   Name(primary), ", replay lag ",
                                   FormatBytes(wanted.lag.at(ordinal))));
    }
    if (was_fallback) {
      parts.push_back(
          absl::StrCat("the read endpoint no longer falls back to the primary ", Name(primary)));
    }
    return absl::StrJoin(parts, "; ");
  }

  void PlanStandby(const NodeObservation& node, int primary) {
    const std::string primary_name = Name(primary);
    // A rebuild clones the node again; its old data directory is moved aside, not deleted.
    auto rebuild = [&](const std::string& why) {
      AddUnlessBackingOff(ActionType::kRebuild, node.ordinal, primary,
                          absl::StrCat(why, "; cloning it again from ", primary_name,
                                       " (the old data directory is kept aside)"));
    };
    const bool streaming = node.IsStreamingFrom(primary_name);
    for (const ReplicationSlot& slot : observed_.slots) {
      if (!streaming && slot.lost && slot.name == absl::StrCat("repmgr_slot_", node.ordinal) &&
          node.data_dir != DataDir::kEmpty) {
        rebuild(absl::StrCat("it fell more than spec.replication.maxSlotWalKeepSize (",
                             spec_.replication.max_slot_wal_keep_size, ") behind: ", primary_name,
                             " no longer has the WAL it needs"));
        return;
      }
    }
    if (node.reachable) {
      const std::string& upstream = node.wal_receiver.sender_host;
      // "waiting": the receiver reached the end of its timeline on the upstream and cannot go
      // on (a history that diverged from the primary's); anything else is attached.
      bool stuck = node.wal_receiver.status == "waiting";
      if (upstream == primary_name && !stuck) return;
      if (node.Failed(ActionType::kFollow) > 0) {
        rebuild(absl::StrCat("cannot follow ", primary_name, " (its history has diverged)"));
      } else {
        Add(ActionType::kFollow, node.ordinal, primary,
            upstream.empty()
                ? absl::StrCat("standby has no WAL receiver; primary is ", primary_name)
            : stuck
                ? absl::StrCat("standby's WAL receiver is stuck at the end of its "
                               "timeline on ",
                               upstream)
                : absl::StrCat("standby streams from ", upstream, "; primary is ", primary_name));
      }
      return;
    }
    switch (node.data_dir) {
      case DataDir::kEmpty:
        AddUnlessBackingOff(ActionType::kCloneStandby, node.ordinal, primary,
                            absl::StrCat("data directory is empty; cloning from ", primary_name));
        return;
      case DataDir::kStandby:
        if (node.postgres_running) {
          Wait(absl::StrCat(node.name, ": Postgres is starting"));
        } else if (node.FailedHard(ActionType::kStartStandby) >= kStartStandbyAttempts) {
          rebuild("standby failed to start repeatedly");
        } else {
          AddUnlessBackingOff(ActionType::kStartStandby, node.ordinal, 0,
                              "standby's Postgres is not running");
        }
        return;
      case DataDir::kPrimary:
        if (node.postgres_running) {
          Add(ActionType::kFence, node.ordinal, 0,
              absl::StrCat("former primary is running while ", primary_name, " is the primary"));
        } else if (node.FailedHard(ActionType::kRejoin) >= kRewindAttempts) {
          rebuild(absl::StrCat("rejoin with pg_rewind failed ",
                               node.FailedHard(ActionType::kRejoin), " times (",
                               node.failures.at(ActionType::kRejoin).message, ")"));
        } else {
          // Transient failures (no connection, a timeout) are retried with backoff, for as long
          // as it takes: a rejoin keeps the node's data, a rebuild copies everything again.
          AddUnlessBackingOff(ActionType::kRejoin, node.ordinal, primary,
                              absl::StrCat("former primary returned; rejoining it as a standby "
                                           "of ",
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
      if (PlanNewClusterFromNothing()) return;
      PlanContainers(/*hold=*/0);
      if (any_unknown) {
        Wait("looking at every node's data directory before initialising a new cluster");
      } else if (observed_.recorded_primary.ordinal != 0) {
        // A cluster existed: never start an empty one in its place.
        Wait(absl::StrCat("the cluster's state records ", Name(observed_.recorded_primary.ordinal),
                          " as primary on timeline ", observed_.recorded_primary.timeline,
                          " but no node holds data (volumes removed outside radctl?); to start "
                          "afresh, run radctl delete ",
                          spec_.name));
      } else {
        PlanBootstrap();
      }
      return;
    }
    if (PlanRequestedPromotion()) return;
    int registered = RegisteredPrimary();
    if (registered == 0) {
      PlanContainers(/*hold=*/0);
      FailOverOrWait(0, "no node is recorded as the primary");
      StartStoppedStandbys();
      return;
    }
    PlanRegisteredPrimaryDown(registered);
    StartStoppedStandbys();
  }

  // Nothing of the cluster exists: no container and no volume of any node (so none can hold
  // data) and no primary recorded. The first node is then created and initialised in one step,
  // beside the bouncer only: the engine spends 0.25-0.3 s of CPU on each container it starts
  // (iptables, re-executed helpers), and on two cores the standbys' starts would take that
  // from the first write. They are made once it is primary, when there is something to clone.
  // The init script itself refuses a data directory that holds data (a volume of that name
  // made outside radctl), so this never initialises over one.
  bool PlanNewClusterFromNothing() {
    if (!observed_.nodes.empty() || observed_.recorded_primary.ordinal != 0 ||
        spec_.bootstrap.recovery.has_value() || !Desired(1) || Busy(1)) {
      return false;
    }
    AddUnlessBackingOff(ActionType::kCreatePrimary, 1, 0,
                        "new cluster: no container or volume of it exists; creating and "
                        "initialising the first node (the others once it is primary)");
    PlanBouncerContainer();
    return true;
  }

  void PlanBootstrap() {
    const NodeObservation* first = observed_.Node(1);
    if (first == nullptr || first->container != ContainerState::kRunning || Busy(1)) return;
    if (first->data_dir != DataDir::kEmpty) return;
    if (spec_.bootstrap.recovery.has_value()) {
      const RecoverySpec& recovery = *spec_.bootstrap.recovery;
      AddUnlessBackingOff(ActionType::kRestorePrimary, 1, 0,
                          absl::StrCat("new cluster: no node holds data; restoring it from "
                                       "cluster ",
                                       recovery.from_cluster, "'s backups, recovered to ",
                                       DescribeRecoveryTarget(recovery)));
    } else {
      AddUnlessBackingOff(ActionType::kInitPrimary, 1, 0, "new cluster: no node holds data");
    }
  }

  // The primary as recorded: the cluster's state (written before every repoint), else repmgr's
  // records, else the only node whose data directory is a primary's (a single-node cluster).
  int RegisteredPrimary() const {
    if (observed_.recorded_primary.ordinal != 0) return observed_.recorded_primary.ordinal;
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

  // The newest timeline of the cluster's history: the one recorded with the primary (written
  // before the bouncer is repointed, so no client wrote through the endpoint to a newer one),
  // else the highest seen on any node. A node behind it holds an abandoned history and must
  // never be (or become) primary again.
  int NewestTimeline() const {
    if (observed_.recorded_primary.ordinal != 0) return observed_.recorded_primary.timeline;
    int newest = 0;
    for (const NodeObservation& node : observed_.nodes) newest = std::max(newest, node.timeline);
    return newest;
  }
  bool OnNewestTimeline(const NodeObservation& node) const {
    return node.timeline != 0 && node.timeline >= NewestTimeline();
  }

  void PlanRegisteredPrimaryDown(int registered) {
    if (stops_.stopping.count(registered) > 0) return;  // stopping on purpose: planned_stop.h
    const NodeObservation* node = observed_.Node(registered);
    const std::string name = Name(registered);
    if (node == nullptr || node->ContainerDied()) {
      std::string why = absl::StrCat("primary ", name, " ",
                                     node == nullptr ? "no longer exists" : DescribeStop(*node));
      if (spec_.failover.enabled && FailOverOrWait(registered, why)) {
        PlanContainers(/*hold=*/registered);
        return;
      }
      // No failover now: its container is started again; once back, fenced by its entrypoint,
      // it resumes as primary if nobody was promoted (losing nothing). Clients wait for that.
      HoldClientsEarly(registered, why);
      PlanContainers(/*hold=*/0);
      if (!spec_.failover.enabled) Wait(why + "; failover is disabled: restarting it in place");
      return;
    }
    PlanContainers(/*hold=*/0);
    if (node->container != ContainerState::kRunning) return;  // stopped cleanly: restarted above
    if (node->reachable) {
      // Registered as primary but in recovery: an interrupted rejoin or promotion.
      FailOverOrWait(registered, absl::StrCat("registered primary ", name, " is in recovery"));
      return;
    }
    absl::Duration down = observed_.observed_at - node->unreachable_since;
    bool detected = down >= absl::Milliseconds(spec_.failover.detection_ms);
    if (node->probe_refused) {
      HoldClientsEarly(registered, absl::StrCat("primary ", name, " refuses connections (",
                                                node->probe_error, ")"));
    }
    std::string why = absl::StrCat("primary ", name, " has not answered for ",
                                   absl::FormatDuration(down), " (", node->probe_error, ")");
    bool start_failed = node->Failed(ActionType::kStartPrimary) >= kStartPrimaryAttempts;
    if (node->data_dir == DataDir::kPrimary && !node->postgres_running && !start_failed &&
        !node->paused && !node->fenced_by_controller) {
      if (!OnNewestTimeline(*node)) {
        Wait(absl::StrCat(name, " is on timeline ", node->timeline, ", behind the newest (",
                          NewestTimeline(), "): it must not be primary again"));
      } else {
        // Container restarted (the entrypoint fenced it) or Postgres crashed inside it: nobody
        // else was promoted, so restarting it in place loses nothing and is faster than failover.
        Add(ActionType::kStartPrimary, registered, 0,
            absl::StrCat("registered primary ", name,
                         " is fenced and no other node was promoted; starting it as primary"));
        return;
      }
    }
    if (!spec_.failover.enabled) {
      Wait(why + "; failover is disabled");
      return;
    }
    if (!detected && !start_failed) {
      Wait(absl::StrCat(why, "; failing over after ", spec_.failover.detection_ms, "ms"));
      wake_within_ =
          std::max(absl::Milliseconds(spec_.failover.detection_ms) - down, absl::Milliseconds(10));
      return;
    }
    if (start_failed) why = absl::StrCat("primary ", name, " failed to start");
    FailOverOrWait(registered, why);
  }

  // Postgres of the primary is down (or its container gone) and no failover is planned yet:
  // clients are held at once, before the bouncer's first failed login to it makes PgBouncer
  // fail every client that arrives (server_login_retry). They are resumed when it answers again
  // (PlanBouncerTarget) or by the failover, and a hold never outlasts the bouncer's
  // query_wait_timeout.
  void HoldClientsEarly(int primary, const std::string& why) {
    const BouncerObservation& bouncer = observed_.bouncer;
    if (bouncer.container != ContainerState::kRunning || !bouncer.reachable || bouncer.paused ||
        bouncer.target_host != Name(primary)) {
      return;
    }
    for (const Action& action : plan_.actions) {
      if (action.type == ActionType::kHoldClients) return;
    }
    Action& hold = Add(ActionType::kHoldClients, 0, primary,
                       absl::StrCat(why,
                                    "; holding clients until it answers again or a standby "
                                    "takes over"));
    hold.hold = ClientHold::kBestEffort;
  }

  bool AnyStandbyCouldTakeOver(int old_primary) const {
    for (const NodeObservation& node : observed_.nodes) {
      if (node.ordinal != old_primary && node.IsReachableStandby() && !Busy(node.ordinal)) {
        return true;
      }
    }
    return false;
  }

  // Whether `node` can no longer commit: gone, stopped, in recovery, or silent with its Postgres
  // seen stopped. A paused container, or one whose Postgres still runs, can wake up and commit.
  static bool CannotCommit(const NodeObservation* node) {
    if (node == nullptr || node->container != ContainerState::kRunning) return true;
    if (node->reachable) return node->in_recovery;
    return !node->paused && node->data_dir != DataDir::kUnknown && !node->postgres_running;
  }

  // Safety rule 2: fence the old primary, then observe, then choose. True when an action was
  // planned (the fence, or the failover), false when it waits (and says why).
  bool FailOverOrWait(int old_primary, const std::string& why) {
    const NodeObservation* old = observed_.Node(old_primary);
    if (old_primary != 0 && !CannotCommit(old)) {
      // Fencing is only worth its cost when a standby could take over. With none answering as a
      // standby (a new cluster still cloning, the others down) it would only take down a
      // primary that may merely be slow (a starved CPU), with nobody to replace it.
      if (!AnyStandbyCouldTakeOver(old_primary)) {
        Wait(absl::StrCat(why, "; no standby answers that could take over, so ", Name(old_primary),
                          " is not fenced: waiting for it or for a standby"));
        return false;
      }
      if (Busy(old_primary)) {
        Wait(absl::StrCat(why, "; waiting for ", Name(old_primary), "'s ", old->busy_with,
                          " to end before fencing it"));
        return false;
      }
      // One hold: this one (for the fence) replaces an early one planned above.
      plan_.actions.erase(
          std::remove_if(plan_.actions.begin(), plan_.actions.end(),
                         [](const Action& a) { return a.type == ActionType::kHoldClients; }),
          plan_.actions.end());
      Action& hold =
          Add(ActionType::kHoldClients, 0, old_primary,
              absl::StrCat(why, "; holding clients while ", Name(old_primary), " is fenced"));
      // Cut off from the network (its port unpublished), its connections cannot be broken from
      // here: clients are then held at once.
      hold.hold =
          old->host_port == 0 ? ClientHold::kBestEffort : ClientHold::kBestEffortUntilFenced;
      Add(ActionType::kFence, old_primary, 0,
          absl::StrCat(why,
                       "; fencing it before choosing whom to promote, so that positions "
                       "are read when it can no longer commit"));
      return true;
    }
    const int newest = NewestTimeline();
    std::vector<const NodeObservation*> candidates;  // reachable standbys, read after the fence
    std::vector<std::string> behind;
    for (const NodeObservation& node : observed_.nodes) {
      if (node.ordinal == old_primary || !node.IsReachableStandby() || Busy(node.ordinal)) continue;
      if (!OnNewestTimeline(node)) {
        behind.push_back(absl::StrCat(node.name, " (timeline ", node.timeline, ")"));
        continue;
      }
      candidates.push_back(&node);
    }
    std::string quorum_note;
    if (spec_.replication.synchronous &&
        !QuorumObserved(old_primary, candidates, why, &quorum_note)) {
      return false;
    }
    const NodeObservation* best = nullptr;
    for (const NodeObservation* node : candidates) {
      if (best == nullptr || MoreAdvanced(*node, *best)) best = node;
    }
    if (best == nullptr) {
      std::string more = behind.empty() ? ""
                                        : absl::StrCat(" (behind the newest timeline ", newest,
                                                       ": ", absl::StrJoin(behind, ", "), ")");
      Wait(absl::StrCat(why, "; no reachable standby on the newest timeline to promote", more));
      return false;
    }
    std::string reason = absl::StrCat(why, "; ", best->name, " has the highest received LSN ",
                                      FormatLsn(PromotableLsn(*best)));
    std::vector<std::string> others;
    for (const NodeObservation* node : candidates) {
      if (node != best)
        others.push_back(absl::StrCat(node->name, " ", FormatLsn(PromotableLsn(*node))));
    }
    if (!others.empty()) absl::StrAppend(&reason, " (", absl::StrJoin(others, ", "), ")");
    if (spec_.replication.synchronous) {
      absl::StrAppend(&reason, "; ", quorum_note);
    } else if (observed_.last_primary_lsn > PromotableLsn(*best)) {
      absl::StrAppend(&reason, "; asynchronous replication: it is ",
                      observed_.last_primary_lsn - PromotableLsn(*best),
                      " bytes behind the primary's last seen position ",
                      FormatLsn(observed_.last_primary_lsn), ", commits in them may be lost");
    } else if (observed_.last_primary_lsn != 0) {
      absl::StrAppend(&reason, "; it had received everything the primary was last seen at (",
                      FormatLsn(observed_.last_primary_lsn),
                      "); asynchronous replication: commits made after that may be lost");
    } else {
      absl::StrAppend(&reason, "; asynchronous replication: commits it had not received are lost");
    }
    Action& failover = Add(ActionType::kFailover, best->ordinal, old_primary, reason);
    // The old primary cannot commit any more; clients are held if the bouncer lets us, but the
    // promotion does not wait for it.
    failover.hold = ClientHold::kBestEffort;
    failover.fence = FenceMethodFor(old);
    return true;
  }

  // With synchronous replication (ANY k of the standbys) a commit may live on only k of them: a
  // standby is promoted only when at least m-k+1 of the m standbys that may hold WAL have been
  // observed after the fence, so that one of them has every acknowledged commit. A stopped,
  // frozen, unreachable or busy standby is unknown, not absent.
  bool QuorumObserved(int old_primary, const std::vector<const NodeObservation*>& observed,
                      const std::string& why, std::string* note) {
    std::vector<std::string> members;
    std::vector<std::string> unknown;
    for (const NodeObservation& node : observed_.nodes) {
      if (node.ordinal == old_primary) continue;
      // Known to hold no WAL: an empty data directory that does not answer.
      if (!node.reachable && node.data_dir == DataDir::kEmpty) continue;
      members.push_back(node.name);
      bool seen = std::any_of(observed.begin(), observed.end(),
                              [&](const NodeObservation* o) { return o->ordinal == node.ordinal; });
      if (!seen) unknown.push_back(node.name);
    }
    const int m = static_cast<int>(members.size());
    const int k = spec_.replication.synchronous_number;
    const int needed = std::clamp(m - k + 1, 1, std::max(m, 1));
    const int have = m - static_cast<int>(unknown.size());
    if (have >= needed) {
      *note = absl::StrFormat(
          "synchronous replication (ANY %d of %d standbys): %d of them observed after the fence, "
          "at least the %d needed, and it is the most advanced of them: no acknowledged commit "
          "is lost",
          k, m, have, needed);
      return true;
    }
    std::string message = absl::StrFormat(
        "%s; with synchronous replication (ANY %d of %d standbys) a commit may live on %d "
        "standby only: %d of them must be observed to know who has every acknowledged commit, %d "
        "are (waiting for %s, with no time limit; a person may override, accepting data loss: "
        "radctl promote %s NODE --accept-data-loss)",
        why, k, m, k, needed, have, absl::StrJoin(unknown, ", "), spec_.name);
    Wait(absl::StrCat("WaitingForQuorum: ", message));
    plan_.alerts.push_back({"WaitingForQuorum", message});
    return false;
  }

  // radctl promote NODE --accept-data-loss: the person's explicit, recorded decision overrides
  // the quorum and timeline rules; the old primary is still fenced first.
  bool PlanRequestedPromotion() {
    const int target = requests_.promote;
    if (target == 0) return false;
    const NodeObservation* node = observed_.Node(target);
    if (node == nullptr || !node->IsReachableStandby()) {
      Wait(absl::StrCat("promotion of ", Name(target),
                        " was requested but it is not a reachable "
                        "standby"));
      return false;
    }
    int old_primary = RegisteredPrimary();
    if (old_primary == target) old_primary = 0;
    const NodeObservation* old = observed_.Node(old_primary);
    if (old_primary != 0 && !CannotCommit(old)) {
      Add(ActionType::kHoldClients, 0, old_primary, "promotion requested: holding clients");
      Add(ActionType::kFence, old_primary, 0,
          absl::StrCat("promotion of ", Name(target), " requested: fencing ", Name(old_primary),
                       " first"));
      return true;
    }
    PlanContainers(/*hold=*/old_primary);
    Action& failover =
        Add(ActionType::kFailover, target, old_primary,
            absl::StrCat("promotion requested with radctl promote --accept-data-loss: ", node->name,
                         " at ", FormatLsn(PromotableLsn(*node)), " on timeline ", node->timeline,
                         "; commits it does not have are lost"));
    failover.hold = ClientHold::kBestEffort;
    failover.fence = FenceMethodFor(old);
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
  PlannedStops stops_;
  Plan plan_;
  absl::Duration wake_within_ = absl::InfiniteDuration();  // a rule's deadline, if sooner
};

}  // namespace

std::string Plan::ToString(const std::string& cluster) const {
  std::vector<Action> sorted = actions;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Action& a, const Action& b) { return a.ordinal < b.ordinal; });
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
