// radctl switchover NAME [--to NODE]: a planned primary change. Refused unless the target is a
// healthy standby streaming from the primary; without --to, the most advanced such standby
// (reconcilers/switchover.h decides, as it does for the loop). The request is kept with the
// cluster and carried out by the loop (this process, or the running controller), so it follows
// the same safety rules as everything else.
#include "absl/strings/str_cat.h"
#include "controller/cli/cli_support.h"
#include "controller/cli/commands.h"
#include "controller/loop/observer.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/naming.h"
#include "reconcilers/switchover.h"

namespace radctl::cli {

absl::StatusOr<SwitchoverOptions> ParseSwitchover(const ParsedArgs& args) {
  SwitchoverOptions options;
  options.name = args.Arg(0);
  RETURN_IF_ERROR(CheckClusterArgument(options.name));
  if (std::string to = args.Value("--to"); !to.empty()) {
    ASSIGN_OR_RETURN(options.to, ParseNodeArgument("--to", options.name, to));
  }
  return options;
}

absl::Status RunSwitchover(const CliContext& context, const SwitchoverOptions& options) {
  ClusterStore store(context.state_dir, options.name, context.clock);
  RETURN_IF_ERROR(LoadStoredCluster(store, options.name).status());
  RETURN_IF_ERROR(TakeOverState(context, store));
  ASSIGN_OR_RETURN(StoredCluster cluster, LoadStoredCluster(store, options.name));
  ASSIGN_OR_RETURN(const Env* env, Connect(context));
  Observer observer(*env, cluster.secrets);
  ASSIGN_OR_RETURN(ObservedState observed, observer.Observe(cluster.spec));
  absl::StatusOr<SwitchoverChoice> choice = ChooseSwitchover(cluster.spec, observed, options.to);
  if (!choice.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "refusing to switch over",
        options.to == 0 ? "" : absl::StrCat(" to ", NodeName(options.name, options.to)), ": ",
        choice.status().message(), ". Nothing was changed; see radctl status ", options.name));
  }
  const std::string from = NodeName(options.name, choice->from);
  const std::string to = NodeName(options.name, choice->to);
  if (choice->from == choice->to) {
    context.out << to << " is the primary already: nothing to do\n";
    return absl::OkStatus();
  }
  Requests requests;
  requests.switchover_to = choice->to;
  RETURN_IF_ERROR(store.SaveRequests(requests));
  context.err << "radctl: switchover " << from << " -> " << to << " requested\n";
  absl::Time start = env->clock.Monotonic();
  RETURN_IF_ERROR(ConvergeOrAwaitController(context, *env, store, cluster, "radctl switchover",
                                            absl::Minutes(5)));
  context.out << "switched over: " << to << " is the primary, " << from << " streams from it ("
              << absl::FormatDuration(
                     absl::Trunc(env->clock.Monotonic() - start, absl::Milliseconds(100)))
              << ")\n";
  return absl::OkStatus();
}

}  // namespace radctl::cli
