// Rule 3' (safety rules 1 and 2): no writable primary. The registered primary is started again
// in place when nobody else was promoted (losing nothing); otherwise, once it has been silent
// for spec.failover.detectionMs (or its container died), it is fenced, the standbys observed
// again, and the most advanced one promoted — with synchronous replication only once enough of
// them were seen to know one holds every acknowledged commit. A person may override that with
// radctl promote --accept-data-loss. This file decides between those (and the holds and waits
// meanwhile); what each needs is in without_primary.h.
#include "reconcilers/rules/without_primary.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "reconcilers/rules/rules.h"

namespace radctl {
namespace without_primary {
namespace {

// A failed start of the registered primary is retried this often before failing over instead.
constexpr int kStartPrimaryAttempts = 2;

// How long a failover that waits for standbys to replay what they hold keeps the dead primary's
// container down. Once no WAL arrives a standby settles within milliseconds; one that replays
// for longer (far behind) does not keep the cluster without a primary: the old one is started
// again in place, losing nothing, as when no failover can proceed.
constexpr absl::Duration kReplayWaitHoldsTheDeadPrimary = absl::Seconds(5);

void RegisteredPrimaryDown(Planning& p, int registered) {
  const Situation& s = p.s;
  if (s.stops.stopping.count(registered) > 0) return;  // stopping on purpose: planned_stop.h
  if (const NodeObservation* promoted = UnrecordedPromotionToRestart(s, registered)) {
    Containers(p, /*hold=*/0);
    AddUnlessBackingOff(
        s, p.out, ActionType::kStartPrimary, promoted->ordinal, 0,
        absl::StrCat(promoted->name, " was promoted on timeline ", promoted->timeline,
                     " (newer than the recorded ", s.observed.recorded_primary.timeline,
                     "; its record could not be written) and its Postgres stopped: starting it "
                     "again as primary, to be recorded before clients reach it"));
    return;
  }
  const ClusterSpec& spec = s.spec;
  const NodeObservation* node = s.Node(registered);
  const std::string name = s.Name(registered);
  if (node == nullptr || node->ContainerDied()) {
    std::string why = absl::StrCat("primary ", name, " ",
                                   node == nullptr ? "no longer exists" : DescribeStop(*node));
    if (spec.failover.enabled && FailOverOrWait(p, registered, why)) {
      Containers(p, /*hold=*/registered);
      return;
    }
    if (p.waiting_for_replay && node != nullptr &&
        s.SilentFor(*node) < kReplayWaitHoldsTheDeadPrimary) {
      // Started now, it would be back before the standbys settle, and restarted in place
      // instead of failed over from: a killed primary's outcome would depend on a race.
      p.out.Append(HoldClientsEarly(s, registered, why));
      Containers(p, /*hold=*/registered);
      return;
    }
    // No failover now: its container is started again; once back, fenced by its entrypoint, it
    // resumes as primary if nobody was promoted (losing nothing). Clients wait for that.
    p.out.Append(HoldClientsEarly(s, registered, why));
    Containers(p, /*hold=*/0);
    if (!spec.failover.enabled) p.out.Wait(why + "; failover is disabled: restarting it in place");
    return;
  }
  Containers(p, /*hold=*/0);
  if (node->container != ContainerState::kRunning) return;  // stopped cleanly: restarted above
  if (node->reachable) {
    // Registered as primary but in recovery: an interrupted rejoin or promotion.
    FailOverOrWait(p, registered, absl::StrCat("registered primary ", name, " is in recovery"));
    return;
  }
  const absl::Duration down = s.SilentFor(*node);
  const bool detected = down >= absl::Milliseconds(spec.failover.detection_ms);
  Proposal early_hold;
  if (node->probe_refused) {
    early_hold = HoldClientsEarly(
        s, registered,
        absl::StrCat("primary ", name, " refuses connections (", node->probe_error, ")"));
  }
  std::string why = absl::StrCat("primary ", name, " has not answered for ",
                                 absl::FormatDuration(down), " (", node->probe_error, ")");
  const bool start_failed =
      s.memory.Failed(registered, ActionType::kStartPrimary) >= kStartPrimaryAttempts;
  if (node->data_dir == DataDir::kPrimary && !node->postgres_running && !start_failed &&
      !node->paused && !s.memory.Node(registered).fenced) {
    if (!s.OnNewestTimeline(*node)) {
      p.out.Wait(absl::StrCat(name, " is on timeline ", node->timeline, ", behind the newest (",
                              s.NewestTimeline(), "): it must not be primary again"));
    } else if (std::string held = WhyNotRestartInPlace(s, *node); !held.empty()) {
      p.out.Wait(absl::StrCat("not starting ", name, " again in place: ", held));
      p.out.Append(StartScaledAwayHoldersOfNewerTimeline(s, p.out));
    } else {
      // Container restarted (the entrypoint fenced it) or Postgres crashed inside it: nobody
      // else was promoted, so restarting it in place loses nothing and is faster than failover.
      p.out.Append(early_hold);
      p.out.Add(ActionType::kStartPrimary, registered, 0,
                absl::StrCat("registered primary ", name,
                             " is fenced and no other node was promoted; starting it as primary"));
      return;
    }
  }
  if (!spec.failover.enabled) {
    p.out.Append(early_hold);
    p.out.Wait(why + "; failover is disabled");
    return;
  }
  if (!detected && !start_failed) {
    p.out.Append(early_hold);
    p.out.Wait(absl::StrCat(why, "; failing over after ", spec.failover.detection_ms, "ms"));
    p.out.WakeWithin(
        std::max(absl::Milliseconds(spec.failover.detection_ms) - down, absl::Milliseconds(10)));
    return;
  }
  if (start_failed) why = absl::StrCat("primary ", name, " failed to start");
  Proposal so_far = p.earlier;
  so_far.Append(p.out);
  Planning decision{s, so_far, {}};
  bool acted = FailOverOrWait(decision, registered, why);
  // One hold: the one for the fence replaces the early one.
  if (!(acted && decision.out.Has(ActionType::kHoldClients))) p.out.Append(early_hold);
  // Fenced by this controller (it hung, or was cut off) and no failover can proceed (the quorum
  // is not seen, no standby can take over): while nobody else is recorded as primary, starting
  // it again in place loses nothing, and it is the only way back. Reachable again (its port
  // published), not paused, on the newest timeline.
  // Not while the failover only waits for standbys to settle (see kReplayWaitHoldsTheDeadPrimary).
  const bool settling =
      decision.waiting_for_replay &&
      down < absl::Milliseconds(spec.failover.detection_ms) + kReplayWaitHoldsTheDeadPrimary;
  const bool restartable = !acted && !settling && s.memory.Node(registered).fenced &&
                           node->data_dir == DataDir::kPrimary && !node->postgres_running &&
                           !start_failed && !node->paused && node->host_port != 0 &&
                           s.OnNewestTimeline(*node);
  const std::string held = restartable ? WhyNotRestartInPlace(s, *node) : "";
  if (restartable && !held.empty()) {
    decision.out.Wait(absl::StrCat("not starting ", name, " again in place: ", held));
    p.out.Append(StartScaledAwayHoldersOfNewerTimeline(s, decision.out));
  } else if (restartable) {
    p.out.Add(ActionType::kStartPrimary, registered, 0,
              absl::StrCat(why, "; it was fenced, and no standby can take over (",
                           absl::StrJoin(decision.out.waiting, "; "),
                           "): starting it again in place, as it is still the recorded primary "
                           "and nobody else was, so nothing acknowledged is lost"));
    return;
  }
  p.out.Append(std::move(decision.out));
}

}  // namespace

void Containers(Planning& p, int hold) {
  Proposal so_far = p.earlier;
  so_far.Append(p.out);
  p.out.Append(NodeContainers(p.s, so_far, hold));
  p.out.Append(BouncerContainer(p.s));
}

}  // namespace without_primary

Proposal WithoutPrimary(const Situation& s, const Proposal& earlier) {
  using without_primary::Containers;
  using without_primary::FailOverOrWait;
  using without_primary::RegisteredPrimaryDown;
  using without_primary::RequestedPromotion;
  without_primary::Planning p{s, earlier, {}};
  if (RequestedPromotion(p)) return std::move(p.out);
  const int registered = s.RegisteredPrimary();
  if (registered == 0) {
    Containers(p, /*hold=*/0);
    FailOverOrWait(p, 0, "no node is recorded as the primary");
  } else {
    RegisteredPrimaryDown(p, registered);
  }
  Proposal so_far = earlier;
  so_far.Append(p.out);
  p.out.Append(StartStoppedStandbys(s, so_far));
  return std::move(p.out);
}

}  // namespace radctl
