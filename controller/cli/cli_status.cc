// radctl status NAME [-o table|json|uri [--read]]
#include <iostream>

#include "absl/strings/str_cat.h"
#include "controller/cli/cli_support.h"
#include "controller/cli/commands.h"
#include "controller/loop/observer.h"
#include "controller/reporting/conditions.h"
#include "controller/reporting/controller_state.h"
#include "controller/reporting/status_report.h"
#include "crd-like-specs/status_macros.h"

namespace radctl {

absl::Status RunStatus(const GlobalOptions& global, const StatusOptions& options) {
  if (options.output != "table" && options.output != "json" && options.output != "uri") {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown output format \"", options.output, "\"; allowed: table, json, uri"));
  }
  if (options.read && options.output != "uri") {
    return absl::InvalidArgumentError("--read goes with -o uri (the read endpoint's URI)");
  }
  ClusterStore store(global.state_dir, options.name);
  ASSIGN_OR_RETURN(StoredCluster cluster, LoadStoredCluster(store, options.name));
  if (options.output == "uri" && options.read) {
    if (cluster.spec.bouncer.read_port == kNoReadPort) {
      return absl::FailedPreconditionError(
          absl::StrCat("cluster ", options.name,
                       " has no read endpoint: set spec.bouncer.readPort and apply the spec"));
    }
    std::cout << ReadEndpointUri(cluster.spec, cluster.secrets, /*masked=*/false) << "\n";
    return absl::OkStatus();
  }
  if (options.output == "uri") {
    std::cout << EndpointUri(cluster.spec, cluster.secrets, /*masked=*/false) << "\n";
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(std::unique_ptr<RealEnv> real, RealEnv::Connect());
  Observer observer(real->env(), cluster.secrets);
  ASSIGN_OR_RETURN(ObservedState observed, observer.Observe(cluster.spec));
  // Conditions from this observation; transition times and how long nodes have held their
  // roles from what a watcher kept, when one ran.
  StatusDetails details;
  details.now = observed.observed_at;
  observed.recorded_primary = store.LoadPrimary().value_or(RecordedPrimary{});
  Plan plan = ComputePlan(cluster.spec, observed, store.LoadRequests());
  details.conditions =
      ComputeConditions(cluster.spec, observed, plan, LoadConditions(store), details.now);
  details.node_states = UpdateNodeStates(observed, LoadNodeStates(store), details.now);
  if (options.output == "json") {
    std::cout << StatusJson(cluster.spec, cluster.secrets, observed, details);
  } else {
    std::cout << StatusTable(cluster.spec, cluster.secrets, observed, details);
  }
  return absl::OkStatus();
}

}  // namespace radctl
