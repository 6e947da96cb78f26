#include "controller/cli/cli_support.h"

#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "controller/loop/reconcile_loop.h"
#include "controller/state/cluster_lock.h"
#include "controller/state/event_log.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/naming.h"

namespace radctl {

absl::StatusOr<std::unique_ptr<RealEnv>> RealEnv::Connect() {
  docker::DockerClient docker = docker::DockerClient::FromEnvironment();
  RETURN_IF_ERROR(docker.Ping());
  return std::unique_ptr<RealEnv>(new RealEnv(std::move(docker)));
}

absl::StatusOr<int> ParseNodeArgument(const std::string& what, const std::string& cluster,
                                      const std::string& text) {
  int ordinal = 0;
  if (absl::SimpleAtoi(text, &ordinal) && ordinal >= 1) return ordinal;
  if (std::optional<int> parsed = OrdinalFromNodeName(cluster, text)) return *parsed;
  return absl::InvalidArgumentError(absl::StrCat(what, ": \"", text, "\" is not a node of cluster ",
                                                 cluster, " (expected e.g. ", NodeName(cluster, 2),
                                                 " or 2)"));
}

absl::StatusOr<StoredCluster> LoadStoredCluster(const ClusterStore& store,
                                                const std::string& name) {
  absl::StatusOr<ClusterSpec> spec = store.LoadSpec();
  if (absl::IsNotFound(spec.status())) {
    return absl::NotFoundError(absl::StrCat("cluster ", name, " is not known here (no state in ",
                                            store.dir(), "); create it with radctl apply -f FILE"));
  }
  RETURN_IF_ERROR(spec.status());
  ASSIGN_OR_RETURN(ClusterSecrets secrets, store.LoadSecrets());
  return StoredCluster{*spec, secrets};
}

absl::Status ConvergeOrAwaitController(const Env& env, ClusterStore& store,
                                       const StoredCluster& cluster, const std::string& command,
                                       bool json_logs, absl::Duration timeout) {
  absl::StatusOr<ClusterLock> lock = ClusterLock::Acquire(store.dir(), cluster.spec.name, command);
  if (lock.ok()) {
    EventLog events(std::cerr, &store, json_logs);
    LoopOptions options;
    options.converge_timeout = timeout;
    ReconcileLoop loop(env, cluster.secrets, events, options, store);
    bool acted = false;
    return loop.Converge(cluster.spec, &acted);
  }
  if (!absl::IsFailedPrecondition(lock.status())) return lock.status();
  std::cerr << "radctl: a controller is running for cluster " << cluster.spec.name
            << "; it carries this out. Waiting for it...\n";
  Observer observer(env, cluster.secrets);
  absl::Time deadline = env.clock.Now() + timeout;
  std::string last;
  while (env.clock.Now() < deadline) {
    ASSIGN_OR_RETURN(ObservedState observed, observer.Observe(cluster.spec));
    observed.recorded_primary = store.LoadPrimary().value_or(RecordedPrimary{});
    Plan plan = ComputePlan(cluster.spec, observed, store.LoadRequests());
    if (plan.converged()) return absl::OkStatus();
    last = plan.ToString(cluster.spec.name);
    env.clock.SleepFor(absl::Milliseconds(200));
  }
  return absl::DeadlineExceededError(absl::StrCat("the running controller has not finished within ",
                                                  absl::FormatDuration(timeout),
                                                  "; still to do: ", last));
}

}  // namespace radctl
