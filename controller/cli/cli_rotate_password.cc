// radctl rotate-password NAME: a new generated password for the app user, kept with the cluster
// (and its SCRAM secret), then rolled out by the loop (credentials_policy.h): the bouncer's
// userlist first, then the role. Clients connected before keep their connections.
#include <iostream>

#include "controller/cli/cli_support.h"
#include "controller/cli/commands.h"
#include "controller/state/cluster_credentials.h"
#include "crd-like-specs/status_macros.h"

namespace radctl {

absl::Status RunRotatePassword(const GlobalOptions& global, const RotatePasswordOptions& options) {
  ClusterStore store(global.state_dir, options.name);
  ASSIGN_OR_RETURN(StoredCluster cluster, LoadStoredCluster(store, options.name));
  ASSIGN_OR_RETURN(std::unique_ptr<RealEnv> real, RealEnv::Connect());
  ASSIGN_OR_RETURN(cluster.secrets, RotateAppPassword(store, cluster.spec));
  std::cerr << "radctl: cluster " << options.name << ": a new password for "
            << cluster.spec.auth.user << " is kept with the cluster; rolling it out\n";
  RETURN_IF_ERROR(ConvergeOrAwaitController(real->env(), store, cluster, "radctl rotate-password",
                                            global.json_logs, absl::Minutes(5)));
  std::cout << "cluster " << options.name << ": password of " << cluster.spec.auth.user
            << " rotated; radctl status " << options.name << " -o uri prints it\n";
  return absl::OkStatus();
}

}  // namespace radctl
