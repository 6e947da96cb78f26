// Rule 2: two writable primaries. Keeps the one the cluster's state records, else the one the
// bouncer points to (clients are writing there), else the one repmgr records, else the most
// advanced — each only when it is on the newest timeline; fences every other one. Nothing else
// is done until only one primary is left.
#include <algorithm>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "reconcilers/rules/rules.h"

namespace radctl {

Proposal FenceAllButOne(const Situation& s, const std::vector<int>& primaries) {
  const ObservedState& observed = s.observed;
  int keep = 0;
  std::string why;
  for (int ordinal : primaries) {
    if (ordinal == observed.recorded_primary.ordinal && s.OnNewestTimeline(*s.Node(ordinal))) {
      keep = ordinal;
      why = "the cluster's state records it as the primary";
    }
  }
  for (int ordinal : primaries) {
    if (keep == 0 && observed.bouncer.target_host == s.Name(ordinal) &&
        s.OnNewestTimeline(*s.Node(ordinal))) {
      keep = ordinal;
      why = "the bouncer points to it";
    }
  }
  if (keep == 0) {
    for (int ordinal : primaries) {
      const RepmgrNode* record = observed.RepmgrRecord(ordinal);
      if (record != nullptr && record->type == "primary" && record->active &&
          s.OnNewestTimeline(*s.Node(ordinal))) {
        keep = ordinal;
        why = "repmgr records it as the primary";
      }
    }
  }
  if (keep == 0) {
    keep = *std::max_element(primaries.begin(), primaries.end(), [&](int a, int b) {
      const NodeObservation& na = *s.Node(a);
      const NodeObservation& nb = *s.Node(b);
      if (na.timeline != nb.timeline) return na.timeline < nb.timeline;
      if (na.current_lsn != nb.current_lsn) return na.current_lsn < nb.current_lsn;
      return a > b;
    });
    why = "it has the highest timeline and WAL position";
  }
  std::vector<std::string> names;
  names.reserve(primaries.size());
  for (int ordinal : primaries) names.push_back(s.Name(ordinal));
  Proposal out;
  for (int ordinal : primaries) {
    if (ordinal == keep) continue;
    out.Add(ActionType::kFence, ordinal, 0,
            absl::StrFormat("%d writable primaries (%s): keeping %s because %s", primaries.size(),
                            absl::StrJoin(names, ", "), s.Name(keep), why))
        .fence = s.FenceMethodFor(ordinal);
  }
  return out;
}

}  // namespace radctl
