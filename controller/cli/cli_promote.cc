// radctl promote NAME NODE --accept-data-loss: the one way past the rules that protect
// acknowledged commits (the quorum with synchronous replication, the newest timeline). It says
// what may be lost (AssessPromote, reconcilers/promote_request.h decides), records the decision
// as an event and a request, and lets the loop act (the old primary is still fenced first).
#include "absl/strings/str_cat.h"
#include "controller/cli/cli_support.h"
#include "controller/cli/commands.h"
#include "controller/loop/observer.h"
#include "controller/state/event_log.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/naming.h"
#include "reconcilers/promote_request.h"

namespace radctl::cli {

absl::StatusOr<PromoteOptions> ParsePromote(const ParsedArgs& args) {
  PromoteOptions options;
  options.name = args.Arg(0);
  RETURN_IF_ERROR(CheckClusterArgument(options.name));
  if (!args.Has("--accept-data-loss")) {
    return absl::InvalidArgumentError(
        "promote overrides the rules that keep acknowledged commits (the quorum of synchronous "
        "standbys, the newest timeline) and may lose data: say so with --accept-data-loss. To "
        "change the primary without loss use radctl switchover");
  }
  ASSIGN_OR_RETURN(options.node, ParseNodeArgument("NODE", options.name, args.Arg(1)));
  return options;
}

absl::Status RunPromote(const CliContext& context, const PromoteOptions& options) {
  ClusterStore store(context.state_dir, options.name, context.clock);
  RETURN_IF_ERROR(LoadStoredCluster(store, options.name).status());
  RETURN_IF_ERROR(TakeOverState(context, store));
  ASSIGN_OR_RETURN(StoredCluster cluster, LoadStoredCluster(store, options.name));
  ASSIGN_OR_RETURN(const Env* env, Connect(context));
  const int target = options.node;
  Observer observer(*env, cluster.secrets);
  ASSIGN_OR_RETURN(ObservedState observed, observer.Observe(cluster.spec));
  PromoteAssessment assessment = AssessPromote(options.name, observed, target);
  RETURN_IF_ERROR(assessment.refused);
  const std::string& may_lose = assessment.may_lose;
  const std::string node_name = NodeName(options.name, target);
  context.err << "radctl: " << may_lose << "\n";
  EventLog events(context.err, &store, context.json_logs, env->clock);
  events.Warning(node_name, "PromoteRequested",
                 absl::StrCat("promotion requested with --accept-data-loss: ", may_lose));
  Requests requests = store.LoadRequests();
  requests.promote = target;
  RETURN_IF_ERROR(store.SaveRequests(requests));
  RETURN_IF_ERROR(
      ConvergeOrAwaitController(context, *env, store, cluster, "radctl promote", absl::Minutes(5)));
  context.out << node_name << " is the primary of cluster " << options.name << "\n";
  return absl::OkStatus();
}

}  // namespace radctl::cli
