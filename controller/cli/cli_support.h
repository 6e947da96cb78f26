// Pieces every verb needs: a Docker client that has been checked to answer, and the stored
// spec and secrets of a named cluster, with errors that say what to do.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "controller/cluster_store.h"
#include "controller/docker/docker_client.h"

namespace radctl {

// The engine from DOCKER_HOST; Unavailable with how to start it when it does not answer.
[[nodiscard]] absl::StatusOr<docker::DockerClient> ConnectDocker();

struct StoredCluster {
  ClusterSpec spec;
  ClusterSecrets secrets;
};
// NotFound ("cluster demo is not known here ...") when it was never applied from this machine.
[[nodiscard]] absl::StatusOr<StoredCluster> LoadStoredCluster(const ClusterStore& store,
                                                              const std::string& name);

}  // namespace radctl
