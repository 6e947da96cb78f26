// radctl promote's decision, as the person sees it before anything is written.
#include "reconcilers/promote_request.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/reconcilers/observed_state_builder.h"

namespace radctl {
namespace {

using ::radctl::testing::DemoSpec;
using ::radctl::testing::ObservedStateBuilder;
using ::testing::HasSubstr;

TEST(PromoteRequestTest, AClusterWithAWritablePrimaryIsPointedToSwitchover) {
  ClusterSpec spec = DemoSpec(3);
  ObservedState observed = ObservedStateBuilder(spec).Primary(1).Standby(2, 1).Build();
  PromoteAssessment assessment = AssessPromote("demo", observed, 2);
  EXPECT_TRUE(absl::IsFailedPrecondition(assessment.refused));
  EXPECT_EQ(assessment.refused.message(),
            "cluster demo has a writable primary (demo-pg-1): nothing to override; to move the "
            "primary use radctl switchover demo --to demo-pg-2");
}

TEST(PromoteRequestTest, OnlyAReachableStandbyIsPromoted) {
  ClusterSpec spec = DemoSpec(3);
  ObservedState observed =
      ObservedStateBuilder(spec).Down(1, DataDir::kPrimary).Standby(2, 1).Build();
  EXPECT_THAT(AssessPromote("demo", observed, 1).refused.message(),
              HasSubstr("refusing to promote demo-pg-1: it is"));
  EXPECT_EQ(AssessPromote("demo", observed, 5).refused.message(),
            "refusing to promote demo-pg-5: it is not a node of the cluster, not a reachable "
            "standby. Nothing was changed.");
}

TEST(PromoteRequestTest, SaysWhatUnseenNodesAndStandbysFurtherAheadMayHold) {
  ClusterSpec spec = DemoSpec(3);
  ObservedState observed = ObservedStateBuilder(spec)
                               .Down(1, DataDir::kPrimary)
                               .Standby(2, 1, 0x4000000)
                               .Standby(3, 1, 0x5000000)
                               .Build();
  PromoteAssessment assessment = AssessPromote("demo", observed, 2);
  ASSERT_TRUE(assessment.refused.ok()) << assessment.refused;
  EXPECT_EQ(assessment.may_lose,
            "demo-pg-2 is at 0/4000000 on timeline 1. Lost: commits it does not have, which "
            "demo-pg-1 (not reachable now) may hold; further ahead: demo-pg-3 at 0/5000000 on "
            "timeline 1");
}

}  // namespace
}  // namespace radctl
