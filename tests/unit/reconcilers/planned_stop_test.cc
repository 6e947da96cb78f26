// A container asked to stop (planned_stop.h): the answers the controller gives its entrypoint,
// the switchover away from a primary being stopped, a standby leaving the read endpoint first, a
// cluster stopped as a whole, and that the rest of the planner leaves such a node alone.
#include "reconcilers/planned_stop.h"

#include <functional>

#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reconcilers/plan.h"
#include "tests/unit/reconcilers/observed_state_builder.h"
#include "tests/unit/reconcilers/plan_summary.h"

namespace radctl {
namespace {

using ::radctl::testing::DemoSpec;
using ::radctl::testing::kNow;
using ::radctl::testing::ObservedStateBuilder;
using ::radctl::testing::Snapshot;
using ::radctl::testing::Summary;
using ::testing::HasSubstr;

// Node `ordinal`'s container was asked to stop `ago`, and the controller answered `answer`.
Snapshot Stopping(Snapshot state, int ordinal, absl::Duration ago,
                  StopAnswer answer = StopAnswer::kNone) {
  for (NodeObservation& node : state.nodes) {
    if (node.ordinal != ordinal) continue;
    node.stop_requested_at = kNow - ago;
    node.stop_answer = answer;
  }
  return state;
}

ClusterSpec ReadSpec(int nodes = 3) {
  ClusterSpec spec = DemoSpec(nodes);
  spec.bouncer.read_port = 6544;
  return spec;
}

const absl::Duration kSettled = kStopSettle + absl::Milliseconds(100);

// What PlanPlannedStops decides, in the planner tables' words, then the nodes it holds back
// from the other rules and those it takes out of the read endpoint.
std::string Decision(const PlannedStops& stops) {
  Plan plan;
  plan.actions = stops.actions;
  plan.waiting = stops.waiting;
  std::vector<std::string> leave;
  for (const auto& [ordinal, why] : stops.leave_read_endpoint) {
    leave.push_back(absl::StrCat(ordinal));
  }
  return absl::StrCat(
      Summary(plan), " | stopping ", absl::StrJoin(stops.stopping, ","),
      leave.empty() ? "" : absl::StrCat(" | leave read ", absl::StrJoin(leave, ",")),
      stops.switchover ? " | switchover" : "");
}

struct StopCase {
  std::string name;
  std::function<ClusterSpec()> spec;
  std::function<Snapshot(ObservedStateBuilder)> observed;
  std::string expected;
};

void PrintTo(const StopCase& c, std::ostream* os) { *os << c.name; }

class PlannedStopTest : public ::testing::TestWithParam<StopCase> {};

TEST_P(PlannedStopTest, DecidesTheAnswers) {
  const StopCase& c = GetParam();
  const ClusterSpec spec = c.spec();
  const Snapshot observed = c.observed(ObservedStateBuilder(spec));
  const PlannedStops stops =
      PlanPlannedStops(spec, observed, observed.memory, DesiredOrdinals(spec, observed));
  EXPECT_EQ(Decision(stops), c.expected);
  for (const Action& action : stops.actions) {
    EXPECT_FALSE(action.reason.empty()) << action.ToString("demo") << " has no reason";
  }
}

Snapshot Healthy(ObservedStateBuilder b) {
  return b.Primary(1).Standby(2, 1).Standby(3, 1, 0x4000000).BouncerTarget(1).Build();
}

const std::vector<StopCase>& Cases() {
  static const auto* kCases = new std::vector<StopCase>{
      {"NothingAskedToStop", [] { return DemoSpec(); }, Healthy, " | stopping "},
      {"APrimaryJustAskedToStopIsToldToWaitWhileTheOthersMayFollow", [] { return DemoSpec(); },
       [](ObservedStateBuilder b) { return Stopping(Healthy(b), 1, absl::Milliseconds(100)); },
       "delay-stop demo-pg-1; waiting | stopping 1"},
      {"ASettledStopOfThePrimaryIsASwitchoverToTheMostAdvancedStandby", [] { return DemoSpec(); },
       [](ObservedStateBuilder b) { return Stopping(Healthy(b), 1, kSettled, StopAnswer::kWait); },
       "switchover demo-pg-2 <- demo-pg-1, followed by demo-pg-3 [hold: PAUSE up to 3s, then close "
       "hung servers, then KILL] [if demo-pg-2 has not replayed all within 3s: demo-pg-1 started "
       "again as primary] | stopping 1 | switchover"},
      {"ASettledStopNotAnsweredYetIsAnsweredBesideTheSwitchover", [] { return DemoSpec(); },
       [](ObservedStateBuilder b) { return Stopping(Healthy(b), 1, kSettled); },
       "delay-stop demo-pg-1; switchover demo-pg-2 <- demo-pg-1, followed by demo-pg-3 [hold: "
       "PAUSE up to 3s, then close hung servers, then KILL] [if demo-pg-2 has not replayed all "
       "within 3s: demo-pg-1 started again as primary] | stopping 1 | switchover"},
      {"AStandbyBeingStoppedIsNoSwitchoverTarget", [] { return DemoSpec(); },
       [](ObservedStateBuilder b) {
         return Stopping(Stopping(Healthy(b), 1, kSettled, StopAnswer::kWait), 2,
                         absl::Milliseconds(200), StopAnswer::kWait);
       },
       // The standby serves no reads: it may stop beside the switchover.
       "allow-stop demo-pg-2; switchover demo-pg-3 <- demo-pg-1 [hold: PAUSE up to 3s, then close "
       "hung servers, then KILL] [if demo-pg-3 has not replayed all within 3s: demo-pg-1 started "
       "again as primary] | stopping 1,2 | leave read 2 | switchover"},
      {"AWholeClusterStoppedLetsThePrimaryStopFirstAndPromotesNobody", [] { return DemoSpec(); },
       [](ObservedStateBuilder b) {
         Snapshot s = Stopping(Healthy(b), 1, kSettled, StopAnswer::kWait);
         return Stopping(Stopping(s, 2, kSettled, StopAnswer::kWait), 3, kSettled);
       },
       "allow-stop demo-pg-1; delay-stop demo-pg-3; waiting | stopping 1,2,3 | leave read 2,3"},
      {"StandbysStopOnceThePrimaryOfAWholeClusterStoppedIsDown", [] { return DemoSpec(); },
       [](ObservedStateBuilder b) {
         Snapshot s = b.Down(1, DataDir::kPrimary, /*postgres_running=*/true)
                          .Standby(2, 1)
                          .Standby(3, 1)
                          .BouncerTarget(1)
                          .Build();
         s = Stopping(s, 1, absl::Seconds(1), StopAnswer::kGo);
         return Stopping(Stopping(s, 2, absl::Seconds(1), StopAnswer::kWait), 3, absl::Seconds(1),
                         StopAnswer::kWait);
       },
       "allow-stop demo-pg-2; allow-stop demo-pg-3; waiting | stopping 1,2,3 | leave read 1,2,3"},
      {"AStandbyWithoutAReadEndpointMayStopAtOnce", [] { return DemoSpec(); },
       [](ObservedStateBuilder b) { return Stopping(Healthy(b), 3, absl::Milliseconds(10)); },
       "allow-stop demo-pg-3 | stopping 3 | leave read 3"},
      {"AStandbyServingReadsLeavesTheReadEndpointFirst", [] { return ReadSpec(); },
       [](ObservedStateBuilder b) {
         return Stopping(
             b.Primary(1).Standby(2, 1).Standby(3, 1).BouncerTarget(1).ReadBouncer({2, 3}).Build(),
             3, absl::Milliseconds(10));
       },
       "delay-stop demo-pg-3; waiting | stopping 3 | leave read 3"},
      {"AStandbyOutOfTheReadEndpointMayStop", [] { return ReadSpec(); },
       [](ObservedStateBuilder b) {
         return Stopping(
             b.Primary(1).Standby(2, 1).Standby(3, 1).BouncerTarget(1).ReadBouncer({2}).Build(), 3,
             absl::Milliseconds(300), StopAnswer::kWait);
       },
       "allow-stop demo-pg-3 | stopping 3 | leave read 3"},
      {"AStoppingStandbyOutOfTheReadEndpointIsNotPutBack", [] { return ReadSpec(); },
       [](ObservedStateBuilder b) {
         return Stopping(
             b.Primary(1).Standby(2, 1).Standby(3, 1).BouncerTarget(1).ReadBouncer({2}).Build(), 3,
             absl::Milliseconds(300), StopAnswer::kGo);
       },
       "waiting | stopping 3 | leave read 3"},
      {"TheOldPrimaryAfterTheSwitchoverMayStop", [] { return DemoSpec(); },
       [](ObservedStateBuilder b) {
         Snapshot s = b.Down(1, DataDir::kPrimary)
                          .Primary(2, 0x6000000, 2)
                          .Standby(3, 2)
                          .BouncerTarget(2)
                          .Build();
         return Stopping(s, 1, absl::Seconds(1), StopAnswer::kWait);
       },
       "allow-stop demo-pg-1 | stopping 1 | leave read 1"},
      {"ANodeLetStopIsOnlyWaitedFor", [] { return DemoSpec(); },
       [](ObservedStateBuilder b) {
         return Stopping(Healthy(b), 3, absl::Seconds(1), StopAnswer::kGo);
       },
       "waiting | stopping 3 | leave read 3"},
      {"ASingleNodeStopsWithoutASwitchover", [] { return DemoSpec(1); },
       [](ObservedStateBuilder b) {
         return Stopping(b.Primary(1).BouncerTarget(1).Build(), 1, kSettled, StopAnswer::kWait);
       },
       "allow-stop demo-pg-1 | stopping 1"},
      {"WithFailoverDisabledThePrimaryStopsWithoutASwitchover",
       [] {
         ClusterSpec spec = DemoSpec();
         spec.failover.enabled = false;
         return spec;
       },
       [](ObservedStateBuilder b) { return Stopping(Healthy(b), 1, kSettled, StopAnswer::kWait); },
       "allow-stop demo-pg-1 | stopping 1"},
      {"ASwitchoverThatFailedTwiceLetsThePrimaryStop", [] { return DemoSpec(2); },
       [](ObservedStateBuilder b) {
         return Stopping(b.Primary(1)
                             .Standby(2, 1)
                             .BouncerTarget(1)
                             .Failed(2, ActionType::kSwitchover, kStopSwitchoverAttempts)
                             .Build(),
                         1, kSettled, StopAnswer::kWait);
       },
       "allow-stop demo-pg-1 | stopping 1"},
      {"AStandbyThatDoesNotStreamIsNoTarget", [] { return DemoSpec(2); },
       [](ObservedStateBuilder b) {
         return Stopping(b.Primary(1).Standby(2, 0).BouncerTarget(1).Build(), 1, kSettled,
                         StopAnswer::kWait);
       },
       "allow-stop demo-pg-1 | stopping 1"},
      {"TwoWritablePrimariesAreFencedFirst", [] { return DemoSpec(); },
       [](ObservedStateBuilder b) {
         return Stopping(b.Primary(1).Primary(2).Standby(3, 1).Build(), 1, kSettled);
       },
       " | stopping "},
  };
  return *kCases;
}

INSTANTIATE_TEST_SUITE_P(Table, PlannedStopTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<StopCase>& param) {
                           return param.param.name;
                         });

std::string ReasonOf(const std::vector<Action>& actions, ActionType type) {
  for (const Action& action : actions) {
    if (action.type == type) return action.reason;
  }
  return "(none)";
}

TEST(PlannedStopTest, TheReasonsSayWhatHappensAndWhy) {
  const ClusterSpec spec = DemoSpec();
  ObservedStateBuilder b(spec);
  Snapshot whole = Stopping(Healthy(b), 1, kSettled, StopAnswer::kWait);
  whole = Stopping(Stopping(whole, 2, kSettled), 3, kSettled);
  PlannedStops stops = PlanPlannedStops(spec, whole, whole.memory, {1, 2, 3});
  EXPECT_THAT(ReasonOf(stops.actions, ActionType::kAllowStop),
              HasSubstr("the whole cluster is): nobody is promoted"));
  ObservedStateBuilder c(spec);
  stops = PlanPlannedStops(spec, Stopping(Healthy(c), 1, kSettled), LoopMemory{}, {1, 2, 3});
  EXPECT_THAT(ReasonOf(stops.actions, ActionType::kSwitchover),
              HasSubstr("demo-pg-1's container is being stopped (SIGTERM: docker stop"));
  EXPECT_THAT(ReasonOf(stops.actions, ActionType::kSwitchover),
              HasSubstr("switching over to demo-pg-2 before its Postgres stops"));
}

TEST(PlannedStopTest, TheSettlingAsksToBeWokenWhenItEnds) {
  const ClusterSpec spec = DemoSpec();
  ObservedStateBuilder b(spec);
  PlannedStops stops = PlanPlannedStops(spec, Stopping(Healthy(b), 1, absl::Milliseconds(100)),
                                        LoopMemory{}, {1, 2, 3});
  EXPECT_EQ(stops.wake_within, kStopSettle - absl::Milliseconds(100));
}

// Through the whole planner: the switchover is all a pass does, a node being stopped is neither
// started, rejoined nor failed over from, and the read endpoint lets a stopping standby go.
struct WholePlanCase {
  std::string name;
  std::function<ClusterSpec()> spec;
  std::function<Snapshot(ObservedStateBuilder)> observed;
  std::string expected;
};

void PrintTo(const WholePlanCase& c, std::ostream* os) { *os << c.name; }

class PlannedStopPlanTest : public ::testing::TestWithParam<WholePlanCase> {};

TEST_P(PlannedStopPlanTest, PlansExpectedActions) {
  const WholePlanCase& c = GetParam();
  const ClusterSpec spec = c.spec();
  const Plan plan = ComputePlan(spec, c.observed(ObservedStateBuilder(spec)));
  EXPECT_EQ(Summary(plan), c.expected) << "full plan:\n" << plan.ToString("demo");
}

const std::vector<WholePlanCase>& WholePlanCases() {
  static const auto* kCases = new std::vector<WholePlanCase>{
      {"TheSwitchoverIsAllThePassDoes", [] { return DemoSpec(); },
       [](ObservedStateBuilder b) {
         return Stopping(b.Primary(1)
                             .Standby(2, 1)
                             .Standby(3, 0)  // would be told to follow in any other pass
                             .BouncerTarget(1)
                             .Build(),
                         1, kSettled, StopAnswer::kWait);
       },
       "switchover demo-pg-2 <- demo-pg-1 [hold: PAUSE up to 3s, then close hung servers, then "
       "KILL] [if demo-pg-2 has not replayed all within 3s: demo-pg-1 started again as primary]"},
      {"APrimaryStoppingWithoutASwitchoverIsNotStartedAgainNorFailedOverFrom",
       [] { return DemoSpec(); },
       [](ObservedStateBuilder b) {
         Snapshot s = b.Down(1, DataDir::kPrimary, /*postgres_running=*/false, absl::Seconds(5))
                          .Standby(2, 1)
                          .Standby(3, 1)
                          .BouncerTarget(1)
                          .Recorded(1)
                          .Build();
         s = Stopping(s, 1, absl::Seconds(2), StopAnswer::kGo);
         return Stopping(Stopping(s, 2, absl::Seconds(2), StopAnswer::kWait), 3, absl::Seconds(2),
                         StopAnswer::kWait);
       },
       "allow-stop demo-pg-2; allow-stop demo-pg-3; waiting"},
      {"TheOldPrimaryIsLetStopNotRejoined", [] { return DemoSpec(); },
       [](ObservedStateBuilder b) {
         Snapshot s = b.Down(1, DataDir::kPrimary)
                          .Primary(2, 0x6000000, 2)
                          .Standby(3, 2)
                          .BouncerTarget(2)
                          .Build();
         return Stopping(s, 1, absl::Seconds(1), StopAnswer::kWait);
       },
       "allow-stop demo-pg-1"},
      {"AStoppingStandbyIsTakenOutOfTheReadEndpoint", [] { return ReadSpec(); },
       [](ObservedStateBuilder b) {
         return Stopping(
             b.Primary(1).Standby(2, 1).Standby(3, 1).BouncerTarget(1).ReadBouncer({2, 3}).Build(),
             3, absl::Milliseconds(20));
       },
       "point-read-bouncer demo-bouncer-read -> demo-pg-2; delay-stop demo-pg-3; waiting"},
      {"AStoppingStandbyStreamingStillIsNotPutBackIntoTheReadEndpoint", [] { return ReadSpec(); },
       [](ObservedStateBuilder b) {
         return Stopping(
             b.Primary(1).Standby(2, 1).Standby(3, 1).BouncerTarget(1).ReadBouncer({2}).Build(), 3,
             absl::Milliseconds(300), StopAnswer::kWait);
       },
       "allow-stop demo-pg-3"},
  };
  return *kCases;
}

INSTANTIATE_TEST_SUITE_P(Table, PlannedStopPlanTest, ::testing::ValuesIn(WholePlanCases()),
                         [](const ::testing::TestParamInfo<WholePlanCase>& param) {
                           return param.param.name;
                         });

}  // namespace
}  // namespace radctl
