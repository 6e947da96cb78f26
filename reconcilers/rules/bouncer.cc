// Rule 5 (safety rule 4): the bouncer follows the primary, never leads; and clients are held
// at the bouncer as soon as the primary stops answering.
#include "absl/strings/str_cat.h"
#include "reconcilers/client_hold.h"
#include "reconcilers/rules/rules.h"
#include "reconcilers/spec_hash.h"

namespace radctl {

Proposal PointBouncer(const Situation& s, int primary) {
  Proposal out;
  const BouncerObservation& bouncer = s.observed.bouncer;
  if (bouncer.container != ContainerState::kRunning || !BouncerMadeFor(s.spec, bouncer.spec_hash)) {
    return out;  // rule 3 creates it first
  }
  if (!bouncer.reachable) {
    out.Wait(absl::StrCat("bouncer admin console does not answer: ", bouncer.probe_error));
    return out;
  }
  if (bouncer.target_host != s.Name(primary)) {
    out.Add(ActionType::kPointBouncer, 0, primary,
            bouncer.target_host.empty()
                ? absl::StrCat("bouncer has no target; primary is ", s.Name(primary))
                : absl::StrCat("bouncer points to ", bouncer.target_host, "; primary is ",
                               s.Name(primary)))
        .pause = PauseForPlannedChange();
  } else if (bouncer.paused) {
    out.Add(ActionType::kPointBouncer, 0, primary,
            "bouncer is paused (an earlier repoint was interrupted); resuming it")
        .pause = PauseForPlannedChange();
  }
  return out;
}

// Postgres of the primary is down (or its container gone) and no failover is planned yet:
// clients are held at once, before the bouncer's first failed login to it makes PgBouncer fail
// every client that arrives (server_login_retry). They are resumed when it answers again
// (PointBouncer) or by the failover, and a hold never outlasts the bouncer's query_wait_timeout.
Proposal HoldClientsEarly(const Situation& s, int primary, const std::string& why) {
  Proposal out;
  const BouncerObservation& bouncer = s.observed.bouncer;
  if (bouncer.container != ContainerState::kRunning || !bouncer.reachable || bouncer.paused ||
      bouncer.target_host != s.Name(primary)) {
    return out;
  }
  Action& hold = out.Add(
      ActionType::kHoldClients, 0, primary,
      absl::StrCat(why, "; holding clients until it answers again or a standby takes over"));
  hold.hold = ClientHold::kBestEffort;
  hold.pause = PauseForFailover();
  return out;
}

}  // namespace radctl
