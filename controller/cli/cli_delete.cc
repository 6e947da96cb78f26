// radctl delete NAME [--keep-volumes]
#include <iostream>

#include "absl/strings/str_cat.h"
#include "controller/cli/cli_support.h"
#include "controller/cli/commands.h"
#include "controller/operations/cluster_removal.h"
#include "controller/state/cluster_lock.h"
#include "controller/state/event_log.h"
#include "crd-like-specs/status_macros.h"

namespace radctl {

absl::Status RunDelete(const GlobalOptions& global, const DeleteOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<RealEnv> real, RealEnv::Connect());
  const ContainerRuntime& docker = real->env().runtime;
  ClusterStore store(global.state_dir, options.name);
  // A watcher would re-create what is deleted: refuse while one runs.
  ASSIGN_OR_RETURN(ClusterLock lock,
                   ClusterLock::Acquire(store.dir(), options.name, "radctl delete"));
  EventLog events(std::cerr, nullptr, global.json_logs);
  RemovalOptions removal;
  removal.keep_volumes = options.keep_volumes;
  bool found = false;
  RETURN_IF_ERROR(RemoveCluster(docker, store, options.name, removal, events, &found));
  if (!found) {
    std::cout << "cluster " << options.name << ": nothing to delete\n";
  } else {
    std::cout << "cluster " << options.name << " deleted"
              << (options.keep_volumes ? " (volumes and passwords kept)" : "") << "\n";
  }
  return absl::OkStatus();
}

}  // namespace radctl
