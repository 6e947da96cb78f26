// radctl scale NAME --nodes N: changes the desired node count kept with the cluster (what a
// watcher and the next `status` see, and what survives a controller restart), then lets the
// loop act: this process when no controller runs, else the running one.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "controller/cli/cli_support.h"
#include "controller/cli/commands.h"
#include "controller/state/desired_state_loader.h"
#include "crd-like-specs/spec_validators.h"
#include "crd-like-specs/status_macros.h"

namespace radctl {

absl::Status RunScale(const GlobalOptions& global, const ScaleOptions& options) {
  absl::Status valid = CheckNodeCount(options.nodes);
  if (!valid.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--nodes: ", valid.message()));
  }
  ClusterStore store(global.state_dir, options.name);
  ASSIGN_OR_RETURN(StoredCluster cluster, LoadStoredCluster(store, options.name));
  ASSIGN_OR_RETURN(std::unique_ptr<RealEnv> real, RealEnv::Connect());
  int before = 0;
  RETURN_IF_ERROR(SetDesiredNodes(store, options.nodes, &before));
  cluster.spec.nodes = options.nodes;
  std::cerr << "radctl: cluster " << options.name << ": desired nodes " << before << " -> "
            << options.nodes << "\n";
  RETURN_IF_ERROR(ConvergeOrAwaitController(real->env(), store, cluster, "radctl scale",
                                            global.json_logs, absl::Minutes(30)));
  std::cout << "cluster " << options.name << " has " << options.nodes << " node"
            << (options.nodes == 1 ? "" : "s") << "\n";
  return absl::OkStatus();
}

}  // namespace radctl
