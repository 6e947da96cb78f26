// radctl wait NAME --for condition=TYPE[=true|false] ... [--timeout DURATION]: observes the
// cluster itself, as radctl status does (no watcher needed), until every named condition has
// the wanted value. kubectl's `wait --for=condition=...` for a CI job or a script: one process
// and one set of kept sessions however long it waits, where polling radctl status starts a
// process and logs into every node each time.
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "controller/cli/cli_support.h"
#include "controller/cli/commands.h"
#include "controller/reporting/conditions.h"
#include "crd-like-specs/status_macros.h"

namespace radctl::cli {
namespace {

constexpr absl::Duration kWaitPoll = absl::Milliseconds(250);

// "condition=Ready", "condition=Degraded=false": the condition and the value waited for.
absl::StatusOr<WaitOptions::Wanted> ParseFor(const std::string& text) {
  std::vector<std::string> parts = absl::StrSplit(text, '=');
  const std::string expected =
      "--for: expected condition=TYPE or condition=TYPE=true|false (TYPE one of Ready, "
      "Degraded, FailingOver, Reconciling), got \"" +
      text + "\"";
  if (parts.size() < 2 || parts.size() > 3 || parts[0] != "condition") {
    return absl::InvalidArgumentError(expected);
  }
  WaitOptions::Wanted wanted;
  for (const char* type : kConditionTypes) {
    if (absl::EqualsIgnoreCase(parts[1], type)) wanted.type = type;
  }
  if (wanted.type.empty()) return absl::InvalidArgumentError(expected);
  if (parts.size() == 3) {
    const std::string value = absl::AsciiStrToLower(parts[2]);
    if (value != "true" && value != "false") return absl::InvalidArgumentError(expected);
    wanted.status = value == "true";
  }
  return wanted;
}

std::string Describe(const std::vector<Condition>& conditions) {
  std::vector<std::string> lines;
  for (const Condition& condition : conditions) {
    lines.push_back(absl::StrCat(condition.type, "=", condition.status ? "True" : "False", " (",
                                 condition.reason, ": ", condition.message, ")"));
  }
  return absl::StrJoin(lines, "; ");
}

}  // namespace

absl::StatusOr<WaitOptions> ParseWait(const ParsedArgs& args) {
  WaitOptions options;
  options.name = args.Arg(0);
  const std::vector<std::string> wanted_texts = args.Values("--for");
  const std::string timeout = args.Value("--timeout", "60s");
  RETURN_IF_ERROR(CheckClusterArgument(options.name));
  for (const std::string& text : wanted_texts) {
    ASSIGN_OR_RETURN(WaitOptions::Wanted wanted, ParseFor(text));
    options.wanted.push_back(wanted);
  }
  if (!absl::ParseDuration(timeout, &options.timeout) || options.timeout < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--timeout: expected a duration like 60s or 5m, got \"", timeout, "\""));
  }
  return options;
}

absl::Status RunWait(const CliContext& context, const WaitOptions& options) {
  ClusterStore store(context.state_dir, options.name, context.clock);
  ASSIGN_OR_RETURN(StoredCluster cluster, LoadStoredCluster(store, options.name));
  ASSIGN_OR_RETURN(const Env* env, Connect(context));
  std::string conditions_seen;
  absl::Status waited = ObserveUntil(
      context, *env, store, cluster, options.timeout, kWaitPoll,
      [&](const Observed& observed, std::string* seen) {
        std::vector<Condition> conditions = ComputeConditions(
            cluster.spec, observed.state, observed.plan, {}, observed.state.observed_at);
        bool met = true;
        for (const WaitOptions::Wanted& wanted : options.wanted) {
          const Condition* condition = FindCondition(conditions, wanted.type);
          met = met && condition != nullptr && condition->status == wanted.status;
        }
        *seen = conditions_seen = Describe(conditions);
        return met;
      });
  if (waited.ok()) {
    context.out << "cluster " << options.name << ": " << conditions_seen << "\n";
    return waited;
  }
  if (absl::IsDeadlineExceeded(waited)) {
    return absl::DeadlineExceededError(
        absl::StrCat("cluster ", options.name, ": not as asked within ",
                     absl::FormatDuration(options.timeout), waited.message()));
  }
  return absl::Status(waited.code(), absl::StrCat("stopped waiting", waited.message()));
}

}  // namespace radctl::cli
