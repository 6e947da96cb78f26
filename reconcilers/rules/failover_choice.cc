// Safety rule 2 when the primary is gone: fence the old primary (holding clients meanwhile),
// then observe, then promote the most advanced standby read after the fence — with synchronous
// replication only once enough standbys were seen to know one holds every acknowledged commit.
// The reason says what may be lost, and the standbys that follow the promoted node.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "reconcilers/client_hold.h"
#include "reconcilers/quorum.h"
#include "reconcilers/rules/without_primary.h"
#include "reconcilers/standby_ranking.h"

namespace radctl::without_primary {
namespace {

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

}  // namespace

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
    // Cut off from the network (its port unpublished), its connections break from neither side
    // and the fence (a stop inside the container) does not reach them: they are closed at once.
    Action& hold =
        p.out.Add(ActionType::kHoldClients, 0, old_primary,
                  absl::StrCat(why, "; holding clients while ", s.Name(old_primary), " is fenced"));
    hold.hold = ClientHold::kBestEffort;
    hold.pause = old->host_port == 0 ? PauseForCutOff() : PauseWhileFencing();
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
  if (synchronous && recorded.asynchronous_from != 0) {
    // Recorded before its reload to asynchronous replication (rollout.cc): the quorum holds for
    // commits before that position, nothing does for those after it.
    absl::StrAppend(&reason, "; ", quorum_note, "; the primary was to commit asynchronously from ",
                    FormatLsn(recorded.asynchronous_from),
                    " on (the spec asks for asynchronous replication): commits acknowledged since "
                    "then that it had not received may be lost");
    if (synchronous_since == 0 || PromotableLsn(*best) < synchronous_since) {
      absl::StrAppend(&reason, ", and so may commits acknowledged before ",
                      synchronous_since == 0 ? std::string("the primary committed synchronously")
                                             : FormatLsn(synchronous_since));
    }
  } else if (synchronous && ran_with >= 0 && ran_with < k) {
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

}  // namespace radctl::without_primary
