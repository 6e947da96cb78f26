#include "controller/drill/fault_injector.h"

#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/naming.h"

namespace radctl::drill {
namespace {

// How long kill-controller waits for radctl to start failing over before it gives up on
// killing it "mid-failover".
constexpr absl::Duration kFailoverStartWait = absl::Seconds(60);
constexpr absl::Duration kStopGrace = absl::Seconds(10);

}  // namespace

TimelineEvent FaultInjector::Step(const std::string& type, const std::string& object,
                                  const std::string& what) {
  TimelineEvent event;
  event.at = clock_.Now();
  event.source = "drill";
  event.type = type;
  event.object = object;
  event.reason = what;
  return event;
}

absl::StatusOr<Injection> FaultInjector::Inject(Fault fault, const std::string& primary,
                                                const std::vector<std::string>& standbys,
                                                std::mt19937_64& rng) {
  Injection injection;
  injection.fault = fault;
  std::string standby;
  if (fault == Fault::kKillStandby || fault == Fault::kKillPrimaryAndStandby) {
    if (standbys.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat(FaultName(fault), ": no standby streams from ", primary));
    }
    std::uniform_int_distribution<size_t> pick(0, standbys.size() - 1);
    standby = standbys[pick(rng)];
  }
  injection.at = clock_.Now();
  switch (fault) {
    case Fault::kKillPrimary:
    case Fault::kKillController:
      injection.targets = {primary};
      injection.steps.push_back(Step("fault", primary, "docker kill"));
      RETURN_IF_ERROR(docker_.KillContainer(primary, "SIGKILL"));
      if (fault == Fault::kKillController) RETURN_IF_ERROR(KillControllerMidFailover(injection));
      break;
    case Fault::kStopPrimary:
      injection.targets = {primary};
      injection.steps.push_back(Step("fault", primary, "docker stop"));
      RETURN_IF_ERROR(docker_.StopContainer(primary, kStopGrace));
      break;
    case Fault::kPausePrimary:
      injection.targets = {primary};
      injection.steps.push_back(Step("fault", primary, "docker pause"));
      RETURN_IF_ERROR(docker_.PauseContainer(primary));
      break;
    case Fault::kCutPrimary:
      injection.targets = {primary};
      injection.steps.push_back(Step("fault", primary, "docker network disconnect"));
      RETURN_IF_ERROR(docker_.DisconnectNetwork(NetworkName(cluster_), primary));
      break;
    case Fault::kKillStandby:
      injection.targets = {standby};
      injection.steps.push_back(Step("fault", standby, "docker kill"));
      RETURN_IF_ERROR(docker_.KillContainer(standby, "SIGKILL"));
      break;
    case Fault::kKillPrimaryAndStandby: {
      injection.targets = {primary, standby};
      injection.steps.push_back(Step("fault", primary, "docker kill"));
      injection.steps.push_back(Step("fault", standby, "docker kill"));
      // Both at once: neither kill waits for the other.
      absl::Status killed_standby;
      std::thread other([&] { killed_standby = docker_.KillContainer(standby, "SIGKILL"); });
      absl::Status killed_primary = docker_.KillContainer(primary, "SIGKILL");
      other.join();
      RETURN_IF_ERROR(killed_primary);
      RETURN_IF_ERROR(killed_standby);
      break;
    }
    case Fault::kRandom:
      return absl::InternalError("the random fault must be resolved before injecting");
  }
  // The engine answers once the fault took effect (a killed container is dead): how long that
  // took says how much of the outage is the fault's own.
  injection.done = clock_.Now();
  const std::string took = absl::StrFormat("the engine took %.2fs",
                                           absl::ToDoubleSeconds(injection.done - injection.at));
  for (TimelineEvent& step : injection.steps) {
    if (step.type == "fault" && step.message.empty()) step.message = took;
  }
  return injection;
}

absl::Status FaultInjector::KillControllerMidFailover(Injection& injection) {
  if (controller_ == nullptr) {
    return absl::FailedPreconditionError("kill-controller needs the controller the drill runs");
  }
  const absl::Time deadline = clock_.Monotonic() + kFailoverStartWait;
  bool failing_over = false;
  while (!failing_over && clock_.Monotonic() < deadline) {
    absl::StatusOr<std::vector<EventRecord>> events = store_.LoadEvents();
    if (events.ok()) {
      for (const EventRecord& event : *events) {
        if (event.time >= injection.at && event.reason == "Failover") failing_over = true;
      }
    }
    if (!failing_over) clock_.SleepFor(absl::Milliseconds(10));
  }
  if (!failing_over) {
    return absl::DeadlineExceededError(
        absl::StrCat("kill-controller: radctl did not start failing over within ",
                     absl::FormatDuration(kFailoverStartWait), " of the primary's kill; see ",
                     controller_->log_path()));
  }
  const pid_t pid = controller_->pid();
  controller_->Kill();
  TimelineEvent killed = Step("fault", absl::StrCat("radctl pid ", pid), "SIGKILL mid-failover");
  killed.message = "radctl had stored its Failover event: it was failing over";
  injection.steps.push_back(killed);
  RETURN_IF_ERROR(controller_->Restart());
  injection.steps.push_back(
      Step("step", absl::StrCat("radctl pid ", controller_->pid()), "controller started again"));
  return absl::OkStatus();
}

absl::Status FaultInjector::Heal(Injection& injection) {
  if (injection.fault == Fault::kCutPrimary) {
    const std::string& node = injection.targets.front();
    absl::Status connected = docker_.ConnectNetwork(NetworkName(cluster_), node, {node});
    // Gone (rebuilt) or already attached (re-created by the controller): nothing to undo.
    if (!connected.ok() && !absl::IsNotFound(connected) &&
        !absl::StrContains(connected.message(), "already exists")) {
      return connected;
    }
    injection.steps.push_back(Step("heal", node, "docker network connect"));
  }
  if (injection.fault == Fault::kPausePrimary) {
    const std::string& node = injection.targets.front();
    absl::StatusOr<docker::ContainerInfo> info = docker_.InspectContainer(node);
    if (info.ok() && info->state == "paused") {
      RETURN_IF_ERROR(docker_.UnpauseContainer(node));
      injection.steps.push_back(Step("heal", node, "docker unpause"));
    } else {
      injection.steps.push_back(
          Step("heal", node,
               absl::StrCat("not paused any more (", info.ok() ? info->state : "gone",
                            "): nothing to thaw")));
    }
  }
  return absl::OkStatus();
}

}  // namespace radctl::drill
