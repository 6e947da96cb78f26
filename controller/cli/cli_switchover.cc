// radctl switchover NAME [--to NODE]: a planned primary change. Refused unless the target is a
// healthy standby streaming from the primary; without --to, the most advanced such standby
// (reconcilers/switchover.h decides, as it does for the loop). The
// request is kept with the cluster and carried out by the loop (this process, or the running
// controller), so it follows the same safety rules as everything else.
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "controller/cli/cli_support.h"
#include "controller/cli/commands.h"
#include "controller/loop/observer.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/naming.h"
#include "reconcilers/switchover.h"

namespace radctl {
absl::Status RunSwitchover(const GlobalOptions& global, const SwitchoverOptions& options) {
  ClusterStore store(global.state_dir, options.name);
  ASSIGN_OR_RETURN(StoredCluster cluster, LoadStoredCluster(store, options.name));
  int requested = 0;
  if (!options.to.empty()) {
    ASSIGN_OR_RETURN(requested, ParseNodeArgument("--to", options.name, options.to));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<RealEnv> real, RealEnv::Connect());
  const Env& env = real->env();
  Observer observer(env, cluster.secrets);
  ASSIGN_OR_RETURN(ObservedState observed, observer.Observe(cluster.spec));
  absl::StatusOr<SwitchoverChoice> choice = ChooseSwitchover(cluster.spec, observed, requested);
  if (!choice.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "refusing to switch over",
        requested == 0 ? "" : absl::StrCat(" to ", NodeName(options.name, requested)), ": ",
        choice.status().message(), ". Nothing was changed; see radctl status ", options.name));
  }
  const std::string from = NodeName(options.name, choice->from);
  const std::string to = NodeName(options.name, choice->to);
  if (choice->from == choice->to) {
    std::cout << to << " is the primary already: nothing to do\n";
    return absl::OkStatus();
  }
  Requests requests;
  requests.switchover_to = choice->to;
  RETURN_IF_ERROR(store.SaveRequests(requests));
  std::cerr << "radctl: switchover " << from << " -> " << to << " requested\n";
  absl::Time start = env.clock.Now();
  RETURN_IF_ERROR(ConvergeOrAwaitController(env, store, cluster, "radctl switchover",
                                            global.json_logs, absl::Minutes(5)));
  std::cout << "switched over: " << to << " is the primary, " << from << " streams from it ("
            << absl::FormatDuration(absl::Trunc(env.clock.Now() - start, absl::Milliseconds(100)))
            << ")\n";
  return absl::OkStatus();
}

}  // namespace radctl
