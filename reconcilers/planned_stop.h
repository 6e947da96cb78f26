// A node's container asked to stop (SIGTERM: `docker stop`, `docker restart`, `docker compose
// stop`, a host shutting down) keeps its Postgres running until the controller answers
// (images/postgres/entrypoint.sh): first "wait", then "go" once nothing depends on the node.
// A primary is switched over to a standby first, so that clients are held and served by the new
// primary instead of being refused by a Postgres that shuts down; a standby leaves the read
// endpoint first. When every standby is being stopped too (the whole cluster is), nobody is
// promoted: the primary stops first (its standbys receive all it wrote), then the standbys, and
// the cluster comes back with the same primary. Pure: unit-tested as tables.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "crd-like-specs/cluster_spec.h"
#include "reconcilers/action.h"
#include "reconcilers/memory.h"
#include "reconcilers/observed_state.h"

namespace radctl {

// How long after a primary's stop request the controller waits before it chooses between a
// switchover and letting the primary stop: the other nodes of a cluster stopped as a whole
// (`docker stop` of several containers, a host shutdown) get their requests within it, and
// nobody should then be promoted. The primary goes on serving meanwhile.
inline constexpr absl::Duration kStopSettle = absl::Milliseconds(500);
// A switchover away from a node being stopped is given up after failing this often: the node
// is then let stop (its clients are refused while it shuts down, as without a controller).
inline constexpr int kStopSwitchoverAttempts = 2;

struct PlannedStops {
  std::vector<Action> actions;  // delay-stop and allow-stop answers, and a switchover
  std::vector<std::string> waiting;
  absl::Duration wake_within = absl::InfiniteDuration();  // look again by then (the settling)
  // Nodes being stopped: their answers are decided here and no other rule acts on them.
  std::set<int> stopping;
  // Standbys to take out of the read endpoint before they stop, with why.
  std::map<int, std::string> leave_read_endpoint;
  // The plan switches over away from a primary being stopped: nothing else is done in its pass.
  bool switchover = false;
};

// `desired` are the nodes that should exist (DesiredOrdinals). Nothing when no running node's
// container was asked to stop, or when two writable primaries are seen (they are fenced first).
PlannedStops PlanPlannedStops(const ClusterSpec& spec, const ObservedState& observed,
                              const LoopMemory& memory, const std::vector<int>& desired);

}  // namespace radctl
