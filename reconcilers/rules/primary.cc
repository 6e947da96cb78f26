// Rule 4 (safety rule 3): the writable primary is a durable fact, recorded on its timeline in
// the cluster's state and in repmgr's records; a writable node on a timeline behind the newest
// holds an abandoned history and is fenced (then rejoined or rebuilt).
#include "absl/strings/str_cat.h"
#include "reconcilers/quorum.h"
#include "reconcilers/rules/rules.h"
#include "reconcilers/spec_hash.h"

namespace radctl {
namespace {

// Why the recorded ANY k must follow what the primary runs (quorum.h), "" when it need not:
// a record laxer than what runs (changed behind radctl's back) at once; a stricter one once
// the primary runs what the spec asks (a stricter setting was recorded before the reload:
// rollout.cc).
std::string QuorumRecordLags(const Situation& s, const RecordedPrimary& recorded) {
  const int runs = SynchronousNumber(s.observed.synchronous_standby_names);
  const int wanted = WantedSynchronousNumber(s.spec);
  if (recorded.asynchronous_from != 0 && runs > 0) {
    // Recorded before a reload to asynchronous replication (rollout.cc) that has not come: it
    // comes yet unless the primary already runs what the spec asks (synchronous again).
    if (s.Node(recorded.ordinal)->config_hash != ConfigHash(s.spec)) return "";
    return absl::StrCat(s.Name(recorded.ordinal), " commits with ANY ", runs,
                        " as the spec asks, but the cluster's state records it may have committed "
                        "asynchronously from ",
                        FormatLsn(recorded.asynchronous_from),
                        " on: recording from which position on it commits synchronously");
  }
  if (recorded.synchronous_number == runs && (runs == 0 || recorded.synchronous_since != 0)) {
    return "";
  }
  if (recorded.synchronous_number == runs) {
    return absl::StrCat(s.Name(recorded.ordinal), " commits with ANY ", runs,
                        " now: recording from which position on (what came before was "
                        "acknowledged without standbys)");
  }
  if (recorded.synchronous_number >= 0 &&
      FailoverStrictness(recorded.synchronous_number) > FailoverStrictness(runs) &&
      runs != wanted) {
    return "";  // a stricter setting recorded first; the reload follows
  }
  auto text = [](int k) { return k <= 0 ? std::string("asynchronous") : absl::StrCat("ANY ", k); };
  return absl::StrCat(
      s.Name(recorded.ordinal), " commits with ", text(runs), " but the cluster's state records ",
      recorded.synchronous_number < 0 ? std::string("nothing") : text(recorded.synchronous_number),
      ": recording what it runs, which a failover counts its quorum with");
}

}  // namespace

Proposal RecordPrimary(const Situation& s, int primary, bool* behind) {
  Proposal out;
  const NodeObservation& writable = *s.Node(primary);
  const RecordedPrimary& recorded = s.observed.recorded_primary;
  *behind = !s.OnNewestTimeline(writable);
  if (*behind) {
    // Its history was abandoned when another node was promoted on a newer timeline; writes it
    // takes now would be lost.
    out.Add(ActionType::kFence, primary, 0,
            absl::StrCat(writable.name, " is writable on timeline ", writable.timeline,
                         " but timeline ", s.NewestTimeline(), " is newer (",
                         recorded.ordinal != 0
                             ? absl::StrCat("recorded primary ", s.Name(recorded.ordinal))
                             : std::string("seen on another node"),
                         "): it must not be primary"))
        .fence = s.FenceMethodFor(primary);
    return out;
  }
  const RepmgrNode* record = s.observed.RepmgrRecord(primary);
  if (recorded.ordinal != primary || recorded.timeline != writable.timeline) {
    out.Add(ActionType::kRecordPrimary, primary, 0,
            absl::StrCat(s.Name(primary), " is the writable primary on timeline ",
                         writable.timeline, " but the cluster's state records ",
                         recorded.ordinal == 0 ? std::string("no primary")
                                               : absl::StrCat(s.Name(recorded.ordinal),
                                                              " on timeline ", recorded.timeline)));
  } else if (record == nullptr || record->type != "primary" || !record->active) {
    out.Add(ActionType::kRecordPrimary, primary, 0,
            absl::StrCat(s.Name(primary),
                         " is the writable primary but repmgr does not record it as the active "
                         "primary"));
  } else if (std::string why = QuorumRecordLags(s, recorded); !why.empty()) {
    out.Add(ActionType::kRecordPrimary, primary, 0, why);
  }
  return out;
}

}  // namespace radctl
