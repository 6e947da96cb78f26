#include "controller/reporting/conditions.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "reconcilers/naming.h"
#include "reconcilers/read_endpoint.h"

namespace radctl {
namespace {

Condition Make(std::string type, bool status, std::string reason, std::string message) {
  return Condition{std::move(type), status, std::move(reason), std::move(message)};
}

Condition Ready(const ClusterSpec& spec, const ObservedState& observed) {
  const NodeObservation* primary = nullptr;
  for (const NodeObservation& node : observed.nodes) {
    if (node.IsWritablePrimary()) primary = &node;
  }
  const BouncerObservation& bouncer = observed.bouncer;
  if (primary == nullptr) return Make("Ready", false, "NoPrimary", "no node is a writable primary");
  if (bouncer.container != ContainerState::kRunning || !bouncer.reachable) {
    return Make("Ready", false, "BouncerDown",
                absl::StrCat("the bouncer does not answer",
                             bouncer.probe_error.empty() ? "" : ": " + bouncer.probe_error));
  }
  if (bouncer.target_host != primary->name) {
    return Make("Ready", false, "BouncerNotOnPrimary",
                absl::StrCat("the bouncer points to ",
                             bouncer.target_host.empty() ? "nothing" : bouncer.target_host,
                             ", the primary is ", primary->name));
  }
  if (bouncer.paused) return Make("Ready", false, "BouncerPaused", "clients are held (PAUSE)");
  return Make("Ready", true, "PrimaryReachable",
              absl::StrCat("the endpoint reaches the writable primary ", primary->name));
}

Condition Degraded(const ClusterSpec& spec, const ObservedState& observed) {
  std::string primary;
  for (const NodeObservation& node : observed.nodes) {
    if (node.IsWritablePrimary()) primary = node.name;
  }
  int wanted = spec.nodes - 1;
  int streaming = 0;
  for (const NodeObservation& node : observed.nodes) {
    if (!primary.empty() && node.IsStreamingFrom(primary) &&
        node.wal_receiver.status == "streaming") {
      ++streaming;
    }
  }
  std::string message =
      absl::StrCat(std::min(streaming, wanted), " of ", wanted, " standbys streaming");
  if (primary.empty()) return Make("Degraded", true, "NoPrimary", "no writable primary");
  if (streaming < wanted) return Make("Degraded", true, "StandbysNotStreaming", message);
  return Make("Degraded", false, "AllStandbysStreaming", message);
}

// Only with spec.backup.enabled: WAL reaches the repository from the current primary.
Condition ContinuousArchiving(const ClusterSpec& spec, const ObservedState& observed) {
  const char* type = "ContinuousArchiving";
  const NodeObservation* primary = nullptr;
  for (const NodeObservation& node : observed.nodes) {
    if (node.IsWritablePrimary()) primary = &node;
  }
  if (primary == nullptr) return Make(type, false, "NoPrimary", "no writable primary archives");
  if (!primary->archiver.has_value()) {
    return Make(type, false, "NotObserved",
                absl::StrCat("pg_stat_archiver could not be read on ", primary->name));
  }
  const ArchiverStats& archiver = *primary->archiver;
  if (!archiver.archive_mode_on) {
    return Make(type, false, "ArchiveModeOff",
                absl::StrCat("archive_mode is off on ", primary->name,
                             " (a restart is pending: radctl rolls it out)"));
  }
  if (!observed.backup.stanza_exists) {
    return Make(
        type, false, "NoStanza",
        observed.backup.read
            ? absl::StrCat("the repository ", BackupRepository(spec), " has no stanza yet")
            : absl::StrCat("the repository ", BackupRepository(spec), " was not read",
                           observed.backup.error.empty() ? "" : ": ", observed.backup.error));
  }
  if (archiver.Failing()) {
    return Make(
        type, false, "ArchiveFailing",
        absl::StrCat("archive_command fails on ", primary->name, " (last for WAL ",
                     archiver.last_failed_wal, ", ", archiver.failed_count, " failure(s)); ",
                     archiver.ready_segments, " segment(s) wait, kept by Postgres"));
  }
  return Make(type, true, "Archiving",
              absl::StrCat(primary->name, " archives into ", BackupRepository(spec),
                           archiver.last_archived_wal.empty()
                               ? std::string()
                               : absl::StrCat("; last WAL ", archiver.last_archived_wal),
                           "; ", archiver.ready_segments, " segment(s) waiting"));
}

// Only with spec.bouncer.readPort: the read endpoint serves the primary because no standby is
// eligible (read_endpoint.h).
Condition ReadEndpointFallback(const ClusterSpec& spec, const ObservedState& observed) {
  const char* type = "ReadEndpointFallback";
  ObservedReadEndpoint read = ReadEndpointOf(spec, observed);
  if (read.serves.empty()) {
    return Make(type, false, "NoTarget", "the read endpoint serves no node yet");
  }
  std::vector<std::string> names;
  for (int ordinal : read.serves) names.push_back(NodeName(spec.name, ordinal));
  if (read.fallback) {
    return Make(type, true, "NoEligibleStandby",
                absl::StrCat("no standby streams within readMaxLag ", spec.bouncer.read_max_lag,
                             ": the read endpoint serves the primary ", names[0]));
  }
  return Make(type, false, "ServingStandbys",
              absl::StrCat("the read endpoint serves ", absl::StrJoin(names, ", ")));
}

}  // namespace

const Condition* FindCondition(const std::vector<Condition>& conditions, const std::string& type) {
  for (const Condition& condition : conditions) {
    if (condition.type == type) return &condition;
  }
  return nullptr;
}

std::vector<Condition> ComputeConditions(const ClusterSpec& spec, const ObservedState& observed,
                                         const Plan& plan, const std::vector<Condition>& previous,
                                         absl::Time now) {
  const Action* failover = nullptr;
  for (const Action& action : plan.actions) {
    if (action.type == ActionType::kFailover || action.type == ActionType::kFence) {
      if (failover == nullptr || action.type == ActionType::kFailover) failover = &action;
    }
  }
  const Alert* quorum = nullptr;
  for (const Alert& alert : plan.alerts) {
    if (alert.reason == "WaitingForQuorum") quorum = &alert;
  }
  std::vector<Condition> conditions = {
      Ready(spec, observed),
      Degraded(spec, observed),
      quorum != nullptr ? Make("FailingOver", true, "WaitingForQuorum", quorum->message)
      : failover != nullptr
          ? Make("FailingOver", true, "PrimaryFailed", failover->reason)
          : Make("FailingOver", false, "PrimaryHealthy", "no failover in progress"),
      plan.converged()
          ? Make("Reconciling", false, "Converged", "observed state matches the spec")
          : Make("Reconciling", true, plan.actions.empty() ? "Waiting" : "Acting",
                 plan.actions.empty() ? plan.waiting.front()
                                      : absl::StrCat(plan.actions.size(),
                                                     " action(s): ", plan.actions.front().reason)),
  };
  if (spec.backup.enabled) conditions.push_back(ContinuousArchiving(spec, observed));
  if (spec.bouncer.read_port != kNoReadPort) {
    conditions.push_back(ReadEndpointFallback(spec, observed));
  }
  for (Condition& condition : conditions) {
    const Condition* before = FindCondition(previous, condition.type);
    condition.last_transition =
        before != nullptr && before->status == condition.status ? before->last_transition : now;
  }
  return conditions;
}

}  // namespace radctl
