// What happens to the cluster in one simulated run: the spec it starts from and a schedule of
// faults and user actions at simulated times, all drawn from one seed. A schedule can be cut
// down (shrinking keeps only some of its steps) and still replays exactly.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "crd-like-specs/cluster_spec.h"

namespace radctl::sim {

enum class StepKind {
  // Faults of the world.
  kKill,   // docker kill of node `node`
  kStop,   // docker stop (clean shutdown)
  kStart,  // docker start
  kPause,  // docker pause / unpause
  kUnpause,
  kFreeze,  // Postgres hangs (SIGSTOP) / goes on
  kThaw,
  kCut,  // docker network disconnect / connect
  kHeal,
  kCrashPostgres,  // Postgres dies, its container stays
  kLag,            // the standby receives nothing more / again
  kCatchUp,
  kKillAfterCalls,  // node `node` killed at the controller's `arg`-th call into the world from now
  kStateDirFails,   // the state directory's writes fail (arg 0: read-only, 1: full) / work again
  kStateDirWorks,
  kClockStep,   // wall clock stepped by `arg` seconds (negative: back)
  kEngineDown,  // the Docker engine stops answering / answers again
  kEngineUp,
  // The controller.
  kControllerCrash,   // killed at its `arg`-th call into the world from now
  kControllerStart,   // started (when none runs)
  kSecondController,  // a second controller with a copy of the state directory starts / stops
  kSecondControllerStop,
  // A person.
  kScale,        // spec.nodes set to `arg`
  kSynchronous,  // spec.replication: synchronous off (arg 0) or ANY `arg`
  kDetection,    // spec.failover.detectionMs set to `arg`
  kImage,        // spec.postgres.image changed
  kSwitchover,   // radctl switchover --to `node`
  kPromote,      // radctl promote `node` --accept-data-loss
  // Docker stopping a container as the image answers it (planned_stop.h): the entrypoint keeps
  // Postgres running until the controller answers. Node `node`, or every node at once (a host
  // shutting down, `docker compose stop`).
  kPlannedStop,
  kPlannedStopAll,
};

struct Step {
  absl::Duration at;  // from the end of the bring-up
  StepKind kind = StepKind::kKill;
  int node = 0;
  int64_t arg = 0;
};

struct Scenario {
  uint64_t seed = 0;
  ClusterSpec spec;
  // By time, but for kinds of step added later, drawn last and appended so that every earlier
  // step keeps its index (regression seeds name steps by index): take them in TimeOrder.
  std::vector<Step> steps;
  // The first node's initialisation fails after its Postgres started (repmgr primary register).
  bool init_fails_late = false;

  std::vector<size_t> TimeOrder() const;  // indices of `steps`, earliest first
};

// The scenario of `seed`: a spec (2 to 5 nodes, synchronous or not, ...) and up to `max_steps`
// steps within `horizon`.
Scenario Generate(uint64_t seed, int max_steps = 24, absl::Duration horizon = absl::Seconds(90));

std::string Describe(const Step& step, const std::string& cluster);
std::string DescribeSpec(const ClusterSpec& spec);

}  // namespace radctl::sim
