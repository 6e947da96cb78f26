// A drill: rounds of fault -> recovery -> settle against a cluster a controller watches, under
// the drill's own load, measured by the drill's own probes and radctl's stored events. This is
// the round runner; the pieces it drives are load_generator.h, fault_injector.h, cluster_probe.h
// and write_check.h, and the figures come from measure.h.
#pragma once

#include <atomic>
#include <cstdint>
#include <iosfwd>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "controller/clients/clock.h"
#include "controller/clients/docker/docker_client.h"
#include "controller/config/secrets.h"
#include "controller/drill/controller_process.h"
#include "controller/drill/drill_result.h"
#include "controller/drill/fault.h"
#include "controller/state/cluster_store.h"
#include "crd-like-specs/cluster_spec.h"

namespace radctl::drill {

struct DrillOptions {
  Fault fault = Fault::kKillPrimary;
  int rounds = 3;
  int writers = 4;
  int readers = 0;
  double rate = 100;                                   // writes per second over all writers
  absl::Duration settle = absl::Seconds(5);            // load after every standby streams again
  absl::Duration baseline = absl::Seconds(1);          // load before the fault, for the timeline
  absl::Duration recovery_timeout = absl::Minutes(2);  // fault -> every writer writes again
  absl::Duration healthy_timeout = absl::Minutes(3);   // -> every desired standby streams
  uint64_t seed = 0;  // for random faults and targets; 0: from the clock
  // The user's own workload (--exec), run with `/bin/sh -c` from the first round on; "" for none.
  std::string exec;
  // After the last round, how long the drill waits for that command to end on its own before it
  // stops it (it then counts as passed: it ran through every round).
  absl::Duration exec_wait = absl::Minutes(10);
};

// Ranges a drill accepts; InvalidArgument naming the option otherwise.
[[nodiscard]] absl::Status ValidateOptions(const DrillOptions& options);

struct DrillTarget {
  const Clock& clock;  // every wait and time reading of the drill
  const docker::DockerClient& docker;
  const ClusterStore& store;
  ClusterSpec spec;
  ClusterSecrets secrets;
  OwnedController* controller = nullptr;  // the drill runs it (--run-controller), else null
};

// Runs the rounds, filling `result` as it goes (also when it fails part-way, so what was seen can
// be reported). Progress lines go to `progress`. Returns an error when the drill could not go on
// (the cluster did not recover or become healthy, Docker failed, interrupted by `stop`); what it
// found is judged by DrillVerdict.
[[nodiscard]] absl::Status RunDrill(const DrillOptions& options, DrillTarget& target,
                                    std::ostream& progress, const std::atomic<bool>& stop,
                                    DrillResult* result);

// Non-OK when a round lost an acknowledged write with synchronous replication (DataLoss), two
// writable primaries were seen (Internal) or the user's command (--exec) failed (Aborted). Lost
// writes with asynchronous replication are reported, not failed: that replication mode allows
// them.
[[nodiscard]] absl::Status DrillVerdict(const DrillResult& result);

}  // namespace radctl::drill
