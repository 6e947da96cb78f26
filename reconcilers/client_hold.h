// How far each kind of action may go to hold clients at the bouncer (safety rule 4): how long
// its PAUSE waits for running transactions, and whether the hung server connections may then be
// closed and KILL follow. Decided here, with why, and set on the action by the rule that plans
// it; the executor and BouncerOperations::Pause only obey Action::pause. Pure.
#pragma once

#include "absl/time/time.h"
#include "reconcilers/action.h"

namespace radctl {

// Clients held at the bouncer (PAUSE) longer than this get an error (PgBouncer's
// query_wait_timeout, written by bouncer_config.cc) rather than wait on: every hold radctl plans
// ends well within it, so only the hold of a controller that died mid-failover runs into it,
// and its clients get an error within seconds. The same bound applies to clients waiting for a
// free server connection.
inline constexpr int kClientHoldLimitSeconds = 10;

// How long a planned change (a repoint, a switchover, a restart of the primary) lets running
// transactions finish before the hold escalates. A switchover holds clients this long at most
// for the PAUSE and then, at most, kSwitchoverReplayWait (switchover.h).
inline constexpr absl::Duration kPlannedChangePauseWait = absl::Seconds(3);

// The old primary is dead or hung: its transactions cannot finish, so waiting long only
// lengthens the outage; the hung connections are closed, and KILL follows where that fails.
PauseLimits PauseForFailover();
// The old primary is cut off from the network: no transaction on it can finish, and nothing
// breaks its server connections from either side, so they are closed at once.
PauseLimits PauseForCutOff();
// A hung primary is fenced beside the hold: the fence breaks the hung server connections, and
// waiting a moment for that spares the idle clients that KILL would drop with them.
PauseLimits PauseWhileFencing();
// A healthy primary: running transactions may finish before anything is closed.
PauseLimits PauseForPlannedChange();

}  // namespace radctl
