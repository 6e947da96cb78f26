// Pieces several verbs need: the stored spec and secrets of a named cluster, a node named on the
// command line, structured output (-o json|yaml), and carrying out a change of the desired
// state (converging here, or waiting for the controller that runs), each with errors that say
// what to do.
#pragma once

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/cli/cli_context.h"
#include "controller/state/cluster_store.h"
#include "reconcilers/observed_state.h"
#include "reconcilers/plan.h"

namespace radctl::cli {

// A node named on the command line: "demo-pg-2" or "2" -> 2. InvalidArgument naming `what`
// (the flag or argument) otherwise.
[[nodiscard]] absl::StatusOr<int> ParseNodeArgument(const std::string& what,
                                                    const std::string& cluster,
                                                    const std::string& text);

// A cluster name typed on the command line, checked as metadata.name is (exit 2 otherwise).
[[nodiscard]] absl::Status CheckClusterArgument(const std::string& name);

struct StoredCluster {
  ClusterSpec spec;
  ClusterSecrets secrets;
};
// NotFound ("cluster demo is not known here ...") when it was never applied from this machine;
// FailedPrecondition when a newer radctl wrote its state (state/state_format.h).
[[nodiscard]] absl::StatusOr<StoredCluster> LoadStoredCluster(const ClusterStore& store,
                                                              const std::string& name);

// Before a verb changes a cluster: state an older radctl wrote is brought up to this radctl's
// format (saying so on context.err); a newer one is refused. Nothing to do for a new cluster.
[[nodiscard]] absl::Status TakeOverState(const CliContext& context, ClusterStore& store);

// The outside world of `context`, connected (Unavailable with how to start Docker otherwise).
[[nodiscard]] absl::StatusOr<const Env*> Connect(const CliContext& context);

// Prints a JSON document as -o asks: "json" as is (indented), "yaml" as YAML.
[[nodiscard]] absl::Status PrintStructured(const CliContext& context, const std::string& json,
                                           const std::string& format);

// What one observation of a cluster shows a verb that waits: the observation and the plan made
// from it, with the state recorded beside the cluster (the primary, the requests).
struct Observed {
  ObservedState state;
  Plan plan;
};
// Observes `cluster` every `interval` on one Observer (its sessions stay open) until `done`
// says so (OK), `timeout` passes (DeadlineExceeded) or the first SIGINT/SIGTERM (Cancelled).
// `done` also says what it sees (`*seen`), which the errors quote. An observation that fails
// (the container runtime unreachable) ends the wait with its error. It decides nothing: what it
// waits for is the caller's.
[[nodiscard]] absl::Status ObserveUntil(
    const CliContext& context, const Env& env, const ClusterStore& store,
    const StoredCluster& cluster, absl::Duration timeout, absl::Duration interval,
    const std::function<bool(const Observed&, std::string*)>& done);

// Makes the stored desired state (spec, requests) real: converges now when no controller runs
// for the cluster (taking its lock as `command`); when one runs, leaves the work to it and
// waits, observing, until it is done. Either way, returns once the cluster has converged;
// Cancelled at the first SIGINT/SIGTERM (what was stored stays: the loop goes on with it).
[[nodiscard]] absl::Status ConvergeOrAwaitController(const CliContext& context, const Env& env,
                                                     ClusterStore& store,
                                                     const StoredCluster& cluster,
                                                     const std::string& command,
                                                     absl::Duration timeout);

}  // namespace radctl::cli
