// radctl events NAME [--since DURATION|TIME] [-o table|json|yaml]: the decisions the controller
// made and their outcomes, kept with the cluster (they outlive a controller restart).
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "controller/cli/cli_support.h"
#include "controller/cli/commands.h"
#include "controller/reporting/status_report.h"
#include "crd-like-specs/status_macros.h"
#include "crd-like-specs/time_text.h"

namespace radctl::cli {
namespace {

// --since: a duration back from now, or a time.
struct Since {
  absl::Duration ago = absl::ZeroDuration();
  absl::Time at = absl::InfinitePast();
};

absl::StatusOr<Since> ParseSince(const std::string& text) {
  Since since;
  if (text.empty()) return since;
  if (absl::ParseDuration(text, &since.ago) && since.ago >= absl::ZeroDuration()) return since;
  since.ago = absl::ZeroDuration();
  if (std::optional<absl::Time> at = ParseTimeWithZone(text)) {
    since.at = *at;
    return since;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--since: expected a duration like 10m, 1h or 90s, or a time like 2026-12-06T03:50:19Z or "
      "2026-12-06 03:50:19+00; got \"",
      text, "\""));
}

}  // namespace

absl::StatusOr<EventsOptions> ParseEvents(const ParsedArgs& args) {
  EventsOptions options;
  options.name = args.Arg(0);
  options.since = args.Value("--since");
  options.output = args.Value("--output", options.output);
  RETURN_IF_ERROR(CheckClusterArgument(options.name));
  RETURN_IF_ERROR(ParseSince(options.since).status());
  return options;
}

absl::Status RunEvents(const CliContext& context, const EventsOptions& options) {
  ASSIGN_OR_RETURN(Since since, ParseSince(options.since));
  absl::Time cutoff = since.at;
  if (since.ago > absl::ZeroDuration()) cutoff = context.clock.Now() - since.ago;
  ClusterStore store(context.state_dir, options.name, context.clock);
  RETURN_IF_ERROR(LoadStoredCluster(store, options.name).status());
  ASSIGN_OR_RETURN(std::vector<EventRecord> events, store.LoadEvents());
  events.erase(std::remove_if(events.begin(), events.end(),
                              [&](const EventRecord& e) { return e.time < cutoff; }),
               events.end());
  if (options.output == "table") {
    context.out << EventsTable(events);
    return absl::OkStatus();
  }
  return PrintStructured(context, EventsJson(events), options.output);
}

}  // namespace radctl::cli
