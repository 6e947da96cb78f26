#include "reconcilers/situation.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "reconcilers/naming.h"

namespace radctl {
namespace {

// The longest pause before an action that keeps failing is tried again.
constexpr absl::Duration kMaxRetryPause = absl::Minutes(5);

}  // namespace

Action& Proposal::Add(ActionType type, int ordinal, int source, std::string reason) {
  actions.push_back(Action{type, ordinal, source, std::move(reason)});
  return actions.back();
}

void Proposal::Append(Proposal other) {
  for (Action& action : other.actions) actions.push_back(std::move(action));
  for (Alert& alert : other.alerts) alerts.push_back(std::move(alert));
  for (std::string& why : other.waiting) waiting.push_back(std::move(why));
  WakeWithin(other.wake_within);
}

bool Proposal::ActsOn(int ordinal) const {
  return std::any_of(actions.begin(), actions.end(), [&](const Action& a) {
    return a.ordinal == ordinal && a.type != ActionType::kPointBouncer;
  });
}

bool Proposal::Has(ActionType type) const {
  return std::any_of(actions.begin(), actions.end(),
                     [&](const Action& a) { return a.type == type; });
}

Situation::Situation(const ClusterSpec& desired_spec, const ObservedState& observation,
                     const LoopMemory& remembered, const Requests& asked)
    : spec(desired_spec),
      observed(observation),
      memory(remembered),
      requests(asked),
      desired(DesiredOrdinals(desired_spec, observation)),
      stops(PlanPlannedStops(desired_spec, observation, remembered, desired)) {}

std::string Situation::Name(int ordinal) const { return NodeName(spec.name, ordinal); }

bool Situation::Desired(int ordinal) const {
  return std::find(desired.begin(), desired.end(), ordinal) != desired.end();
}

bool Situation::Busy(int ordinal, const Proposal& earlier, const Proposal& mine) const {
  return stops.stopping.count(ordinal) > 0 || memory.Busy(ordinal) || earlier.ActsOn(ordinal) ||
         mine.ActsOn(ordinal);
}

std::vector<int> Situation::WritablePrimaries() const {
  std::vector<int> result;
  for (const NodeObservation& node : observed.nodes) {
    if (node.IsWritablePrimary()) result.push_back(node.ordinal);
  }
  return result;
}

int Situation::RegisteredPrimary() const {
  if (observed.recorded_primary.ordinal != 0) return observed.recorded_primary.ordinal;
  for (const RepmgrNode& record : observed.repmgr_nodes) {
    if (record.type == "primary" && record.active) return record.node_id;
  }
  if (!observed.repmgr_nodes.empty()) return 0;
  int found = 0;
  for (const NodeObservation& node : observed.nodes) {
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

int Situation::NewestTimeline() const {
  if (observed.recorded_primary.ordinal != 0) return observed.recorded_primary.timeline;
  int newest = 0;
  for (const NodeObservation& node : observed.nodes) newest = std::max(newest, node.timeline);
  return newest;
}

bool Situation::OnNewestTimeline(const NodeObservation& node) const {
  return node.timeline != 0 && node.timeline >= NewestTimeline();
}

absl::Duration Situation::SilentFor(const NodeObservation& node) const {
  absl::Time since = memory.Node(node.ordinal).answered_at;
  if (since == absl::InfinitePast()) since = observed.observed_at;
  return observed.observed_at - since;
}

FenceMethod Situation::FenceMethodFor(int ordinal) const {
  const NodeObservation* node = Node(ordinal);
  if (node != nullptr && node->killed) return FenceMethod::kAlreadyKilled;
  if (node == nullptr || node->container != ContainerState::kRunning || node->paused ||
      (node->data_dir == DataDir::kUnknown && !node->facts_error.empty())) {
    return FenceMethod::kKillContainer;
  }
  if (!node->reachable && node->data_dir != DataDir::kUnknown && !node->postgres_running) {
    return FenceMethod::kAlreadyStopped;
  }
  return memory.Failed(ordinal, ActionType::kFence) > 0 ? FenceMethod::kKillContainer
                                                        : FenceMethod::kStopPostgres;
}

bool Situation::CannotCommit(const NodeObservation* node) {
  if (node == nullptr || node->container != ContainerState::kRunning || node->killed) return true;
  if (node->reachable) return node->in_recovery;
  return !node->paused && node->data_dir != DataDir::kUnknown && !node->postgres_running;
}

Action* AddUnlessBackingOff(const Situation& s, Proposal& out, ActionType type, int ordinal,
                            int source, std::string reason) {
  if (const ActionFailures* failed = s.memory.Failures(ordinal, type);
      failed != nullptr && failed->count > 0) {
    absl::Duration pause =
        std::min(kMaxRetryPause, absl::Seconds(1) * (int64_t{1} << std::min(failed->count - 1, 9)));
    absl::Time next = failed->last + pause;
    if (s.observed.observed_at < next) {
      out.Wait(absl::StrCat(
          s.Name(ordinal), ": ", ActionTypeName(type), " failed ", failed->count,
          failed->count == 1 ? " time" : " times", " (", failed->message, "); trying again in ",
          absl::FormatDuration(absl::Ceil(next - s.observed.observed_at, absl::Seconds(1)))));
      out.WakeWithin(next - s.observed.observed_at);
      return nullptr;
    }
    absl::StrAppend(&reason, " (attempt ", failed->count + 1, ")");
  }
  Action& action = out.Add(type, ordinal, source, std::move(reason));
  if (type == ActionType::kFence) action.fence = s.FenceMethodFor(ordinal);
  return &action;
}

}  // namespace radctl
