#include "reconcilers/planned_stop.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "reconcilers/naming.h"
#include "reconcilers/read_endpoint.h"
#include "reconcilers/standby_ranking.h"
#include "reconcilers/switchover.h"

namespace radctl {
namespace {

constexpr char kAskedToStop[] =
    "'s container is being stopped (SIGTERM: docker stop or restart, compose stop, a host "
    "shutting down)";

std::string Secs(absl::Duration d) { return absl::StrFormat("%.2fs", absl::ToDoubleSeconds(d)); }

class StopPlanner {
 public:
  StopPlanner(const ClusterSpec& spec, const ObservedState& observed, const LoopMemory& memory,
              const std::vector<int>& desired)
      : spec_(spec), observed_(observed), memory_(memory), desired_(desired) {}

  PlannedStops Run() {
    std::vector<const NodeObservation*> primaries;
    for (const NodeObservation& node : observed_.nodes) {
      if (node.IsWritablePrimary()) primaries.push_back(&node);
      if (node.StopRequested()) result_.stopping.insert(node.ordinal);
    }
    if (result_.stopping.empty() || primaries.size() > 1) return PlannedStops{};
    primary_ = primaries.empty() ? nullptr : primaries.front();
    if (primary_ != nullptr && primary_->StopRequested()) PlanPrimary();
    for (const NodeObservation& node : observed_.nodes) {
      if (node.StopRequested() && &node != primary_) PlanOther(node);
    }
    return std::move(result_);
  }

 private:
  std::string Name(int ordinal) const { return NodeName(spec_.name, ordinal); }

  void Answer(const NodeObservation& node, ActionType type, std::string reason) {
    if (type == ActionType::kDelayStop && node.stop_answer != StopAnswer::kNone) return;
    if (type == ActionType::kAllowStop && node.stop_answer == StopAnswer::kGo) return;
    result_.actions.push_back(Action{type, node.ordinal, 0, std::move(reason)});
  }
  void Wait(std::string why) { result_.waiting.push_back(std::move(why)); }

  // The most advanced desired standby streaming from the primary and not being stopped itself.
  const NodeObservation* SwitchoverTarget() const {
    const NodeObservation* best = nullptr;
    for (const NodeObservation& node : observed_.nodes) {
      if (std::find(desired_.begin(), desired_.end(), node.ordinal) == desired_.end() ||
          node.StopRequested() || !node.IsStreamingFrom(primary_->name)) {
        continue;
      }
      if (best == nullptr || MoreAdvanced(node, *best)) best = &node;
    }
    return best;
  }

  // Why the primary is let stop without a switchover.
  std::string WhyNoSwitchover(const NodeObservation* target) const {
    bool any_standby = false;
    bool all_stopping = true;
    for (const NodeObservation& node : observed_.nodes) {
      if (&node == primary_ || node.container != ContainerState::kRunning) continue;
      any_standby = true;
      all_stopping = all_stopping && node.StopRequested();
    }
    if (any_standby && all_stopping) {
      return "every other node is being stopped too (the whole cluster is): nobody is promoted; "
             "the primary stops first, so that its standbys receive everything it wrote, and "
             "the cluster comes back with the same primary";
    }
    if (!spec_.failover.enabled) {
      return "spec.failover.enabled is false, so the primary does not change hands: it stops, "
             "and clients are refused until it is back";
    }
    if (target != nullptr) {
      return absl::StrCat("switching over to ", target->name, " failed ",
                          memory_.Failed(target->ordinal, ActionType::kSwitchover),
                          " times: it stops, and clients are refused until it is back");
    }
    return "no standby streams from it to switch over to: it stops, and clients are refused "
           "until it is back";
  }

  void PlanPrimary() {
    const NodeObservation& node = *primary_;
    const std::string asked = absl::StrCat(node.name, kAskedToStop);
    if (node.stop_answer == StopAnswer::kGo) {
      Wait(absl::StrCat(asked, ": its Postgres is stopping"));
      return;
    }
    // The request's time is the entrypoint's wall clock: compared with the observation's.
    const absl::Duration since = observed_.wall_at - node.stop_requested_at;
    if (since < kStopSettle) {
      Answer(node, ActionType::kDelayStop,
             absl::StrCat(asked,
                          ": it goes on serving while the controller sees whether other "
                          "nodes are being stopped too, then switches over first"));
      Wait(absl::StrCat(asked, ": waiting ", Secs(kStopSettle - since),
                        " to see whether the other nodes are being stopped too"));
      result_.wake_within = std::max(kStopSettle - since, absl::Milliseconds(10));
      return;
    }
    const NodeObservation* target = SwitchoverTarget();
    if (target != nullptr && spec_.failover.enabled &&
        memory_.Failed(target->ordinal, ActionType::kSwitchover) < kStopSwitchoverAttempts) {
      Answer(node, ActionType::kDelayStop,
             absl::StrCat(asked, ": switching over first; it stops after that"));
      // Those being stopped too are not pointed anywhere: they are going away.
      std::vector<int> followers;
      for (int ordinal : HandOverFollowers(spec_, observed_, node.ordinal, target->ordinal)) {
        if (result_.stopping.count(ordinal) == 0) followers.push_back(ordinal);
      }
      result_.actions.push_back(PlannedSwitchover(
          target->ordinal, node.ordinal, std::move(followers),
          absl::StrCat(asked, ": switching over to ", target->name,
                       " before its Postgres stops (clients are held, not refused)")));
      result_.switchover = true;
      return;
    }
    Answer(node, ActionType::kAllowStop, absl::StrCat(asked, "; ", WhyNoSwitchover(target)));
  }

  void PlanOther(const NodeObservation& node) {
    const std::string asked = absl::StrCat(node.name, kAskedToStop);
    // Out of the read endpoint until it is gone: a standby still streaming would be put back.
    result_.leave_read_endpoint[node.ordinal] = "its container is being stopped";
    if (node.stop_answer == StopAnswer::kGo) {
      Wait(absl::StrCat(asked, ": its Postgres is stopping"));
      return;
    }
    if (primary_ != nullptr && primary_->StopRequested() && !result_.switchover) {
      // The whole cluster (or the primary too) is being stopped and the primary has not stopped
      // yet: this node stops after it, having received all it wrote.
      Answer(node, ActionType::kDelayStop,
             absl::StrCat(asked, ": it stops after the primary ", primary_->name,
                          ", so that it has everything the primary wrote"));
      Wait(absl::StrCat(node.name, " stops after the primary ", primary_->name));
      return;
    }
    const BouncerObservation& read = observed_.read_bouncer;
    const std::vector<int> serves = ReadTargetsFromHosts(spec_.name, read.target_host);
    const bool serves_reads = spec_.bouncer.read_port != kNoReadPort &&
                              read.container == ContainerState::kRunning && read.reachable &&
                              std::find(serves.begin(), serves.end(), node.ordinal) != serves.end();
    if (serves_reads && primary_ != nullptr) {
      Answer(node, ActionType::kDelayStop,
             absl::StrCat(asked, ": it leaves the read endpoint first"));
      Wait(absl::StrCat(node.name, " leaves the read endpoint before it stops"));
      return;
    }
    Answer(
        node, ActionType::kAllowStop,
        absl::StrCat(asked, serves_reads ? ": no writable primary to serve reads instead; it stops"
                                         : ": nothing depends on it now; it stops"));
  }

  const ClusterSpec& spec_;
  const ObservedState& observed_;
  const LoopMemory& memory_;
  const std::vector<int>& desired_;
  const NodeObservation* primary_ = nullptr;
  PlannedStops result_;
};

}  // namespace

PlannedStops PlanPlannedStops(const ClusterSpec& spec, const ObservedState& observed,
                              const LoopMemory& memory, const std::vector<int>& desired) {
  return StopPlanner(spec, observed, memory, desired).Run();
}

}  // namespace radctl
