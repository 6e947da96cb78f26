// The planner's input as its rules read it: the desired spec, the observed state, the loop's
// memory and the requests, with the questions several rules ask of them (who is the registered
// primary, which timeline is newest, how long a node has been silent). Read-only: rules decide
// from it and return Proposals; only plan.cc combines them.
#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "crd-like-specs/cluster_spec.h"
#include "reconcilers/action.h"
#include "reconcilers/memory.h"
#include "reconcilers/observed_state.h"
#include "reconcilers/plan.h"
#include "reconcilers/planned_stop.h"

namespace radctl {

// What one rule plans: its actions, why it waits, alerts, and how soon it wants to look again.
// A rule builds its own; it never edits another's.
struct Proposal {
  std::vector<Action> actions;
  std::vector<Alert> alerts;
  std::vector<std::string> waiting;
  absl::Duration wake_within = absl::InfiniteDuration();

  Action& Add(ActionType type, int ordinal, int source, std::string reason);
  void Wait(std::string why) { waiting.push_back(std::move(why)); }
  void WakeWithin(absl::Duration d) { wake_within = std::min(wake_within, d); }
  void Append(Proposal other);
  // An action planned for node `ordinal` (a repoint of the bouncer to it does not count).
  bool ActsOn(int ordinal) const;
  bool Has(ActionType type) const;
  bool empty() const { return actions.empty() && waiting.empty() && alerts.empty(); }
};

class Situation {
 public:
  Situation(const ClusterSpec& desired_spec, const ObservedState& observation,
            const LoopMemory& remembered, const Requests& asked);

  const ClusterSpec& spec;
  const ObservedState& observed;
  const LoopMemory& memory;
  const Requests& requests;
  const std::vector<int> desired;  // DesiredOrdinals
  // Containers asked to stop, and the answers, switchover and read-endpoint exits that planned
  // stops take (planned_stop.h): no other rule acts on a node being stopped.
  const PlannedStops stops;

  std::string Name(int ordinal) const;
  bool Desired(int ordinal) const;
  const NodeObservation* Node(int ordinal) const { return observed.Node(ordinal); }
  // A long action runs on the node in the background, it is being stopped (planned_stop.h), or
  // an action is planned for it in this pass (at most one per node and pass).
  bool Busy(int ordinal, const Proposal& earlier, const Proposal& mine) const;

  std::vector<int> WritablePrimaries() const;
  // The primary as recorded: the cluster's state (written before every repoint), else repmgr's
  // records, else the only node whose data directory is a primary's (a single-node cluster).
  int RegisteredPrimary() const;
  // The newest timeline of the cluster's history: the one recorded with the primary (the
  // bouncer is pointed to a primary only once it is recorded, so no client wrote through the
  // endpoint to a newer one: a node promoted by hand, or one whose record failed, holds nothing
  // acknowledged), else the highest seen on any node. A node behind it holds an abandoned
  // history and must never be (or become) primary again.
  int NewestTimeline() const;
  bool OnNewestTimeline(const NodeObservation& node) const;
  // How long the node's Postgres has not answered (loop memory).
  absl::Duration SilentFor(const NodeObservation& node) const;
  // How to fence the node (see FenceMethod).
  FenceMethod FenceMethodFor(int ordinal) const;
  // Whether the node can no longer commit: gone, stopped, SIGKILLed, in recovery, or silent with
  // its Postgres seen stopped. A paused container, or one whose Postgres still runs, can wake up
  // and commit.
  static bool CannotCommit(const NodeObservation* node);
};

// `type` on `ordinal`, unless it failed there before and its backoff has not passed: an action
// that failed is tried again after a pause that doubles with every failure in a row (1 s, 2 s,
// 4 s, ... at most 5 min), so a node that cannot start, or a rejoin that cannot connect, is not
// retried every pass forever. Null (and a note in `out`) while it waits.
Action* AddUnlessBackingOff(const Situation& s, Proposal& out, ActionType type, int ordinal,
                            int source, std::string reason);

}  // namespace radctl
