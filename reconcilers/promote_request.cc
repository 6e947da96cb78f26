#include "reconcilers/promote_request.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "reconcilers/lsn.h"
#include "reconcilers/naming.h"
#include "reconcilers/standby_ranking.h"

namespace radctl {

PromoteAssessment AssessPromote(const std::string& cluster, const ObservedState& observed,
                                int target) {
  PromoteAssessment out;
  for (const NodeObservation& node : observed.nodes) {
    if (node.IsWritablePrimary()) {
      out.refused = absl::FailedPreconditionError(
          absl::StrCat("cluster ", cluster, " has a writable primary (", node.name,
                       "): nothing to override; to move the primary use radctl switchover ",
                       cluster, " --to ", NodeName(cluster, target)));
      return out;
    }
  }
  const NodeObservation* chosen = observed.Node(target);
  if (chosen == nullptr || !chosen->IsReachableStandby()) {
    out.refused = absl::FailedPreconditionError(
        absl::StrCat("refusing to promote ", NodeName(cluster, target), ": it is ",
                     chosen == nullptr ? "not a node of the cluster" : NodeRole(*chosen),
                     ", not a reachable standby. Nothing was changed."));
    return out;
  }
  // Whatever a node not seen now, or a standby further ahead, had.
  std::vector<std::string> ahead;
  std::vector<std::string> unseen;
  for (const NodeObservation& node : observed.nodes) {
    if (node.ordinal == target) continue;
    if (!node.IsReachableStandby()) {
      unseen.push_back(node.name);
    } else if (MoreAdvanced(node, *chosen)) {
      ahead.push_back(absl::StrCat(node.name, " at ", FormatLsn(PromotableLsn(node)),
                                   " on timeline ", node.timeline));
    }
  }
  out.may_lose = absl::StrCat(
      chosen->name, " is at ", FormatLsn(PromotableLsn(*chosen)), " on timeline ", chosen->timeline,
      ". Lost: commits it does not have",
      unseen.empty()
          ? ""
          : absl::StrCat(", which ", absl::StrJoin(unseen, ", "), " (not reachable now) may hold"),
      ahead.empty() ? "" : absl::StrCat("; further ahead: ", absl::StrJoin(ahead, ", ")));
  return out;
}

}  // namespace radctl
