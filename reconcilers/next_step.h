// What a failure means for what happens next: the one place where a status code steers the
// controller (the loop, the fleet, the failure counts the planner backs off on).
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace radctl {

// What the loop does after a pass that failed with `status` (apply and watch alike), by its
// code and, for Aborted, by how many passes in a row failed so, this one included:
//   kObserveNow  Aborted, up to kObserveNowInARow times in a row: the world changed under an
//                action; look again at once. A world that goes on changing under every action
//                is backed off from instead, as from any other failure.
//   kWaitForUser FailedPrecondition, InvalidArgument, PermissionDenied, DataLoss (a damaged
//                state file): only the user can fix it (an image missing, a port taken); apply
//                stops and says why, watch says why and retries rarely.
//   kBackOff     anything else (Unavailable, DeadlineExceeded, Internal): try again after a
//                growing pause.
enum class NextStep { kObserveNow, kWaitForUser, kBackOff };
inline constexpr int kObserveNowInARow = 3;
NextStep NextStepAfter(const absl::Status& status, int aborted_in_a_row = 1);

// How often watch tries again a pass that only the user can fix (kWaitForUser), besides on
// every change of the spec.
inline constexpr absl::Duration kUserFixRetry = absl::Seconds(30);

// The warning a failed pass is reported with (once, until its text changes):
//   Unavailable     the engine, the state directory or a node could not be reached;
//   NeedsYou        kWaitForUser: the message says what to fix, and when it is tried again;
//   ReconcileFailed anything else, tried again after a pause.
struct FailureReport {
  std::string reason;
  std::string message;
};
FailureReport ReportOfFailure(const absl::Status& status);

// Another controller holds the cluster's lease on the engine (ReconcileLoop::HoldLease): a
// FailedPrecondition (apply ends, saying so) that a watcher waits out instead, acting once that
// controller has ended.
absl::Status HeldByAnotherController(const std::string& message);
bool IsHeldByAnotherController(const absl::Status& status);

// Whether `apply --watch` goes on to watch a cluster after its first convergence ended with
// `status`: not when the user stopped it (Cancelled); always when it converged, only ran out
// of time (the loop keeps at it) or another controller held the lease; after any other failure,
// unless `end_on_failure` (one cluster applied from the command line: its error ends the
// command, exit 1 or 2).
bool WatchOnAfterApply(const absl::Status& status, bool end_on_failure);

// A watched directory's cluster whose controller could not start (its spec refused by the
// engine, a port taken) is tried again as soon as its file changes, else kStartRetryInterval
// after it failed (`retry_after`, on the monotonic clock).
inline constexpr absl::Duration kStartRetryInterval = absl::Seconds(30);
bool TryStartAgain(const std::string& failed_digest, absl::Time retry_after,
                   const std::string& digest, absl::Time now);

// Could not connect, timed out, the world changed under it: worth trying again as it is. Other
// failures of an action count as hard (a rewind that failed, a script that exited with an
// error): the planner falls back after a few (rejoin -> rebuild).
bool FailureIsTransient(const absl::Status& status);

}  // namespace radctl
