// radctl scale NAME --nodes N: changes the desired node count kept with the cluster (what a
// watcher and the next `status` see, and what survives a controller restart), then lets the
// loop act: this process when no controller runs, else the running one. A count the spec cannot
// have is refused before anything is kept.
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "controller/cli/cli_support.h"
#include "controller/cli/commands.h"
#include "controller/state/desired_state_loader.h"
#include "crd-like-specs/spec_parser.h"
#include "crd-like-specs/spec_validators.h"
#include "crd-like-specs/status_macros.h"

namespace radctl::cli {

absl::StatusOr<ScaleOptions> ParseScale(const ParsedArgs& args) {
  ScaleOptions options;
  options.name = args.Arg(0);
  RETURN_IF_ERROR(CheckClusterArgument(options.name));
  std::string nodes = args.Value("--nodes");
  if (!absl::SimpleAtoi(nodes, &options.nodes)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--nodes: expected a whole number, got \"", nodes, "\""));
  }
  if (absl::Status valid = CheckNodeCount(options.nodes); !valid.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--nodes: ", valid.message()));
  }
  return options;
}

absl::Status RunScale(const CliContext& context, const ScaleOptions& options) {
  ClusterStore store(context.state_dir, options.name, context.clock);
  RETURN_IF_ERROR(LoadStoredCluster(store, options.name).status());
  RETURN_IF_ERROR(TakeOverState(context, store));
  ASSIGN_OR_RETURN(StoredCluster cluster, LoadStoredCluster(store, options.name));
  ClusterSpec scaled = cluster.spec;
  scaled.nodes = options.nodes;
  if (absl::Status valid = ValidateSpec(scaled); !valid.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--nodes ", options.nodes, " does not fit cluster ", options.name,
                     "'s spec: ", valid.message(), ". Nothing was changed."));
  }
  ASSIGN_OR_RETURN(const Env* env, Connect(context));
  int before = 0;
  RETURN_IF_ERROR(SetDesiredNodes(store, options.nodes, &before));
  cluster.spec = scaled;
  context.err << "radctl: cluster " << options.name << ": desired nodes " << before << " -> "
              << options.nodes << "\n";
  RETURN_IF_ERROR(
      ConvergeOrAwaitController(context, *env, store, cluster, "radctl scale", absl::Minutes(30)));
  context.out << "cluster " << options.name << " has " << options.nodes << " node"
              << (options.nodes == 1 ? "" : "s") << "\n";
  return absl::OkStatus();
}

}  // namespace radctl::cli
