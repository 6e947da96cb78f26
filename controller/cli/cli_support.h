// Pieces every verb needs: a Docker client that has been checked to answer, and the stored
// spec and secrets of a named cluster, with errors that say what to do.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "controller/clients/docker/docker_client.h"
#include "controller/clients/env.h"
#include "controller/state/cluster_store.h"

namespace radctl {

// The real outside world: the Docker engine from DOCKER_HOST (checked to answer: Unavailable
// with how to start it when it does not), libpq, the system clock.
class RealEnv {
 public:
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<RealEnv>> Connect();
  const Env& env() const { return env_; }

 private:
  explicit RealEnv(docker::DockerClient docker)
      : docker_(std::move(docker)),
        env_{docker_, LibpqPostgresAccess(), LibpqBouncerAccess(), RealClock(), ThreadTasks()} {}
  docker::DockerClient docker_;
  Env env_;
};

// A node named on the command line: "demo-pg-2" or "2" -> 2. InvalidArgument naming `what`
// (the flag or argument) otherwise.
[[nodiscard]] absl::StatusOr<int> ParseNodeArgument(const std::string& what,
                                                    const std::string& cluster,
                                                    const std::string& text);

struct StoredCluster {
  ClusterSpec spec;
  ClusterSecrets secrets;
};
// NotFound ("cluster demo is not known here ...") when it was never applied from this machine.
[[nodiscard]] absl::StatusOr<StoredCluster> LoadStoredCluster(const ClusterStore& store,
                                                              const std::string& name);

// Makes the stored desired state (spec, requests) real: converges now when no controller runs
// for the cluster (taking its lock as `command`); when one runs, leaves the work to it and
// waits, observing, until it is done. Either way, returns once the cluster has converged.
[[nodiscard]] absl::Status ConvergeOrAwaitController(const Env& env, ClusterStore& store,
                                                     const StoredCluster& cluster,
                                                     const std::string& command, bool json_logs,
                                                     absl::Duration timeout);

}  // namespace radctl
