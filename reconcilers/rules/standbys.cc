// Rule 7: every desired node other than the primary streams from it — an empty one is cloned, a
// stopped standby started, one streaming from elsewhere repointed, a returning former primary
// rewound (safety rule 5: rejoin, else rebuild, and keep what is replaced).
#include "absl/strings/str_cat.h"
#include "reconcilers/rules/rules.h"

namespace radctl {
namespace {

// A rejoin whose pg_rewind failed this often (not a connection or timeout) is given up for a
// rebuild; the old data directory is kept aside.
constexpr int kRewindAttempts = 2;
// A standby that fails to start this often is rebuilt from the primary.
constexpr int kStartStandbyAttempts = 2;
// A standby that fails to follow the primary this often in a row is rebuilt: one failure is
// too often a passing one (its WAL receiver still attached to a primary cut off from the
// network, until wal_receiver_timeout) to give its data up for.
constexpr int kFollowAttempts = 3;

void PlanStandby(const Situation& s, Proposal& out, const NodeObservation& node, int primary) {
  const std::string primary_name = s.Name(primary);
  const LoopMemory& memory = s.memory;
  // A rebuild clones the node again; its old data directory is moved aside, not deleted (safety
  // rule 5), and a node already keeping spec.replication.maxMovedAside copies waits for a person
  // to look at them and remove one: deleting the oldest could lose the only copy of commits.
  auto rebuild = [&](const std::string& why) {
    const int limit = s.spec.replication.max_moved_aside;
    if (node.moved_aside.size() >= static_cast<size_t>(limit)) {
      out.Wait(absl::StrCat(
          node.name, " needs a rebuild (", why, ") but already keeps ", node.moved_aside.size(),
          " moved-aside data directories (spec.replication.maxMovedAside: ", limit,
          "); see them with `radctl aside ", s.spec.name, "` and remove one with `radctl aside ",
          s.spec.name, " ", node.ordinal, " --remove ", node.moved_aside.front(), "`"));
      return;
    }
    AddUnlessBackingOff(s, out, ActionType::kRebuild, node.ordinal, primary,
                        absl::StrCat(why, "; cloning it again from ", primary_name,
                                     " (the old data directory is kept aside)"));
  };
  const bool streaming = node.IsStreamingFrom(primary_name);
  for (const ReplicationSlot& slot : s.observed.slots) {
    if (!streaming && slot.lost && slot.name == absl::StrCat("repmgr_slot_", node.ordinal) &&
        node.data_dir != DataDir::kEmpty) {
      rebuild(absl::StrCat("it fell more than spec.replication.maxSlotWalKeepSize (",
                           s.spec.replication.max_slot_wal_keep_size, ") behind: ", primary_name,
                           " no longer has the WAL it needs"));
      return;
    }
  }
  if (node.reachable) {
    const std::string& upstream = node.wal_receiver.sender_host;
    // "waiting": the receiver reached the end of its timeline on the upstream and cannot go on
    // (a history that diverged from the primary's); anything else is attached.
    bool stuck = node.wal_receiver.status == "waiting";
    if (upstream == primary_name && !stuck) return;
    if (memory.Failed(node.ordinal, ActionType::kFollow) >= kFollowAttempts) {
      rebuild(absl::StrCat("it failed to follow ", primary_name, " ",
                           memory.Failed(node.ordinal, ActionType::kFollow), " times in a row (",
                           memory.Failures(node.ordinal, ActionType::kFollow)->message, ")"));
    } else {
      AddUnlessBackingOff(
          s, out, ActionType::kFollow, node.ordinal, primary,
          upstream.empty() ? absl::StrCat("standby has no WAL receiver; primary is ", primary_name)
          : stuck ? absl::StrCat("standby's WAL receiver is stuck at the end of its timeline on ",
                                 upstream)
                  : absl::StrCat("standby streams from ", upstream, "; primary is ", primary_name));
    }
    return;
  }
  switch (node.data_dir) {
    case DataDir::kEmpty:
      AddUnlessBackingOff(s, out, ActionType::kCloneStandby, node.ordinal, primary,
                          absl::StrCat("data directory is empty; cloning from ", primary_name));
      return;
    case DataDir::kStandby:
      if (node.postgres_running) {
        out.Wait(absl::StrCat(node.name, ": Postgres is starting"));
      } else if (memory.FailedHard(node.ordinal, ActionType::kStartStandby) >=
                 kStartStandbyAttempts) {
        rebuild("standby failed to start repeatedly");
      } else {
        AddUnlessBackingOff(s, out, ActionType::kStartStandby, node.ordinal, 0,
                            "standby's Postgres is not running");
      }
      return;
    case DataDir::kPrimary:
      if (node.postgres_running) {
        out.Add(ActionType::kFence, node.ordinal, 0,
                absl::StrCat("former primary is running while ", primary_name, " is the primary"))
            .fence = s.FenceMethodFor(node.ordinal);
      } else if (memory.FailedHard(node.ordinal, ActionType::kRejoin) >= kRewindAttempts) {
        rebuild(absl::StrCat("rejoin with pg_rewind failed ",
                             memory.FailedHard(node.ordinal, ActionType::kRejoin), " times (",
                             memory.Failures(node.ordinal, ActionType::kRejoin)->message, ")"));
      } else {
        // Transient failures (no connection, a timeout) are retried with backoff, for as long
        // as it takes: a rejoin keeps the node's data, a rebuild copies everything again.
        AddUnlessBackingOff(s, out, ActionType::kRejoin, node.ordinal, primary,
                            absl::StrCat("former primary returned; rejoining it as a standby of ",
                                         primary_name, " with pg_rewind"));
      }
      return;
    case DataDir::kUnknown:
      out.Wait(absl::StrCat(node.name, ": Postgres does not answer (", node.probe_error,
                            ") and its data directory cannot be read (", node.facts_error, ")"));
      return;
  }
}

}  // namespace

Proposal StandbysFollow(const Situation& s, const Proposal& earlier, int primary) {
  Proposal out;
  for (const NodeObservation& node : s.observed.nodes) {
    if (node.ordinal == primary || !s.Desired(node.ordinal) || s.Busy(node.ordinal, earlier, out) ||
        node.container != ContainerState::kRunning) {
      continue;  // not desired: scale.cc; not running: containers.cc starts it first
    }
    PlanStandby(s, out, node, primary);
  }
  return out;
}

// Standbys can run without a primary; starting them early shortens the way back (whole-cluster
// restart) and makes them candidates for promotion.
Proposal StartStoppedStandbys(const Situation& s, const Proposal& earlier) {
  Proposal out;
  for (const NodeObservation& node : s.observed.nodes) {
    if (s.Busy(node.ordinal, earlier, out) || node.container != ContainerState::kRunning) continue;
    if (!node.reachable && node.data_dir == DataDir::kStandby && !node.postgres_running) {
      out.Add(ActionType::kStartStandby, node.ordinal, 0, "standby's Postgres is not running");
    }
  }
  return out;
}

}  // namespace radctl
