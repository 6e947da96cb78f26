// The faults a drill injects, by the names users type (`--fault kill-primary`). Pure: names,
// parsing and which faults a cluster and a drill set-up can take; injecting them is
// fault_injector.h's.
#pragma once

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace radctl::drill {

enum class Fault {
  kKillPrimary,            // docker kill (SIGKILL) of the primary's container
  kStopPrimary,            // docker stop: SIGTERM, the engine kills after the grace period
  kPausePrimary,           // docker pause: frozen, its connections hang (unpaused afterwards)
  kCutPrimary,             // docker network disconnect from the cluster network (reconnected)
  kKillStandby,            // docker kill of one streaming standby
  kKillPrimaryAndStandby,  // both at once: the double fault
  kKillController,         // kill the primary, then SIGKILL the controller mid-failover
  kRandom,                 // one of the above per round
};

std::string FaultName(Fault fault);
// "kill-primary" -> kKillPrimary; InvalidArgument listing the allowed names otherwise.
[[nodiscard]] absl::StatusOr<Fault> ParseFault(const std::string& name);
std::string AllFaultNames();  // "kill-primary, stop-primary, ..."

// Faults that end the primary's service (a failover follows).
bool HitsPrimary(Fault fault);

// What decides which faults a drill may inject.
struct FaultContext {
  int nodes = 0;                  // desired nodes of the cluster
  bool controller_owned = false;  // the drill runs the controller (--run-controller)
};

// OK when `fault` can be injected in this context; InvalidArgument saying what is missing
// otherwise (kill-controller without --run-controller, a double fault on fewer than 3 nodes).
[[nodiscard]] absl::Status CheckFaultAllowed(Fault fault, const FaultContext& context);

// The faults `random` draws from in this context.
std::vector<Fault> RandomCandidates(const FaultContext& context);

// The fault of one round: `fault` itself, or for kRandom a uniform draw from RandomCandidates.
Fault ResolveFault(Fault fault, const FaultContext& context, std::mt19937_64& rng);

}  // namespace radctl::drill
