#include "reconcilers/standby_ranking.h"

#include "gtest/gtest.h"
#include "tests/unit/reconcilers/observed_state_builder.h"

namespace radctl {
namespace {

using ::radctl::testing::DemoSpec;

using ::radctl::testing::ObservedStateBuilder;


TEST(StandbyRankingTest, HighestReceivedLsnWins) {
  ObservedState observed =
      ObservedStateBuilder(DemoSpec()).Standby(2, 1, 0x100).Standby(3, 1, 0x200).Build();
  EXPECT_EQ(MostAdvancedStandby(observed, 9), 3);
}

TEST(StandbyRankingTest, ReceivedCountsEvenIfNotReplayed) {
  ObservedState observed = ObservedStateBuilder(DemoSpec()).Standby(2, 1, 0x100).Standby(3, 1, 0x100).Build();
  observed.nodes[1].receive_lsn = 0x300;  // node 3 received more than it replayed
  EXPECT_EQ(MostAdvancedStandby(observed, 9), 3);
}

TEST(StandbyRankingTest, TiesGoToLowestOrdinal) {
  ObservedState observed = ObservedStateBuilder(DemoSpec()).Standby(3, 1).Standby(2, 1).Build();
  EXPECT_EQ(MostAdvancedStandby(observed, 9), 2);
}

TEST(StandbyRankingTest, UnreachableAndPrimariesAreNotCandidates) {
  ObservedState observed = ObservedStateBuilder(DemoSpec())
                               .Primary(1, 0x900)
                               .Down(2, DataDir::kStandby)
                               .Build();
  EXPECT_EQ(MostAdvancedStandby(observed, 9), std::nullopt);
}

TEST(StandbyRankingTest, OrdinalsAboveTheLimitAreIgnored) {
  ObservedState observed = ObservedStateBuilder(DemoSpec()).Standby(2, 1, 0x100).Standby(4, 1, 0x900).Build();
  EXPECT_EQ(MostAdvancedStandby(observed, 3), 2);
}

}  // namespace
}  // namespace radctl
