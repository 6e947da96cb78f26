// The WAL a node holds, as Postgres keeps it, for the fake world and the simulator: one stream
// of positions cut into timelines, each started by a promotion at a switch point. Two nodes
// promoted apart may both call their new timeline 2; each promotion also gets a uid of its own,
// so the model can tell two histories apart where Postgres would compare history files.
//
// A commit lives on a history when its timeline (by uid) runs on that history at least to the
// commit's end: that is the ground truth the simulator's checker judges the controller by.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "reconcilers/lsn.h"

namespace radctl::testing {

struct TimelineSpan {
  int id = 1;        // the number Postgres shows
  uint64_t uid = 0;  // which promotion made it (0: initdb's timeline 1 of this cluster)
  Lsn begin = 0;     // where it starts: the switch point from its parent
};

// A client commit, as the primary wrote it.
struct Commit {
  uint64_t id = 0;
  uint64_t uid = 0;  // the timeline it was written on
  Lsn end = 0;       // the end of its commit record
};

class WalHistory {
 public:
  WalHistory() = default;
  // A new cluster's history: timeline 1 from `start`.
  static WalHistory Initial(uint64_t uid, Lsn start);

  int timeline() const { return spans_.back().id; }
  uint64_t uid() const { return spans_.back().uid; }
  Lsn end() const { return end_; }
  const std::vector<TimelineSpan>& spans() const { return spans_; }
  bool empty() const { return spans_.empty(); }

  // `bytes` more WAL on the current timeline; returns the new end.
  Lsn Append(Lsn bytes);
  // Promotion: a new timeline `id` (uid `uid`) from the current end.
  void Branch(int id, uint64_t uid);
  // Where this history's timeline `uid` ends (the next switch point, or the end of WAL);
  // nullopt when it does not pass through that timeline.
  std::optional<Lsn> SpanEnd(uint64_t uid) const;
  bool Holds(const Commit& commit) const;
  // The same timelines, switch points and end.
  bool SameAs(const WalHistory& other) const;
  // Whether a standby holding `prefix` can stream from a node holding this: its position lies
  // on this history (it has not gone past the point where this history left its timeline).
  bool Continues(const WalHistory& prefix) const;
  // The last position both hold (the fork point of two histories).
  Lsn CommonEnd(const WalHistory& other) const;
  // This history up to `end` (what a standby has received of it).
  WalHistory Prefix(Lsn end) const;
  // pg_controldata-like text for failure messages: "tl 2 (uid 7) from 0/3000000, end 0/3000120".
  std::string ToString() const;

  // Where timeline `id` ends on this history (its switch point), nullopt for the current one or
  // one it does not pass through: what the node's timeline history file says.
  std::optional<Lsn> SwitchPoint(int id) const;

 private:
  std::vector<TimelineSpan> spans_;
  Lsn end_ = 0;
};

}  // namespace radctl::testing
