#include "reconcilers/standby_ranking.h"

#include "gtest/gtest.h"
#include "tests/unit/reconcilers/observed_state_builder.h"

namespace radctl {
namespace {

using ::radctl::testing::DemoSpec;

using ::radctl::testing::ObservedStateBuilder;
using ::radctl::testing::Snapshot;

// The ordinal MostAdvanced chooses among the reachable standbys (what every rule passes it).
std::optional<int> Best(const ObservedState& observed) {
  std::vector<const NodeObservation*> standbys;
  for (const NodeObservation& node : observed.nodes) {
    if (node.IsReachableStandby()) standbys.push_back(&node);
  }
  const NodeObservation* best = MostAdvanced(standbys);
  if (best == nullptr) return std::nullopt;
  return best->ordinal;
}

TEST(StandbyRankingTest, HighestReceivedLsnWins) {
  Snapshot observed =
      ObservedStateBuilder(DemoSpec()).Standby(2, 1, 0x100).Standby(3, 1, 0x200).Build();
  EXPECT_EQ(Best(observed), 3);
}

TEST(StandbyRankingTest, ReceivedCountsEvenIfNotReplayed) {
  Snapshot observed =
      ObservedStateBuilder(DemoSpec()).Standby(2, 1, 0x100).Standby(3, 1, 0x100).Build();
  observed.nodes[1].receive_lsn = 0x300;  // node 3 received more than it replayed
  EXPECT_EQ(Best(observed), 3);
}

TEST(StandbyRankingTest, TiesGoToLowestOrdinal) {
  Snapshot observed = ObservedStateBuilder(DemoSpec()).Standby(3, 1).Standby(2, 1).Build();
  EXPECT_EQ(Best(observed), 2);
}

TEST(StandbyRankingTest, NoStandbyNoChoice) {
  Snapshot observed =
      ObservedStateBuilder(DemoSpec()).Primary(1, 0x900).Down(2, DataDir::kStandby).Build();
  EXPECT_EQ(Best(observed), std::nullopt);
}

TEST(StandbyRankingTest, AHigherTimelineWinsOverAHigherPosition) {
  // Node 3 went on writing on an old timeline (a former primary); node 2 follows the newer one.
  Snapshot observed =
      ObservedStateBuilder(DemoSpec()).Standby(2, 0, 0x100).Standby(3, 0, 0x900).Build();
  observed.nodes[0].timeline = 3;
  observed.nodes[1].timeline = 2;
  EXPECT_EQ(Best(observed), 2);
}

TEST(TrustedRecordsTest, ThePrimarysRecordsElseTheMostAdvancedStandbys) {
  Snapshot observed = ObservedStateBuilder(DemoSpec())
                          .Primary(1, 0x900)
                          .Standby(2, 1, 0x900)
                          .Standby(3, 1, 0x100)
                          .Build();
  observed.nodes[0].repmgr_records = std::vector<RepmgrNode>{{1, "primary", true, 0}};
  observed.nodes[1].repmgr_records = std::vector<RepmgrNode>{{2, "primary", true, 0}};
  observed.nodes[2].repmgr_records = std::vector<RepmgrNode>{{3, "primary", true, 0}};
  EXPECT_EQ(TrustedRecords(observed.nodes).at(0).node_id, 1);
  observed.nodes[0].reachable = false;  // the primary is gone: node 2 has the newest copy
  EXPECT_EQ(TrustedRecords(observed.nodes).at(0).node_id, 2);
  observed.nodes[1].repmgr_records.reset();  // not readable there
  EXPECT_EQ(TrustedRecords(observed.nodes).at(0).node_id, 3);
  observed.nodes[2].reachable = false;
  EXPECT_TRUE(TrustedRecords(observed.nodes).empty());
}

}  // namespace
}  // namespace radctl
