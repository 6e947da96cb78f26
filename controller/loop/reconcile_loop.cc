#include "controller/loop/reconcile_loop.h"

#include <algorithm>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "reconcilers/naming.h"

namespace radctl {
namespace {

// Probes answer within this or count as "not answering". A healthy node answers on loopback in
// milliseconds; one slow probe does not fail a node over, detectionMs of silence does.
absl::Duration ProbeTimeout(const ClusterSpec& spec) {
  return std::clamp(absl::Milliseconds(spec.failover.detection_ms) / 4, absl::Milliseconds(100),
                    absl::Seconds(1));
}

constexpr absl::Duration kMaxBackoff = absl::Seconds(5);

// An action failed in a way only the user can fix: going on would repeat it forever.
bool NeedsTheUser(const absl::Status& status) { return absl::IsFailedPrecondition(status); }

}  // namespace

ReconcileLoop::ReconcileLoop(const docker::DockerClient& docker, const ClusterSecrets& secrets,
                             EventLog& events, LoopOptions options, ClusterStore* store,
                             ControllerState* state)
    : docker_(docker),
      secrets_(secrets),
      events_(events),
      options_(options),
      store_(store),
      state_(state),
      observer_(docker, secrets, absl::Seconds(1)) {}

ReconcileLoop::~ReconcileLoop() { CollectBackground(/*wait_all=*/true); }

void ReconcileLoop::Wake() {
  std::lock_guard<std::mutex> lock(wake_mu_);
  woken_ = true;
  wake_cv_.notify_all();
}

void ReconcileLoop::WaitFor(absl::Duration duration, const std::atomic<bool>* stop) {
  std::unique_lock<std::mutex> lock(wake_mu_);
  absl::Time deadline = absl::Now() + duration;
  while (!woken_ && (stop == nullptr || !*stop) && absl::Now() < deadline) {
    // Short slices so that a stop request (set from a signal handler) is seen quickly.
    absl::Duration slice = std::min(deadline - absl::Now(), absl::Milliseconds(100));
    wake_cv_.wait_for(lock, absl::ToChronoMilliseconds(slice));
  }
  woken_ = false;
}

void ReconcileLoop::ReportWaiting(const Plan& plan) {
  // Printed when what is waited for changes, not when only a number in it does ("has not
  // answered for 0.5s", then "1.0s"): once per situation, not once per pass.
  std::string text = absl::StrJoin(plan.waiting, "; ");
  text.erase(std::remove_if(text.begin(), text.end(),
                            [](char c) { return absl::ascii_isdigit(c) || c == '.'; }),
             text.end());
  if (text == last_waiting_) return;
  last_waiting_ = text;
  for (const std::string& why : plan.waiting) events_.Progress(absl::StrCat("waiting: ", why));
}

ReconcileLoop::PassResult ReconcileLoop::RunPass(const ClusterSpec& spec) {
  absl::Time start = absl::Now();
  if (state_ != nullptr) state_->PassStarted();
  PassResult result = ObservePlanAct(spec);
  if (state_ != nullptr) {
    bool failed = !result.status.ok();
    for (const ActionOutcome& outcome : result.outcomes) failed = failed || !outcome.status.ok();
    state_->metrics().RecordReconcile(absl::Now() - start, failed);
    state_->PassEnded();
  }
  return result;
}

ReconcileLoop::PassResult ReconcileLoop::ObservePlanAct(const ClusterSpec& spec) {
  PassResult result;
  CollectBackground(/*wait_all=*/false);
  observer_.set_probe_timeout(ProbeTimeout(spec));
  absl::StatusOr<ObservedState> observed = observer_.Observe(spec, memory_);
  if (!observed.ok()) {
    result.status = observed.status();
    return result;
  }
  result.plan = ComputePlan(spec, *observed, CurrentRequests(*observed));
  if (state_ != nullptr) state_->Publish(spec, *observed, result.plan);
  if (result.plan.actions.empty()) {
    ReportWaiting(result.plan);
    return result;
  }
  last_waiting_.clear();
  result.acted = true;
  std::vector<Action> now;
  for (const Action& action : result.plan.actions) {
    if (IsLongRunning(action.type)) {
      StartInBackground(spec, action);
    } else {
      now.push_back(action);
    }
  }
  Executor executor(docker_, spec, secrets_, observer_, events_);
  result.outcomes = executor.Run(now);
  for (const ActionOutcome& outcome : result.outcomes) BookOutcome(outcome, &result.status);
  return result;
}

void ReconcileLoop::BookOutcome(const ActionOutcome& outcome, absl::Status* stop_status) {
  if (state_ != nullptr) state_->metrics().RecordAction(outcome.action.type, outcome.status.ok());
  int& failures = memory_.failed_attempts[outcome.action.ordinal][outcome.action.type];
  if (outcome.status.ok()) {
    failures = 0;
  } else {
    ++failures;
    if (NeedsTheUser(outcome.status) && stop_status->ok()) *stop_status = outcome.status;
  }
}

void ReconcileLoop::StartInBackground(const ClusterSpec& spec, const Action& action) {
  BackgroundAction& task = background_[action.ordinal];
  task.spec = std::make_unique<ClusterSpec>(spec);
  task.done = std::make_shared<std::atomic<bool>>(false);
  task.outcome = std::make_shared<ActionOutcome>();
  memory_.busy[action.ordinal] = ActionTypeName(action.type);
  const ClusterSpec* own_spec = task.spec.get();
  task.thread = std::thread([this, own_spec, action, done = task.done, outcome = task.outcome] {
    Executor executor(docker_, *own_spec, secrets_, observer_, events_);
    *outcome = executor.RunOne(action);
    *done = true;
    Wake();  // observe at once: the node is free again
  });
}

void ReconcileLoop::CollectBackground(bool wait_all) {
  for (auto it = background_.begin(); it != background_.end();) {
    BackgroundAction& task = it->second;
    if (!wait_all && !*task.done) {
      ++it;
      continue;
    }
    task.thread.join();
    absl::Status ignored;  // a background failure is retried or worked around by the planner
    BookOutcome(*task.outcome, &ignored);
    memory_.busy.erase(it->first);
    it = background_.erase(it);
  }
}

Requests ReconcileLoop::CurrentRequests(const ObservedState& observed) {
  if (store_ == nullptr) return {};
  Requests requests = store_->LoadRequests();
  if (requests.switchover_to == 0) return requests;
  const NodeObservation* target = observed.Node(requests.switchover_to);
  if (target != nullptr && target->IsWritablePrimary()) {
    store_->ClearRequests();  // done
    events_.Normal(target->name, "SwitchoverDone", "is the primary, as requested");
    return {};
  }
  return requests;
}

absl::StatusOr<Plan> ReconcileLoop::PlanOnce(const ClusterSpec& spec) {
  observer_.set_probe_timeout(ProbeTimeout(spec));
  absl::StatusOr<ObservedState> observed = observer_.Observe(spec, memory_);
  if (!observed.ok()) return observed.status();
  return ComputePlan(spec, *observed);
}

absl::Status ReconcileLoop::Converge(const ClusterSpec& spec, bool* acted) {
  *acted = false;
  absl::Time deadline = absl::Now() + options_.converge_timeout;
  absl::Duration backoff = absl::Milliseconds(200);
  while (true) {
    PassResult pass = RunPass(spec);
    if (!pass.status.ok()) {
      CollectBackground(/*wait_all=*/true);
      return pass.status;
    }
    *acted = *acted || pass.acted;
    if (pass.plan.converged() && background_.empty()) return absl::OkStatus();
    if (absl::Now() > deadline) {
      CollectBackground(/*wait_all=*/true);
      return absl::DeadlineExceededError(absl::StrCat(
          "cluster ", spec.name, " did not converge within ",
          absl::FormatDuration(options_.converge_timeout), "; still: ",
          pass.plan.waiting.empty() ? pass.plan.ToString(spec.name)
                                    : absl::StrJoin(pass.plan.waiting, "; ")));
    }
    bool any_failed = false;
    for (const auto& [ordinal, by_type] : memory_.failed_attempts) {
      for (const auto& [type, count] : by_type) any_failed = any_failed || count > 0;
    }
    if (any_failed) {
      WaitFor(backoff, nullptr);
      backoff = std::min(backoff * 2, kMaxBackoff);
    } else if (!pass.acted || !background_.empty()) {
      WaitFor(pass.plan.requeue_after, nullptr);
    }
  }
}

absl::Status ReconcileLoop::Watch(const std::function<ClusterSpec()>& desired,
                                  const std::atomic<bool>& stop) {
  const std::string cluster = desired().name;
  // Docker events (a container died, started, ran out of memory) wake the loop at once; the
  // stream is opened again whenever it breaks (dockerd restarted).
  std::thread event_stream([&] {
    while (!stop) {
      absl::Status status = docker_.StreamEvents(
          kLabelCluster, cluster,
          [&](const docker::Event& event) {
            if (event.action == "die" || event.action == "start" || event.action == "oom" ||
                event.action == "destroy" || event.action == "stop") {
              Wake();
            }
          },
          stop);
      for (int i = 0; i < 10 && !stop && !status.ok(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));  // then reconnect
      }
    }
  });
  absl::Duration backoff = absl::Milliseconds(200);
  while (!stop) {
    ClusterSpec spec = desired();
    PassResult pass = RunPass(spec);
    if (!pass.status.ok()) {
      if (absl::IsUnavailable(pass.status)) {
        events_.Warning(spec.name, "DockerUnavailable", std::string(pass.status.message()));
      } else {
        events_.Warning(spec.name, "ReconcileFailed", std::string(pass.status.message()));
      }
      WaitFor(backoff, &stop);
      backoff = std::min(backoff * 2, kMaxBackoff);
      continue;
    }
    backoff = absl::Milliseconds(200);
    if (pass.acted) continue;  // observe the result at once
    WaitFor(std::min(pass.plan.requeue_after, options_.probe_interval), &stop);
  }
  if (!background_.empty()) {
    events_.Progress("waiting for the actions still running to end");
    CollectBackground(/*wait_all=*/true);
  }
  event_stream.join();
  return absl::OkStatus();
}

}  // namespace radctl
