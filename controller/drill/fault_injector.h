// Injecting a drill's faults the way they happen to real clusters, through the Docker engine
// (kill, stop, pause, network disconnect) and by killing the controller process the drill runs.
// It decides nothing: the round runner says which fault hits which nodes, and when to heal.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/clients/clock.h"
#include "controller/clients/docker/docker_client.h"
#include "controller/drill/controller_process.h"
#include "controller/drill/drill_result.h"
#include "controller/drill/fault.h"
#include "controller/state/cluster_store.h"

namespace radctl::drill {

struct Injection {
  Fault fault = Fault::kKillPrimary;
  std::vector<std::string> targets;  // containers hit
  absl::Time at;                     // just before the first call to the engine
  // When the engine had carried it out (its call returned): what happened before may still be
  // the cluster as it was (a write acknowledged by a primary not yet frozen).
  absl::Time done;
  std::vector<TimelineEvent> steps;  // what the drill did, for the timeline
};

class FaultInjector {
 public:
  // `controller` may be null (then kill-controller cannot be injected); `store` gives radctl's
  // events (kill-controller waits for the failover to start).
  FaultInjector(const Clock& clock, const docker::DockerClient& docker, std::string cluster,
                OwnedController* controller, const ClusterStore& store)
      : clock_(clock),
        docker_(docker),
        cluster_(std::move(cluster)),
        controller_(controller),
        store_(store) {}

  // Injects `fault` (already resolved, not kRandom). `standbys` are the standbys streaming from
  // `primary`; kill-standby and the double fault pick one of them with `rng`.
  [[nodiscard]] absl::StatusOr<Injection> Inject(Fault fault, const std::string& primary,
                                                 const std::vector<std::string>& standbys,
                                                 std::mt19937_64& rng);

  // Undoes what nobody else undoes: reconnects a cut-off node, thaws a frozen one (unless the
  // controller killed it meanwhile). Killed and stopped containers are the controller's to
  // start again. Adds its steps to `injection`.
  [[nodiscard]] absl::Status Heal(Injection& injection);

 private:
  TimelineEvent Step(const std::string& type, const std::string& object, const std::string& what);
  // kill-controller: once radctl has stored its Failover event (it is failing over), SIGKILL the
  // controller and start it again, as a supervisor would.
  [[nodiscard]] absl::Status KillControllerMidFailover(Injection& injection);

  const Clock& clock_;
  const docker::DockerClient& docker_;
  std::string cluster_;
  OwnedController* controller_;
  const ClusterStore& store_;
};

}  // namespace radctl::drill
