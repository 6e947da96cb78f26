// What the controller remembers between observations, and the one function that changes it.
// One snapshot cannot show how long a node has been silent, which actions failed on it, what
// runs on it in the background or whom the controller fenced; the loop keeps that here and
// changes it only through Remember (pure, table-tested). Lost on restart, which only delays
// decisions: a new controller counts silence and failures afresh.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "reconcilers/action.h"
#include "reconcilers/lsn.h"
#include "reconcilers/next_step.h"
#include "reconcilers/observed_state.h"

namespace radctl {

// How an action has failed on a node since it last succeeded.
struct ActionFailures {
  int count = 0;  // failures in a row
  // Of those, the ones that were not transient (FailureIsTransient): a rewind that failed, a
  // script that exited with an error.
  int hard = 0;
  absl::Time last = absl::InfinitePast();
  std::string message;  // what the last failure said
};

struct NodeMemory {
  // When its Postgres last answered; when it never answered this controller, when it was first
  // seen silent (or last seen stopped). Its silence lasts from here.
  absl::Time answered_at = absl::InfinitePast();
  // When the loop last looked at it (a full observation), answered or not.
  absl::Time looked_at = absl::InfinitePast();
  std::map<ActionType, ActionFailures> failures;
  // A long action runs on it in the background ("clone-standby"), "" if none: nothing else is
  // planned for it until that ends.
  std::string busy_with;
  // The controller fenced it and it has not answered or been restarted since: it is failed over
  // from, not started again in place.
  bool fenced = false;
  // The writable primary's WAL position in the first observation that found this node silent
  // (0: no primary was seen then): whatever it acknowledged as a synchronous standby lies
  // before it.
  Lsn primary_lsn_when_silent = 0;
  // It answered this controller at least once: what became of it since is known (a promotion
  // is this controller's own, and remembered in highest_timeline).
  bool answered_once = false;
  // The newest timeline it answered on; forgotten once the node is gone in every form (no
  // container, no volume), for its timelines went with its volume.
  int timeline_answered = 0;
};

struct LoopMemory {
  std::map<int, NodeMemory> nodes;  // by ordinal
  // pg_current_wal_lsn() of the last writable primary seen (0: none): how much a failover may
  // lose is measured against it.
  Lsn last_primary_lsn = 0;
  // The k of synchronous_standby_names the last writable primary seen ran with (0: it committed
  // asynchronously; -1: not seen). Laxer than the record when a reload to fewer standbys could
  // not be recorded afterwards: its commits since were acknowledged by fewer standbys.
  int last_primary_synchronous_number = -1;
  // The newest timeline any node that still exists answered on: a promotion whose record could
  // not be written is remembered here while its node is out of sight.
  int highest_timeline = 0;
  bool backup_running = false;  // a backup this controller started runs in the background
  // The bouncer container (engine id) this controller added the login hold's rules to
  // (kAddLoginHold): one made by an older radctl, which holds unanswered logins from then on.
  std::string login_hold_added_to;

  const NodeMemory& Node(int ordinal) const;
  int Failed(int ordinal, ActionType type) const;                      // failures in a row
  int FailedHard(int ordinal, ActionType type) const;                  // of them, not transient
  const ActionFailures* Failures(int ordinal, ActionType type) const;  // null when none
  bool Busy(int ordinal) const { return !Node(ordinal).busy_with.empty(); }
};

// What became of an action: done in this pass, started in the background, or ended there.
struct ActionOutcome {
  enum class Kind { kDone, kStarted, kEnded };
  Action action;
  absl::Status status;  // of kDone and kEnded
  Kind kind = Kind::kDone;
};

// The memory after `outcomes` (booked first) and the observation `observed`, at `now`.
[[nodiscard]] LoopMemory Remember(LoopMemory memory, const ObservedState& observed,
                                  const std::vector<ActionOutcome>& outcomes, absl::Time now);
// The same without a new observation: what was just done or started, booked at once (a node
// whose long action has started is busy from now on).
[[nodiscard]] LoopMemory RememberOutcomes(LoopMemory memory,
                                          const std::vector<ActionOutcome>& outcomes,
                                          absl::Time now);
// Watch mode between full observations: the primary `ordinal` answered at `now` with `lsn`.
[[nodiscard]] LoopMemory RememberPrimaryAnswer(LoopMemory memory, int ordinal, Lsn lsn,
                                               absl::Time now);

// What a controller keeps when it takes the lease (again): only which work of its own runs in
// the background. The rest may be stale, for another controller may have acted meanwhile: it is
// counted afresh, as by a controller that just started.
[[nodiscard]] LoopMemory MemoryUnderNewLease(const LoopMemory& memory);

}  // namespace radctl
