// `docker stop` as the image answers it, end to end on a FakeWorld: the entrypoint keeps
// Postgres running until the controller answers (reconcilers/planned_stop.h). What a user
// checks: who is primary afterwards, whether anything failed over, and that the node stopped
// only once the controller let it.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/loop/controller_harness.h"

namespace radctl {
namespace {

using ::radctl::testing::ControllerHarness;
using ::radctl::testing::FakeData;
using ::testing::AnyOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(PlannedStopLoopTest, AStoppedPrimaryIsSwitchedOverFromBeforeItsPostgresStops) {
  ControllerHarness h;
  ASSERT_TRUE(h.BringUp().ok()) << h.log();
  h.world().Write(1, 0x1000);
  h.world().RequestStop(1);
  ASSERT_TRUE(h.Converge().ok()) << h.log();
  std::vector<int> primaries = h.world().Primaries();
  ASSERT_EQ(primaries.size(), 1u) << h.log();
  EXPECT_THAT(primaries[0], AnyOf(2, 3));
  EXPECT_EQ(h.world().Bouncer().target, h.world().NodeName(primaries[0]));
  EXPECT_FALSE(h.world().Bouncer().paused);
  EXPECT_THAT(h.log(), HasSubstr("demo-pg-1's container is being stopped"));
  EXPECT_THAT(h.log(), HasSubstr("before its Postgres stops (clients are held, not refused)"));
  EXPECT_THAT(h.log(), Not(HasSubstr("Failover")));
  EXPECT_THAT(h.world().Steps(), Contains("answer-stop demo-pg-1"));
  // Started again by the controller (it is desired), the old primary follows the new one.
  EXPECT_EQ(h.world().Node(1).data, FakeData::kStandby);
  EXPECT_EQ(h.world().Node(1).upstream, h.world().NodeName(primaries[0]));
}

TEST(PlannedStopLoopTest, AClusterStoppedAsAWholeComesBackWithTheSamePrimary) {
  ControllerHarness h;
  ASSERT_TRUE(h.BringUp().ok()) << h.log();
  h.world().Write(1, 0x1000);
  for (int ordinal : {1, 2, 3}) h.world().RequestStop(ordinal);
  ASSERT_TRUE(h.Converge().ok()) << h.log();
  EXPECT_THAT(h.world().Primaries(), ElementsAre(1));
  EXPECT_EQ(h.world().Bouncer().target, "demo-pg-1");
  EXPECT_THAT(h.log(), HasSubstr("every other node is being stopped too"));
  EXPECT_THAT(h.log(), Not(HasSubstr("Failover")));
  EXPECT_THAT(h.log(), Not(HasSubstr("Switchover")));
  for (int ordinal : {2, 3}) {
    EXPECT_EQ(h.world().Node(ordinal).data, FakeData::kStandby) << ordinal;
    EXPECT_EQ(h.world().Node(ordinal).lsn(), h.world().Node(1).lsn()) << ordinal;
  }
}

TEST(PlannedStopLoopTest, WithoutAControllerTheNodeStopsAfterTheEntrypointsGrace) {
  ControllerHarness h;
  ASSERT_TRUE(h.BringUp().ok()) << h.log();
  h.world().RequestStop(2);
  h.world().clock().Advance(absl::Seconds(2));
  h.world().Advance();
  EXPECT_EQ(h.world().Node(2).state, "running") << "the entrypoint waits for an answer";
  h.world().clock().Advance(absl::Seconds(2));
  h.world().Advance();
  EXPECT_EQ(h.world().Node(2).state, "exited");
  EXPECT_EQ(h.world().Node(2).exit_code, 0);
}

}  // namespace
}  // namespace radctl
