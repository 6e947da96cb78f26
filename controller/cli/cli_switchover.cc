// radctl switchover NAME [--to NODE]: a planned primary change. Refused unless the target is a
// healthy standby streaming from the primary; without --to, the most advanced such standby. The
// request is kept with the cluster and carried out by the loop (this process, or the running
// controller), so it follows the same safety rules as everything else.
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "controller/cli/cli_support.h"
#include "controller/cli/commands.h"
#include "controller/loop/observer.h"
#include "controller/reporting/status_report.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/naming.h"
#include "reconcilers/standby_ranking.h"

namespace radctl {
namespace {

// "demo-pg-2" or "2" -> 2.
absl::StatusOr<int> ParseTarget(const std::string& cluster, const std::string& text) {
  int ordinal = 0;
  if (absl::SimpleAtoi(text, &ordinal) && ordinal >= 1) return ordinal;
  if (std::optional<int> parsed = OrdinalFromNodeName(cluster, text)) return *parsed;
  return absl::InvalidArgumentError(absl::StrCat("--to: \"", text, "\" is not a node of cluster ",
                                                 cluster, " (expected e.g. ", NodeName(cluster, 2),
                                                 " or 2)"));
}

}  // namespace

absl::Status RunSwitchover(const GlobalOptions& global, const SwitchoverOptions& options) {
  ClusterStore store(global.state_dir, options.name);
  ASSIGN_OR_RETURN(StoredCluster cluster, LoadStoredCluster(store, options.name));
  ASSIGN_OR_RETURN(docker::DockerClient docker, ConnectDocker());
  Observer observer(docker, cluster.secrets, absl::Seconds(1));
  LoopMemory memory;
  ASSIGN_OR_RETURN(ObservedState observed, observer.Observe(cluster.spec, memory));
  const NodeObservation* primary = nullptr;
  for (const NodeObservation& node : observed.nodes) {
    if (node.IsWritablePrimary()) primary = &node;
  }
  if (primary == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cluster ", options.name, " has no writable primary to switch over from; see radctl status ",
        options.name));
  }
  int target = 0;
  if (options.to.empty()) {
    std::optional<int> best = MostAdvancedStandby(observed, 1 << 20);
    if (!best) {
      return absl::FailedPreconditionError(absl::StrCat("cluster ", options.name,
                                                        " has no standby to switch over to"));
    }
    target = *best;
  } else {
    ASSIGN_OR_RETURN(target, ParseTarget(options.name, options.to));
  }
  const std::string target_name = NodeName(options.name, target);
  if (target == primary->ordinal) {
    std::cout << target_name << " is the primary already: nothing to do\n";
    return absl::OkStatus();
  }
  const NodeObservation* node = observed.Node(target);
  if (node == nullptr || !node->IsStreamingFrom(primary->name)) {
    std::string state = node == nullptr ? "does not exist" : absl::StrCat("is ", NodeRole(*node));
    if (node != nullptr && node->IsReachableStandby()) state = "is a standby that does not stream";
    return absl::FailedPreconditionError(absl::StrCat(
        "refusing to switch over to ", target_name, ": it ", state, "; the target must be a "
        "standby streaming from the primary ", primary->name, ". Nothing was changed."));
  }
  Requests requests;
  requests.switchover_to = target;
  RETURN_IF_ERROR(store.SaveRequests(requests));
  std::cerr << "radctl: switchover " << primary->name << " -> " << target_name << " requested\n";
  absl::Time start = absl::Now();
  RETURN_IF_ERROR(ConvergeOrAwaitController(docker, store, cluster, "radctl switchover",
                                            global.json_logs, absl::Minutes(5)));
  std::cout << "switched over: " << target_name << " is the primary, " << primary->name
            << " streams from it (" << absl::FormatDuration(absl::Trunc(absl::Now() - start, absl::Milliseconds(100))) << ")\n";
  return absl::OkStatus();
}

}  // namespace radctl
