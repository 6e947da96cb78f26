// Planner tables: (desired spec, observed state) -> the actions it must plan. Each row names the
// situation; the expected text lists the actions (without reasons) sorted by node, then
// "waiting" when it must wait. Reasons are checked separately where their content matters.
#include "reconcilers/plan.h"

#include <functional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reconcilers/quorum.h"
#include "reconcilers/spec_hash.h"
#include "tests/unit/reconcilers/observed_state_builder.h"
#include "tests/unit/reconcilers/plan_summary.h"

namespace radctl {
namespace {

using ::radctl::testing::DemoSpec;

using ::radctl::testing::ObservedStateBuilder;
using ::radctl::testing::Snapshot;
using ::testing::HasSubstr;
using ::testing::Not;

using ::radctl::testing::Summary;

const Action* Find(const Plan& plan, ActionType type) {
  for (const Action& action : plan.actions) {
    if (action.type == type) return &action;
  }
  return nullptr;
}

struct PlanCase {
  std::string name;
  int nodes;
  std::function<Snapshot(ObservedStateBuilder)> observed;
  std::string expected;
};

void PrintTo(const PlanCase& c, std::ostream* os) { *os << c.name; }

std::string CaseName(const ::testing::TestParamInfo<PlanCase>& param_info) {
  return param_info.param.name;
}

class PlanTableTest : public ::testing::TestWithParam<PlanCase> {};

TEST_P(PlanTableTest, PlansExpectedActions) {
  const PlanCase& c = GetParam();
  ClusterSpec spec = DemoSpec(c.nodes);
  Plan plan = ComputePlan(spec, c.observed(ObservedStateBuilder(spec)));
  EXPECT_EQ(Summary(plan), c.expected) << "full plan:\n" << plan.ToString("demo");
  for (const Action& action : plan.actions) {
    EXPECT_FALSE(action.reason.empty()) << action.ToString("demo") << " has no reason";
  }
}

const PlanCase kBootstrapCases[] = {
    {"NothingExistsCreatesNetworkFirst", 3,
     [](ObservedStateBuilder b) { return b.NoNetwork().NoBouncer().Build(); },
     "create-network demo-net"},
    {"NothingButTheNetworkCreatesAndInitialisesNodeOneBesideTheBouncerOnly", 3,
     [](ObservedStateBuilder b) { return b.NoBouncer().Build(); },
     "create-bouncer demo-bouncer; create-primary demo-pg-1"},
    {"ANewPrimaryIsRoutedToWhileTheOtherNodesAreMade", 3,
     [](ObservedStateBuilder b) { return b.Primary(1).Build(); },
     "point-bouncer demo-bouncer -> demo-pg-1 [hold: PAUSE up to 3s, then close hung servers, then "
     "KILL]; create-node demo-pg-2; create-node demo-pg-3"},
    {"AVolumeOfAnyNodeMeansLookingBeforeInitialising", 3,
     [](ObservedStateBuilder b) { return b.NoBouncer().Missing(3, true).Build(); },
     "create-bouncer demo-bouncer; create-node demo-pg-1; create-node demo-pg-2; "
     "create-node demo-pg-3; waiting"},
    {"ARecordedPrimaryMeansNoNewClusterEvenWithNothingLeft", 3,
     [](ObservedStateBuilder b) { return b.NoBouncer().Recorded(1, 2).Build(); },
     "create-bouncer demo-bouncer; create-node demo-pg-1; create-node demo-pg-2; "
     "create-node demo-pg-3; waiting"},
    {"AllEmptyInitialisesNodeOne", 3,
     [](ObservedStateBuilder b) { return b.EmptyNode(1).EmptyNode(2).EmptyNode(3).Build(); },
     "init-primary demo-pg-1"},
    {"NodeOneRunningOthersStillMissing", 3,
     [](ObservedStateBuilder b) { return b.EmptyNode(1).Build(); },
     "init-primary demo-pg-1; create-node demo-pg-2; create-node demo-pg-3"},
    {"UnknownDataBlocksInit", 3,
     [](ObservedStateBuilder b) { return b.EmptyNode(1).EmptyNode(2).Missing(3, true).Build(); },
     "create-node demo-pg-3; waiting"},
    {"PrimaryUpPointsBouncerAndClonesInParallel", 3,
     [](ObservedStateBuilder b) { return b.Primary(1).EmptyNode(2).EmptyNode(3).Build(); },
     "point-bouncer demo-bouncer -> demo-pg-1 [hold: PAUSE up to 3s, then close hung servers, then "
     "KILL]; clone-standby demo-pg-2 <- demo-pg-1; "
     "clone-standby demo-pg-3 <- demo-pg-1"},
    {"Converged", 3,
     [](ObservedStateBuilder b) {
       return b.Primary(1).Standby(2, 1).Standby(3, 1).BouncerTarget(1).Build();
     },
     ""},
    {"SingleNodeConverged", 1,
     [](ObservedStateBuilder b) { return b.Primary(1).BouncerTarget(1).Build(); }, ""},
    {"StandbyContainerRemovedByHandIsRecreated", 3,
     [](ObservedStateBuilder b) {
       return b.Primary(1).Standby(2, 1).Missing(3, true).BouncerTarget(1).Build();
     },
     "create-node demo-pg-3"},
    {"StandbyNeverClonedIsCloned", 3,
     [](ObservedStateBuilder b) {
       return b.Primary(1).Standby(2, 1).EmptyNode(3).BouncerTarget(1).Build();
     },
     "clone-standby demo-pg-3 <- demo-pg-1"},
    {"BouncerMissingIsCreated", 3,
     [](ObservedStateBuilder b) {
       return b.Primary(1).Standby(2, 1).Standby(3, 1).NoBouncer().Build();
     },
     "create-bouncer demo-bouncer"},
    {"BouncerFromOldSpecIsRemovedFirst", 3,
     [](ObservedStateBuilder b) {
       return b.Primary(1).Standby(2, 1).Standby(3, 1).BouncerTarget(1).BouncerHash("old").Build();
     },
     "remove-bouncer demo-bouncer"},
    // Made by the release of 2026-11-30 (no login hold): kept, with its clients.
    {"BouncerOfAnOlderRadctlGetsTheLoginHoldAddedNotRecreated", 3,
     [](ObservedStateBuilder b) {
       return b.Primary(1)
           .Standby(2, 1)
           .Standby(3, 1)
           .BouncerTarget(1)
           .BouncerHash(BouncerSpecHashWithoutLoginHold(DemoSpec(3)))
           .Build();
     },
     "add-login-hold demo-bouncer"},
    {"BouncerOfAnOlderRadctlIsPointedAtANewPrimaryAtOnce", 3,
     [](ObservedStateBuilder b) {
       return b.Primary(1)
           .Standby(2, 1)
           .Standby(3, 1)
           .BouncerTarget(2)
           .BouncerHash(BouncerSpecHashWithoutLoginHold(DemoSpec(3)))
           .Build();
     },
     "add-login-hold demo-bouncer; point-bouncer demo-bouncer -> demo-pg-1 [hold: PAUSE up to 3s, "
     "then close hung servers, then KILL]"},
    {"PausedBouncerIsResumed", 3,
     [](ObservedStateBuilder b) {
       return b.Primary(1).Standby(2, 1).Standby(3, 1).BouncerTarget(1).BouncerPaused().Build();
     },
     "point-bouncer demo-bouncer -> demo-pg-1 [hold: PAUSE up to 3s, then close hung servers, then "
     "KILL]"},
    {"StoppedStandbyContainerIsStarted", 3,
     [](ObservedStateBuilder b) {
       return b.Primary(1).Standby(2, 1).Stopped(3, 0).BouncerTarget(1).Build();
     },
     "start-container demo-pg-3"},
    {"StandbyWithPostgresDownIsStarted", 3,
     [](ObservedStateBuilder b) {
       return b.Primary(1).Standby(2, 1).Down(3, DataDir::kStandby).BouncerTarget(1).Build();
     },
     "start-standby demo-pg-3"},
    {"StandbyStartingIsWaitedFor", 3,
     [](ObservedStateBuilder b) {
       return b.Primary(1).Standby(2, 1).Down(3, DataDir::kStandby, true).BouncerTarget(1).Build();
     },
     "waiting"},
    {"StandbyFailingToStartIsRebuilt", 3,
     [](ObservedStateBuilder b) {
       return b.Primary(1)
           .Standby(2, 1)
           .Down(3, DataDir::kStandby)
           .Failed(3, ActionType::kStartStandby, 2)
           .BouncerTarget(1)
           .Build();
     },
     "rebuild demo-pg-3 <- demo-pg-1"},
    {"UnreadableDataDirectoryIsWaitedFor", 3,
     [](ObservedStateBuilder b) {
       return b.Primary(1).Standby(2, 1).Down(3, DataDir::kUnknown).BouncerTarget(1).Build();
     },
     "waiting"},
};
INSTANTIATE_TEST_SUITE_P(Bootstrap, PlanTableTest, ::testing::ValuesIn(kBootstrapCases), CaseName);

const PlanCase kFailoverCases[] = {
    {"PrimaryContainerKilledPromotesMostAdvanced", 3,
     [](ObservedStateBuilder b) {
       return b.Stopped(1, 137)
           .Record(1, "primary", true, 0)
           .Standby(2, 1, 0x5000100)
           .Standby(3, 1, 0x5000200)
           .BouncerTarget(1)
           .Build();
     },
     "failover demo-pg-3 <- demo-pg-1, followed by demo-pg-2 [hold: PAUSE up to 200ms, then close "
     "hung servers, then KILL; best effort]"},
    {"EqualLsnPromotesLowestOrdinal", 3,
     [](ObservedStateBuilder b) {
       return b.Stopped(1, 137)
           .Record(1, "primary", true, 0)
           .Standby(2, 1)
           .Standby(3, 1)
           .BouncerTarget(1)
           .Build();
     },
     "failover demo-pg-2 <- demo-pg-1, followed by demo-pg-3 [hold: PAUSE up to 200ms, then close "
     "hung servers, then KILL; best effort]"},
    {"PrimaryContainerRemovedPromotes", 3,
     [](ObservedStateBuilder b) {
       return b.Missing(1, true)
           .Record(1, "primary", true, 0)
           .Standby(2, 1)
           .Standby(3, 1)
           .BouncerTarget(1)
           .Build();
     },
     "failover demo-pg-2 <- demo-pg-1, followed by demo-pg-3 [hold: PAUSE up to 200ms, then close "
     "hung servers, then KILL; best effort]"},
    // The other standbys on its timeline follow the promoted node from before its promotion
    // (their WAL receivers are attached when it takes commits); one being scaled away does not.
    {"ANodeBeingScaledAwayDoesNotFollowThePromotedNode", 2,
     [](ObservedStateBuilder b) {
       return b.Stopped(1, 137)
           .Record(1, "primary", true, 0)
           .Standby(2, 1, 0x5000200)
           .Standby(3, 1, 0x5000100)
           .BouncerTarget(1)
           .Build();
     },
     "failover demo-pg-2 <- demo-pg-1 [hold: PAUSE up to 200ms, then close hung servers, then "
     "KILL; best effort]"},
    // One behind the newest timeline cannot stream from it: it is rejoined or rebuilt later.
    {"AStandbyBehindTheNewestTimelineDoesNotFollowThePromotedNode", 4,
     [](ObservedStateBuilder b) {
       return b.Stopped(1, 137)
           .Recorded(1, 2)
           .Record(1, "primary", true, 0)
           .Standby(2, 1, 0x5000200)
           .Timeline(2, 2)
           .Standby(3, 1, 0x5000100)
           .Timeline(3, 2)
           .Standby(4, 1, 0x5000300)
           .BouncerTarget(1)
           .Build();
     },
     "failover demo-pg-2 <- demo-pg-1, followed by demo-pg-3 [hold: PAUSE up to 200ms, then close "
     "hung servers, then KILL; best effort]"},
    {"PrimaryStoppedCleanlyIsRestartedInPlace", 3,
     [](ObservedStateBuilder b) {
       return b.Stopped(1, 0)
           .Record(1, "primary", true, 0)
           .Standby(2, 1)
           .Standby(3, 1)
           .BouncerTarget(1)
           .Build();
     },
     "start-container demo-pg-1"},
    {"FencedRegisteredPrimaryStartsInPlace", 3,
     [](ObservedStateBuilder b) {
       return b.Down(1, DataDir::kPrimary)
           .Record(1, "primary", true, 0)
           .Standby(2, 1)
           .Standby(3, 1)
           .BouncerTarget(1)
           .Build();
     },
     "start-primary demo-pg-1"},
    // A node answered this controller on a newer timeline (a promotion whose record failed, now
    // out of sight): the recorded primary is not restarted behind it; once detected, a failover
    // decides (simulator seed 54266).
    {"AFencedPrimaryIsNotRestartedBehindANewerTimelineSeenEarlier", 3,
     [](ObservedStateBuilder b) {
       Snapshot state = b.Down(1, DataDir::kPrimary)
                            .Recorded(1)
                            .Record(1, "primary", true, 0)
                            .Standby(2, 1)
                            .Standby(3, 1)
                            .BouncerTarget(1)
                            .Build();
       state.memory.highest_timeline = 2;
       return state;
     },
     "failover demo-pg-2 <- demo-pg-1, followed by demo-pg-3 [hold: PAUSE up to 200ms, then close "
     "hung servers, then KILL; best effort]; waiting"},
    // A desired node that cannot be looked at may be the one promoted: the recorded primary
    // is not restarted in place while it is unseen; a node being scaled away does not count
    // (simulator seed 97).
    {"AFencedPrimaryIsNotRestartedWhileADesiredNodeIsOutOfSight", 3,
     [](ObservedStateBuilder b) {
       return b.Down(1, DataDir::kPrimary)
           .Recorded(1)
           .Record(1, "primary", true, 0)
           .Standby(2, 1)
           .Down(3, DataDir::kUnknown)
           .BouncerTarget(1)
           .Build();
     },
     "failover demo-pg-2 <- demo-pg-1 [hold: PAUSE up to 200ms, then close hung servers, then "
     "KILL; best effort]; waiting"},
    // The node promoted on the newer timeline is being scaled away and its container stopped:
    // nothing else would start it, so it is started to be looked at (simulator seeds 401231,
    // 706048 waited forever).
    {"AScaledAwayNodeThatMayHoldTheNewerTimelineIsStartedToBeLookedAt", 1,
     [](ObservedStateBuilder b) {
       Snapshot state = b.Down(1, DataDir::kPrimary)
                            .Recorded(1)
                            .Record(1, "primary", true, 0)
                            .Stopped(2, 0)
                            .BouncerTarget(1)
                            .Build();
       state.memory.highest_timeline = 2;
       return state;
     },
     "start-container demo-pg-2; waiting"},
    // The promotion whose record failed is the newest history: started again, not replaced.
    {"AnUnrecordedPromotionWhosePostgresStoppedIsStartedAgain", 3,
     [](ObservedStateBuilder b) {
       return b.Down(1, DataDir::kPrimary)
           .Recorded(1)
           .Record(1, "primary", true, 0)
           .Down(2, DataDir::kPrimary)
           .Timeline(2, 2)
           .Standby(3, 1)
           .BouncerTarget(1)
           .Build();
     },
     "start-primary demo-pg-2"},
    {"WholeClusterRestartStartsPrimaryAndStandbys", 3,
     [](ObservedStateBuilder b) {
       return b.Down(1, DataDir::kPrimary)
           .Down(2, DataDir::kStandby)
           .Down(3, DataDir::kStandby)
           .Record(1, "primary", true, 0)
           .BouncerTarget(1)
           .Build();
     },
     "start-primary demo-pg-1; start-standby demo-pg-2; start-standby demo-pg-3"},
    {"PrimaryFailingToStartFailsOver", 3,
     [](ObservedStateBuilder b) {
       return b.Down(1, DataDir::kPrimary)
           .Failed(1, ActionType::kStartPrimary, 2)
           .Record(1, "primary", true, 0)
           .Standby(2, 1)
           .Standby(3, 1)
           .BouncerTarget(1)
           .Build();
     },
     "failover demo-pg-2 <- demo-pg-1, followed by demo-pg-3 [hold: PAUSE up to 200ms, then close "
     "hung servers, then KILL; best effort]"},
    {"HungPrimaryWithinDetectionWaits", 3,
     [](ObservedStateBuilder b) {
       return b.Down(1, DataDir::kPrimary, true, absl::Milliseconds(300))
           .Record(1, "primary", true, 0)
           .Standby(2, 1)
           .Standby(3, 1)
           .BouncerTarget(1)
           .Build();
     },
     "waiting"},
    {"HungPrimaryPastDetectionIsFencedFirst", 3,
     [](ObservedStateBuilder b) {
       return b.Down(1, DataDir::kPrimary, true, absl::Milliseconds(1500))
           .Record(1, "primary", true, 0)
           .Standby(2, 1)
           .Standby(3, 1)
           .BouncerTarget(1)
           .Build();
     },
     "hold-clients demo-bouncer for demo-pg-1 [hold: PAUSE up to 1s, then close hung servers, then "
     "KILL; best effort]; fence demo-pg-1"},
    {"HungPrimaryIsNotFencedWhenNoStandbyCouldTakeOver", 3,
     [](ObservedStateBuilder b) {
       // A new cluster whose standbys are still being cloned: fencing would leave nobody.
       Snapshot s = b.Down(1, DataDir::kPrimary, true, absl::Milliseconds(1500))
                        .Record(1, "primary", true, 0)
                        .EmptyNode(2)
                        .EmptyNode(3)
                        .BouncerTarget(1)
                        .Build();
       s.memory.nodes[2].busy_with = "clone-standby";
       return s;
     },
     "waiting"},
    {"FencedHungPrimaryFailsOverOnPositionsReadAfterTheFence", 3,
     [](ObservedStateBuilder b) {
       return b.Down(1, DataDir::kPrimary, false, absl::Milliseconds(1500))
           .Failed(1, ActionType::kStartPrimary, 2)
           .Record(1, "primary", true, 0)
           .Standby(2, 1)
           .Standby(3, 1)
           .BouncerTarget(1)
           .Build();
     },
     "failover demo-pg-2 <- demo-pg-1, followed by demo-pg-3 [hold: PAUSE up to 200ms, then close "
     "hung servers, then KILL; best effort]"},
    {"PrimaryFencedBecauseItHungIsFailedOverNotRestarted", 3,
     [](ObservedStateBuilder b) {
       Snapshot s = b.Down(1, DataDir::kPrimary, false, absl::Seconds(2))
                        .Record(1, "primary", true, 0)
                        .Standby(2, 1)
                        .Standby(3, 1)
                        .BouncerTarget(1)
                        .Build();
       s.memory.nodes[1].fenced = true;
       return s;
     },
     "failover demo-pg-2 <- demo-pg-1, followed by demo-pg-3 [hold: PAUSE up to 200ms, then close "
     "hung servers, then KILL; best effort]"},
    {"PausedPrimaryIsFencedFirst", 3,
     [](ObservedStateBuilder b) {
       Snapshot s = b.Down(1, DataDir::kUnknown, false, absl::Seconds(2))
                        .Record(1, "primary", true, 0)
                        .Standby(2, 1)
                        .Standby(3, 1)
                        .BouncerTarget(1)
                        .Build();
       s.nodes[0].paused = true;
       return s;
     },
     "hold-clients demo-bouncer for demo-pg-1 [hold: PAUSE up to 1s, then close hung servers, then "
     "KILL; best effort]; fence demo-pg-1"},
    {"DeadPrimaryWithoutStandbyIsRestartedWithClientsHeld", 1,
     [](ObservedStateBuilder b) {
       return b.Stopped(1, 137).Record(1, "primary", true, 0).BouncerTarget(1).Build();
     },
     "hold-clients demo-bouncer for demo-pg-1 [hold: PAUSE up to 200ms, then close hung servers, "
     "then KILL; best effort]; start-container demo-pg-1; waiting"},
    {"PrimaryRefusingConnectionsHasClientsHeldAtOnce", 3,
     [](ObservedStateBuilder b) {
       Snapshot s = b.Down(1, DataDir::kUnknown, false, absl::Milliseconds(100))
                        .Record(1, "primary", true, 0)
                        .Standby(2, 1)
                        .Standby(3, 1)
                        .BouncerTarget(1)
                        .Build();
       s.nodes[0].probe_refused = true;  // nothing listens: it is down, not slow
       return s;
     },
     "hold-clients demo-bouncer for demo-pg-1 [hold: PAUSE up to 200ms, then close hung servers, "
     "then KILL; best effort]; waiting"},
    {"AHeldBouncerIsNotHeldAgain", 3,
     [](ObservedStateBuilder b) {
       Snapshot s = b.Down(1, DataDir::kUnknown, false, absl::Milliseconds(100))
                        .Record(1, "primary", true, 0)
                        .Standby(2, 1)
                        .Standby(3, 1)
                        .BouncerTarget(1)
                        .BouncerPaused()
                        .Build();
       s.nodes[0].probe_refused = true;
       return s;
     },
     "waiting"},
    {"AfterPromotionBouncerAndFollowersCatchUp", 3,
     [](ObservedStateBuilder b) {
       return b.Stopped(1, 137)
           .Record(1, "primary", false, 0)
           .Primary(2, 0x6000000, 2)
           .Standby(3, 1)
           .BouncerTarget(1)
           .Build();
     },
     "point-bouncer demo-bouncer -> demo-pg-2 [hold: PAUSE up to 3s, then close hung servers, then "
     "KILL]; start-container demo-pg-1; "
     "follow demo-pg-3 <- demo-pg-2"},
    {"ReturningFormerPrimaryRejoins", 3,
     [](ObservedStateBuilder b) {
       return b.Down(1, DataDir::kPrimary)
           .Record(1, "primary", false, 0)
           .Primary(2)
           .Standby(3, 2)
           .BouncerTarget(2)
           .Build();
     },
     "rejoin demo-pg-1 <- demo-pg-2"},
    {"StandbyStuckAtTheEndOfItsTimelineFollows", 3,
     [](ObservedStateBuilder b) {
       Snapshot state = b.Primary(1).Standby(2, 1).Standby(3, 1).BouncerTarget(1).Build();
       state.nodes[2].wal_receiver.status = "waiting";
       return state;
     },
     "follow demo-pg-3 <- demo-pg-1"},
    // One failure to follow is retried (a WAL receiver still attached to a primary cut off from
    // the network fails a Follow until wal_receiver_timeout: the drill's flaky round); only a
    // standby that fails three times in a row is rebuilt.
    {"AStandbyThatFailedToFollowOnceTriesAgain", 3,
     [](ObservedStateBuilder b) {
       Snapshot state = b.Primary(1)
                            .Standby(2, 1)
                            .Standby(3, 1)
                            .Failed(3, ActionType::kFollow)
                            .BouncerTarget(1)
                            .Build();
       state.nodes[2].wal_receiver.status = "waiting";
       return state;
     },
     "follow demo-pg-3 <- demo-pg-1"},
    {"StuckStandbyThatCannotFollowIsRebuilt", 3,
     [](ObservedStateBuilder b) {
       Snapshot state = b.Primary(1)
                            .Standby(2, 1)
                            .Standby(3, 1)
                            .Failed(3, ActionType::kFollow, 3)
                            .BouncerTarget(1)
                            .Build();
       state.nodes[2].wal_receiver.status = "waiting";
       return state;
     },
     "rebuild demo-pg-3 <- demo-pg-1"},
    // Safety rule 5: a rebuild keeps every earlier copy; one copy fewer than the bound still
    // rebuilds, a node at the bound waits for a person (radctl aside --remove).
    {"AStandbyKeepingFewerCopiesThanTheBoundIsRebuilt", 3,
     [](ObservedStateBuilder b) {
       Snapshot state = b.Primary(1)
                            .Standby(2, 1)
                            .Standby(3, 1)
                            .Failed(3, ActionType::kFollow, 3)
                            .BouncerTarget(1)
                            .Build();
       state.nodes[2].wal_receiver.status = "waiting";
       state.nodes[2].moved_aside = {"data.radctl-old-20261206T080000Z",
                                     "data.radctl-old-20261206T090000Z"};
       return state;
     },
     "rebuild demo-pg-3 <- demo-pg-1"},
    {"AStandbyKeepingAsManyCopiesAsTheBoundWaitsForAPerson", 3,
     [](ObservedStateBuilder b) {
       Snapshot state = b.Primary(1)
                            .Standby(2, 1)
                            .Standby(3, 1)
                            .Failed(3, ActionType::kFollow, 3)
                            .BouncerTarget(1)
                            .Build();
       state.nodes[2].wal_receiver.status = "waiting";
       state.nodes[2].moved_aside = {"data.radctl-old-20261206T070000Z",
                                     "data.radctl-old-20261206T080000Z",
                                     "data.radctl-old-20261206T090000Z"};
       return state;
     },
     "waiting"},
    {"AStandbyPastTheSlotLimitIsRebuilt", 3,
     [](ObservedStateBuilder b) {
       Snapshot s =
           b.Primary(1).Standby(2, 1).Standby(3, 0).Slot(3, false).BouncerTarget(1).Build();
       s.slots.back().lost = true;
       return s;
     },
     "rebuild demo-pg-3 <- demo-pg-1"},
    {"RejoinFailedOnceIsRetried", 3,
     [](ObservedStateBuilder b) {
       return b.Down(1, DataDir::kPrimary)
           .Failed(1, ActionType::kRejoin)
           .Primary(2, 0x6000000, 2)
           .Standby(3, 2)
           .Timeline(3, 2)
           .BouncerTarget(2)
           .Build();
     },
     "rejoin demo-pg-1 <- demo-pg-2"},
    {"RewindFailedTwiceRebuilds", 3,
     [](ObservedStateBuilder b) {
       return b.Down(1, DataDir::kPrimary)
           .Failed(1, ActionType::kRejoin, 2)
           .Primary(2, 0x6000000, 2)
           .Standby(3, 2)
           .Timeline(3, 2)
           .BouncerTarget(2)
           .Build();
     },
     "rebuild demo-pg-1 <- demo-pg-2"},
    {"FormerPrimaryStillRunningIsFenced", 3,
     [](ObservedStateBuilder b) {
       return b.Down(1, DataDir::kPrimary, true).Primary(2).Standby(3, 2).BouncerTarget(2).Build();
     },
     "fence demo-pg-1"},
    {"TwoPrimariesFenceTheOneTheBouncerDoesNotUse", 3,
     [](ObservedStateBuilder b) {
       return b.Primary(1).Primary(2, 0x6000000, 2).Standby(3, 2).BouncerTarget(2).Build();
     },
     "fence demo-pg-1"},
    {"PromotedButNotRecordedIsRecorded", 3,
     [](ObservedStateBuilder b) {
       return b.Primary(2, 0x6000000, 2)
           .Record(2, "standby", true, 1)
           .Stopped(1, 137)
           .Standby(3, 2)
           .BouncerTarget(2)
           .Build();
     },
     "start-container demo-pg-1; record-primary demo-pg-2"},
    {"NoStandbyReachableWaits", 3,
     [](ObservedStateBuilder b) {
       return b.Down(1, DataDir::kPrimary, true, absl::Seconds(5))
           .Stopped(2, 137)
           .Stopped(3, 137)
           .Record(1, "primary", true, 0)
           .Record(2, "standby", true, 1)
           .BouncerTarget(1)
           .Build();
     },
     // The standbys are started first; the hung primary is fenced once one answers.
     "start-container demo-pg-2; start-container demo-pg-3; waiting"},
};
INSTANTIATE_TEST_SUITE_P(Failover, PlanTableTest, ::testing::ValuesIn(kFailoverCases), CaseName);

const PlanCase kScaleCases[] = {
    {"ScaleUpCreatesTheNewNodes", 5,
     [](ObservedStateBuilder b) {
       return b.Primary(1).Standby(2, 1).Standby(3, 1).BouncerTarget(1).Build();
     },
     "create-node demo-pg-4; create-node demo-pg-5"},
    {"ScaleUpClonesNewNodesInParallel", 5,
     [](ObservedStateBuilder b) {
       return b.Primary(1)
           .Standby(2, 1)
           .Standby(3, 1)
           .EmptyNode(4)
           .EmptyNode(5)
           .BouncerTarget(1)
           .Build();
     },
     "clone-standby demo-pg-4 <- demo-pg-1; clone-standby demo-pg-5 <- demo-pg-1"},
    {"ScaleDownRemovesTheHighestStandbys", 2,
     [](ObservedStateBuilder b) {
       return b.Primary(1)
           .Standby(2, 1)
           .Standby(3, 1)
           .Standby(4, 1)
           .Slot(2, true)
           .Slot(3, true)
           .Slot(4, true)
           .BouncerTarget(1)
           .Build();
     },
     "remove-node demo-pg-3 <- demo-pg-1; remove-node demo-pg-4 <- demo-pg-1"},
    {"ScaleDownNeverRemovesThePrimary", 2,
     [](ObservedStateBuilder b) {
       return b.Standby(1, 3).Standby(2, 3).Primary(3).BouncerTarget(3).Build();
     },
     "remove-node demo-pg-2 <- demo-pg-3"},
    {"ScaleDownToOneKeepsOnlyThePrimary", 1,
     [](ObservedStateBuilder b) {
       return b.Standby(1, 2).Primary(2).Standby(3, 2).BouncerTarget(2).Build();
     },
     "remove-node demo-pg-1 <- demo-pg-2; remove-node demo-pg-3 <- demo-pg-2"},
    // A volume is removed only once it was seen to hold no moved-aside copy (radctl never
    // deletes one): a stopped container is started to read it, a missing one re-created on it.
    {"ScaleDownOfAStoppedStandbyStartsItToReadItsVolume", 2,
     [](ObservedStateBuilder b) {
       return b.Primary(1).Standby(2, 1).Stopped(3, 137).BouncerTarget(1).Build();
     },
     "start-container demo-pg-3"},
    {"ScaleDownOfAVolumeWithoutContainerRecreatesItToReadTheVolume", 2,
     [](ObservedStateBuilder b) {
       return b.Primary(1).Standby(2, 1).Missing(3, true).BouncerTarget(1).Build();
     },
     "create-node demo-pg-3"},
    {"ScaleDownOfAStandbyWhoseFactsWereReadRemovesIt", 2,
     [](ObservedStateBuilder b) {
       return b.Primary(1).Standby(2, 1).Down(3, DataDir::kStandby).BouncerTarget(1).Build();
     },
     "remove-node demo-pg-3 <- demo-pg-1"},
    {"ScaleDownOfANodeWhoseVolumeCannotBeReadWaits", 2,
     [](ObservedStateBuilder b) {
       return b.Primary(1).Standby(2, 1).Down(3, DataDir::kUnknown).BouncerTarget(1).Build();
     },
     "waiting"},
    {"ScaleDownOfANodeWithoutContainerOrVolumeRemovesWhatIsLeft", 2,
     [](ObservedStateBuilder b) {
       return b.Primary(1).Standby(2, 1).Missing(3, false).Slot(3, false).BouncerTarget(1).Build();
     },
     "remove-node demo-pg-3 <- demo-pg-1"},
    {"SlotOfARemovedNodeIsDropped", 2,
     [](ObservedStateBuilder b) {
       return b.Primary(1).Standby(2, 1).Slot(2, true).Slot(3, false).BouncerTarget(1).Build();
     },
     "drop-slot repmgr_slot_3 <- demo-pg-1"},
    {"PrimarysOwnSlotIsDropped", 2,
     [](ObservedStateBuilder b) {
       return b.Primary(1).Standby(2, 1).Slot(1, false).Slot(2, true).BouncerTarget(1).Build();
     },
     "drop-slot repmgr_slot_1 <- demo-pg-1"},
    {"SlotOfADownStandbyIsKept", 2,
     [](ObservedStateBuilder b) {
       return b.Primary(1).Down(2, DataDir::kStandby, true).Slot(2, false).BouncerTarget(1).Build();
     },
     "waiting"},
};
INSTANTIATE_TEST_SUITE_P(Scale, PlanTableTest, ::testing::ValuesIn(kScaleCases), CaseName);

const PlanCase kConfigurationCases[] = {
    {"ChangedParametersAreReloadedEverywhere", 3,
     [](ObservedStateBuilder b) {
       return b.Primary(1)
           .Standby(2, 1)
           .Standby(3, 1)
           .OldConfig(1)
           .OldConfig(2)
           .OldConfig(3)
           .BouncerTarget(1)
           .Build();
     },
     "reconfigure demo-pg-1; reconfigure demo-pg-2; reconfigure demo-pg-3"},
    {"StandbysNeedingARestartGoOneAtATime", 3,
     [](ObservedStateBuilder b) {
       return b.Primary(1)
           .Standby(2, 1)
           .Standby(3, 1)
           .PendingRestart(1)
           .PendingRestart(2)
           .PendingRestart(3)
           .BouncerTarget(1)
           .Build();
     },
     "restart-standby demo-pg-2 <- demo-pg-1"},
    {"PrimaryNeedingARestartIsSwitchedOver", 3,
     [](ObservedStateBuilder b) {
       return b.Primary(1)
           .Standby(2, 1, 0x100)
           .Standby(3, 1, 0x200)
           .PendingRestart(1)
           .BouncerTarget(1)
           .Build();
     },
     "switchover demo-pg-3 <- demo-pg-1, followed by demo-pg-2 [hold: PAUSE up to 3s, then close "
     "hung servers, then KILL] [if demo-pg-3 has not replayed all within 3s: demo-pg-1 started "
     "again as primary]"},
    {"LonePrimaryNeedingARestartIsRestarted", 1,
     [](ObservedStateBuilder b) { return b.Primary(1).PendingRestart(1).BouncerTarget(1).Build(); },
     "restart-primary demo-pg-1 [hold: PAUSE up to 3s, then close hung servers, then KILL]"},
    {"NoRestartWhileAStandbyIsNotStreaming", 3,
     [](ObservedStateBuilder b) {
       return b.Primary(1)
           .Standby(2, 1)
           .Down(3, DataDir::kStandby, true)
           .PendingRestart(2)
           .BouncerTarget(1)
           .Build();
     },
     "waiting"},
};
INSTANTIATE_TEST_SUITE_P(Configuration, PlanTableTest, ::testing::ValuesIn(kConfigurationCases),
                         CaseName);

// Certificates and credentials (tls_policy.h, credentials_policy.h).
const PlanCase kDayTwoCases[] = {
    {"CurrentCertificateAndCredentialsConverged", 2,
     [](ObservedStateBuilder b) {
       return b.Primary(1)
           .Standby(2, 1)
           .Certificate("cafe", testing::kNow + absl::Hours(24 * 300))
           .NodeTls(1, true, "cafe")
           .NodeTls(2, true, "cafe")
           .AppRole(true, true, true)
           .BouncerTarget(1)
           .TlsRequired()
           .Build();
     },
     ""},
    // Until every node and bouncer has served TLS with the cluster's certificate, radctl's probes
    // may fall back to plaintext (to see and reconfigure a node that does not serve it yet);
    // once they all have, that is recorded and never again.
    {"EveryNodeAndTheBouncerServingTheCertificateRequireTlsFromNowOn", 2,
     [](ObservedStateBuilder b) {
       return b.Primary(1)
           .Standby(2, 1)
           .Certificate("cafe", testing::kNow + absl::Hours(24 * 300))
           .NodeTls(1, true, "cafe")
           .NodeTls(2, true, "cafe")
           .AppRole(true, true, true)
           .BouncerTarget(1)
           .Build();
     },
     "require-tls demo"},
    {"ADesiredNodeThatDoesNotAnswerPutsOffRequiringTls", 2,
     [](ObservedStateBuilder b) {
       return b.Primary(1)
           .Down(2, DataDir::kStandby)
           .Certificate("cafe", testing::kNow + absl::Hours(24 * 300))
           .NodeTls(1, true, "cafe")
           .AppRole(true, true, true)
           .BouncerTarget(1)
           .Build();
     },
     "start-standby demo-pg-2"},
    {"ABouncerWithOlderTlsFilesPutsOffRequiringTls", 2,
     [](ObservedStateBuilder b) {
       return b.Primary(1)
           .Standby(2, 1)
           .Certificate("cafe", testing::kNow + absl::Hours(24 * 300))
           .NodeTls(1, true, "cafe")
           .NodeTls(2, true, "cafe")
           .AppRole(true, true, true)
           .BouncerTarget(1)
           .BouncerFilesStale()
           .Build();
     },
     "refresh-bouncer demo-bouncer -> demo-pg-1"},
    {"CertificateExpiringWithinThirtyDaysIsRenewed", 2,
     [](ObservedStateBuilder b) {
       return b.Primary(1)
           .Standby(2, 1)
           .Certificate("cafe", testing::kNow + absl::Hours(24 * 29))
           .NodeTls(1, true, "cafe")
           .NodeTls(2, true, "cafe")
           .BouncerTarget(1)
           .TlsRequired()
           .Build();
     },
     "renew-certificate demo"},
    {"CertificateMissingANameIsRenewed", 2,
     [](ObservedStateBuilder b) {
       return b.Primary(1)
           .Standby(2, 1)
           .Certificate("cafe", testing::kNow + absl::Hours(24 * 300), {"localhost"})
           .NodeTls(1, true, "cafe")
           .NodeTls(2, true, "cafe")
           .BouncerTarget(1)
           .TlsRequired()
           .Build();
     },
     "renew-certificate demo"},
    {"NodeWithAnOlderCertificateIsReconfigured", 2,
     [](ObservedStateBuilder b) {
       return b.Primary(1)
           .Standby(2, 1)
           .Certificate("cafe", testing::kNow + absl::Hours(24 * 300))
           .NodeTls(1, true, "cafe")
           .NodeTls(2, true, "beef")
           .BouncerTarget(1)
           .Build();
     },
     "reconfigure demo-pg-2"},
    {"NodeWithoutTlsIsReconfigured", 2,
     [](ObservedStateBuilder b) {
       return b.Primary(1).Standby(2, 1).NodeTls(1, false).BouncerTarget(1).Build();
     },
     "reconfigure demo-pg-1"},
    {"ChangedPasswordGoesToTheBouncerAndTheRole", 2,
     [](ObservedStateBuilder b) {
       return b.Primary(1).Standby(2, 1).AppRole(true, true, false).BouncerTarget(1).Build();
     },
     "apply-credentials demo-bouncer -> demo-pg-1"},
    {"MissingRoleOrDatabaseIsCreated", 2,
     [](ObservedStateBuilder b) {
       return b.Primary(1).Standby(2, 1).AppRole(true, false, true).BouncerTarget(1).Build();
     },
     "apply-credentials demo-bouncer -> demo-pg-1"},
    {"NodesGetTlsBeforeTheBouncerAndTheRole", 2,
     [](ObservedStateBuilder b) {
       return b.Primary(1)
           .Standby(2, 1)
           .NodeTls(1, false)
           .NodeTls(2, false)
           .AppRole(true, true, false)
           .BouncerFilesStale()
           .BouncerTarget(1)
           .Build();
     },
     "reconfigure demo-pg-1; reconfigure demo-pg-2"},
    {"BouncerWithOlderFilesIsRefreshedWithoutPause", 2,
     [](ObservedStateBuilder b) {
       return b.Primary(1)
           .Standby(2, 1)
           .AppRole(true, true, true)
           .BouncerFilesStale()
           .BouncerTarget(1)
           .Build();
     },
     "refresh-bouncer demo-bouncer -> demo-pg-1"},
    {"BouncerNotPointingToThePrimaryIsRepointedNotRefreshed", 2,
     [](ObservedStateBuilder b) {
       return b.Primary(1).Standby(2, 1).AppRole(true, true, true).BouncerFilesStale().Build();
     },
     "point-bouncer demo-bouncer -> demo-pg-1 [hold: PAUSE up to 3s, then close hung servers, then "
     "KILL]"},
};

// A changed spec.postgres.image: standbys one at a time, then a switchover.
const PlanCase kImageCases[] = {
    {"StandbysAreReplacedFirstOneAtATime", 3,
     [](ObservedStateBuilder b) {
       return b.Primary(1)
           .Standby(2, 1)
           .Standby(3, 1)
           .OldImage(1)
           .OldImage(2)
           .OldImage(3)
           .BouncerTarget(1)
           .Build();
     },
     "replace-container demo-pg-2 <- demo-pg-1"},
    {"NoStandbyIsReplacedWhileAnotherIsNotStreaming", 3,
     [](ObservedStateBuilder b) {
       return b.Primary(1)
           .Standby(2, 1)
           .Down(3, DataDir::kStandby, true)
           .OldImage(2)
           .BouncerTarget(1)
           .Build();
     },
     "waiting"},
    {"PrimaryOnTheOldImageIsSwitchedOverToTheMostAdvancedStandby", 3,
     [](ObservedStateBuilder b) {
       return b.Primary(1)
           .Standby(2, 1, 0x100)
           .Standby(3, 1, 0x200)
           .OldImage(1)
           .BouncerTarget(1)
           .Build();
     },
     "switchover demo-pg-3 <- demo-pg-1, followed by demo-pg-2 [hold: PAUSE up to 3s, then close "
     "hung servers, then KILL] [if demo-pg-3 has not replayed all within 3s: demo-pg-1 started "
     "again as primary]"},
    {"LonePrimaryOnTheOldImageWaits", 1,
     [](ObservedStateBuilder b) { return b.Primary(1).OldImage(1).BouncerTarget(1).Build(); },
     "waiting"},
    // The tag rebuilt (a new minor version under radctl/postgres:15): the same roll.
    {"ARebuiltTagRollsThroughTheStandbysFirst", 3,
     [](ObservedStateBuilder b) {
       return b.Primary(1)
           .Standby(2, 1)
           .Standby(3, 1)
           .WantedImageId("sha256:new")
           .ImageId(1, "sha256:old")
           .ImageId(2, "sha256:new")
           .ImageId(3, "sha256:old")
           .BouncerTarget(1)
           .Build();
     },
     "replace-container demo-pg-3 <- demo-pg-1"},
    {"ARebuiltTagLeftOnlyOnThePrimaryIsASwitchover", 2,
     [](ObservedStateBuilder b) {
       return b.Primary(1)
           .Standby(2, 1)
           .WantedImageId("sha256:new")
           .ImageId(1, "sha256:old")
           .ImageId(2, "sha256:new")
           .BouncerTarget(1)
           .Build();
     },
     "switchover demo-pg-2 <- demo-pg-1 [hold: PAUSE up to 3s, then close hung servers, then KILL] "
     "[if demo-pg-2 has not replayed all within 3s: demo-pg-1 started again as primary]"},
    {"ImageIdsThatCouldNotBeReadChangeNothing", 2,
     [](ObservedStateBuilder b) {
       return b.Primary(1).Standby(2, 1).ImageId(1, "sha256:old").BouncerTarget(1).Build();
     },
     ""},
};

// Simulator seed 174269: a rebuild moved demo-pg-3's diverged data directory aside in its
// volume (it held commits no other node had), then a scale-down removed the node with its
// volume. A node whose volume holds moved-aside copies is not removed: the scale-down waits for
// a person to remove them (`radctl aside`), and goes on once they are gone.
TEST(ScaleDownTest, ANodeWhoseVolumeHoldsMovedAsideCopiesWaitsForAPerson) {
  ClusterSpec spec = DemoSpec(2);
  Snapshot observed =
      ObservedStateBuilder(spec).Primary(1).Standby(2, 1).Standby(3, 1).BouncerTarget(1).Build();
  observed.nodes[2].moved_aside = {"data.radctl-old-20270115T080059Z"};
  Plan plan = ComputePlan(spec, observed);
  EXPECT_EQ(Find(plan, ActionType::kRemoveNode), nullptr) << plan.ToString("demo");
  EXPECT_THAT(plan.ToString("demo"),
              HasSubstr("its volume holds data directories moved aside by rebuilds "
                        "(data.radctl-old-20270115T080059Z)"));
  EXPECT_THAT(plan.ToString("demo"), HasSubstr("`radctl aside demo 3 --remove DIR`"));
  observed.nodes[2].moved_aside.clear();
  plan = ComputePlan(spec, observed);
  ASSERT_NE(Find(plan, ActionType::kRemoveNode), nullptr) << plan.ToString("demo");
  EXPECT_EQ(Find(plan, ActionType::kRemoveNode)->ordinal, 3);
}

// Four nodes scaled down to three under ANY 2: demo-pg-4, its Postgres stopped, may have
// acknowledged commits up to 0/5000000 together with one other standby. While only demo-pg-2 of the
// standbys that stay has received them, demo-pg-4 may not go: a commit it and demo-pg-2
// acknowledged would be on one standby that stays, and a failover counting ANY 2 of the two left
// would need to see only one of them (the one without it: simulator seed 902721). Once demo-pg-3
// has it too, it goes.
TEST(ScaleDownTest, UnderAnyTwoTheNodeGoesOnceTwoStandbysThatStayHaveWhatItAcknowledged) {
  ClusterSpec spec = DemoSpec(3);
  spec.replication.synchronous = true;
  spec.replication.synchronous_number = 2;
  auto observed = [&](Lsn pg3_received) {
    Snapshot snapshot = ObservedStateBuilder(spec)
                            .Primary(1, 0x6000000)
                            .Standby(2, 1, 0x6000000)
                            .Standby(3, 1, pg3_received)
                            .Down(4, DataDir::kStandby)  // fenced: its Postgres stopped
                            .BouncerTarget(1)
                            .Build();
    snapshot.memory.nodes[4].primary_lsn_when_silent = 0x5000000;
    return snapshot;
  };
  Plan waiting = ComputePlan(spec, observed(0x4000000));
  EXPECT_EQ(Find(waiting, ActionType::kRemoveNode), nullptr) << waiting.ToString("demo");
  EXPECT_THAT(absl::StrJoin(waiting.waiting, "; "),
              HasSubstr("waiting until 2 standbys that stay stream from demo-pg-1 and have "
                        "received up to 0/5000000"));
  Plan removing = ComputePlan(spec, observed(0x5000000));
  EXPECT_NE(Find(removing, ActionType::kRemoveNode), nullptr) << removing.ToString("demo");
}

// A healthy cluster whose bouncer was made by a radctl without the login hold.
Snapshot HealthyWithABouncerOfAnOlderRadctl(const ClusterSpec& spec) {
  return ObservedStateBuilder(spec)
      .Primary(1)
      .Standby(2, 1)
      .Standby(3, 1)
      .BouncerTarget(1)
      .BouncerHash(BouncerSpecHashWithoutLoginHold(spec))
      .Build();
}

// The rules are added once per container: not again to the same one, again to another (made
// by an older radctl on another host's engine, or after a restore of its state).
TEST(PlanLoginHoldTest, AddedOncePerBouncerContainer) {
  const ClusterSpec spec = DemoSpec(3);
  Snapshot observed = HealthyWithABouncerOfAnOlderRadctl(spec);
  observed.bouncer.container_id = "c0ffee";
  const Plan plan = ComputePlan(spec, observed);
  const Action* add = Find(plan, ActionType::kAddLoginHold);
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(add->container_id, "c0ffee");
  EXPECT_THAT(add->reason, HasSubstr("its clients stay connected"));

  observed.memory = RememberOutcomes(observed.memory, {{*add, absl::OkStatus()}}, testing::kNow);
  EXPECT_EQ(Summary(ComputePlan(spec, observed)), "");
  observed.bouncer.container_id = "decade";
  EXPECT_EQ(Summary(ComputePlan(spec, observed)), "add-login-hold demo-bouncer");
}

// A failed helper (an image older than radctl) is not run again every pass.
TEST(PlanLoginHoldTest, AFailedAdditionBacksOff) {
  const ClusterSpec spec = DemoSpec(3);
  Snapshot observed = HealthyWithABouncerOfAnOlderRadctl(spec);
  const Plan plan = ComputePlan(spec, observed);
  const Action* add = Find(plan, ActionType::kAddLoginHold);
  ASSERT_NE(add, nullptr);
  observed.memory = RememberOutcomes(
      observed.memory, {{*add, absl::FailedPreconditionError("image too old")}}, testing::kNow);
  EXPECT_EQ(Find(ComputePlan(spec, observed), ActionType::kAddLoginHold), nullptr);
}

TEST(PlanImageTest, TheRebuiltTagIsNamedInTheReason) {
  ClusterSpec spec = DemoSpec();
  spec.nodes = 2;
  Snapshot observed = ObservedStateBuilder(spec)
                          .Primary(1)
                          .Standby(2, 1)
                          .WantedImageId("sha256:0123456789abcdef")
                          .ImageId(2, "sha256:fedcba9876543210")
                          .BouncerTarget(1)
                          .Build();
  Plan plan = ComputePlan(spec, observed, Requests{});
  ASSERT_EQ(plan.actions.size(), 1u);
  EXPECT_EQ(plan.actions[0].reason,
            "radctl/postgres:15 was rebuilt (now 0123456789ab) but demo-pg-2 runs its earlier "
            "build fedcba987654: a new container on its volume (standbys first, one at a time)");
}
INSTANTIATE_TEST_SUITE_P(Image, PlanTableTest, ::testing::ValuesIn(kImageCases), CaseName);

INSTANTIATE_TEST_SUITE_P(DayTwo, PlanTableTest, ::testing::ValuesIn(kDayTwoCases), CaseName);

TEST(PlanTlsTest, TurningTlsOffDropsTheRequirementSoThatTurningItOnAgainReachesTheNodes) {
  ClusterSpec spec = DemoSpec(2);
  spec.tls.enabled = false;
  Snapshot observed =
      ObservedStateBuilder(spec).Primary(1).Standby(2, 1).BouncerTarget(1).TlsRequired().Build();
  EXPECT_EQ(Summary(ComputePlan(spec, observed)), "allow-plaintext demo");
  spec.tls.enabled = true;
  EXPECT_THAT(Summary(ComputePlan(spec, observed)), Not(HasSubstr("allow-plaintext")));
}

TEST(PlanSwitchoverTest, RequestedSwitchoverToAStreamingStandby) {
  ClusterSpec spec = DemoSpec();
  Snapshot observed =
      ObservedStateBuilder(spec).Primary(1).Standby(2, 1).Standby(3, 1).BouncerTarget(1).Build();
  EXPECT_EQ(Summary(ComputePlan(spec, observed, Requests{3})),
            "switchover demo-pg-3 <- demo-pg-1, followed by demo-pg-2 [hold: PAUSE up to 3s, then "
            "close hung servers, then KILL] [if demo-pg-3 has not replayed all within 3s: "
            "demo-pg-1 started again as primary]");
  EXPECT_EQ(Summary(ComputePlan(spec, observed, Requests{1})), "");  // done already
}

TEST(PlanSwitchoverTest, RequestedSwitchoverToADownNodeWaits) {
  ClusterSpec spec = DemoSpec();
  Snapshot observed = ObservedStateBuilder(spec)
                          .Primary(1)
                          .Standby(2, 1)
                          .Down(3, DataDir::kStandby, true)
                          .BouncerTarget(1)
                          .Build();
  Plan plan = ComputePlan(spec, observed, Requests{3});
  EXPECT_EQ(Summary(plan), "waiting");
  ASSERT_EQ(plan.waiting.size(), 2u);
  EXPECT_THAT(plan.waiting[1],
              HasSubstr("demo-pg-3 is down; the target must be a standby streaming "
                        "from the primary demo-pg-1"));
}

TEST(PlanSwitchoverTest, SwitchoverWaitsForOtherWork) {
  ClusterSpec spec = DemoSpec();
  Snapshot observed =
      ObservedStateBuilder(spec).Primary(1).Standby(2, 1).EmptyNode(3).BouncerTarget(1).Build();
  EXPECT_EQ(Summary(ComputePlan(spec, observed, Requests{2})),
            "clone-standby demo-pg-3 <- demo-pg-1");
}

TEST(DesiredOrdinalsTest, PrimaryTakesThePlaceOfTheHighest) {
  ClusterSpec spec = DemoSpec(2);
  Snapshot observed = ObservedStateBuilder(spec).Standby(1, 3).Standby(2, 3).Primary(3).Build();
  EXPECT_EQ(DesiredOrdinals(spec, observed), (std::vector<int>{1, 3}));
  spec.nodes = 3;
  EXPECT_EQ(DesiredOrdinals(spec, observed), (std::vector<int>{1, 2, 3}));
}

// Simulator seed 131: switched over to demo-pg-3, scaled to one node (demo-pg-3 kept), then
// demo-pg-3 killed. With no writable primary and no record readable on a node, it must stay
// the node that is desired: it holds the cluster's data, demo-pg-1 holds none.
TEST(DesiredOrdinalsTest, TheRecordedPrimaryKeepsItsPlaceWhileItIsDown) {
  ClusterSpec spec = DemoSpec(1);
  Snapshot observed = ObservedStateBuilder(spec)
                          .Stopped(3, 137)
                          .Recorded(3, 2)
                          .EmptyNode(1)
                          .BouncerTarget(3)
                          .Build();
  EXPECT_EQ(DesiredOrdinals(spec, observed), (std::vector<int>{3}));
  EXPECT_THAT(Summary(ComputePlan(spec, observed)), HasSubstr("start-container demo-pg-3"));
}

TEST(PlanBusyTest, NodeBusyInTheBackgroundGetsNoOtherActionAndIsNoted) {
  ClusterSpec spec = DemoSpec();
  Snapshot observed =
      ObservedStateBuilder(spec).Primary(1).Standby(2, 1).EmptyNode(3).BouncerTarget(1).Build();
  observed.memory.nodes[3].busy_with = "clone-standby";
  Plan plan = ComputePlan(spec, observed);
  EXPECT_EQ(Summary(plan), "waiting");
  EXPECT_EQ(plan.waiting[0], "demo-pg-3: clone-standby in progress");
  EXPECT_FALSE(plan.converged());
}

TEST(PlanBusyTest, FailoverGoesOnWhileAnotherNodeIsBusy) {
  ClusterSpec spec = DemoSpec();
  Snapshot observed = ObservedStateBuilder(spec)
                          .Stopped(1, 137)
                          .Record(1, "primary", true, 0)
                          .Standby(2, 1)
                          .EmptyNode(3)
                          .BouncerTarget(1)
                          .Build();
  observed.memory.nodes[3].busy_with = "clone-standby";
  EXPECT_EQ(Summary(ComputePlan(spec, observed)),
            "failover demo-pg-2 <- demo-pg-1 [hold: PAUSE up to 200ms, then close hung servers, "
            "then KILL; best effort]; waiting");
}

TEST(PlanReasonTest, ANodeAtTheMovedAsideBoundSaysWhatToRun) {
  ClusterSpec spec = DemoSpec(3);
  spec.replication.max_moved_aside = 1;
  Snapshot state = ObservedStateBuilder(spec)
                       .Primary(1)
                       .Standby(2, 1)
                       .Standby(3, 1)
                       .Failed(3, ActionType::kFollow, 3)
                       .BouncerTarget(1)
                       .Build();
  state.nodes[2].wal_receiver.status = "waiting";
  state.nodes[2].moved_aside = {"data.radctl-old-20261206T090000Z"};
  Plan plan = ComputePlan(spec, state);
  EXPECT_EQ(Find(plan, ActionType::kRebuild), nullptr);
  ASSERT_EQ(plan.waiting.size(), 1u);
  EXPECT_THAT(plan.waiting[0], HasSubstr("demo-pg-3 needs a rebuild"));
  EXPECT_THAT(plan.waiting[0], HasSubstr("spec.replication.maxMovedAside: 1"));
  EXPECT_THAT(plan.waiting[0],
              HasSubstr("radctl aside demo 3 --remove data.radctl-old-20261206T090000Z"));
}

TEST(PlanReasonTest, FailoverReasonNamesCauseAndLsn) {
  ClusterSpec spec = DemoSpec();
  Plan plan = ComputePlan(spec, ObservedStateBuilder(spec)
                                    .Stopped(1, 137)
                                    .Record(1, "primary", true, 0)
                                    .Standby(2, 1, 0x5A3F2C8)
                                    .Standby(3, 1, 0x5000000)
                                    .BouncerTarget(1)
                                    .Build());
  ASSERT_EQ(plan.actions.size(), 1u);
  EXPECT_THAT(plan.actions[0].reason, HasSubstr("demo-pg-1 container died (exit code 137)"));
  EXPECT_THAT(plan.actions[0].reason,
              HasSubstr("demo-pg-2 has the highest received LSN 0/5A3F2C8"));
}

TEST(PlanReasonTest, AsynchronousFailoverReportsHowFarBehindTheStandbyWas) {
  ClusterSpec spec = DemoSpec(2);
  Snapshot observed = ObservedStateBuilder(spec)
                          .Stopped(1, 137)
                          .Record(1, "primary", true, 0)
                          .Standby(2, 1, 0x5000000)
                          .BouncerTarget(1)
                          .Build();
  observed.memory.last_primary_lsn = 0x5000400;
  Plan plan = ComputePlan(spec, observed);
  ASSERT_EQ(plan.actions.size(), 1u);
  EXPECT_THAT(plan.actions[0].reason,
              HasSubstr("it is 1024 bytes behind the primary's last seen position 0/5000400"));
  EXPECT_THAT(plan.actions[0].reason, ::testing::Not(HasSubstr("no acknowledged commit")));
  spec.replication.synchronous = true;
  plan = ComputePlan(spec, observed);
  EXPECT_THAT(plan.actions[0].reason, HasSubstr("no acknowledged commit is lost"));
}

TEST(PlanFailoverTest, SynchronousFailoverWaitsForEveryStandbyThatMayHoldACommit) {
  ClusterSpec spec = DemoSpec();
  spec.replication.synchronous = true;
  // demo-pg-3 runs but does not answer (for as long as you like): with ANY 1 it may hold the
  // only copy of the last acknowledged commit, so demo-pg-2 is not promoted without it.
  for (absl::Duration silent : {absl::Seconds(2), absl::Minutes(30)}) {
    Snapshot observed = ObservedStateBuilder(spec)
                            .Stopped(1, 137)
                            .Record(1, "primary", true, 0)
                            .Standby(2, 1, 0x100)
                            .BouncerTarget(1)
                            .Down(3, DataDir::kStandby, true, silent)
                            .Build();
    Plan plan = ComputePlan(spec, observed);
    // Meanwhile the old primary's container is started: fenced by its entrypoint, it resumes as
    // primary if it comes back before the quorum is seen (nobody was promoted, nothing lost).
    EXPECT_EQ(Summary(plan),
              "hold-clients demo-bouncer for demo-pg-1 [hold: PAUSE up to 200ms, then close hung "
              "servers, then KILL; best effort]; start-container demo-pg-1; waiting")
        << silent;
    EXPECT_THAT(plan.waiting.back(), HasSubstr("WaitingForQuorum"));
    EXPECT_THAT(plan.waiting.back(), HasSubstr("waiting for demo-pg-3"));
    EXPECT_THAT(plan.waiting.back(), HasSubstr("radctl promote demo NODE --accept-data-loss"));
    // Asynchronous replication promotes at once.
    ClusterSpec async = spec;
    async.replication.synchronous = false;
    EXPECT_EQ(Summary(ComputePlan(async, observed)),
              "failover demo-pg-2 <- demo-pg-1 [hold: PAUSE up to 200ms, then close hung servers, "
              "then KILL; best effort]");
  }
}

TEST(PlanFailoverTest, QuorumNeedsMMinusKPlusOneStandbys) {
  struct Row {
    int nodes;
    int k;
    int reachable;  // standbys 2..reachable+1 answer, the others are stopped
    bool promotes;
  };
  const Row rows[] = {
      {3, 1, 2, true},  {3, 1, 1, false}, {5, 1, 4, true},  {5, 1, 3, false}, {5, 2, 3, true},
      {5, 2, 2, false}, {5, 3, 2, true},  {5, 3, 1, false}, {2, 1, 1, true},
  };
  for (const Row& row : rows) {
    ClusterSpec spec = DemoSpec(row.nodes);
    spec.replication.synchronous = true;
    spec.replication.synchronous_number = row.k;
    ObservedStateBuilder builder(spec);
    // Recorded with the k it ran with (the spec's here).
    builder.Stopped(1, 137).Record(1, "primary", true, 0).Recorded(1).BouncerTarget(1);
    for (int ordinal = 2; ordinal <= row.nodes; ++ordinal) {
      if (ordinal <= row.reachable + 1) {
        builder.Standby(ordinal, 1, 0x100 * ordinal);
      } else {
        builder.Stopped(ordinal, 137);
      }
    }
    Plan plan = ComputePlan(spec, builder.Build());
    bool promotes = std::any_of(plan.actions.begin(), plan.actions.end(),
                                [](const Action& a) { return a.type == ActionType::kFailover; });
    EXPECT_EQ(promotes, row.promotes)
        << row.nodes << " nodes, ANY " << row.k << ", " << row.reachable << " reachable\n"
        << plan.ToString("demo");
    if (promotes) {
      // The most advanced of those observed: the highest ordinal here.
      EXPECT_THAT(plan.ToString("demo"),
                  HasSubstr(absl::StrCat("failover demo-pg-", row.reachable + 1)));
    }
  }
}

// Simulator seed 631: the primary ran with ANY 1; the spec was edited to ANY 2 (or to
// asynchronous) while no controller ran, and the primary died before it was reconfigured. The
// quorum is counted with the k it committed with, as recorded, never the edited spec's.
TEST(PlanFailoverTest, AnEditOfTheSpecDuringAnOutageDoesNotLowerTheQuorum) {
  ClusterSpec ran = DemoSpec(4);
  ran.replication.synchronous = true;
  ObservedStateBuilder builder(ran);
  builder.Stopped(1, 137)
      .Record(1, "primary", true, 0)
      .Recorded(1)
      .BouncerTarget(1)
      .Standby(2, 1, 0x100)
      .Standby(3, 1, 0x200)
      .Stopped(4, 137);
  Snapshot observed = builder.Build();
  ASSERT_EQ(observed.recorded_primary.synchronous_number, 1);
  for (bool synchronous : {true, false}) {
    ClusterSpec edited = ran;
    edited.replication.synchronous = synchronous;
    edited.replication.synchronous_number = 2;
    Plan plan = ComputePlan(edited, observed);
    EXPECT_EQ(Find(plan, ActionType::kFailover), nullptr) << plan.ToString("demo");
    EXPECT_THAT(plan.ToString("demo"), HasSubstr("WaitingForQuorum"));
  }
}

// Lowering k is recorded before the primary is reloaded with it; raising it, after.
TEST(PlanRolloutTest, ALowerQuorumIsRecordedBeforeThePrimaryCommitsWithIt) {
  ClusterSpec ran = DemoSpec(4);
  ran.replication.synchronous = true;
  ran.replication.synchronous_number = 2;
  Snapshot observed = ObservedStateBuilder(ran)
                          .Primary(1)
                          .Standby(2, 1)
                          .Standby(3, 1)
                          .Standby(4, 1)
                          .BouncerTarget(1)
                          .OldConfig(1)
                          .OldConfig(2)
                          .OldConfig(3)
                          .OldConfig(4)
                          .Build();
  ClusterSpec lower = ran;
  lower.replication.synchronous_number = 1;
  Plan plan = ComputePlan(lower, observed);
  const Action* record = Find(plan, ActionType::kRecordPrimary);
  ASSERT_NE(record, nullptr) << plan.ToString("demo");
  EXPECT_EQ(record->synchronous_number, 1);
  EXPECT_THAT(Summary(plan), Not(HasSubstr("reconfigure demo-pg-1")));
  // Recorded: the primary is reloaded, and while it still runs ANY 2 the record stays.
  observed.recorded_primary.synchronous_number = 1;
  plan = ComputePlan(lower, observed);
  EXPECT_THAT(Summary(plan), HasSubstr("reconfigure demo-pg-1"));
  EXPECT_EQ(Find(plan, ActionType::kRecordPrimary), nullptr) << plan.ToString("demo");
}

// Simulator seed 600 (a second schedule): synchronous turned on while the state directory was
// full. Recorded after the reload, the record failed and said asynchronous while the primary
// committed with ANY 1; the next failover promoted without the quorum and lost acknowledged
// commits. Turning synchronous on is recorded first (the reload waits for it).
// Simulator seeds 904456 and 952232, the other way: synchronous turned off while the state
// directory was full. The primary was reloaded first, the record of it failed, the controller
// restarted without memory of it, and the next failover claimed no acknowledged commit lost from
// the stale ANY 1 while the promoted standby lacked commits acknowledged asynchronously. From
// which position on the primary may commit asynchronously is recorded before the reload too.
TEST(PlanRolloutTest, SynchronousOnAndOffAreRecordedBeforeTheReload) {
  ClusterSpec async = DemoSpec(3);
  ClusterSpec sync = async;
  sync.replication.synchronous = true;
  auto running = [](const ClusterSpec& spec) {
    return ObservedStateBuilder(spec)
        .Primary(1)
        .Standby(2, 1)
        .Standby(3, 1)
        .BouncerTarget(1)
        .OldConfig(1)
        .OldConfig(2)
        .OldConfig(3)
        .Build();
  };
  Snapshot running_async = running(async);
  ASSERT_EQ(running_async.recorded_primary.synchronous_number, 0);
  Plan plan = ComputePlan(sync, running_async);
  const Action* record = Find(plan, ActionType::kRecordPrimary);
  ASSERT_NE(record, nullptr) << plan.ToString("demo");
  EXPECT_EQ(record->synchronous_number, 1);
  EXPECT_THAT(Summary(plan), Not(HasSubstr("reconfigure demo-pg-1")));

  Snapshot running_sync = running(sync);
  plan = ComputePlan(async, running_sync);
  record = Find(plan, ActionType::kRecordPrimary);
  ASSERT_NE(record, nullptr) << plan.ToString("demo");
  EXPECT_TRUE(record->asynchronous_next);
  EXPECT_THAT(Summary(plan), Not(HasSubstr("reconfigure demo-pg-1")));
  // Recorded: the reload comes, and nothing is recorded again until it has.
  running_sync.recorded_primary.asynchronous_from = 0x3000000;
  plan = ComputePlan(async, running_sync);
  EXPECT_EQ(Find(plan, ActionType::kRecordPrimary), nullptr) << plan.ToString("demo");
  EXPECT_THAT(Summary(plan), HasSubstr("reconfigure demo-pg-1"));
  // Once it runs asynchronously, that is recorded.
  Snapshot reloaded = running_sync;
  reloaded.synchronous_standby_names = "";
  for (NodeObservation& node : reloaded.nodes) node.config_hash = ConfigHash(async);
  plan = ComputePlan(async, reloaded);
  record = Find(plan, ActionType::kRecordPrimary);
  ASSERT_NE(record, nullptr) << plan.ToString("demo");
  EXPECT_EQ(record->synchronous_number, -1);
  EXPECT_FALSE(record->asynchronous_next);
  // The spec turned synchronous again before the reload: the primary already runs what it asks,
  // and from which position on it surely commits synchronously is recorded afresh.
  for (NodeObservation& node : running_sync.nodes) node.config_hash = ConfigHash(sync);
  plan = ComputePlan(sync, running_sync);
  record = Find(plan, ActionType::kRecordPrimary);
  ASSERT_NE(record, nullptr) << plan.ToString("demo");
  EXPECT_EQ(record->synchronous_number, -1);
  EXPECT_THAT(record->reason, HasSubstr("asynchronously from 0/3000000"));
}

// Seeds 904456 and 952232, the failover: the primary died after asynchronous replication was
// recorded. The quorum is still counted with the k it may still run, and the event says that
// commits since the recorded position may be lost: never "no acknowledged commit is lost".
TEST(PlanFailoverTest, CommitsAfterAsynchronousWasRecordedAreNotPromised) {
  ClusterSpec spec = DemoSpec(3);  // the spec asks for asynchronous replication now
  auto plan_with = [&](bool third_seen) {
    ObservedStateBuilder builder(spec);
    builder.Stopped(1, 137)
        .Record(1, "primary", true, 0)
        .Recorded(1)
        .BouncerTarget(1)
        .Standby(2, 1, 0x5000000);
    if (third_seen) {
      builder.Standby(3, 1, 0x4800000);
    } else {
      builder.Stopped(3, 137);
    }
    Snapshot observed = builder.Build();
    observed.recorded_primary.synchronous_number = 1;
    observed.recorded_primary.synchronous_since = 0x1000000;
    observed.recorded_primary.asynchronous_from = 0x4000000;
    return ComputePlan(spec, observed);
  };
  // demo-pg-3 may hold commits acknowledged with ANY 1 before 0/4000000: waited for.
  Plan plan = plan_with(false);
  EXPECT_EQ(Find(plan, ActionType::kFailover), nullptr) << plan.ToString("demo");
  plan = plan_with(true);
  const Action* failover = Find(plan, ActionType::kFailover);
  ASSERT_NE(failover, nullptr) << plan.ToString("demo");
  EXPECT_EQ(failover->ordinal, 2);
  EXPECT_THAT(failover->reason, HasSubstr("asynchronously from 0/4000000"));
  EXPECT_THAT(failover->reason, HasSubstr("may be lost"));
  EXPECT_THAT(failover->reason, Not(HasSubstr("no acknowledged commit is lost")));
}

// Simulator seed 861: a standby just started replays the WAL it holds before anything else;
// until then pg_last_wal_receive_lsn() is NULL and its replay position lags. Ranked on those, it
// lost to a lagging standby while it held commits acknowledged by it alone.
TEST(PlanFailoverTest, AStandbyStillReplayingWhatItHoldsIsWaitedFor) {
  ClusterSpec spec = DemoSpec();
  for (bool synchronous : {false, true}) {
    spec.replication.synchronous = synchronous;
    Snapshot observed = ObservedStateBuilder(spec)
                            .Stopped(1, 137)
                            .Record(1, "primary", true, 0)
                            .Recorded(1)
                            .BouncerTarget(1)
                            .Standby(2, 1, 0x5000)
                            .Standby(3, 0, 0)
                            .Replayed(3, 0x1000)
                            .Build();
    observed.nodes[2].replay_settled = false;
    observed.memory.nodes[1].answered_at = testing::kNow - absl::Milliseconds(400);
    Plan plan = ComputePlan(spec, observed);
    EXPECT_EQ(Find(plan, ActionType::kFailover), nullptr) << plan.ToString("demo");
    EXPECT_THAT(plan.ToString("demo"), HasSubstr("demo-pg-3 has replayed the WAL it holds"));
    // Meanwhile the killed primary's container stays down: started, it would be back before the
    // standbys settle and be restarted in place: a killed primary's outcome would be a race.
    EXPECT_EQ(Find(plan, ActionType::kStartContainer), nullptr) << plan.ToString("demo");
    // Not for long: a standby that replays for seconds does not keep the cluster without one.
    observed.memory.nodes[1].answered_at = testing::kNow - absl::Seconds(6);
    EXPECT_NE(Find(ComputePlan(spec, observed), ActionType::kStartContainer), nullptr);
    observed.memory.nodes[1].answered_at = testing::kNow - absl::Milliseconds(400);
    observed.nodes[2].replay_settled = true;  // done: it holds more than demo-pg-2
    observed.nodes[2].replay_lsn = 0x9000;
    plan = ComputePlan(spec, observed);
    ASSERT_NE(Find(plan, ActionType::kFailover), nullptr) << plan.ToString("demo");
    EXPECT_EQ(Find(plan, ActionType::kFailover)->ordinal, 3);
  }
}

// Simulator seed 2267: replication was asynchronous, then synchronous. A commit acknowledged
// before the switch, at once and by no standby, is not covered by the quorum: when the promoted
// standby had not received it, the event says such commits may be lost.
TEST(PlanFailoverTest, CommitsAcknowledgedBeforeReplicationBecameSynchronousAreNotPromised) {
  ClusterSpec spec = DemoSpec(2);
  spec.replication.synchronous = true;
  auto plan_with = [&](Lsn standby_at) {
    Snapshot observed = ObservedStateBuilder(spec)
                            .Stopped(1, 137)
                            .Record(1, "primary", true, 0)
                            .Recorded(1)
                            .BouncerTarget(1)
                            .Standby(2, 1, standby_at)
                            .Build();
    observed.recorded_primary.synchronous_since = 0x5000000;
    return ComputePlan(spec, observed);
  };
  Plan behind = plan_with(0x4000000);
  const Action* failover = Find(behind, ActionType::kFailover);
  ASSERT_NE(failover, nullptr);
  EXPECT_THAT(failover->reason, HasSubstr("acknowledged before that (before 0/5000000) that it "
                                          "had not received may be lost"));
  Plan caught_up = plan_with(0x5000100);
  failover = Find(caught_up, ActionType::kFailover);
  ASSERT_NE(failover, nullptr);
  EXPECT_THAT(failover->reason, HasSubstr("no acknowledged commit is lost"));
  EXPECT_THAT(failover->reason, Not(HasSubstr("may be lost")));
}

// Simulator seeds 112890 and 188431: the primary ran with ANY 1, then k was raised to ANY 2.
// Commits from before the raise may live on one standby only: a failover whose best standby
// lacks some of them counts its quorum with ANY 1 (every standby observed), not ANY 2.
TEST(PlanFailoverTest, CommitsFromBeforeKWasRaisedAreCountedWithTheirK) {
  ClusterSpec spec = DemoSpec(3);
  spec.replication.synchronous = true;
  spec.replication.synchronous_number = 2;
  auto plan_with = [&](Lsn observed_at, bool other_seen) {
    ObservedStateBuilder builder(spec);
    builder.Stopped(1, 137)
        .Record(1, "primary", true, 0)
        .Recorded(1)
        .BouncerTarget(1)
        .Standby(2, 1, observed_at);
    if (other_seen) {
      builder.Standby(3, 1, 0x3000000);
    } else {
      builder.Stopped(3, 137);
    }
    Snapshot observed = builder.Build();
    observed.recorded_primary.synchronous_number = 2;
    observed.recorded_primary.synchronous_since = 0x5000000;
    observed.recorded_primary.earlier_number = 1;
    observed.recorded_primary.earlier_since = 0x2000000;
    return ComputePlan(spec, observed);
  };
  // demo-pg-2 lacks commits from before the raise, which demo-pg-3 alone may hold: wait.
  Plan lacking = plan_with(0x4000000, false);
  EXPECT_EQ(Find(lacking, ActionType::kFailover), nullptr) << lacking.ToString("demo");
  EXPECT_THAT(lacking.ToString("demo"), HasSubstr("ANY 1 of 2 standbys"));
  // Both observed: the most advanced has every acknowledged commit.
  Plan both = plan_with(0x4000000, true);
  const Action* failover = Find(both, ActionType::kFailover);
  ASSERT_NE(failover, nullptr) << both.ToString("demo");
  EXPECT_THAT(failover->reason, HasSubstr("no acknowledged commit is lost"));
  // It has everything from before the raise: ANY 2 holds for the rest, one observed suffices.
  Plan caught_up = plan_with(0x5000100, false);
  failover = Find(caught_up, ActionType::kFailover);
  ASSERT_NE(failover, nullptr) << caught_up.ToString("demo");
  EXPECT_THAT(failover->reason, HasSubstr("no acknowledged commit is lost"));
  EXPECT_THAT(failover->reason, Not(HasSubstr("may be lost")));
}

// What a new record keeps of the one before it (quorum.h).
TEST(RecordTest, AChangedKKeepsWhatIsKnownOfEarlierCommits) {
  const RecordedPrimary any1{1, 1, 1, 0x2000000};
  struct Row {
    const char* name;
    RecordedPrimary previous;
    RecordedPrimary next;
    int synchronous_number;
    Lsn synchronous_since;
    int earlier_number;
    Lsn earlier_since;
  };
  RecordedPrimary any2_merged{1, 1, 2, 0x5000000, 1, 0x2000000};
  const Row rows[] = {
      {"RaisedKeepsTheOldSpan", any1, {1, 1, 2, 0x5000000}, 2, 0x5000000, 1, 0x2000000},
      {"RaisedAgainMergesWithTheSmallerK",
       any2_merged,
       {1, 1, 3, 0x7000000},
       3,
       0x7000000,
       1,
       0x2000000},
      {"LoweredBeforeTheReloadKeepsSince", {1, 1, 2, 0x5000000}, {1, 1, 1, 0}, 1, 0x5000000, 0, 0},
      {"TheSameKAgainKeepsSince", any1, {1, 1, 1, 0x6000000}, 1, 0x2000000, 0, 0},
      {"AnotherPrimaryStartsAfresh", any1, {2, 2, 1, 0x6000000}, 1, 0x6000000, 0, 0},
      {"AfterAsynchronousNothingEarlierIsKnown",
       {1, 1, 0, 0},
       {1, 1, 1, 0x6000000},
       1,
       0x6000000,
       0,
       0},
      {"TurnedOffForgetsTheSpans", any2_merged, {1, 1, 0, 0}, 0, 0, 0, 0},
      {"AfterAPossiblyAsynchronousSpanNothingEarlierIsKnown",
       {1, 1, 1, 0x2000000, 0, 0, 0x4000000},
       {1, 1, 1, 0x6000000},
       1,
       0x6000000,
       0,
       0},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    RecordedPrimary record = NextRecord(row.previous, row.next);
    EXPECT_EQ(record.synchronous_number, row.synchronous_number);
    EXPECT_EQ(record.synchronous_since, row.synchronous_since);
    EXPECT_EQ(record.earlier_number, row.earlier_number);
    EXPECT_EQ(record.earlier_since, row.earlier_since);
    EXPECT_EQ(record.asynchronous_from, 0);
  }
}

TEST(PlanFailoverTest, AnEmptyNodeHoldsNoCommitAndIsNotWaitedFor) {
  ClusterSpec spec = DemoSpec();
  spec.replication.synchronous = true;
  Snapshot observed = ObservedStateBuilder(spec)
                          .Stopped(1, 137)
                          .Record(1, "primary", true, 0)
                          .Standby(2, 1)
                          .EmptyNode(3)
                          .BouncerTarget(1)
                          .Build();
  EXPECT_EQ(Summary(ComputePlan(spec, observed)),
            "failover demo-pg-2 <- demo-pg-1 [hold: PAUSE up to 200ms, then close hung servers, "
            "then KILL; best effort]");
}

// Simulator seed 39: demo-pg-1 cut off, demo-pg-2 promoted (timeline 2), then demo-pg-2 cut
// off and fenced before demo-pg-3 streamed from it. demo-pg-1, down and on timeline 1, cannot
// hold a commit acknowledged on timeline 2 (only a standby of demo-pg-2 can, and timeline 2
// began with every commit acknowledged before it): waiting for it would wait forever.
TEST(PlanFailoverTest, ANodeBehindTheNewestTimelineIsNoQuorumMember) {
  ClusterSpec spec = DemoSpec();
  spec.replication.synchronous = true;
  Snapshot observed = ObservedStateBuilder(spec)
                          .Down(1, DataDir::kPrimary)
                          .Down(2, DataDir::kPrimary, false, absl::Seconds(30))
                          .Timeline(2, 2)
                          .FencedByController(2)
                          .Recorded(2, 2)
                          .Standby(3, 0)
                          .Timeline(3, 2)
                          .BouncerTarget(2)
                          .Build();
  Plan plan = ComputePlan(spec, observed);
  EXPECT_THAT(Summary(plan), HasSubstr("failover demo-pg-3 <- demo-pg-2")) << plan.ToString("demo");
  // Unknown, it is waited for: a node whose data cannot be read may be on any timeline.
  observed.nodes[0].data_dir = DataDir::kUnknown;
  observed.nodes[0].timeline = 0;
  EXPECT_THAT(ComputePlan(spec, observed).ToString("demo"), HasSubstr("WaitingForQuorum"));
}

// Simulator seed 600: the primary cut off and fenced; the promoted standby died before its
// record could be written (a full disk). With the network back, the fenced primary is still
// the recorded one: when no failover can proceed it is started again in place (nothing
// acknowledged is lost: nobody else was recorded), instead of staying fenced for good.
TEST(PlanFailoverTest, AFencedPrimaryIsStartedAgainWhenNoFailoverCanProceed) {
  ClusterSpec spec = DemoSpec(4);
  spec.replication.synchronous = true;
  Snapshot observed = ObservedStateBuilder(spec)
                          .Down(1, DataDir::kPrimary, false, absl::Seconds(30))
                          .Record(1, "primary", true, 0)
                          .Recorded(1, 1)
                          .FencedByController(1)
                          .Down(2, DataDir::kStandby, false, absl::Seconds(30))
                          .Standby(3, 0)
                          .Standby(4, 0)
                          .BouncerTarget(1)
                          .Build();
  Plan plan = ComputePlan(spec, observed);
  EXPECT_THAT(Summary(plan), HasSubstr("start-primary demo-pg-1")) << plan.ToString("demo");
  // Still cut off: it could serve nobody; the plan waits.
  observed.nodes[0].host_port = 0;
  EXPECT_EQ(Find(ComputePlan(spec, observed), ActionType::kStartPrimary), nullptr);
  // demo-pg-2 was promoted (timeline 2) and died before its record could be written: it is the
  // newest history and is started again, not the fenced primary behind it (simulator seed 54266).
  observed.nodes[0].host_port = 41000;
  observed.nodes[1].data_dir = DataDir::kPrimary;
  observed.nodes[1].timeline = 2;
  EXPECT_EQ(Summary(ComputePlan(spec, observed)), "start-primary demo-pg-2");
}

// The same for a hung primary this controller fenced: while the failover only waits for a
// standby to settle, it is not started again in place; past the bound, it is.
TEST(PlanFailoverTest, AFencedPrimaryIsNotStartedAgainWhileAStandbySettles) {
  ClusterSpec spec = DemoSpec();
  Snapshot observed = ObservedStateBuilder(spec)
                          .Down(1, DataDir::kPrimary, false, absl::Seconds(2))
                          .Record(1, "primary", true, 0)
                          .Recorded(1, 1)
                          .FencedByController(1)
                          .Standby(2, 0)
                          .Standby(3, 0)
                          .BouncerTarget(1)
                          .Build();
  observed.nodes[2].replay_settled = false;
  Plan plan = ComputePlan(spec, observed);
  EXPECT_EQ(Find(plan, ActionType::kStartPrimary), nullptr) << plan.ToString("demo");
  EXPECT_THAT(plan.ToString("demo"), HasSubstr("demo-pg-3 has replayed the WAL it holds"));
  observed.memory.nodes[1].answered_at = testing::kNow - absl::Seconds(10);
  plan = ComputePlan(spec, observed);
  EXPECT_NE(Find(plan, ActionType::kStartPrimary), nullptr) << plan.ToString("demo");
}

TEST(PlanTimelineTest, ANodeBehindTheRecordedTimelineIsNeverPrimaryAgain) {
  // The three-fault sequence: demo-pg-1 failed, demo-pg-2 was promoted (timeline 2) while
  // demo-pg-3 was down, then demo-pg-2 failed. demo-pg-1 and demo-pg-3 are back, on timeline 1,
  // and demo-pg-3's stale records still name demo-pg-1 as primary.
  ClusterSpec spec = DemoSpec();
  Snapshot observed = ObservedStateBuilder(spec)
                          .Down(1, DataDir::kPrimary)
                          .Stopped(2, 137)
                          .Standby(3, 0)
                          .Record(1, "primary", true, 0)
                          .Recorded(2, 2)
                          .BouncerTarget(2)
                          .Build();
  Plan plan = ComputePlan(spec, observed);
  EXPECT_THAT(plan.ToString("demo"), ::testing::Not(HasSubstr("start-primary demo-pg-1")));
  EXPECT_THAT(plan.ToString("demo"), ::testing::Not(HasSubstr("failover")));
  EXPECT_THAT(plan.ToString("demo"), HasSubstr("no reachable standby on the newest timeline"));
  // demo-pg-2 comes back, fenced: it is the recorded primary on the newest timeline.
  observed = ObservedStateBuilder(spec)
                 .Down(1, DataDir::kPrimary)
                 .Down(2, DataDir::kPrimary)
                 .Timeline(2, 2)
                 .Standby(3, 0)
                 .Record(1, "primary", true, 0)
                 .Recorded(2, 2)
                 .BouncerTarget(2)
                 .Build();
  EXPECT_THAT(ComputePlan(spec, observed).ToString("demo"), HasSubstr("start-primary demo-pg-2"));
}

TEST(PlanTimelineTest, AWritablePrimaryOnAnAbandonedTimelineIsFenced) {
  ClusterSpec spec = DemoSpec();
  Snapshot observed = ObservedStateBuilder(spec)
                          .Primary(1)
                          .Standby(3, 0)
                          .Stopped(2, 137)
                          .Recorded(2, 2)
                          .BouncerTarget(2)
                          .Build();
  // Its container is started meanwhile: the recorded primary may come back.
  EXPECT_EQ(Summary(ComputePlan(spec, observed)), "fence demo-pg-1; start-container demo-pg-2");
}

TEST(PlanTimelineTest, ANewPrimaryIsRecordedOnItsTimeline) {
  ClusterSpec spec = DemoSpec();
  Snapshot observed = ObservedStateBuilder(spec)
                          .Primary(2, 0x6000000, 2)
                          .Standby(1, 2)
                          .Standby(3, 2)
                          .Recorded(1, 1)
                          .BouncerTarget(2)
                          .Build();
  observed.nodes[0].timeline = 2;
  observed.nodes[2].timeline = 2;
  Plan plan = ComputePlan(spec, observed);
  EXPECT_EQ(Summary(plan), "record-primary demo-pg-2");
  EXPECT_THAT(plan.actions[0].reason, HasSubstr("records demo-pg-1 on timeline 1"));
}

// Simulator seed 45: the state directory read-only, a failover promoted demo-pg-3 (timeline
// 2) but could not record it. The bouncer must not send clients there before the record says
// so: a later fault may start the recorded primary again, and what clients wrote on timeline 2
// would be lost without a word.
TEST(PlanTimelineTest, TheBouncerFollowsTheRecordNeverLeadsIt) {
  ClusterSpec spec = DemoSpec();
  Snapshot observed = ObservedStateBuilder(spec)
                          .Primary(3, 0x6000000, 2)
                          .Recorded(1, 1)
                          .Stopped(1, 137)
                          .Standby(2, 3)
                          .Timeline(2, 2)
                          .BouncerTarget(1)
                          .Build();
  Plan plan = ComputePlan(spec, observed);
  EXPECT_THAT(Summary(plan), HasSubstr("record-primary demo-pg-3"));
  EXPECT_EQ(Find(plan, ActionType::kPointBouncer), nullptr) << plan.ToString("demo");

  // Seed 480: nor is a node rewound to it, or repointed, before it is recorded.
  Snapshot returning = ObservedStateBuilder(spec)
                           .Primary(3, 0x6000000, 2)
                           .Recorded(1, 1)
                           .Down(1, DataDir::kPrimary)
                           .Standby(2, 1)
                           .BouncerTarget(1)
                           .Build();
  EXPECT_EQ(Summary(ComputePlan(spec, returning)), "record-primary demo-pg-3");
}

TEST(PlanTimelineTest, NoNewClusterIsStartedWhereOneWasRecorded) {
  ClusterSpec spec = DemoSpec();
  Snapshot observed = ObservedStateBuilder(spec)
                          .EmptyNode(1)
                          .EmptyNode(2)
                          .EmptyNode(3)
                          .NoRecords()
                          .Recorded(1, 3)
                          .Build();
  Plan plan = ComputePlan(spec, observed);
  EXPECT_EQ(Summary(plan), "waiting");
  EXPECT_THAT(plan.waiting.back(), HasSubstr("no node holds data"));
}

TEST(PlanPromoteTest, APersonMayPromoteAgainstTheQuorumAndItIsSaid) {
  ClusterSpec spec = DemoSpec();
  spec.replication.synchronous = true;
  Snapshot observed = ObservedStateBuilder(spec)
                          .Stopped(1, 137)
                          .Record(1, "primary", true, 0)
                          .Standby(2, 1, 0x100)
                          .Stopped(3, 137)
                          .BouncerTarget(1)
                          .Build();
  EXPECT_THAT(Summary(ComputePlan(spec, observed)), ::testing::Not(HasSubstr("failover")));
  Requests requests;
  requests.promote = 2;
  Plan plan = ComputePlan(spec, observed, requests);
  const Action* failover = Find(plan, ActionType::kFailover);
  ASSERT_NE(failover, nullptr) << plan.ToString("demo");
  EXPECT_EQ(failover->ordinal, 2);
  EXPECT_THAT(failover->reason, HasSubstr("--accept-data-loss"));
  EXPECT_THAT(failover->reason, HasSubstr("commits it does not have are lost"));
}

TEST(PlanBackoffTest, ARepeatedFailureIsRetriedAfterAGrowingPause) {
  ClusterSpec spec = DemoSpec();
  ObservedStateBuilder builder(spec);
  builder.Primary(1).Standby(2, 1).Down(3, DataDir::kStandby).BouncerTarget(1);
  Snapshot observed = builder.Build();
  ActionFailures& failed = observed.memory.nodes[3].failures[ActionType::kStartStandby];
  failed.count = 1;
  failed.last = observed.observed_at - absl::Milliseconds(500);
  failed.message = "pg_ctl: could not start server";
  Plan plan = ComputePlan(spec, observed);
  EXPECT_EQ(Summary(plan), "waiting");
  EXPECT_THAT(plan.waiting.back(), HasSubstr("start-standby failed 1 time (pg_ctl: could not "
                                             "start server); trying again in 1s"));
  EXPECT_LE(plan.requeue_after, absl::Milliseconds(500));
  failed.last = observed.observed_at - absl::Seconds(2);
  EXPECT_EQ(Summary(ComputePlan(spec, observed)), "start-standby demo-pg-3");
}

TEST(PlanReasonTest, FailoverDisabledRestartsInPlace) {
  ClusterSpec spec = DemoSpec();
  spec.failover.enabled = false;
  Plan plan = ComputePlan(spec, ObservedStateBuilder(spec)
                                    .Stopped(1, 137)
                                    .Record(1, "primary", true, 0)
                                    .Standby(2, 1)
                                    .Standby(3, 1)
                                    .BouncerTarget(1)
                                    .Build());
  // Clients are held while it restarts: a restart in place loses nothing and fails nobody.
  EXPECT_EQ(Summary(plan),
            "hold-clients demo-bouncer for demo-pg-1 [hold: PAUSE up to 200ms, then close hung "
            "servers, then KILL; best effort]; start-container demo-pg-1; waiting");
  ASSERT_EQ(plan.waiting.size(), 1u);
  EXPECT_THAT(plan.waiting[0], HasSubstr("failover is disabled"));
}

TEST(PlanRequeueTest, WaitsForTheRestOfDetectionTime) {
  ClusterSpec spec = DemoSpec(2);
  Plan plan = ComputePlan(spec, ObservedStateBuilder(spec)
                                    .Down(1, DataDir::kPrimary, true, absl::Milliseconds(900))
                                    .Record(1, "primary", true, 0)
                                    .Standby(2, 1)
                                    .BouncerTarget(1)
                                    .Build());
  EXPECT_EQ(plan.requeue_after, absl::Milliseconds(100));  // detectionMs 1000 - 900 already down
}

TEST(PlanRequeueTest, ConvergedRequeuesLate) {
  ClusterSpec spec = DemoSpec(1);
  Plan plan = ComputePlan(spec, ObservedStateBuilder(spec).Primary(1).BouncerTarget(1).Build());
  EXPECT_TRUE(plan.converged());
  EXPECT_EQ(plan.requeue_after, kRequeueWhenConverged);
}

// How an action is carried out is decided here too: the fence method and whether clients must
// be held.

// The engine lists a SIGKILLed container as running for 0.1-0.3 s more: its primary is failed
// over from at once, in one action (no fence of its own first: nothing in it can commit), and
// not killed again (Docker's kill would wait for the engine's clean-up).
TEST(PlanHowTest, FailoverFromAContainerSentSigkillNeedsNoFenceOfItsOwn) {
  ClusterSpec spec = DemoSpec();
  Plan plan = ComputePlan(spec, ObservedStateBuilder(spec)
                                    .Killed(1)
                                    .Record(1, "primary", true, 0)
                                    .Standby(2, 0)
                                    .Standby(3, 0)
                                    .BouncerTarget(1)
                                    .Build());
  EXPECT_EQ(Find(plan, ActionType::kFence), nullptr) << plan.ToString("demo");
  const Action* failover = Find(plan, ActionType::kFailover);
  ASSERT_NE(failover, nullptr) << plan.ToString("demo");
  EXPECT_EQ(failover->fence, FenceMethod::kAlreadyKilled);
  EXPECT_THAT(failover->reason, HasSubstr("primary demo-pg-1 container was killed (SIGKILL)"));
}

TEST(PlanHowTest, FailoverFromADeadContainerKillsItAndDoesNotWaitForTheBouncer) {
  ClusterSpec spec = DemoSpec();
  Plan plan = ComputePlan(spec, ObservedStateBuilder(spec)
                                    .Stopped(1, 137)
                                    .Record(1, "primary", true, 0)
                                    .Standby(2, 0)
                                    .Standby(3, 0)
                                    .BouncerTarget(1)
                                    .Build());
  const Action* failover = Find(plan, ActionType::kFailover);
  ASSERT_NE(failover, nullptr) << plan.ToString("demo");
  EXPECT_EQ(failover->fence, FenceMethod::kKillContainer);
  EXPECT_EQ(failover->hold, ClientHold::kBestEffort);
}

TEST(PlanHowTest, AHungPrimaryIsFencedByStoppingPostgresUnlessPausedOrTriedBefore) {
  ClusterSpec spec = DemoSpec();
  auto observed = [&] {
    return ObservedStateBuilder(spec)
        .Down(1, DataDir::kPrimary, /*postgres_running=*/true)
        .Record(1, "primary", true, 0)
        .Standby(2, 0)
        .Standby(3, 0)
        .BouncerTarget(1)
        .Build();
  };
  Plan plan = ComputePlan(spec, observed());
  ASSERT_NE(Find(plan, ActionType::kFence), nullptr) << plan.ToString("demo");
  EXPECT_EQ(Find(plan, ActionType::kFence)->fence, FenceMethod::kStopPostgres);
  ASSERT_NE(Find(plan, ActionType::kHoldClients), nullptr);
  // The fence will break its hung connections: the hold waits for that rather than KILL.
  EXPECT_EQ(Find(plan, ActionType::kHoldClients)->hold, ClientHold::kBestEffort);
  EXPECT_EQ(Find(plan, ActionType::kHoldClients)->pause.wait, absl::Seconds(1));
  EXPECT_EQ(Find(plan, ActionType::kFailover), nullptr);  // not before the fence

  Snapshot cut = observed();
  cut.nodes[0].host_port = 0;  // cut off from the network: nothing will break them
  plan = ComputePlan(spec, cut);
  ASSERT_NE(Find(plan, ActionType::kHoldClients), nullptr);
  EXPECT_EQ(Find(plan, ActionType::kHoldClients)->hold, ClientHold::kBestEffort);
  EXPECT_EQ(Find(plan, ActionType::kHoldClients)->pause.wait, absl::Milliseconds(20))
      << "no transaction on it can finish: its connections are closed at once";

  Snapshot paused = observed();
  paused.nodes[0].paused = true;
  plan = ComputePlan(spec, paused);
  ASSERT_NE(Find(plan, ActionType::kFence), nullptr);
  EXPECT_EQ(Find(plan, ActionType::kFence)->fence, FenceMethod::kKillContainer);

  Snapshot tried = observed();
  tried.memory.nodes[1].failures[ActionType::kFence].count = 1;
  plan = ComputePlan(spec, tried);
  ASSERT_NE(Find(plan, ActionType::kFence), nullptr);
  EXPECT_EQ(Find(plan, ActionType::kFence)->fence, FenceMethod::kKillContainer);
}

// A cut-off primary fenced by stopping its Postgres: the failover that follows does not stop it
// again (an exec into the container, 0.1-0.2 s with clients held).
TEST(PlanHowTest, AFailoverAfterTheFenceDoesNotStopPostgresAgain) {
  ClusterSpec spec = DemoSpec();
  Snapshot fenced = ObservedStateBuilder(spec)
                        .Down(1, DataDir::kPrimary, /*postgres_running=*/false)
                        .FencedByController(1)
                        .Record(1, "primary", true, 0)
                        .Standby(2, 0)
                        .Standby(3, 0)
                        .BouncerTarget(1)
                        .Build();
  fenced.nodes[0].host_port = 0;
  const Action* failover = Find(ComputePlan(spec, fenced), ActionType::kFailover);
  ASSERT_NE(failover, nullptr) << ComputePlan(spec, fenced).ToString("demo");
  EXPECT_EQ(failover->fence, FenceMethod::kAlreadyStopped);
}

TEST(PlanHowTest, AFenceThatFailedBeforeIsMadeByAKill) {
  ClusterSpec spec = DemoSpec();
  ObservedStateBuilder builder(spec);
  builder.Down(1, DataDir::kPrimary, true).Primary(2).Standby(3, 2).BouncerTarget(2);
  const Action* fence = Find(ComputePlan(spec, builder.Build()), ActionType::kFence);
  ASSERT_NE(fence, nullptr);
  EXPECT_EQ(fence->fence, FenceMethod::kStopPostgres);
  builder.Failed(1, ActionType::kFence);
  fence = Find(ComputePlan(spec, builder.Build()), ActionType::kFence);
  ASSERT_NE(fence, nullptr);
  EXPECT_EQ(fence->fence, FenceMethod::kKillContainer);
}

TEST(PlanHowTest, APlannedSwitchoverHappensOnlyWithClientsHeld) {
  ClusterSpec spec = DemoSpec();
  Plan plan = ComputePlan(
      spec,
      ObservedStateBuilder(spec).Primary(1).Standby(2, 1).Standby(3, 1).BouncerTarget(1).Build(),
      Requests{2});
  const Action* switchover = Find(plan, ActionType::kSwitchover);
  ASSERT_NE(switchover, nullptr) << plan.ToString("demo");
  EXPECT_EQ(switchover->hold, ClientHold::kRequired);
}

// The quorum waits for a standby that a scale-down is removing and whose container stopped:
// nothing else starts a node outside the desired ones, so the failover starts it, to look at it
// (simulator seed 401231 waited forever once standbys followed the promoted node early).
TEST(PlanFailoverTest, AScaledAwayNodeTheQuorumWaitsForIsStartedToBeLookedAt) {
  ClusterSpec spec = DemoSpec(2);
  spec.replication.synchronous = true;
  Snapshot observed = ObservedStateBuilder(spec)
                          .Stopped(1, 137)
                          .Record(1, "primary", true, 0)
                          .Recorded(1)
                          .BouncerTarget(1)
                          .Standby(2, 1)
                          .Stopped(3, 137)
                          .Build();
  Plan plan = ComputePlan(spec, observed);
  EXPECT_EQ(Find(plan, ActionType::kFailover), nullptr) << plan.ToString("demo");
  const Action* start = Find(plan, ActionType::kStartContainer);
  ASSERT_NE(start, nullptr) << plan.ToString("demo");
  EXPECT_EQ(start->ordinal, 3);
  EXPECT_THAT(start->reason, HasSubstr("being scaled away but may hold acknowledged commits"));
}

}  // namespace
}  // namespace radctl
