#include "controller/reporting/conditions.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/reconcilers/observed_state_builder.h"

namespace radctl {
namespace {

using ::radctl::testing::DemoSpec;

using ::radctl::testing::ObservedStateBuilder;
using ::radctl::testing::Snapshot;

const absl::Time kT0 = absl::FromUnixSeconds(1000);
const absl::Time kT1 = absl::FromUnixSeconds(2000);

std::string Summary(const std::vector<Condition>& conditions) {
  std::string text;
  for (const Condition& c : conditions) {
    text += c.type + "=" + (c.status ? "True" : "False") + "(" + c.reason + ") ";
  }
  return text;
}

TEST(ConditionsTest, HealthyClusterIsReadyNotDegradedConverged) {
  ClusterSpec spec = DemoSpec();
  Snapshot observed =
      ObservedStateBuilder(spec).Primary(1).Standby(2, 1).Standby(3, 1).BouncerTarget(1).Build();
  std::vector<Condition> conditions =
      ComputeConditions(spec, observed, ComputePlan(spec, observed), {}, kT0);
  EXPECT_EQ(Summary(conditions),
            "Ready=True(PrimaryReachable) Degraded=False(AllStandbysStreaming) "
            "FailingOver=False(PrimaryHealthy) Reconciling=False(Converged) ");
  for (const Condition& c : conditions) EXPECT_EQ(c.last_transition, kT0);
  // The types radctl wait accepts are those reported, in that order.
  ASSERT_EQ(conditions.size(), std::size(kConditionTypes));
  for (size_t i = 0; i < conditions.size(); ++i) EXPECT_EQ(conditions[i].type, kConditionTypes[i]);
}

TEST(ConditionsTest, ReadEndpointFallbackOnlyWithAReadPort) {
  ClusterSpec spec = DemoSpec();
  spec.bouncer.read_port = 6544;
  Snapshot fallback = ObservedStateBuilder(spec)
                          .Primary(1)
                          .Down(2, DataDir::kStandby, true)
                          .Down(3, DataDir::kStandby, true)
                          .BouncerTarget(1)
                          .ReadBouncer({1})
                          .Build();
  std::vector<Condition> conditions =
      ComputeConditions(spec, fallback, ComputePlan(spec, fallback), {}, kT0);
  const Condition* read = FindCondition(conditions, "ReadEndpointFallback");
  ASSERT_NE(read, nullptr);
  EXPECT_TRUE(read->status);
  EXPECT_EQ(read->reason, "NoEligibleStandby");
  EXPECT_EQ(read->message,
            "no standby streams within readMaxLag 16MB: the read endpoint serves the primary "
            "demo-pg-1");
  Snapshot none = ObservedStateBuilder(DemoSpec()).Primary(1).BouncerTarget(1).Build();
  EXPECT_EQ(
      FindCondition(ComputeConditions(DemoSpec(), none, ComputePlan(DemoSpec(), none), {}, kT0),
                    "ReadEndpointFallback"),
      nullptr);
}

TEST(ConditionsTest, DeadPrimaryIsNotReadyDegradedAndFailingOver) {
  ClusterSpec spec = DemoSpec();
  Snapshot observed = ObservedStateBuilder(spec)
                          .Stopped(1, 137)
                          .Record(1, "primary", true, 0)
                          .Standby(2, 1)
                          .Standby(3, 1)
                          .BouncerTarget(1)
                          .Build();
  std::vector<Condition> conditions =
      ComputeConditions(spec, observed, ComputePlan(spec, observed), {}, kT0);
  EXPECT_EQ(Summary(conditions),
            "Ready=False(NoPrimary) Degraded=True(NoPrimary) FailingOver=True(PrimaryFailed) "
            "Reconciling=True(Acting) ");
}

TEST(ConditionsTest, MissingStandbyIsDegradedButReady) {
  ClusterSpec spec = DemoSpec();
  Snapshot observed = ObservedStateBuilder(spec)
                          .Primary(1)
                          .Standby(2, 1)
                          .Down(3, DataDir::kStandby, true)
                          .BouncerTarget(1)
                          .Build();
  std::vector<Condition> conditions =
      ComputeConditions(spec, observed, ComputePlan(spec, observed), {}, kT0);
  const Condition* degraded = FindCondition(conditions, "Degraded");
  ASSERT_NE(degraded, nullptr);
  EXPECT_TRUE(degraded->status);
  EXPECT_EQ(degraded->message, "1 of 2 standbys streaming");
  EXPECT_TRUE(FindCondition(conditions, "Ready")->status);
}

TEST(ConditionsTest, TransitionTimeMovesOnlyWhenTheStatusChanges) {
  ClusterSpec spec = DemoSpec();
  Snapshot healthy =
      ObservedStateBuilder(spec).Primary(1).Standby(2, 1).Standby(3, 1).BouncerTarget(1).Build();
  std::vector<Condition> before =
      ComputeConditions(spec, healthy, ComputePlan(spec, healthy), {}, kT0);
  // Same status later: the transition time stays.
  std::vector<Condition> same =
      ComputeConditions(spec, healthy, ComputePlan(spec, healthy), before, kT1);
  EXPECT_EQ(FindCondition(same, "Ready")->last_transition, kT0);
  // The bouncer now points elsewhere: Ready flips, and only Ready's time (and Reconciling's) moves.
  Snapshot misrouted =
      ObservedStateBuilder(spec).Primary(1).Standby(2, 1).Standby(3, 1).BouncerTarget(2).Build();
  std::vector<Condition> after =
      ComputeConditions(spec, misrouted, ComputePlan(spec, misrouted), before, kT1);
  EXPECT_FALSE(FindCondition(after, "Ready")->status);
  EXPECT_EQ(FindCondition(after, "Ready")->reason, "BouncerNotOnPrimary");
  EXPECT_EQ(FindCondition(after, "Ready")->last_transition, kT1);
  EXPECT_EQ(FindCondition(after, "Degraded")->last_transition, kT0);
}

}  // namespace
}  // namespace radctl
