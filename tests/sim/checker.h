// The invariants a simulated run must keep, judged against the world's ground truth (which
// commits were acknowledged, which nodes hold them), after every step:
//   1. durability: with synchronous replication no acknowledged commit is missing from the
//      primary the endpoint serves; an asynchronous one only when a failover's event said
//      that commits may be lost;
//   2. the endpoint never serves a node behind the recorded timeline, and never a history that
//      lacks acknowledged commits (two writable primaries reachable through it);
//   3. the read endpoint never serves a node whose history left the primary's;
//   4. no data directory is removed (a clone over it, a rewind, a volume removed) while it
//      holds an acknowledged commit no other node has, and no copy moved aside is deleted while
//      it holds any commit no other node has;
//   5. every event that claims "no acknowledged commit is lost" names a node that has them all.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "tests/fakes/fake_world.h"

namespace radctl::sim {

struct Violation {
  std::string invariant;  // a few words
  std::string detail;
};

// One event as a controller printed it (its JSON line).
struct SeenEvent {
  absl::Time at;  // simulated (monotonic) time it was seen
  std::string object;
  std::string reason;
  std::string message;
};

class Checker {
 public:
  explicit Checker(std::string cluster) : cluster_(std::move(cluster)) {}

  // What happened since the last call: new commits, acknowledgements, removals and events.
  void Learn(const testing::FakeWorld& world, const std::vector<SeenEvent>& events);
  // The invariants on the world as it is now; `recorded_timeline` from the state directory.
  std::optional<Violation> Check(const testing::WorldTruth& truth, int recorded_timeline);

  size_t commits() const { return commits_.size(); }
  size_t acknowledged() const { return acknowledged_count_; }

 private:
  struct Acked {
    testing::Commit commit;
    bool by_quorum = false;
    absl::Time at;
    // A primary holding it has since committed asynchronously (a person turned synchronous
    // replication off): from then on it is protected as an asynchronous commit is, by the
    // failover's announcement of what may be lost.
    bool synchronous_ended = false;
  };
  // Whether any node's data or kept copy in `truth` holds `commit`.
  static bool HeldAnywhere(const testing::WorldTruth& truth, const testing::Commit& commit);
  // An acknowledged asynchronous commit (or one whose synchronous protection ended) that a
  // failover's event said might be lost, or any acknowledged commit before a promotion a person
  // made accepting the loss (radctl promote --accept-data-loss).
  bool LossAnnounced(const Acked& acked) const;
  // Marks the quorum-acknowledged commits an asynchronous primary holds (synchronous_ended).
  void NoteAsynchronousPrimaries(const testing::WorldTruth& truth);
  std::optional<Violation> CheckServed(const testing::WorldTruth& truth, int recorded_timeline);
  std::optional<Violation> CheckReadEndpoint(const testing::WorldTruth& truth);
  std::optional<Violation> CheckRemovals(const testing::WorldTruth& truth);
  std::optional<Violation> CheckClaims(const testing::WorldTruth& truth);

  const std::string cluster_;
  std::vector<testing::Commit> commits_;
  std::vector<Acked> acked_;  // acknowledged commits, in their order
  size_t acknowledged_count_ = 0;
  // The furthest position acknowledged on each timeline (by uid): a history that holds it holds
  // every commit acknowledged on that timeline before.
  std::map<uint64_t, Lsn> quorum_end_;
  std::map<uint64_t, Lsn> async_end_;
  std::vector<testing::DataCopy> removed_;  // not checked yet
  size_t removed_seen_ = 0;
  std::vector<SeenEvent> claims_;           // not checked yet
  std::vector<absl::Time> loss_announced_;  // failovers that said commits may be lost
  std::vector<SeenEvent> announcements_;    // those failovers, not looked at yet
  // Acknowledged commits whose synchronous protection had ended and which a failover that
  // announced losses left behind: lost there, with that announcement.
  std::set<uint64_t> lost_as_announced_;
  std::vector<absl::Time> loss_accepted_;  // promotions a person asked for, accepting loss
};

}  // namespace radctl::sim
