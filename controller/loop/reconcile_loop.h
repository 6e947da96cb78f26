// The loop: observe -> plan -> act, again and again, never trusting what it believes it did.
// `Converge` (apply) stops once the cluster matches the spec; `Watch` goes on until asked to
// stop, woken at once by Docker events and probing Postgres on a short interval. Error backoff
// and the mapping of failures to what happens next live here, not in the planner.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <thread>
#include <condition_variable>
#include <functional>
#include <mutex>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "controller/state/cluster_store.h"
#include "controller/reporting/controller_state.h"
#include "controller/state/event_log.h"
#include "controller/loop/executor.h"
#include "controller/loop/observer.h"
#include "reconcilers/plan.h"

namespace radctl {

struct LoopOptions {
  absl::Duration probe_interval = absl::Milliseconds(250);
  absl::Duration converge_timeout = absl::Minutes(10);
};

class ReconcileLoop {
 public:
  // `store` (null for dry runs) holds the requests (switchover) the loop carries out; `state`
  // (may be null) receives what each pass saw and did, for the HTTP endpoint and metrics.
  ReconcileLoop(const docker::DockerClient& docker, const ClusterSecrets& secrets, EventLog& events,
                LoopOptions options, ClusterStore* store = nullptr,
                ControllerState* state = nullptr);

  ~ReconcileLoop();  // waits for actions still running in the background

  // Acts until observed matches `spec`. OK when converged; `acted` tells whether anything was
  // done. FailedPrecondition when an action cannot succeed without the user (image missing,
  // port taken); DeadlineExceeded after options.converge_timeout.
  [[nodiscard]] absl::Status Converge(const ClusterSpec& spec, bool* acted);

  // Reconciles until `stop` is true. `desired` is asked for the spec before every pass (it
  // picks up edits of the file and `radctl scale`). Returns when stopped, or with the error
  // that makes going on pointless (Docker unreachable for long).
  [[nodiscard]] absl::Status Watch(const std::function<ClusterSpec()>& desired,
                                   const std::atomic<bool>& stop);

  // Observe and plan once, act never (apply --dry-run).
  [[nodiscard]] absl::StatusOr<Plan> PlanOnce(const ClusterSpec& spec);

  // Wakes a waiting Watch pass at once (Docker events).
  void Wake();

 private:
  struct PassResult {
    absl::Status status;   // observing failed, or an action failed for a reason to stop on
    Plan plan;
    bool acted = false;
    std::vector<ActionOutcome> outcomes;
  };
  PassResult RunPass(const ClusterSpec& spec);  // ObservePlanAct, timed and published
  PassResult ObservePlanAct(const ClusterSpec& spec);
  void ReportWaiting(const Plan& plan);
  void WaitFor(absl::Duration duration, const std::atomic<bool>* stop);

  Requests CurrentRequests(const ObservedState& observed);
  // Long actions run on their own thread, with their own copy of the spec; the loop goes on.
  void StartInBackground(const ClusterSpec& spec, const Action& action);
  // Joins the background actions that ended and books their outcomes; `wait_all` waits for
  // every one (stopping).
  void CollectBackground(bool wait_all);
  void BookOutcome(const ActionOutcome& outcome, absl::Status* stop_status);

  const docker::DockerClient& docker_;
  const ClusterSecrets& secrets_;
  EventLog& events_;
  LoopOptions options_;
  ClusterStore* store_;
  ControllerState* state_;
  Observer observer_;
  LoopMemory memory_;
  std::string last_waiting_;  // printed once per change, not once per pass

  struct BackgroundAction {
    std::unique_ptr<ClusterSpec> spec;  // the spec it started with (edits may come meanwhile)
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
    std::shared_ptr<ActionOutcome> outcome;
  };
  std::map<int, BackgroundAction> background_;  // by ordinal: at most one per node

  std::mutex wake_mu_;
  std::condition_variable wake_cv_;
  bool woken_ = false;
};

}  // namespace radctl
