#include "controller/drill/fault.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace radctl::drill {
namespace {

constexpr Fault kAllFaults[] = {
    Fault::kKillPrimary, Fault::kStopPrimary,           Fault::kPausePrimary,   Fault::kCutPrimary,
    Fault::kKillStandby, Fault::kKillPrimaryAndStandby, Fault::kKillController, Fault::kRandom,
};

}  // namespace

std::string FaultName(Fault fault) {
  switch (fault) {
    case Fault::kKillPrimary:
      return "kill-primary";
    case Fault::kStopPrimary:
      return "stop-primary";
    case Fault::kPausePrimary:
      return "pause-primary";
    case Fault::kCutPrimary:
      return "cut-primary";
    case Fault::kKillStandby:
      return "kill-standby";
    case Fault::kKillPrimaryAndStandby:
      return "kill-primary-and-standby";
    case Fault::kKillController:
      return "kill-controller";
    case Fault::kRandom:
      return "random";
  }
  return "unknown";
}

std::string AllFaultNames() {
  std::vector<std::string> names;
  for (Fault fault : kAllFaults) names.push_back(FaultName(fault));
  return absl::StrJoin(names, ", ");
}

absl::StatusOr<Fault> ParseFault(const std::string& name) {
  for (Fault fault : kAllFaults) {
    if (FaultName(fault) == name) return fault;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--fault: unknown fault \"", name, "\"; allowed: ", AllFaultNames()));
}

bool HitsPrimary(Fault fault) { return fault != Fault::kKillStandby && fault != Fault::kRandom; }

absl::Status CheckFaultAllowed(Fault fault, const FaultContext& context) {
  if (context.nodes < 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a drill needs a cluster of at least 2 nodes (this one has ", context.nodes,
        "): with one node there is nothing to fail over to; scale it with radctl scale NAME "
        "--nodes 3"));
  }
  if (fault == Fault::kKillController && !context.controller_owned) {
    return absl::InvalidArgumentError(
        "--fault kill-controller needs --run-controller FILE: the drill kills the controller "
        "mid-failover and must start it again the way it was started, which it can only do for "
        "a controller it runs itself (stop your `radctl apply --watch` and let the drill run it)");
  }
  if (fault == Fault::kKillPrimaryAndStandby && context.nodes < 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("--fault kill-primary-and-standby needs at least 3 nodes (the cluster has ",
                     context.nodes, "): one standby must survive to be promoted"));
  }
  return absl::OkStatus();
}

std::vector<Fault> RandomCandidates(const FaultContext& context) {
  std::vector<Fault> candidates;
  for (Fault fault : kAllFaults) {
    if (fault != Fault::kRandom && CheckFaultAllowed(fault, context).ok()) {
      candidates.push_back(fault);
    }
  }
  return candidates;
}

Fault ResolveFault(Fault fault, const FaultContext& context, std::mt19937_64& rng) {
  if (fault != Fault::kRandom) return fault;
  std::vector<Fault> candidates = RandomCandidates(context);
  if (candidates.empty()) return Fault::kKillPrimary;
  std::uniform_int_distribution<size_t> pick(0, candidates.size() - 1);
  return candidates[pick(rng)];
}

}  // namespace radctl::drill
