// radctl promote NAME NODE --accept-data-loss: the one way past the rules that protect
// acknowledged commits (the quorum with synchronous replication, the newest timeline). It says
// what may be lost, records the decision as an event and a request, and lets the loop act (the
// old primary is still fenced first).
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "controller/cli/cli_support.h"
#include "controller/cli/commands.h"
#include "controller/loop/observer.h"
#include "controller/state/event_log.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/naming.h"
#include "reconcilers/standby_ranking.h"

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
  for (const NodeObservation& node : observed.nodes) {
    if (node.IsWritablePrimary()) {
      return absl::FailedPreconditionError(
          absl::StrCat("cluster ", options.name, " has a writable primary (", node.name,
                       "): nothing to override; to move the primary use radctl switchover ",
                       options.name, " --to ", NodeName(options.name, target)));
    }
  }
  const NodeObservation* chosen = observed.Node(target);
  if (chosen == nullptr || !chosen->IsReachableStandby()) {
    return absl::FailedPreconditionError(
        absl::StrCat("refusing to promote ", NodeName(options.name, target), ": it is ",
                     chosen == nullptr ? "not a node of the cluster" : NodeRole(*chosen),
                     ", not a reachable standby. Nothing was changed."));
  }
  // What may be lost: whatever a node not seen now, or a node further ahead, had.
  std::vector<std::string> ahead;
  std::vector<std::string> unseen;
  for (const NodeObservation& node : observed.nodes) {
    if (node.ordinal == target) continue;
    if (node.IsReachableStandby()) {
      if (MoreAdvanced(node, *chosen)) {
        ahead.push_back(absl::StrCat(node.name, " at ", FormatLsn(PromotableLsn(node)),
                                     " on timeline ", node.timeline));
      }
    } else {
      unseen.push_back(node.name);
    }
  }
  std::string may_lose = absl::StrCat(
      chosen->name, " is at ", FormatLsn(PromotableLsn(*chosen)), " on timeline ", chosen->timeline,
      ". Lost: commits it does not have",
      unseen.empty()
          ? ""
          : absl::StrCat(", which ", absl::StrJoin(unseen, ", "), " (not reachable now) may hold"),
      ahead.empty() ? "" : absl::StrCat("; further ahead: ", absl::StrJoin(ahead, ", ")));
  context.err << "radctl: " << may_lose << "\n";
  EventLog events(context.err, &store, context.json_logs, env->clock);
  events.Warning(chosen->name, "PromoteRequested",
                 absl::StrCat("promotion requested with --accept-data-loss: ", may_lose));
  Requests requests = store.LoadRequests();
  requests.promote = target;
  RETURN_IF_ERROR(store.SaveRequests(requests));
  RETURN_IF_ERROR(
      ConvergeOrAwaitController(context, *env, store, cluster, "radctl promote", absl::Minutes(5)));
  context.out << chosen->name << " is the primary of cluster " << options.name << "\n";
  return absl::OkStatus();
}

}  // namespace radctl::cli
