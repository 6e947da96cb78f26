// Rule 3' (safety rules 1 and 2): no writable primary. The registered primary is started again
// in place when nobody else was promoted (losing nothing); otherwise, once it has been silent
// for spec.failover.detectionMs (or its container died), it is fenced, the standbys observed
// again, and the most advanced one promoted — with synchronous replication only once enough of
// them were seen to know one holds every acknowledged commit. A person may override that with
// radctl promote --accept-data-loss.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "reconcilers/client_hold.h"
#include "reconcilers/quorum.h"
#include "reconcilers/rules/rules.h"
#include "reconcilers/standby_ranking.h"

namespace radctl {
namespace {

// A failed start of the registered primary is retried this often before failing over instead.
constexpr int kStartPrimaryAttempts = 2;

std::string DescribeStop(const NodeObservation& node) {
  if (node.container == ContainerState::kMissing) return "container is gone";
  if (node.oom_killed) return "container was killed for lack of memory (OOM)";
  return absl::StrCat("container died (exit code ", node.exit_code, ")");
}

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

// How long a failover that waits for standbys to replay what they hold keeps the dead primary's
// container down. Once no WAL arrives a standby settles within milliseconds; one that replays
// for longer (far behind) does not keep the cluster without a primary: the old one is started
// again in place, losing nothing, as when no failover can proceed.
constexpr absl::Duration kReplayWaitHoldsTheDeadPrimary = absl::Seconds(5);

bool AnyStandbyCouldTakeOver(const Planning& p, int old_primary) {
  for (const NodeObservation& node : p.s.observed.nodes) {
    if (node.ordinal != old_primary && node.IsReachableStandby() && !p.Busy(node.ordinal)) {
      return true;
    }
  }
  return false;
}

// With synchronous replication (ANY k of the standbys) a commit may live on only k of them: a
// standby is promoted only when at least m-k+1 of the m standbys that may hold commits of the
// newest timeline have been observed after the fence, so that one of them has every
// acknowledged commit. A stopped, frozen, unreachable or busy standby is unknown, not absent.
bool QuorumObserved(Planning& p, int old_primary, int k,
                    const std::vector<const NodeObservation*>& observed, const std::string& why,
                    std::string* note) {
  const Situation& s = p.s;
  std::vector<std::string> members;
  std::vector<std::string> unknown;
  for (const NodeObservation& node : s.observed.nodes) {
    if (node.ordinal == old_primary) continue;
    // Known to hold no WAL: an empty data directory that does not answer.
    if (!node.reachable && node.data_dir == DataDir::kEmpty) continue;
    // Known to have acknowledged nothing since: one a scale-down was removing (it stopped, and
    // a standby that stays had everything it could have acknowledged, before its container
    // went).
    if (!s.Desired(node.ordinal) && node.container == ContainerState::kMissing) continue;
    // Known to hold no commit the newest timeline lacks: a node on an older one never streamed
    // from a primary of the newest, and that timeline began (rule 2) with every commit
    // acknowledged before it. A node whose timeline is unknown stays a member.
    if (node.timeline != 0 && node.timeline < s.NewestTimeline()) continue;
    members.push_back(node.name);
    bool seen = std::any_of(observed.begin(), observed.end(),
                            [&](const NodeObservation* o) { return o->ordinal == node.ordinal; });
    if (!seen) unknown.push_back(node.name);
  }
  const int m = static_cast<int>(members.size());
  const int needed = std::clamp(m - k + 1, 1, std::max(m, 1));
  const int have = m - static_cast<int>(unknown.size());
  if (have >= needed) {
    *note = absl::StrFormat(
        "synchronous replication (ANY %d of %d standbys): %d of them observed after the fence, "
        "at least the %d needed, and it is the most advanced of them",
        k, m, have, needed);
    return true;
  }
  // One being scaled away whose container stopped is started by nothing else: started here, to
  // be looked at (simulator seed 401231).
  for (const NodeObservation& node : s.observed.nodes) {
    const bool unseen = std::find(unknown.begin(), unknown.end(), node.name) != unknown.end();
    if (!unseen || s.Desired(node.ordinal) || node.container == ContainerState::kRunning ||
        node.container == ContainerState::kMissing || s.Busy(node.ordinal, p.earlier, p.out)) {
      continue;
    }
    AddUnlessBackingOff(s, p.out, ActionType::kStartContainer, node.ordinal, 0,
                        absl::StrCat(node.name,
                                     " is being scaled away but may hold acknowledged commits the "
                                     "quorum must see: starting its container to look at it"));
  }
  std::string message = absl::StrFormat(
      "%s; with synchronous replication (ANY %d of %d standbys) a commit may live on %d "
      "standby only: %d of them must be observed to know who has every acknowledged commit, %d "
      "are (waiting for %s, with no time limit; a person may override, accepting data loss: "
      "radctl promote %s NODE --accept-data-loss)",
      why, k, m, k, needed, have, absl::StrJoin(unknown, ", "), s.spec.name);
  p.out.Wait(absl::StrCat("WaitingForQuorum: ", message));
  p.out.alerts.push_back({"WaitingForQuorum", message});
  return false;
}

// Safety rule 2: fence the old primary, then observe, then choose. True when an action was
// planned (the fence with its hold, or the failover), false when it waits (and says why).
bool FailOverOrWait(Planning& p, int old_primary, const std::string& why) {
  const Situation& s = p.s;
  const NodeObservation* old = s.Node(old_primary);
  if (old_primary != 0 && !Situation::CannotCommit(old)) {
    // Fencing is only worth its cost when a standby could take over. With none answering as a
    // standby (a new cluster still cloning, the others down) it would only take down a primary
    // that may merely be slow (a starved CPU), with nobody to replace it.
    if (!AnyStandbyCouldTakeOver(p, old_primary)) {
      p.out.Wait(absl::StrCat(why, "; no standby answers that could take over, so ",
                              s.Name(old_primary),
                              " is not fenced: waiting for it or for a standby"));
      return false;
    }
    if (s.memory.Busy(old_primary)) {
      p.out.Wait(absl::StrCat(why, "; waiting for ", s.Name(old_primary), "'s ",
                              s.memory.Node(old_primary).busy_with, " to end before fencing it"));
      return false;
    }
    // Cut off from the network (its port unpublished), its connections cannot be broken from
    // here: clients are then held at once.
    Action& hold =
        p.out.Add(ActionType::kHoldClients, 0, old_primary,
                  absl::StrCat(why, "; holding clients while ", s.Name(old_primary), " is fenced"));
    hold.hold = ClientHold::kBestEffort;
    hold.pause = old->host_port == 0 ? PauseForFailover() : PauseWhileFencing();
    p.out
        .Add(ActionType::kFence, old_primary, 0,
             absl::StrCat(why,
                          "; fencing it before choosing whom to promote, so that positions are "
                          "read when it can no longer commit"))
        .fence = s.FenceMethodFor(old_primary);
    return true;
  }
  const int newest = s.NewestTimeline();
  std::vector<const NodeObservation*> candidates;  // reachable standbys, read after the fence
  std::vector<std::string> behind;
  std::vector<std::string> replaying;
  for (const NodeObservation& node : s.observed.nodes) {
    if (node.ordinal == old_primary || !node.IsReachableStandby() || p.Busy(node.ordinal)) continue;
    if (!s.OnNewestTimeline(node)) {
      behind.push_back(absl::StrCat(node.name, " (timeline ", node.timeline, ")"));
      continue;
    }
    // Still replaying the WAL it holds (just started): how much it has is not known yet, and it
    // may have the most.
    if (!node.replay_settled) {
      replaying.push_back(node.name);
      continue;
    }
    candidates.push_back(&node);
  }
  if (!replaying.empty()) {
    p.out.Wait(absl::StrCat(why, "; waiting until ", absl::StrJoin(replaying, ", "),
                            " has replayed the WAL it holds: only then is its position known"));
    p.out.WakeWithin(absl::Milliseconds(200));
    p.waiting_for_replay = true;
    return false;
  }
  // The k the old primary committed with, as recorded: never the spec's, which may have been
  // edited while it was down.
  const RecordedPrimary& recorded = s.observed.recorded_primary;
  const int k = FailoverSynchronousNumber(s.spec, recorded);
  const bool synchronous = k > 0;
  std::string quorum_note;
  if (synchronous && !QuorumObserved(p, old_primary, k, candidates, why, &quorum_note)) {
    return false;
  }
  const NodeObservation* best = MostAdvanced(candidates);
  // The best of them lacks commits from before k was raised, which fewer standbys acknowledged:
  // counted again with their k.
  if (best != nullptr && synchronous) {
    const int k_lacking = QuorumNumberFor(s.spec, recorded, PromotableLsn(*best));
    if (k_lacking != k &&
        !QuorumObserved(p, old_primary, k_lacking, candidates, why, &quorum_note)) {
      return false;
    }
  }
  if (best == nullptr) {
    std::string more = behind.empty() ? ""
                                      : absl::StrCat(" (behind the newest timeline ", newest, ": ",
                                                     absl::StrJoin(behind, ", "), ")");
    p.out.Wait(absl::StrCat(why, "; no reachable standby on the newest timeline to promote", more));
    return false;
  }
  std::string reason = absl::StrCat(why, "; ", best->name, " has the highest received LSN ",
                                    FormatLsn(PromotableLsn(*best)));
  std::vector<std::string> others;
  for (const NodeObservation* node : candidates) {
    if (node != best) {
      others.push_back(absl::StrCat(node->name, " ", FormatLsn(PromotableLsn(*node))));
    }
  }
  if (!others.empty()) absl::StrAppend(&reason, " (", absl::StrJoin(others, ", "), ")");
  const Lsn last_seen = s.memory.last_primary_lsn;
  const Lsn synchronous_since = ProtectedSince(recorded, PromotableLsn(*best));
  // The quorum is counted with the recorded k (the strictest the primary may have run with);
  // what is promised is what it was last seen running with.
  const int ran_with = s.memory.last_primary_synchronous_number;
  if (synchronous && ran_with >= 0 && ran_with < k) {
    absl::StrAppend(
        &reason, "; ", quorum_note, ", but the primary was last seen committing with ",
        ran_with == 0 ? std::string("asynchronous replication") : absl::StrCat("ANY ", ran_with),
        " (a laxer setting the cluster's state could not record): commits acknowledged by fewer "
        "standbys that it had not received may be lost",
        last_seen > PromotableLsn(*best)
            ? absl::StrCat(" (it is ", last_seen - PromotableLsn(*best),
                           " bytes behind the primary's last seen position ", FormatLsn(last_seen),
                           ")")
            : "");
  } else if (synchronous && (synchronous_since == 0 || PromotableLsn(*best) < synchronous_since)) {
    // Commits from before the primary committed synchronously were acknowledged without
    // standbys: the quorum says nothing of those it does not have.
    absl::StrAppend(&reason, "; ", quorum_note,
                    ": no acknowledged commit is lost since the primary committed synchronously; ",
                    "commits acknowledged before that (",
                    synchronous_since == 0 ? std::string("not recorded")
                                           : absl::StrCat("before ", FormatLsn(synchronous_since)),
                    ") that it had not received may be lost");
  } else if (synchronous) {
    absl::StrAppend(&reason, "; ", quorum_note, ": no acknowledged commit is lost");
  } else if (last_seen > PromotableLsn(*best)) {
    absl::StrAppend(&reason, "; asynchronous replication: it is ", last_seen - PromotableLsn(*best),
                    " bytes behind the primary's last seen position ", FormatLsn(last_seen),
                    ", commits in them may be lost");
  } else if (last_seen != 0) {
    absl::StrAppend(&reason, "; it had received everything the primary was last seen at (",
                    FormatLsn(last_seen),
                    "); asynchronous replication: commits made after that may be lost");
  } else {
    absl::StrAppend(&reason, "; asynchronous replication: commits it had not received are lost");
  }
  // The other candidates are on its timeline and no further: they can stream from it, and are
  // pointed at it before the promotion so that their WAL receivers are attached when it starts
  // taking commits (synchronous ones wait for them).
  std::vector<int> followers;
  std::vector<std::string> follower_names;
  for (const NodeObservation* node : candidates) {
    if (node == best || !s.Desired(node->ordinal)) continue;
    followers.push_back(node->ordinal);
    follower_names.push_back(node->name);
  }
  if (!followers.empty()) {
    absl::StrAppend(&reason, "; ", absl::StrJoin(follower_names, ", "),
                    followers.size() == 1 ? " follows " : " follow ", best->name,
                    " from before its promotion");
  }
  Action& failover = p.out.Add(ActionType::kFailover, best->ordinal, old_primary, reason);
  // The old primary cannot commit any more; clients are held if the bouncer lets us, but the
  // promotion does not wait for it.
  failover.hold = ClientHold::kBestEffort;
  failover.pause = PauseForFailover();
  failover.fence = s.FenceMethodFor(old_primary);
  failover.targets = std::move(followers);
  return true;
}

// radctl promote NODE --accept-data-loss: the person's explicit, recorded decision overrides the
// quorum and timeline rules; the old primary is still fenced first. False when there is no
// request to carry out (or its target cannot take it: then it says why).
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

void Containers(Planning& p, int hold) {
  Proposal so_far = p.earlier;
  so_far.Append(p.out);
  p.out.Append(NodeContainers(p.s, so_far, hold));
  p.out.Append(BouncerContainer(p.s));
}

// Restarting the recorded primary in place loses nothing only if nobody else was promoted: no
// node answers (or answered this controller) on a newer timeline, and none that could have been
// promoted is out of sight (a promotion whose record failed is not in the cluster's state).
// Empty when it may be restarted; else why not.
std::string WhyNotRestartInPlace(const Situation& s, const NodeObservation& primary) {
  if (s.memory.highest_timeline > primary.timeline) {
    return absl::StrCat("a node answered on timeline ", s.memory.highest_timeline, ", newer than ",
                        primary.name, "'s ", primary.timeline, ": it was promoted");
  }
  for (const NodeObservation& node : s.observed.nodes) {
    if (node.ordinal == primary.ordinal) continue;
    if (node.timeline > primary.timeline) {
      return absl::StrCat(node.name, " is on timeline ", node.timeline, ", newer than ",
                          primary.name, "'s ", primary.timeline, ": it was promoted");
    }
    // Out of sight since this controller started (it promotes only what it has seen; another
    // may have promoted it before dying). A node being scaled away is never started again to be
    // looked at; one that stays is.
    if (!node.reachable && node.data_dir == DataDir::kUnknown && node.timeline == 0 &&
        node.container != ContainerState::kMissing && s.Desired(node.ordinal) &&
        !s.memory.Node(node.ordinal).answered_once) {
      return absl::StrCat(node.name, " cannot be looked at (",
                          node.facts_error.empty() ? DescribeStop(node) : node.facts_error,
                          "): it may have been promoted");
    }
  }
  return "";
}

// A promotion this controller saw (memory: the newest timeline answered) whose record could not
// be written, on a node a scale-down has since left outside the desired nodes: once its
// container stops, nothing else starts it again, and it holds the newest history. Its container
// is started so that it can be looked at; UnrecordedPromotionToRestart takes it from there
// (simulator seeds 401231 and 706048).
Proposal StartScaledAwayHoldersOfNewerTimeline(const Situation& s, const Proposal& already) {
  Proposal out;
  const int newest = s.memory.highest_timeline;
  if (newest <= s.observed.recorded_primary.timeline) return out;
  for (const NodeObservation& node : s.observed.nodes) {
    if (node.timeline >= newest) return out;  // in sight: nothing to look for
  }
  for (const NodeObservation& node : s.observed.nodes) {
    if (s.Desired(node.ordinal) || node.container == ContainerState::kRunning ||
        node.container == ContainerState::kMissing || already.ActsOn(node.ordinal)) {
      continue;
    }
    AddUnlessBackingOff(
        s, out, ActionType::kStartContainer, node.ordinal, 0,
        absl::StrCat(node.name, " is being scaled away but may hold timeline ", newest,
                     " (a node was promoted on it and its record could not be written): "
                     "starting its container to look at it"));
  }
  return out;
}

// A failover that promoted a node but could not record it (the state directory failing), after
// which that node's Postgres stopped: it is the cluster's newest history, so it is started again
// as primary (and recorded once it answers) rather than the recorded one restarted behind it or
// another failover begun. The newest such node; nullptr when there is none.
const NodeObservation* UnrecordedPromotionToRestart(const Situation& s, int registered) {
  const NodeObservation* found = nullptr;
  for (const NodeObservation& node : s.observed.nodes) {
    if (node.ordinal == registered || node.reachable || node.data_dir != DataDir::kPrimary ||
        node.postgres_running || node.paused || node.container != ContainerState::kRunning ||
        node.timeline <= s.observed.recorded_primary.timeline ||
        s.observed.recorded_primary.ordinal == 0) {
      continue;
    }
    if (found == nullptr || node.timeline > found->timeline) found = &node;
  }
  return found;
}

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

Proposal WithoutPrimary(const Situation& s, const Proposal& earlier) {
  Planning p{s, earlier, {}};
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
