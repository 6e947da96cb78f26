#include "tests/sim/checker.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "reconcilers/naming.h"

namespace radctl::sim {

using testing::Commit;
using testing::DataCopy;
using testing::WalHistory;
using testing::WorldTruth;

void Checker::Learn(const testing::FakeWorld& world, const std::vector<SeenEvent>& events) {
  for (Commit& commit : world.CommitsFrom(commits_.size())) commits_.push_back(commit);
  for (const testing::Acknowledgement& ack : world.AcknowledgementsFrom(acknowledged_count_)) {
    ++acknowledged_count_;
    const Commit& commit = commits_.at(ack.commit - 1);
    acked_.push_back({commit, ack.by_quorum, ack.at});
    Lsn& end = (ack.by_quorum ? quorum_end_ : async_end_)[commit.uid];
    end = std::max(end, commit.end);
  }
  for (DataCopy& copy : world.RemovedFrom(removed_seen_)) {
    ++removed_seen_;
    removed_.push_back(std::move(copy));
  }
  for (const SeenEvent& event : events) {
    if (event.reason != "Failover") continue;
    if (absl::StrContains(event.message, "radctl promote --accept-data-loss")) {
      loss_accepted_.push_back(event.at);
    } else if (absl::StrContains(event.message, "may be lost") ||
               absl::StrContains(event.message, "are lost")) {
      loss_announced_.push_back(event.at);
      announcements_.push_back(event);
    }
    if (absl::StrContains(event.message, "no acknowledged commit is lost")) {
      claims_.push_back(event);
    }
  }
}

bool Checker::HeldAnywhere(const WorldTruth& truth, const Commit& commit) {
  for (const WorldTruth::Node& node : truth.nodes) {
    if (node.wal.Holds(commit)) return true;
    for (const WalHistory& copy : node.kept_aside) {
      if (copy.Holds(commit)) return true;
    }
  }
  return false;
}

bool Checker::LossAnnounced(const Acked& acked) const {
  auto after = [&](absl::Time at) { return at >= acked.at; };
  return std::any_of(loss_accepted_.begin(), loss_accepted_.end(), after) ||
         ((!acked.by_quorum || acked.synchronous_ended) &&
          std::any_of(loss_announced_.begin(), loss_announced_.end(), after));
}

void Checker::NoteAsynchronousPrimaries(const WorldTruth& truth) {
  for (const WorldTruth::Node& node : truth.nodes) {
    if (!node.primary() || node.synchronous) continue;
    for (Acked& acked : acked_) {
      if (acked.by_quorum && node.wal.Holds(acked.commit)) acked.synchronous_ended = true;
    }
  }
}

std::optional<Violation> Checker::Check(const WorldTruth& truth, int recorded_timeline) {
  NoteAsynchronousPrimaries(truth);
  if (std::optional<Violation> v = CheckClaims(truth)) return v;
  if (std::optional<Violation> v = CheckServed(truth, recorded_timeline)) return v;
  if (std::optional<Violation> v = CheckReadEndpoint(truth)) return v;
  return CheckRemovals(truth);
}

std::optional<Violation> Checker::CheckServed(const WorldTruth& truth, int recorded_timeline) {
  if (!truth.bouncer_running || truth.bouncer_paused || truth.bouncer_target.empty()) {
    return std::nullopt;
  }
  const WorldTruth::Node* served = truth.NodeNamed(truth.bouncer_target, cluster_);
  if (served == nullptr || !served->primary() || served->frozen || served->cut_off) {
    return std::nullopt;  // nothing is served: clients get errors, not wrong answers
  }
  const std::string name = truth.bouncer_target;
  if (served->wal.timeline() < recorded_timeline) {
    return Violation{
        "endpoint serves a node behind the recorded timeline",
        absl::StrCat("the endpoint serves ", name, " on timeline ", served->wal.timeline(),
                     " but timeline ", recorded_timeline, " is recorded")};
  }
  for (const auto& [uid, end] : quorum_end_) {
    std::optional<Lsn> has = served->wal.SpanEnd(uid);
    if (has.has_value() && *has >= end) continue;
    for (const Acked& acked : acked_) {
      if (acked.by_quorum && !served->wal.Holds(acked.commit) && !LossAnnounced(acked)) {
        return Violation{
            "acknowledged commit lost",
            absl::StrCat("commit ", acked.commit.id, " (timeline uid ", acked.commit.uid, " at ",
                         FormatLsn(acked.commit.end), "), acknowledged by synchronous standbys, ",
                         "is missing from ", name, " which the endpoint serves (",
                         served->wal.ToString(), ")")};
      }
    }
  }
  for (const auto& [uid, end] : async_end_) {
    std::optional<Lsn> has = served->wal.SpanEnd(uid);
    if (has.has_value() && *has >= end) continue;
    for (const Acked& acked : acked_) {
      if (!acked.by_quorum && !served->wal.Holds(acked.commit) && !LossAnnounced(acked)) {
        return Violation{
            "acknowledged commit lost silently",
            absl::StrCat("commit ", acked.commit.id, " (timeline uid ", acked.commit.uid, " at ",
                         FormatLsn(acked.commit.end), "), acknowledged, is missing from ", name,
                         " which the endpoint serves (", served->wal.ToString(),
                         "), and no failover said commits might be lost")};
      }
    }
  }
  return std::nullopt;
}

std::optional<Violation> Checker::CheckReadEndpoint(const WorldTruth& truth) {
  if (!truth.read_bouncer_running || truth.read_bouncer_targets.empty()) return std::nullopt;
  const WorldTruth::Node* primary = nullptr;
  for (const WorldTruth::Node& node : truth.nodes) {
    if (node.primary()) primary = &node;
  }
  if (primary == nullptr) return std::nullopt;
  for (absl::string_view host :
       absl::StrSplit(truth.read_bouncer_targets, ',', absl::SkipEmpty())) {
    const WorldTruth::Node* node = truth.NodeNamed(std::string(host), cluster_);
    if (node == nullptr || !node->postgres || node->wal.empty() || node == primary) continue;
    if (!primary->wal.Continues(node->wal)) {
      return Violation{
          "read endpoint serves a diverged node",
          absl::StrCat("the read endpoint serves ", host, " (", node->wal.ToString(),
                       "), whose history left the primary's (", primary->wal.ToString(), ")")};
    }
  }
  return std::nullopt;
}

std::optional<Violation> Checker::CheckRemovals(const WorldTruth& truth) {
  while (!removed_.empty()) {
    DataCopy copy = std::move(removed_.front());
    removed_.erase(removed_.begin());
    const bool kept_copy = absl::StartsWith(copy.path, "data.radctl-old-");
    for (const Commit& commit : commits_) {
      if (!copy.wal.Holds(commit) || HeldAnywhere(truth, commit)) continue;
      auto acked = std::find_if(acked_.begin(), acked_.end(),
                                [&](const Acked& a) { return a.commit.id == commit.id; });
      const bool must_keep = kept_copy || (acked != acked_.end() && !LossAnnounced(*acked));
      if (!must_keep) continue;
      return Violation{kept_copy ? "moved-aside copy deleted" : "data removed",
                       absl::StrCat(copy.node, "'s ", copy.path, " (", copy.wal.ToString(),
                                    ") was removed while it held commit ", commit.id,
                                    acked == acked_.end() ? "" : " (acknowledged)",
                                    ", which no other node or copy has")};
    }
  }
  return std::nullopt;
}

std::optional<Violation> Checker::CheckClaims(const WorldTruth& truth) {
  for (const SeenEvent& announcement : announcements_) {
    const WorldTruth::Node* node = truth.NodeNamed(announcement.object, cluster_);
    for (const Acked& acked : acked_) {
      if (!acked.by_quorum || !acked.synchronous_ended || acked.at > announcement.at) continue;
      if (node == nullptr || !node->wal.Holds(acked.commit)) {
        lost_as_announced_.insert(acked.commit.id);
      }
    }
  }
  announcements_.clear();
  while (!claims_.empty()) {
    SeenEvent claim = std::move(claims_.front());
    claims_.erase(claims_.begin());
    const WorldTruth::Node* node = truth.NodeNamed(claim.object, cluster_);
    // "... no acknowledged commit is lost since the primary committed synchronously; commits
    // acknowledged before that ... may be lost": the promise for commits whose synchronous
    // protection ended (synchronous replication turned off since) is that announcement.
    const bool announces_earlier = absl::StrContains(claim.message, "may be lost");
    for (const Acked& acked : acked_) {
      if (!acked.by_quorum || acked.at > claim.at) continue;
      if (acked.synchronous_ended && announces_earlier) continue;
      // Lost at an earlier failover that said so: a later promotion's claim is about its own.
      if (lost_as_announced_.count(acked.commit.id) > 0) continue;
      // A person promoted a node since, accepting that what it lacked was lost.
      if (std::any_of(loss_accepted_.begin(), loss_accepted_.end(),
                      [&](absl::Time at) { return at >= acked.at && at <= claim.at; })) {
        continue;
      }
      if (node == nullptr || !node->wal.Holds(acked.commit)) {
        return Violation{
            "an event's claim is false",
            absl::StrCat("\"", claim.message, "\" promoting ", claim.object,
                         ", which lacks acknowledged commit ", acked.commit.id,
                         node == nullptr ? "" : absl::StrCat(" (", node->wal.ToString(), ")"))};
      }
    }
  }
  return std::nullopt;
}

}  // namespace radctl::sim
