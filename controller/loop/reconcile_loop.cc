#include "controller/loop/reconcile_loop.h"

#include <unistd.h>

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "controller/state/cluster_credentials.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/credentials_policy.h"
#include "reconcilers/naming.h"
#include "reconcilers/probe_timings.h"
#include "reconcilers/runtime_events.h"
#include "reconcilers/switchover.h"

namespace radctl {
namespace {

constexpr absl::Duration kFirstBackoff = absl::Milliseconds(200);
constexpr absl::Duration kMaxBackoff = absl::Seconds(5);
// Where the lease's container mounts its volume (EngineLease::ReadFile).
constexpr char kLeaseFilesDir[] = "/var/lib/radctl-lease";
// Watch mode, a cluster that needs nothing: a full observation (the engine, every node, the
// bouncer) this often; in between only the primary is asked, every probe interval, and the
// spec and requests are looked at. A dead container wakes the loop through the runtime's
// events; a frozen standby, and a standby's lag for the read endpoint, are seen within this
// interval. One controller watching ten idle clusters needs a fifth of the CPU it needed
// observing all of each at every probe; 3 s rather than 2 s took it under 2 % of a core.
constexpr absl::Duration kSteadyObserveInterval = absl::Seconds(3);

// Watch mode, between full observations: how often the spec file and the requests of
// `radctl switchover`/`promote` are looked at (not at every probe: with ten clusters that was
// about 8 % of the watcher's CPU).
constexpr absl::Duration kFilesLookInterval = absl::Seconds(1);

// Watch mode, after a container of the cluster was sent a signal (a `kill` event: docker stop,
// restart, kill): full observations at the probe interval for this long instead of the steady
// cluster's few, so that a node's stop request (planned_stop.h), which its entrypoint writes a
// few milliseconds after the signal, is seen at once and not at the next full observation.
constexpr absl::Duration kAfterSignal = absl::Seconds(2);

// "has not answered for 0.5s" and "for 1.0s" are one situation: digits do not count.
std::string WithoutNumbers(std::string text) {
  text.erase(std::remove_if(text.begin(), text.end(),
                            [](char c) { return absl::ascii_isdigit(c) || c == '.'; }),
             text.end());
  return text;
}

}  // namespace

ReconcileLoop::ReconcileLoop(const Env& env, const ClusterSecrets& secrets, EventLog& events,
                             LoopOptions options, ClusterStore& store, ControllerState* state)
    : env_(env),
      secrets_(secrets),
      events_(events),
      options_(options),
      store_(store),
      state_(state),
      observer_(env, secrets) {
  observer_.set_killed(&killed_);
}

ReconcileLoop::~ReconcileLoop() { (void)CollectBackground(/*wait_all=*/true); }

void ReconcileLoop::Wake() {
  std::lock_guard<std::mutex> lock(wake_mu_);
  woken_ = true;
  env_.clock.Notify(wake_cv_);
}

bool ReconcileLoop::WaitFor(absl::Duration duration, const std::atomic<bool>* stop) {
  std::unique_lock<std::mutex> lock(wake_mu_);
  absl::Time deadline = env_.clock.Monotonic() + duration;
  while (!woken_ && (stop == nullptr || !*stop) && env_.clock.Monotonic() < deadline) {
    // Slices, so that a stop request (set from a signal handler) is seen within one.
    absl::Duration slice = std::min(deadline - env_.clock.Monotonic(), absl::Milliseconds(250));
    env_.clock.WaitFor(wake_cv_, lock, slice);
  }
  bool woken = woken_;
  woken_ = false;
  return woken;
}

std::optional<ReconcileLoop::SteadyPrimary> ReconcileLoop::SteadyPrimaryOf(
    const ObservedState& observed, const Plan& plan) const {
  if (!plan.actions.empty() || !plan.waiting.empty() || !plan.alerts.empty() ||
      !background_.empty() || !observed.bouncer.reachable || observed.bouncer.paused) {
    return std::nullopt;
  }
  std::optional<SteadyPrimary> primary;
  for (const NodeObservation& node : observed.nodes) {
    if (!node.reachable) return std::nullopt;
    if (node.in_recovery) continue;
    if (primary || node.host_port == 0) return std::nullopt;
    primary = SteadyPrimary{node.ordinal, node.host_port};
  }
  return primary;
}

void ReconcileLoop::WatchSteadyPrimary(const SteadyPrimary& primary, absl::Duration for_at_most,
                                       absl::Duration interval, const ClusterSpec& spec,
                                       const std::function<ClusterSpec()>& desired,
                                       const std::atomic<bool>& stop) {
  const absl::Time until = env_.clock.Monotonic() + for_at_most;
  absl::Time look_at_files = env_.clock.Monotonic() + kFilesLookInterval;
  while (!stop && env_.clock.Monotonic() < until) {
    if (WaitFor(std::min(interval, until - env_.clock.Monotonic()), &stop)) return;
    if (env_.clock.Monotonic() >= look_at_files) {
      look_at_files = env_.clock.Monotonic() + kFilesLookInterval;
      Requests requests = store_.LoadRequests();
      if (requests.switchover_to != 0 || requests.promote != 0) return;
      if (!(desired() == spec)) return;  // an edited spec is acted on within a second
    }
    // A frozen or cut-off primary fails this within the probe timeout: the full observation
    // that follows at once starts counting its silence from this last answer.
    absl::StatusOr<Lsn> lsn = observer_.AskPrimary(spec, primary.host_port);
    if (!lsn.ok()) return;
    memory_ =
        RememberPrimaryAnswer(std::move(memory_), primary.ordinal, *lsn, env_.clock.Monotonic());
  }
}

void ReconcileLoop::ReportWaiting(const Plan& plan) {
  std::string text = WithoutNumbers(absl::StrJoin(plan.waiting, "; "));
  // An alert is told once when it starts, not again as its figures change.
  for (const Alert& alert : plan.alerts) absl::StrAppend(&text, "|", alert.reason);
  if (text == last_waiting_) return;
  last_waiting_ = text;
  for (const std::string& why : plan.waiting) events_.Progress(absl::StrCat("waiting: ", why));
  for (const Alert& alert : plan.alerts) events_.Warning(spec_name_, alert.reason, alert.message);
}

void ReconcileLoop::ReportFailure(const ClusterSpec& spec, const absl::Status& status) {
  std::string text = WithoutNumbers(std::string(status.message()));
  if (text == last_failure_) return;
  last_failure_ = text;
  const FailureReport report = ReportOfFailure(status);
  events_.Warning(spec.name, report.reason, report.message);
}

ReconcileLoop::PassResult ReconcileLoop::RunPass(const ClusterSpec& spec) {
  absl::Time start = env_.clock.Monotonic();
  if (state_ != nullptr) state_->PassStarted();
  PassResult result = ObservePlanAct(spec);
  if (state_ != nullptr) state_->PassEnded(env_.clock.Monotonic() - start, !result.status.ok());
  return result;
}

ReconcileLoop::PassResult ReconcileLoop::ObservePlanAct(const ClusterSpec& spec) {
  PassResult result;
  spec_name_ = spec.name;
  result.status = CollectBackground(/*wait_all=*/false);
  RefreshSecrets(spec);
  absl::StatusOr<ObservedState> observed = Observe(spec, memory_);
  if (!observed.ok()) {
    result.status = observed.status();
    return result;
  }
  memory_ = Remember(std::move(memory_), *observed, {}, env_.clock.Monotonic());
  Requests requests = LoadRequests();
  ClearDoneRequests(requests, *observed);
  result.plan = ComputePlan(spec, *observed, memory_, LoadRequests());
  if (state_ != nullptr) state_->Publish(spec, *observed, result.plan);
  ReportWaiting(result.plan);
  if (result.plan.actions.empty()) {
    // A plan that only waits may wait on a record another controller has replaced since (a
    // promotion this one cannot see): the lease brings the newest, and the pass plans again.
    if (!result.plan.converged() && !record_.attached()) {
      absl::StatusOr<bool> taken = HoldLease(spec);
      if (!taken.ok()) {
        result.status = taken.status();
        return result;
      }
      if (*taken) return ObservePlanAct(spec);
    }
    result.steady = SteadyPrimaryOf(*observed, result.plan);
    return result;
  }
  absl::StatusOr<bool> taken = HoldLease(spec);
  if (!taken.ok()) {
    result.status = taken.status();
    return result;
  }
  // Planned with what this controller knew before it held the lease: plan again with the record
  // as the lease found it and the memory counted afresh.
  if (*taken) return ObservePlanAct(spec);
  result.acted = true;
  std::vector<Action> now;
  for (const Action& action : result.plan.actions) {
    if (IsLongRunning(action.type)) {
      StartInBackground(spec, action);
    } else {
      now.push_back(action);
    }
  }
  Executor executor(env_, spec, secrets_, events_, store_, record_, &observer_.sessions());
  std::vector<ActionOutcome> outcomes = executor.Run(now);
  Book(outcomes);
  for (const ActionOutcome& outcome : outcomes) {
    // The failure that steers the loop: one only the user can fix first, else the first.
    if (outcome.status.ok()) continue;
    bool stronger = NextStepAfter(outcome.status) == NextStep::kWaitForUser &&
                    NextStepAfter(result.status) != NextStep::kWaitForUser;
    if (result.status.ok() || stronger) result.status = outcome.status;
  }
  return result;
}

absl::StatusOr<bool> ReconcileLoop::HoldLease(const ClusterSpec& spec) {
  if (lease_ != nullptr && lease_->Held() && record_.attached()) return false;
  if (lease_ == nullptr || !lease_->Held()) RETURN_IF_ERROR(TakeLease(spec));
  ASSIGN_OR_RETURN(PrimaryRecord::Attached attached, record_.Attach(*lease_));
  if (attached.adopted.has_value()) {
    const RecordedPrimary& was = attached.replaced;
    const RecordedPrimary& is = *attached.adopted;
    events_.Warning(
        spec.name, "RecordAdopted",
        absl::StrCat("the record kept with the lease is newer (generation ", is.generation, ": ",
                     NodeName(spec.name, is.ordinal), " on timeline ", is.timeline,
                     ") than this state directory's (generation ", was.generation, ": ",
                     was.ordinal == 0 ? "none" : NodeName(spec.name, was.ordinal),
                     "): another controller acted on the cluster meanwhile, from a copy of this "
                     "state directory or from another host; its record is this controller's now",
                     attached.state_directory_error.empty()
                         ? ""
                         : absl::StrCat(" (the state directory keeps the older one: ",
                                        attached.state_directory_error, ")")));
  }
  if (attached.replaced_another_clusters) {
    events_.Warning(spec.name, "RecordOfAnotherCluster",
                    absl::StrCat("the volume ", LeaseVolumeName(spec.name),
                                 " held the record of another cluster named ", spec.name,
                                 " (deleted since, its volume left behind): not taken, replaced "
                                 "with this cluster's"));
  }
  memory_ = MemoryUnderNewLease(memory_);
  return true;
}

absl::Status ReconcileLoop::TakeLease(const ClusterSpec& spec) {
  const bool lost = lease_ != nullptr;
  record_.Detach();
  lease_.reset();
  docker::ContainerConfig config;
  config.name = LeaseName(spec.name);
  config.image = spec.postgres.image;  // present wherever the cluster's nodes run
  config.network = "none";
  config.stop_timeout_s = 1;
  config.mounts = {
      {LeaseVolumeName(spec.name), kLeaseFilesDir, /*read_only=*/false, ClusterLabels(spec.name)}};
  char host[256] = {};
  (void)gethostname(host, sizeof(host) - 1);
  config.labels = {{kLabelLease, spec.name},
                   {kLabelLeaseHolder, absl::StrCat("pid ", getpid(), " on ", host)}};
  absl::StatusOr<std::unique_ptr<EngineLease>> taken = env_.runtime.TakeLease(config);
  if (absl::IsFailedPrecondition(taken.status())) {
    return HeldByAnotherController(absl::StrCat(
        "another controller acts on cluster ", spec.name,
        " on this Docker engine: ", taken.status().message(),
        ". It was started from a copy of this state directory or from another host; this one "
        "acts only once that one has ended: stop one of them"));
  }
  RETURN_IF_ERROR(taken.status());
  lease_ = std::move(*taken);
  if (lost) {
    events_.Warning(spec.name, "LeaseTakenAgain",
                    "the engine ended this controller's lease (the engine restarted, or the "
                    "container " +
                        config.name +
                        " was removed); taken again before acting, with what this controller "
                        "remembered counted afresh (another may have acted meanwhile)");
  }
  return absl::OkStatus();
}

void ReconcileLoop::Book(const std::vector<ActionOutcome>& outcomes) {
  for (const ActionOutcome& outcome : outcomes) {
    if (outcome.kind == ActionOutcome::Kind::kStarted) continue;
    if (state_ != nullptr) {
      state_->metrics().RecordAction(outcome.action.type, outcome.status.ok());
    }
    if (outcome.action.type == ActionType::kCreateStanza ||
        outcome.action.type == ActionType::kBackup) {
      observer_.ForgetBackups();  // the repository changed: read it again
    }
  }
  memory_ = RememberOutcomes(std::move(memory_), outcomes, env_.clock.Monotonic());
}

void ReconcileLoop::StartInBackground(const ClusterSpec& spec, const Action& action) {
  // A backup does not make its node busy (the primary may fail over meanwhile): it is kept
  // apart from the node's own long actions, and the planner plans no other while it runs.
  BackgroundAction& background =
      background_[RunsBesideTheNode(action.type) ? kBesideTheNodes : action.ordinal];
  background.spec = std::make_unique<ClusterSpec>(spec);
  background.secrets = std::make_unique<ClusterSecrets>(secrets_);
  background.outcome = std::make_shared<ActionOutcome>();
  const ClusterSpec* own_spec = background.spec.get();
  const ClusterSecrets* own_secrets = background.secrets.get();
  background.task =
      env_.tasks.Start([this, own_spec, own_secrets, action, outcome = background.outcome] {
        Executor executor(env_, *own_spec, *own_secrets, events_, store_, record_);
        *outcome = executor.RunOne(action);
        outcome->kind = ActionOutcome::Kind::kEnded;
        Wake();  // observe at once: the node is free again
      });
  Book({ActionOutcome{action, absl::OkStatus(), ActionOutcome::Kind::kStarted}});
}

absl::Status ReconcileLoop::CollectBackground(bool wait_all) {
  absl::Status first_failure;
  std::vector<ActionOutcome> ended;
  for (auto it = background_.begin(); it != background_.end();) {
    BackgroundAction& background = it->second;
    if (!wait_all && !background.task->Done()) {
      ++it;
      continue;
    }
    background.task->Wait();
    ended.push_back(*background.outcome);
    if (first_failure.ok()) first_failure = background.outcome->status;
    it = background_.erase(it);
  }
  Book(ended);
  return first_failure;
}

Requests ReconcileLoop::LoadRequests() const {
  Requests requests = store_.LoadRequests();
  requests.scheduled_backups = watching_;
  return requests;
}

void ReconcileLoop::ClearDoneRequests(const Requests& requests, const ObservedState& observed) {
  const RequestVerdict verdict = JudgeRequests(requests.switchover_to, requests.promote, observed);
  if (verdict.kind == RequestVerdict::Kind::kWanted) return;
  store_.ClearRequests();
  if (verdict.kind == RequestVerdict::Kind::kDone) {
    events_.Normal(verdict.object, verdict.reason, verdict.message);
  } else {
    events_.Warning(verdict.object, verdict.reason, verdict.message);
  }
}

void ReconcileLoop::RefreshSecrets(const ClusterSpec& spec) {
  absl::StatusOr<ClusterSecrets> kept = store_.LoadSecrets();
  // A spec that gives a password not kept yet (the file was edited): it is kept, with its SCRAM
  // secret, and the planner rolls it out.
  if (kept.ok() && SpecGivesANewPassword(spec, kept->app_password)) {
    kept = EnsureCredentials(store_, spec, env_.clock.Now());
    if (kept.ok()) {
      events_.Normal(spec.name, "PasswordChanged",
                     "spec.auth.password changed: the new password is kept with the cluster and "
                     "rolled out to the role and the bouncer");
    }
  }
  if (!kept.ok()) {
    // The last credentials read go on being used; only new ones would be missed.
    if (!absl::IsNotFound(kept.status()) && last_secrets_error_ != kept.status().message()) {
      last_secrets_error_ = std::string(kept.status().message());
      events_.Warning(spec.name, "StateNotRead", last_secrets_error_);
    }
    return;
  }
  last_secrets_error_.clear();
  secrets_ = *std::move(kept);
  observer_.set_secrets(secrets_);
}

absl::StatusOr<ObservedState> ReconcileLoop::Observe(const ClusterSpec& spec,
                                                     const LoopMemory& memory) {
  ASSIGN_OR_RETURN(RecordedPrimary recorded, record_.Load());
  observer_.set_probe_timeout(ProbeTimingsFor(spec.failover).timeout);
  std::set<int> busy;
  for (const auto& [ordinal, node] : memory.nodes) {
    if (!node.busy_with.empty()) busy.insert(ordinal);
  }
  ASSIGN_OR_RETURN(
      ObservedState observed,
      observer_.Observe(spec, busy,
                        ShortenedProbeTimeouts(memory, spec.failover, env_.clock.Monotonic())));
  observed.recorded_primary = recorded;
  return observed;
}

absl::StatusOr<Plan> ReconcileLoop::PlanOnce(const ClusterSpec& spec) {
  ASSIGN_OR_RETURN(ObservedState observed, Observe(spec, memory_));
  return ComputePlan(spec, observed, Remember(memory_, observed, {}, env_.clock.Monotonic()),
                     LoadRequests());
}

absl::Status ReconcileLoop::Converge(const ClusterSpec& spec, bool* acted,
                                     const std::atomic<bool>* stop) {
  *acted = false;
  absl::Time deadline = env_.clock.Monotonic() + options_.converge_timeout;
  absl::Duration backoff = kFirstBackoff;
  int aborted_in_a_row = 0;  // "observe now" more than a few times in a row backs off too
  while (true) {
    if (stop != nullptr && *stop) {
      (void)CollectBackground(/*wait_all=*/true);
      return absl::CancelledError(
          absl::StrCat("stopped before cluster ", spec.name, " converged; apply again to go on"));
    }
    PassResult pass = RunPass(spec);
    *acted = *acted || pass.acted;
    if (!pass.status.ok() && NextStepAfter(pass.status) == NextStep::kWaitForUser) {
      (void)CollectBackground(/*wait_all=*/true);
      return pass.status;
    }
    if (pass.status.ok() && pass.plan.converged() && background_.empty()) {
      return absl::OkStatus();
    }
    if (env_.clock.Monotonic() > deadline) {
      (void)CollectBackground(/*wait_all=*/true);
      std::string still = !pass.status.ok()           ? std::string(pass.status.message())
                          : pass.plan.waiting.empty() ? pass.plan.ToString(spec.name)
                                                      : absl::StrJoin(pass.plan.waiting, "; ");
      return absl::DeadlineExceededError(
          absl::StrCat("cluster ", spec.name, " did not converge within ",
                       absl::FormatDuration(options_.converge_timeout), "; still: ", still));
    }
    if (!pass.status.ok()) {
      ReportFailure(spec, pass.status);
      aborted_in_a_row = absl::IsAborted(pass.status) ? aborted_in_a_row + 1 : 0;
      if (NextStepAfter(pass.status, aborted_in_a_row) == NextStep::kBackOff) {
        WaitFor(backoff, stop);
        backoff = std::min(backoff * 2, kMaxBackoff);
      }
      continue;
    }
    aborted_in_a_row = 0;
    backoff = kFirstBackoff;
    last_failure_.clear();
    if (!pass.acted || !background_.empty()) WaitFor(pass.plan.requeue_after, stop);
  }
}

void ReconcileLoop::Watch(const std::function<ClusterSpec()>& desired,
                          const std::atomic<bool>& stop) {
  const std::string cluster = desired().name;
  watching_ = true;
  // Runtime events wake the loop as RespondToRuntimeEvent says; the stream is opened again
  // whenever it breaks (dockerd restarted).
  // When the last `kill` event came (monotonic, as nanoseconds from its epoch).
  std::atomic<int64_t> signalled_at{absl::ToUnixNanos(absl::InfinitePast())};
  std::unique_ptr<Task> event_stream = env_.tasks.Start([&] {
    while (!stop) {
      absl::Status status = env_.runtime.StreamEvents(
          kLabelCluster, cluster,
          [&](const docker::Event& event) {
            killed_.Note(event, env_.clock.Monotonic());
            const EventResponse response = RespondToRuntimeEvent(event.action);
            if (response == EventResponse::kWatchClosely) {
              signalled_at = absl::ToUnixNanos(env_.clock.Monotonic());
            }
            if (response != EventResponse::kIgnore) Wake();
          },
          stop);
      if (!status.ok() && !stop) {
        killed_.Forget();
        Wake();  // events may have been missed: observe now, then reconnect after a pause
        env_.clock.SleepFor(absl::Seconds(1));
      }
    }
  });
  // The lease is taken now, not when the first failover needs it: that failover would wait for
  // its container to start. Refused, it is asked for again before the first pass that acts.
  if (absl::StatusOr<bool> held = HoldLease(desired()); !held.ok()) {
    ReportFailure(desired(), held.status());
  }
  absl::Duration backoff = kFirstBackoff;
  int aborted_in_a_row = 0;  // "observe now" more than a few times in a row backs off too
  while (!stop) {
    ClusterSpec spec = desired();
    PassResult pass = RunPass(spec);
    if (!pass.status.ok()) {
      ReportFailure(spec, pass.status);
      aborted_in_a_row = absl::IsAborted(pass.status) ? aborted_in_a_row + 1 : 0;
      switch (NextStepAfter(pass.status, aborted_in_a_row)) {
        case NextStep::kObserveNow:
          continue;
        case NextStep::kWaitForUser:
          WaitFor(kUserFixRetry, &stop);
          continue;
        case NextStep::kBackOff:
          WaitFor(backoff, &stop);
          backoff = std::min(backoff * 2, kMaxBackoff);
          continue;
      }
    }
    aborted_in_a_row = 0;
    backoff = kFirstBackoff;
    last_failure_.clear();
    if (pass.acted) continue;  // observe the result at once
    const absl::Duration interval = ProbeTimingsFor(spec.failover).interval;
    const bool signalled =
        env_.clock.Monotonic() < absl::FromUnixNanos(signalled_at) + kAfterSignal;
    if (pass.steady && !signalled) {
      WatchSteadyPrimary(*pass.steady, std::min(pass.plan.requeue_after, kSteadyObserveInterval),
                         interval, spec, desired, stop);
    } else {
      WaitFor(std::min(pass.plan.requeue_after, interval), &stop);
    }
  }
  if (!background_.empty()) {
    events_.Progress("waiting for the actions still running to end");
    (void)CollectBackground(/*wait_all=*/true);
  }
  event_stream->Wait();
}

}  // namespace radctl
