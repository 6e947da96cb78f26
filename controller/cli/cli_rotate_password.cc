// radctl rotate-password NAME: a new generated password for the app user, kept with the cluster
// (and its SCRAM secret), then rolled out by the loop (credentials_policy.h): the bouncer's
// userlist first, then the role. Clients connected before keep their connections.
#include "controller/cli/cli_support.h"
#include "controller/cli/commands.h"
#include "controller/state/cluster_credentials.h"
#include "crd-like-specs/status_macros.h"

namespace radctl::cli {

absl::StatusOr<RotatePasswordOptions> ParseRotatePassword(const ParsedArgs& args) {
  RotatePasswordOptions options;
  options.name = args.Arg(0);
  RETURN_IF_ERROR(CheckClusterArgument(options.name));
  return options;
}

absl::Status RunRotatePassword(const CliContext& context, const RotatePasswordOptions& options) {
  ClusterStore store(context.state_dir, options.name, context.clock);
  RETURN_IF_ERROR(LoadStoredCluster(store, options.name).status());
  RETURN_IF_ERROR(TakeOverState(context, store));
  ASSIGN_OR_RETURN(StoredCluster cluster, LoadStoredCluster(store, options.name));
  ASSIGN_OR_RETURN(const Env* env, Connect(context));
  ASSIGN_OR_RETURN(cluster.secrets, RotateAppPassword(store, cluster.spec));
  context.err << "radctl: cluster " << options.name << ": a new password for "
              << cluster.spec.auth.user << " is kept with the cluster; rolling it out\n";
  RETURN_IF_ERROR(ConvergeOrAwaitController(context, *env, store, cluster, "radctl rotate-password",
                                            absl::Minutes(5)));
  context.out << "cluster " << options.name << ": password of " << cluster.spec.auth.user
              << " rotated; radctl status " << options.name << " -o uri prints it\n";
  return absl::OkStatus();
}

}  // namespace radctl::cli
