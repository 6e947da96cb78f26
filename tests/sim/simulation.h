// One simulated run: the real loop, observer, planner and executor (radctl apply --watch) on
// the fake world, under a scenario's faults and user actions, with clients writing through the
// endpoint; after every step a thread takes, the invariants are checked (checker.h); at the
// end, with every fault healed, the cluster must converge within a stated bound.
#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "tests/sim/schedule.h"

namespace radctl::sim {

struct RunOptions {
  // Which of the scenario's steps run (all when empty): a shrunk schedule.
  std::vector<bool> keep;
  // Once every fault is healed, the cluster converges within this (simulated time).
  absl::Duration liveness_bound = absl::Minutes(3);
};

struct RunResult {
  bool passed = true;
  std::string invariant;  // what failed, in a few words ("acknowledged commit lost")
  std::string failure;    // the whole story: when, what the world and the controller showed
  absl::Duration simulated;
  uint64_t thread_steps = 0;
  int commits = 0;
  int acknowledged = 0;
};

RunResult Run(const Scenario& scenario, const RunOptions& options = {});

}  // namespace radctl::sim
