// A planned primary change (radctl switchover): which standby it goes to, whether that is
// allowed, and when the request is done. The CLI validates with it before recording a request;
// the planner carries the request out; the loop clears it when JudgeRequests says so. Pure.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crd-like-specs/cluster_spec.h"
#include "reconcilers/action.h"
#include "reconcilers/observed_state.h"

namespace radctl {

// How long a switchover waits for its successor to replay everything the cleanly stopped old
// primary wrote (it streams from it: once no WAL arrives that takes moments). Clients are held
// meanwhile; past it the old primary is started again as primary, so a lagging successor costs
// the clients a pause, never an outage.
inline constexpr absl::Duration kSwitchoverReplayWait = absl::Seconds(3);

// The switchover of `from` to `to`, with `followers` pointed at `to` before its promotion (see
// HandOverFollowers): clients held as for any planned change (client_hold.h), and all or
// nothing: if `to` has not replayed all of `from` within kSwitchoverReplayWait, `from` is started
// again as primary.
Action PlannedSwitchover(int to, int from, std::vector<int> followers, std::string reason);

struct SwitchoverChoice {
  int from = 0;  // the writable primary
  int to = 0;    // the standby that takes over; equal to `from` when nothing is to be done
};

// `requested` is the node asked for, or 0 for "the most advanced streaming standby". OK with the
// choice when the target is a desired standby streaming from the writable primary (or is the
// primary already: nothing to do). FailedPrecondition, saying why, when there is no writable
// primary or the target cannot take over without loss.
[[nodiscard]] absl::StatusOr<SwitchoverChoice> ChooseSwitchover(const ClusterSpec& spec,
                                                                const ObservedState& observed,
                                                                int requested);

// The standbys that follow `successor` when `primary` hands over to it: the desired ones
// streaming from `primary` (they hold no more than it, and the successor has replayed all of it
// before it is promoted), pointed at it as it is promoted (kSwitchover's targets).
std::vector<int> HandOverFollowers(const ClusterSpec& spec, const ObservedState& observed,
                                   int primary, int successor);

// What becomes of a person's request after an observation: done when its target is the
// writable primary; a promotion past the rules (radctl promote --accept-data-loss) withdrawn
// when another node answers again as the writable primary (it was decided for one outage, and
// that outage is over: it must not promote its target at the next one); else still wanted.
struct RequestVerdict {
  enum class Kind { kWanted, kDone, kWithdrawn };
  Kind kind = Kind::kWanted;
  std::string object;  // the node the event is about
  std::string reason;  // SwitchoverDone | PromoteDone | PromoteWithdrawn
  std::string message;
};
RequestVerdict JudgeRequests(int switchover_to, int promote, const ObservedState& observed);

}  // namespace radctl
