// radctl events NAME [--since DURATION] [-o table|json]: the decisions the controller made and
// their outcomes, kept with the cluster (they outlive a controller restart).
#include <algorithm>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "controller/cli/commands.h"
#include "controller/reporting/status_report.h"
#include "controller/state/cluster_store.h"
#include "crd-like-specs/status_macros.h"

namespace radctl {

absl::Status RunEvents(const GlobalOptions& global, const EventsOptions& options) {
  if (options.output != "table" && options.output != "json") {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown output format \"", options.output, "\"; allowed: table, json"));
  }
  absl::Time cutoff = absl::InfinitePast();
  if (!options.since.empty()) {
    absl::Duration since;
    if (!absl::ParseDuration(options.since, &since) || since < absl::ZeroDuration()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--since: expected a duration like 10m, 1h or 90s, got \"", options.since, "\""));
    }
    cutoff = absl::Now() - since;
  }
  ClusterStore store(global.state_dir, options.name);
  if (absl::IsNotFound(store.LoadSpec().status())) {
    return absl::NotFoundError(absl::StrCat("cluster ", options.name,
                                            " is not known here (no state in ", store.dir(), ")"));
  }
  ASSIGN_OR_RETURN(std::vector<EventRecord> events, store.LoadEvents());
  events.erase(std::remove_if(events.begin(), events.end(),
                              [&](const EventRecord& e) { return e.time < cutoff; }),
               events.end());
  std::cout << (options.output == "json" ? EventsJson(events) : EventsTable(events));
  return absl::OkStatus();
}

}  // namespace radctl
