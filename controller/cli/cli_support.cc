#include "controller/cli/cli_support.h"

#include "absl/strings/str_cat.h"
#include "crd-like-specs/status_macros.h"

namespace radctl {

absl::StatusOr<docker::DockerClient> ConnectDocker() {
  docker::DockerClient docker = docker::DockerClient::FromEnvironment();
  RETURN_IF_ERROR(docker.Ping());
  return docker;
}

absl::StatusOr<StoredCluster> LoadStoredCluster(const ClusterStore& store, const std::string& name) {
  absl::StatusOr<ClusterSpec> spec = store.LoadSpec();
  if (absl::IsNotFound(spec.status())) {
    return absl::NotFoundError(absl::StrCat("cluster ", name, " is not known here (no state in ",
                                            store.dir(), "); create it with radctl apply -f FILE"));
  }
  RETURN_IF_ERROR(spec.status());
  ASSIGN_OR_RETURN(ClusterSecrets secrets, store.LoadSecrets());
  return StoredCluster{*spec, secrets};
}

}  // namespace radctl
