#include "controller/cli/cli_support.h"

#include <nlohmann/json.hpp>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "controller/cli/build_info.h"
#include "controller/export/yaml_text.h"
#include "controller/loop/observer.h"
#include "controller/loop/reconcile_loop.h"
#include "controller/state/cluster_lock.h"
#include "controller/state/event_log.h"
#include "controller/state/state_format.h"
#include "crd-like-specs/spec_validators.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/naming.h"

namespace radctl::cli {

absl::StatusOr<int> ParseNodeArgument(const std::string& what, const std::string& cluster,
                                      const std::string& text) {
  int ordinal = 0;
  if (absl::SimpleAtoi(text, &ordinal) && ordinal >= kMinNodes && ordinal <= kMaxNodes) {
    return ordinal;
  }
  if (std::optional<int> parsed = OrdinalFromNodeName(cluster, text)) return *parsed;
  return absl::InvalidArgumentError(absl::StrCat(what, ": \"", text, "\" is not a node of cluster ",
                                                 cluster, " (expected e.g. ", NodeName(cluster, 2),
                                                 " or 2)"));
}

absl::Status CheckClusterArgument(const std::string& name) {
  absl::Status valid = CheckClusterName(name);
  if (valid.ok()) return valid;
  return absl::InvalidArgumentError(absl::StrCat("cluster name: ", valid.message()));
}

absl::StatusOr<StoredCluster> LoadStoredCluster(const ClusterStore& store,
                                                const std::string& name) {
  RETURN_IF_ERROR(CheckStateFormat(store));
  absl::StatusOr<ClusterSpec> spec = store.LoadSpec();
  if (absl::IsNotFound(spec.status())) {
    return absl::NotFoundError(absl::StrCat("cluster ", name, " is not known here (no state in ",
                                            store.dir(), "); create it with radctl apply -f FILE"));
  }
  RETURN_IF_ERROR(spec.status());
  ASSIGN_OR_RETURN(ClusterSecrets secrets, store.LoadSecrets());
  return StoredCluster{*spec, secrets};
}

absl::Status TakeOverState(const CliContext& context, ClusterStore& store) {
  std::string taken_over;
  RETURN_IF_ERROR(UpgradeStateFormat(store, context.clock.Now(),
                                     absl::StrCat("radctl ", GetBuildInfo().version), &taken_over));
  if (!taken_over.empty()) context.err << "radctl: " << store.dir() << ": " << taken_over << "\n";
  return absl::OkStatus();
}

absl::StatusOr<const Env*> Connect(const CliContext& context) {
  if (!context.connect) return absl::InternalError("no outside world to connect to");
  return context.connect();
}

absl::Status PrintStructured(const CliContext& context, const std::string& json,
                             const std::string& format) {
  nlohmann::ordered_json parsed = nlohmann::ordered_json::parse(json, nullptr, false);
  if (parsed.is_discarded()) return absl::InternalError("radctl made JSON it cannot read back");
  if (format == "yaml") {
    context.out << exporting::ToYaml(parsed);
  } else {
    context.out << parsed.dump(2) << "\n";
  }
  return absl::OkStatus();
}

absl::Status ConvergeOrAwaitController(const CliContext& context, const Env& env,
                                       ClusterStore& store, const StoredCluster& cluster,
                                       const std::string& command, absl::Duration timeout) {
  absl::StatusOr<ClusterLock> lock =
      ClusterLock::Acquire(context.clock, store.dir(), cluster.spec.name, command);
  if (lock.ok()) {
    EventLog events(context.err, &store, context.json_logs, env.clock);
    LoopOptions options;
    options.converge_timeout = timeout;
    ReconcileLoop loop(env, cluster.secrets, events, options, store);
    bool acted = false;
    return loop.Converge(cluster.spec, &acted, &context.stop);
  }
  if (!absl::IsFailedPrecondition(lock.status())) return lock.status();
  context.err << "radctl: a controller is running for cluster " << cluster.spec.name
              << "; it carries this out. Waiting for it...\n";
  absl::Status waited = ObserveUntil(
      context, env, store, cluster, timeout, absl::Milliseconds(200),
      [&](const Observed& observed, std::string* seen) {
        *seen = absl::StrCat("still to do: ", observed.plan.ToString(cluster.spec.name));
        return observed.plan.converged();
      });
  if (absl::IsCancelled(waited)) {
    return absl::CancelledError(absl::StrCat(
        "stopped waiting; the controller running for cluster ", cluster.spec.name,
        " carries on with what was asked (radctl status ", cluster.spec.name, " shows it)"));
  }
  if (absl::IsDeadlineExceeded(waited)) {
    return absl::DeadlineExceededError(
        absl::StrCat("the running controller has not finished within ",
                     absl::FormatDuration(timeout), waited.message()));
  }
  return waited;
}

absl::Status ObserveUntil(const CliContext& context, const Env& env, const ClusterStore& store,
                          const StoredCluster& cluster, absl::Duration timeout,
                          absl::Duration interval,
                          const std::function<bool(const Observed&, std::string*)>& done) {
  Observer observer(env, cluster.secrets);
  const absl::Time deadline = env.clock.Monotonic() + timeout;
  std::string seen = "nothing observed yet";
  while (true) {
    ASSIGN_OR_RETURN(ObservedState state, observer.Observe(cluster.spec));
    state.recorded_primary = store.LoadPrimary().value_or(RecordedPrimary{});
    Observed observed{state, ComputePlan(cluster.spec, state, store.LoadRequests())};
    if (done(observed, &seen)) return absl::OkStatus();
    if (context.stop.load()) return absl::CancelledError(absl::StrCat("; last seen: ", seen));
    if (env.clock.Monotonic() >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat("; last seen: ", seen));
    }
    env.clock.SleepFor(interval);
  }
}

}  // namespace radctl::cli
