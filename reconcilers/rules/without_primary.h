// The parts of rule 3' (no writable primary) shared by its files: the failover's choice
// (failover_choice.cc), a person's promotion (requested_promotion.cc), restarting the registered
// primary in place (restart_in_place.cc), and the flow that decides between them
// (without_primary.cc). Only these files include it; rules.h declares the rule itself.
#pragma once

#include <string>

#include "reconcilers/rules/rules.h"

namespace radctl::without_primary {

// Planning that sees what was planned before it in this pass (for Busy).
struct Planning {
  const Situation& s;
  const Proposal& earlier;
  Proposal out;
  // The failover waits only until a standby has replayed the WAL it holds (moments, once no new
  // WAL arrives): the dead primary's container is not started meanwhile.
  bool waiting_for_replay = false;
  bool Busy(int ordinal) const { return s.Busy(ordinal, earlier, out); }
};

// The node containers and the bouncer, after what was planned so far (`hold`: see NodeContainers).
void Containers(Planning& p, int hold);

// --- failover_choice.cc ---
// Safety rule 2: fence the old primary, then observe, then choose. True when an action was
// planned (the fence with its hold, or the failover), false when it waits (and says why).
bool FailOverOrWait(Planning& p, int old_primary, const std::string& why);

// --- requested_promotion.cc ---
// radctl promote NODE --accept-data-loss: the person's explicit, recorded decision overrides the
// quorum and timeline rules; the old primary is still fenced first. False when there is no
// request to carry out (or its target cannot take it: then it says why).
bool RequestedPromotion(Planning& p);

// --- restart_in_place.cc ---
// "container died (exit code 137)"-like: why a node's container is not running.
std::string DescribeStop(const NodeObservation& node);
// Restarting the recorded primary in place loses nothing only if nobody else was promoted: no
// node answers (or answered this controller) on a newer timeline, and none that could have been
// promoted is out of sight (a promotion whose record failed is not in the cluster's state).
// Empty when it may be restarted; else why not.
std::string WhyNotRestartInPlace(const Situation& s, const NodeObservation& primary);
// A promotion this controller saw (memory: the newest timeline answered) whose record could not
// be written, on a node a scale-down has since left outside the desired nodes: once its
// container stops, nothing else starts it again, and it holds the newest history. Its container
// is started so that it can be looked at; UnrecordedPromotionToRestart takes it from there
// (simulator seeds 401231 and 706048).
Proposal StartScaledAwayHoldersOfNewerTimeline(const Situation& s, const Proposal& already);
// A failover that promoted a node but could not record it (the state directory failing), after
// which that node's Postgres stopped: it is the cluster's newest history, so it is started again
// as primary (and recorded once it answers) rather than the recorded one restarted behind it or
// another failover begun. The newest such node; nullptr when there is none.
const NodeObservation* UnrecordedPromotionToRestart(const Situation& s, int registered);

}  // namespace radctl::without_primary
