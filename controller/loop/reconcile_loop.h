// The loop: observe -> remember -> plan -> act, again and again, never trusting what it believes
// it did. `Converge` (apply) stops once the cluster matches the spec; `Watch` goes on until asked
// to stop, woken at once by runtime events and probing Postgres on an interval derived from the
// spec. The loop only schedules (when to look, what to wait for) and keeps the memory, which it
// changes only through Remember (reconcilers/memory.h); what a failure means for the next step is
// NextStepAfter's (reconcilers/next_step.h).
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "controller/clients/env.h"
#include "controller/loop/executor.h"
#include "controller/loop/killed_containers.h"
#include "controller/loop/observer.h"
#include "controller/reporting/controller_state.h"
#include "controller/state/cluster_store.h"
#include "controller/state/event_log.h"
#include "controller/state/primary_record.h"
#include "reconcilers/memory.h"
#include "reconcilers/next_step.h"
#include "reconcilers/plan.h"

namespace radctl {

struct LoopOptions {
  absl::Duration converge_timeout = absl::Minutes(10);
};

class ReconcileLoop {
 public:
  // `store` holds the requests (switchover, promote) the loop carries out and the record of the
  // primary; `state` (may be null) receives what each pass saw and did, for the HTTP endpoint
  // and metrics.
  ReconcileLoop(const Env& env, const ClusterSecrets& secrets, EventLog& events,
                LoopOptions options, ClusterStore& store, ControllerState* state = nullptr);

  ~ReconcileLoop();  // waits for actions still running in the background

  // Acts until observed matches `spec`. OK when converged; `acted` tells whether anything was
  // done. The status of a failure the user must fix (NextStep::kWaitForUser);
  // DeadlineExceeded after options.converge_timeout; Cancelled when `stop` became true.
  [[nodiscard]] absl::Status Converge(const ClusterSpec& spec, bool* acted,
                                      const std::atomic<bool>* stop = nullptr);

  // Reconciles until `stop` is true. `desired` is asked for the spec before every pass (it
  // picks up edits of the file and `radctl scale`). Never gives up on its own: failures are
  // reported as events and retried as NextStepAfter says.
  void Watch(const std::function<ClusterSpec()>& desired, const std::atomic<bool>& stop);

  // Observe and plan once, act never and write nothing (apply --dry-run).
  [[nodiscard]] absl::StatusOr<Plan> PlanOnce(const ClusterSpec& spec);

  // Wakes a waiting pass at once (runtime events, a background action that ended).
  void Wake();

 private:
  // The primary of a cluster that needs nothing: every node answers, nothing waits or runs.
  struct SteadyPrimary {
    int ordinal = 0;
    int host_port = 0;
  };
  struct PassResult {
    absl::Status status;  // observing failed, or the failure of an action that steers the loop
    Plan plan;
    bool acted = false;
    std::optional<SteadyPrimary> steady;
  };
  PassResult RunPass(const ClusterSpec& spec);  // ObservePlanAct, timed and published
  PassResult ObservePlanAct(const ClusterSpec& spec);
  void ReportWaiting(const Plan& plan);
  void ReportFailure(const ClusterSpec& spec, const absl::Status& status);
  // True when woken (Wake) before `duration` passed.
  bool WaitFor(absl::Duration duration, const std::atomic<bool>* stop);
  // Watch mode, between full observations of a steady cluster: asks only its primary, every
  // `interval`, for at most `for_at_most`; returns early when it does not answer, on a wake,
  // a request, or when the desired spec is no longer `spec`.
  void WatchSteadyPrimary(const SteadyPrimary& primary, absl::Duration for_at_most,
                          absl::Duration interval, const ClusterSpec& spec,
                          const std::function<ClusterSpec()>& desired,
                          const std::atomic<bool>& stop);
  std::optional<SteadyPrimary> SteadyPrimaryOf(const ObservedState& observed,
                                               const Plan& plan) const;

  // The requests kept with the cluster, as the planner takes them.
  Requests LoadRequests() const;
  // Clears the requests `observed` shows done (and says so).
  void ClearDoneRequests(const Requests& requests, const ObservedState& observed);
  // The credentials as kept now (a rotation, a renewal, a new spec.auth.password since the last
  // pass): given to the observer and to this pass's executor.
  void RefreshSecrets(const ClusterSpec& spec);
  // Observes, and adds what is kept with the cluster (the recorded primary).
  absl::StatusOr<ObservedState> Observe(const ClusterSpec& spec, const LoopMemory& memory);
  // Long actions run on their own thread, with their own copy of the spec; the loop goes on.
  void StartInBackground(const ClusterSpec& spec, const Action& action);
  // Joins the background actions that ended and books their outcomes; `wait_all` waits for
  // every one (stopping). Returns the first failure among them.
  absl::Status CollectBackground(bool wait_all);
  // Remembers what became of actions, and acts on what their outcome changed (metrics, the
  // repository to read again).
  void Book(const std::vector<ActionOutcome>& outcomes);
  // The controller's lease on the engine, taken (again) before a pass acts: one controller acts
  // on a cluster at a time, also when two run from copies of its state directory (the state
  // directory's lock cannot see a copy). FailedPrecondition, naming the holder, while another
  // controller holds it: this one then observes and reports, and acts once that one has ended.
  // True when just taken: the record is as the lease found it (primary_record.h) and the memory
  // is counted afresh, so what was planned before must be planned again.
  absl::StatusOr<bool> HoldLease(const ClusterSpec& spec);
  absl::Status TakeLease(const ClusterSpec& spec);  // HoldLease's engine part

  const Env& env_;
  ClusterSecrets secrets_;  // as kept with the cluster: read again before every pass
  EventLog& events_;
  LoopOptions options_;
  ClusterStore& store_;
  PrimaryRecord record_{store_};  // attached to the lease while it is held
  ControllerState* state_;
  KilledContainers killed_;  // fed by Watch's event stream; read by the observer
  Observer observer_;
  std::unique_ptr<EngineLease> lease_;  // null until taken (Watch starts, or a pass acts)
  LoopMemory memory_;
  std::string last_waiting_;        // printed once per change, not once per pass
  std::string spec_name_;           // the cluster's name, for events about it as a whole
  std::string last_failure_;        // likewise
  std::string last_secrets_error_;  // likewise

  struct BackgroundAction {
    std::unique_ptr<ClusterSpec> spec;        // the spec it started with (edits may come meanwhile)
    std::unique_ptr<ClusterSecrets> secrets;  // likewise the credentials
    std::shared_ptr<ActionOutcome> outcome;
    std::unique_ptr<Task> task;  // last: destroyed (waited for) first
  };
  // By ordinal: at most one per node; and a backup, which runs beside the nodes' actions.
  static constexpr int kBesideTheNodes = 0;
  std::map<int, BackgroundAction> background_;
  bool watching_ = false;  // Watch: scheduled backups are taken

  std::mutex wake_mu_;
  std::condition_variable wake_cv_;
  bool woken_ = false;
};

}  // namespace radctl
