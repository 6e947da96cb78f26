// The planner: a pure function from (desired spec, observed state, the loop's memory, requests)
// to the next actions, each with the reason it is taken. All decisions live here (the rules in
// rules/, combined by plan.cc), so they are unit-tested as tables without Docker. The actions of
// one plan are independent of each other: the executor runs them in parallel, then the loop
// observes again and plans anew.
#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "crd-like-specs/cluster_spec.h"
#include "reconcilers/action.h"
#include "reconcilers/memory.h"
#include "reconcilers/observed_state.h"

namespace radctl {

// A situation worth an event of its own, kept with the cluster (a waiting note is only printed):
// one a person may have to act on.
struct Alert {
  std::string reason;   // CamelCase: "WaitingForQuorum"
  std::string message;  // what, why, and what a person can do
};

struct Plan {
  std::vector<Action> actions;
  std::vector<Alert> alerts;
  // Why the cluster is not converged although nothing can be done right now
  // ("demo-pg-2: Postgres is starting"); shown to the user, empty when converged.
  std::vector<std::string> waiting;
  // When to observe again if nothing happens before (controller-runtime's RequeueAfter).
  absl::Duration requeue_after = absl::ZeroDuration();

  bool converged() const { return actions.empty() && waiting.empty(); }
  // One line per action ("create-node demo-pg-2: reason"), then "waiting: ..." lines.
  std::string ToString(const std::string& cluster) const;
};

inline constexpr absl::Duration kRequeueWhileWaiting = absl::Milliseconds(200);
inline constexpr absl::Duration kRequeueWhenConverged = absl::Seconds(10);

// What was asked for beyond the spec, kept with the cluster like the spec (radctl switchover).
struct Requests {
  int switchover_to = 0;  // the node that should be primary; 0: no request
  // radctl promote NODE --accept-data-loss: promote this standby although the rules that protect
  // acknowledged commits (quorum, timeline) do not allow it; 0: no request.
  int promote = 0;
  // Scheduled backups are taken (watch mode: set by the loop, never stored).
  bool scheduled_backups = false;
};

Plan ComputePlan(const ClusterSpec& desired, const ObservedState& observed,
                 const LoopMemory& memory, const Requests& requests);
// A plan from one observation alone, with no memory of earlier ones (what `status` shows): every
// node that does not answer counts as silent from now.
Plan ComputePlan(const ClusterSpec& desired, const ObservedState& observed,
                 const Requests& requests = {});

// The nodes that should exist: ordinals 1..nodes, except that the primary is never removed when
// scaling down: if its ordinal is above `nodes`, it takes the place of the highest one. Without
// a writable primary, the one the cluster's state records counts (else repmgr's).
std::vector<int> DesiredOrdinals(const ClusterSpec& spec, const ObservedState& observed);

}  // namespace radctl
