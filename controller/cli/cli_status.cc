// radctl status NAME [-o table|json|yaml|uri|env [--read]]
#include "absl/strings/str_cat.h"
#include "controller/cli/cli_support.h"
#include "controller/cli/commands.h"
#include "controller/cli/connection_env.h"
#include "controller/loop/observer.h"
#include "controller/reporting/conditions.h"
#include "controller/reporting/controller_state.h"
#include "controller/reporting/status_report.h"
#include "crd-like-specs/status_macros.h"

namespace radctl::cli {

absl::StatusOr<StatusOptions> ParseStatus(const ParsedArgs& args) {
  StatusOptions options;
  options.name = args.Arg(0);
  options.output = args.Value("--output", options.output);
  options.read = args.Has("--read");
  RETURN_IF_ERROR(CheckClusterArgument(options.name));
  if (options.read && options.output != "uri" && options.output != "env") {
    return absl::InvalidArgumentError(
        "--read goes with -o uri or -o env (the read endpoint's URI or variables)");
  }
  return options;
}

absl::Status RunStatus(const CliContext& context, const StatusOptions& options) {
  ClusterStore store(context.state_dir, options.name, context.clock);
  ASSIGN_OR_RETURN(StoredCluster cluster, LoadStoredCluster(store, options.name));
  if (options.read && cluster.spec.bouncer.read_port == kNoReadPort) {
    return absl::FailedPreconditionError(
        absl::StrCat("cluster ", options.name,
                     " has no read endpoint: set spec.bouncer.readPort and apply the spec"));
  }
  // The endpoint is known without asking Docker: a CI job gets it even while the engine is busy.
  if (options.output == "uri") {
    context.out << (options.read ? ReadEndpointUri(cluster.spec, cluster.secrets, false)
                                 : EndpointUri(cluster.spec, cluster.secrets, false))
                << "\n";
    return absl::OkStatus();
  }
  if (options.output == "env") {
    context.out << ShellExports(ConnectionEnvironment(cluster.spec, cluster.secrets, options.read));
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(const Env* env, Connect(context));
  Observer observer(*env, cluster.secrets);
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
  if (options.output == "table") {
    context.out << StatusTable(cluster.spec, cluster.secrets, observed, details);
    return absl::OkStatus();
  }
  return PrintStructured(context, StatusJson(cluster.spec, cluster.secrets, observed, details),
                         options.output);
}

}  // namespace radctl::cli
