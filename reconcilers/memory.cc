#include "reconcilers/memory.h"

#include <algorithm>

#include "reconcilers/quorum.h"

namespace radctl {
namespace {

// A node that answered when last looked at, longer ago than this, was not watched meanwhile (the
// loop was acting: a switchover takes seconds on a busy machine). Its silence counts from the
// look that finds it silent, not from that answer: one probe timing out right after a long
// action is not a primary silent for longer than detectionMs.
constexpr absl::Duration kUnwatched = absl::Seconds(1);

void Book(LoopMemory& memory, const ActionOutcome& outcome, absl::Time now) {
  const Action& action = outcome.action;
  const bool beside = RunsBesideTheNode(action.type);
  NodeMemory& node = memory.nodes[action.ordinal];
  if (outcome.kind == ActionOutcome::Kind::kStarted) {
    if (beside) {
      memory.backup_running = true;
    } else {
      node.busy_with = ActionTypeName(action.type);
    }
    return;
  }
  if (outcome.kind == ActionOutcome::Kind::kEnded) {
    if (beside) {
      memory.backup_running = false;
    } else {
      node.busy_with.clear();
    }
  }
  if (outcome.status.ok()) {
    node.failures.erase(action.type);
    if (action.type == ActionType::kFence) node.fenced = true;
    if (action.type == ActionType::kAddLoginHold) memory.login_hold_added_to = action.container_id;
    return;
  }
  ActionFailures& failed = node.failures[action.type];
  ++failed.count;
  if (!FailureIsTransient(outcome.status)) ++failed.hard;
  failed.last = now;
  failed.message = std::string(outcome.status.message().substr(0, 300));
}

}  // namespace

const NodeMemory& LoopMemory::Node(int ordinal) const {
  static const NodeMemory* const kNone = new NodeMemory();
  auto it = nodes.find(ordinal);
  return it == nodes.end() ? *kNone : it->second;
}

const ActionFailures* LoopMemory::Failures(int ordinal, ActionType type) const {
  const NodeMemory& node = Node(ordinal);
  auto it = node.failures.find(type);
  return it == node.failures.end() ? nullptr : &it->second;
}

int LoopMemory::Failed(int ordinal, ActionType type) const {
  const ActionFailures* failures = Failures(ordinal, type);
  return failures == nullptr ? 0 : failures->count;
}

int LoopMemory::FailedHard(int ordinal, ActionType type) const {
  const ActionFailures* failures = Failures(ordinal, type);
  return failures == nullptr ? 0 : failures->hard;
}

LoopMemory RememberOutcomes(LoopMemory memory, const std::vector<ActionOutcome>& outcomes,
                            absl::Time now) {
  for (const ActionOutcome& outcome : outcomes) Book(memory, outcome, now);
  return memory;
}

LoopMemory Remember(LoopMemory memory, const ObservedState& observed,
                    const std::vector<ActionOutcome>& outcomes, absl::Time now) {
  memory = RememberOutcomes(std::move(memory), outcomes, now);
  Lsn primary_lsn = 0;
  for (const NodeObservation& node : observed.nodes) {
    if (node.IsWritablePrimary()) primary_lsn = node.current_lsn;
  }
  for (const NodeObservation& node : observed.nodes) {
    NodeMemory& remembered = memory.nodes[node.ordinal];
    // A fence holds until the node answers again or its container stops (a restart is a new
    // start, whose entrypoint fences it anyway).
    if (node.reachable || node.container != ContainerState::kRunning) remembered.fenced = false;
    if (node.reachable) {
      remembered.answered_at = observed.observed_at;
      remembered.primary_lsn_when_silent = 0;
      remembered.answered_once = true;
      remembered.timeline_answered = std::max(remembered.timeline_answered, node.timeline);
      if (!node.in_recovery) {
        memory.last_primary_lsn = node.current_lsn;
        memory.last_primary_synchronous_number =
            SynchronousNumber(observed.synchronous_standby_names);
      }
    } else {
      if (node.container != ContainerState::kRunning) {
        // Stopped, not silent: once it runs again, its silence counts from its first
        // unanswered look (a whole cluster started again is no primary silent since the stop).
        remembered.answered_at = absl::InfinitePast();
      } else if (remembered.answered_at == absl::InfinitePast() ||
                 (remembered.answered_at >= remembered.looked_at &&
                  observed.observed_at - remembered.answered_at > kUnwatched)) {
        remembered.answered_at = observed.observed_at;
      }
      if (remembered.primary_lsn_when_silent == 0) remembered.primary_lsn_when_silent = primary_lsn;
    }
    remembered.looked_at = observed.observed_at;
  }
  // A node scaled away (or removed by hand) with its volume no longer holds the timeline it was
  // promoted on, and must not keep the recorded primary from starting again in place for ever
  // (simulator seed 217867: the only node able to serve waited behind a deleted timeline).
  memory.highest_timeline = 0;
  for (auto& [ordinal, remembered] : memory.nodes) {
    if (observed.Node(ordinal) == nullptr) remembered.timeline_answered = 0;
    memory.highest_timeline = std::max(memory.highest_timeline, remembered.timeline_answered);
  }
  return memory;
}

LoopMemory RememberPrimaryAnswer(LoopMemory memory, int ordinal, Lsn lsn, absl::Time now) {
  memory.nodes[ordinal].answered_at = now;
  memory.last_primary_lsn = lsn;
  return memory;
}

LoopMemory MemoryUnderNewLease(const LoopMemory& memory) {
  LoopMemory kept;
  for (const auto& [ordinal, node] : memory.nodes) {
    if (!node.busy_with.empty()) kept.nodes[ordinal].busy_with = node.busy_with;
  }
  kept.backup_running = memory.backup_running;
  kept.login_hold_added_to = memory.login_hold_added_to;  // a fact about that container
  return kept;
}

}  // namespace radctl
