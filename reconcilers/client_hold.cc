#include "reconcilers/client_hold.h"

#include "reconcilers/switchover.h"

namespace radctl {

// A switchover's hold (PAUSE up to kPlannedChangePauseWait, the successor's replay of the end up
// to kSwitchoverReplayWait, then the promotion, within 2 s) must end before held clients are
// failed. (absl::Duration's sums are not constexpr: the bounds are checked as seconds.)
static_assert(kPlannedChangePauseWait <= absl::Seconds(3) &&
                  kSwitchoverReplayWait <= absl::Seconds(3) && 3 + 3 + 2 < kClientHoldLimitSeconds,
              "a switchover's hold must end before held clients are failed");

PauseLimits PauseForFailover() {
  return {absl::Milliseconds(200), /*close_hung_servers=*/true, /*kill=*/true,
          "the old primary's transactions cannot finish: waiting longer only lengthens the "
          "outage"};
}

PauseLimits PauseForCutOff() {
  // A moment for PgBouncer to release the idle server connections and answer.
  return {absl::Milliseconds(20), /*close_hung_servers=*/true, /*kill=*/true,
          "the old primary is cut off from the network: its transactions cannot finish and its "
          "connections do not break by themselves"};
}

PauseLimits PauseWhileFencing() {
  return {absl::Seconds(1), /*close_hung_servers=*/true, /*kill=*/true,
          "the fence breaks the hung primary's server connections: waiting for it spares the "
          "idle clients KILL would drop"};
}

PauseLimits PauseForPlannedChange() {
  return {kPlannedChangePauseWait, /*close_hung_servers=*/true, /*kill=*/true,
          "the primary is healthy: running transactions may finish"};
}

}  // namespace radctl
