// radctl delete NAME [--keep-volumes]
#include "absl/strings/str_cat.h"
#include "controller/cli/cli_support.h"
#include "controller/cli/commands.h"
#include "controller/operations/cluster_removal.h"
#include "controller/state/cluster_lock.h"
#include "controller/state/event_log.h"
#include "crd-like-specs/status_macros.h"

namespace radctl::cli {

absl::StatusOr<DeleteOptions> ParseDelete(const ParsedArgs& args) {
  DeleteOptions options;
  options.name = args.Arg(0);
  options.keep_volumes = args.Has("--keep-volumes");
  RETURN_IF_ERROR(CheckClusterArgument(options.name));
  return options;
}

absl::Status RunDelete(const CliContext& context, const DeleteOptions& options) {
  ASSIGN_OR_RETURN(const Env* env, Connect(context));
  ClusterStore store(context.state_dir, options.name, context.clock);
  // A watcher would re-create what is deleted: refuse while one runs.
  ASSIGN_OR_RETURN(ClusterLock lock,
                   ClusterLock::Acquire(context.clock, store.dir(), options.name, "radctl delete"));
  EventLog events(context.err, nullptr, context.json_logs, env->clock);
  RemovalOptions removal;
  removal.keep_volumes = options.keep_volumes;
  bool found = false;
  RETURN_IF_ERROR(RemoveCluster(env->runtime, store, options.name, removal, events, &found));
  if (!found) {
    context.out << "cluster " << options.name << ": nothing to delete\n";
  } else {
    context.out << "cluster " << options.name << " deleted"
                << (options.keep_volumes ? " (volumes and passwords kept)" : "") << "\n";
  }
  return absl::OkStatus();
}

}  // namespace radctl::cli
