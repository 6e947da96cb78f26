// radctl promote NODE --accept-data-loss, carried out: the old primary fenced first (clients
// held), then the requested standby promoted whatever it lacks.
#include "absl/strings/str_cat.h"
#include "reconcilers/client_hold.h"
#include "reconcilers/rules/without_primary.h"
#include "reconcilers/standby_ranking.h"

namespace radctl::without_primary {

bool RequestedPromotion(Planning& p) {
  const Situation& s = p.s;
  const int target = s.requests.promote;
  if (target == 0) return false;
  const NodeObservation* node = s.Node(target);
  if (node == nullptr || !node->IsReachableStandby()) {
    p.out.Wait(absl::StrCat("promotion of ", s.Name(target),
                            " was requested but it is not a reachable standby"));
    return false;
  }
  int old_primary = s.RegisteredPrimary();
  if (old_primary == target) old_primary = 0;
  const NodeObservation* old = s.Node(old_primary);
  if (old_primary != 0 && !Situation::CannotCommit(old)) {
    p.out.Add(ActionType::kHoldClients, 0, old_primary, "promotion requested: holding clients")
        .pause = PauseForFailover();
    p.out
        .Add(ActionType::kFence, old_primary, 0,
             absl::StrCat("promotion of ", s.Name(target), " requested: fencing ",
                          s.Name(old_primary), " first"))
        .fence = s.FenceMethodFor(old_primary);
    return true;
  }
  p.out.Append(NodeContainers(s, p.earlier, /*hold=*/old_primary));
  p.out.Append(BouncerContainer(s));
  Action& failover = p.out.Add(
      ActionType::kFailover, target, old_primary,
      absl::StrCat("promotion requested with radctl promote --accept-data-loss: ", node->name,
                   " at ", FormatLsn(PromotableLsn(*node)), " on timeline ", node->timeline,
                   "; commits it does not have are lost"));
  failover.hold = ClientHold::kBestEffort;
  failover.pause = PauseForFailover();
  failover.fence = s.FenceMethodFor(old_primary);
  return true;
}

}  // namespace radctl::without_primary
