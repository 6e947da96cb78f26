// Remember: what the loop keeps between observations, changed only by what was done and what
// was seen.
#include "reconcilers/memory.h"

#include "gtest/gtest.h"
#include "tests/unit/reconcilers/observed_state_builder.h"

namespace radctl {
namespace {

using ::radctl::testing::DemoSpec;
using ::radctl::testing::kNow;
using ::radctl::testing::ObservedStateBuilder;

ActionOutcome Done(ActionType type, int ordinal, absl::Status status = absl::OkStatus()) {
  return {Action{type, ordinal, 0, "why"}, std::move(status), ActionOutcome::Kind::kDone};
}

TEST(RememberTest, FailuresCountInARowAndOnlyTheHardOnesCountAsHard) {
  ObservedState seen = ObservedStateBuilder(DemoSpec()).Primary(1).Build();
  LoopMemory memory;
  memory =
      Remember(memory, seen, {Done(ActionType::kRejoin, 2, absl::UnavailableError("no"))}, kNow);
  memory = Remember(memory, seen, {Done(ActionType::kRejoin, 2, absl::InternalError("rewind"))},
                    kNow + absl::Seconds(1));
  EXPECT_EQ(memory.Failed(2, ActionType::kRejoin), 2);
  EXPECT_EQ(memory.FailedHard(2, ActionType::kRejoin), 1);
  EXPECT_EQ(memory.Failures(2, ActionType::kRejoin)->last, kNow + absl::Seconds(1));
  EXPECT_EQ(memory.Failures(2, ActionType::kRejoin)->message, "rewind");
  memory = Remember(memory, seen, {Done(ActionType::kRejoin, 2)}, kNow + absl::Seconds(2));
  EXPECT_EQ(memory.Failed(2, ActionType::kRejoin), 0) << "a success clears the count";
}

TEST(RememberTest, ALongActionMakesItsNodeBusyUntilItEnds) {
  LoopMemory memory = RememberOutcomes({},
                                       {{Action{ActionType::kCloneStandby, 3, 0, "why"},
                                         absl::OkStatus(), ActionOutcome::Kind::kStarted}},
                                       kNow);
  EXPECT_EQ(memory.Node(3).busy_with, "clone-standby");
  memory = RememberOutcomes(memory,
                            {{Action{ActionType::kCloneStandby, 3, 0, "why"},
                              absl::InternalError("copy"), ActionOutcome::Kind::kEnded}},
                            kNow);
  EXPECT_FALSE(memory.Busy(3));
  EXPECT_EQ(memory.Failed(3, ActionType::kCloneStandby), 1);
}

TEST(RememberTest, ABackupRunsBesideTheNodesWithoutMakingThePrimaryBusy) {
  LoopMemory memory = RememberOutcomes(
      {},
      {{Action{ActionType::kBackup, 1, 0, "why"}, absl::OkStatus(), ActionOutcome::Kind::kStarted}},
      kNow);
  EXPECT_TRUE(memory.backup_running);
  EXPECT_FALSE(memory.Busy(1));
}

TEST(RememberTest, SilenceCountsFromTheLastAnswerOrFromWhenFirstSeenSilent) {
  ClusterSpec spec = DemoSpec();
  ObservedState answering = ObservedStateBuilder(spec).Primary(1, 0x500).Build();
  LoopMemory memory = Remember({}, answering, {}, kNow);
  EXPECT_EQ(memory.Node(1).answered_at, kNow);
  EXPECT_EQ(memory.last_primary_lsn, 0x500u);

  ObservedState silent = ObservedStateBuilder(spec).Down(1, DataDir::kPrimary).Build();
  for (int look = 1; look <= 12; ++look) {  // every 250 ms, as a watcher looks
    silent.observed_at = kNow + absl::Milliseconds(250) * look;
    memory = Remember(memory, silent, {}, silent.observed_at);
  }
  EXPECT_EQ(memory.Node(1).answered_at, kNow) << "silent since its last answer";
  EXPECT_EQ(memory.last_primary_lsn, 0x500u) << "where it was last seen writing";

  LoopMemory fresh = Remember({}, silent, {}, silent.observed_at);
  EXPECT_EQ(fresh.Node(1).answered_at, silent.observed_at) << "never answered: from now";
}

TEST(RememberTest, SilenceTheLoopDidNotWatchCountsFromTheLookThatFindsIt) {
  // The loop acted for 3 s without looking (a switchover on a busy machine): the node answered
  // before, and is silent at the next look. It has not been silent for 3 s as far as anyone
  // knows.
  ClusterSpec spec = DemoSpec();
  LoopMemory memory = Remember({}, ObservedStateBuilder(spec).Primary(1).Build(), {}, kNow);
  ObservedState silent = ObservedStateBuilder(spec).Down(1, DataDir::kPrimary).Build();
  silent.observed_at = kNow + absl::Seconds(3);
  memory = Remember(memory, silent, {}, silent.observed_at);
  EXPECT_EQ(memory.Node(1).answered_at, silent.observed_at);
  silent.observed_at += absl::Milliseconds(250);
  memory = Remember(memory, silent, {}, silent.observed_at);
  EXPECT_EQ(memory.Node(1).answered_at, kNow + absl::Seconds(3)) << "and goes on from there";
}

TEST(RememberTest, AFenceHoldsUntilTheNodeAnswersOrItsContainerStops) {
  ClusterSpec spec = DemoSpec();
  ObservedState hung = ObservedStateBuilder(spec).Down(1, DataDir::kPrimary, true).Build();
  LoopMemory memory = Remember({}, hung, {Done(ActionType::kFence, 1)}, kNow);
  EXPECT_TRUE(memory.Node(1).fenced);
  memory = Remember(memory, hung, {}, kNow);
  EXPECT_TRUE(memory.Node(1).fenced) << "still silent";
  ObservedState stopped = ObservedStateBuilder(spec).Stopped(1, 137).Build();
  EXPECT_FALSE(Remember(memory, stopped, {}, kNow).Node(1).fenced);
  ObservedState back = ObservedStateBuilder(spec).Primary(1).Build();
  EXPECT_FALSE(Remember(memory, back, {}, kNow).Node(1).fenced);
}

TEST(RememberTest, AQuickAnswerOfThePrimaryIsRemembered) {
  LoopMemory memory = RememberPrimaryAnswer({}, 1, 0x900, kNow);
  EXPECT_EQ(memory.Node(1).answered_at, kNow);
  EXPECT_EQ(memory.last_primary_lsn, 0x900u);
}

// Simulator seed 217867: demo-pg-3 was promoted on timeline 3 while its record could not be
// written, then scaled away with its volume. Timeline 3 is remembered while any form of the node
// exists (out of sight, stopped), and forgotten once the node is gone: the recorded primary on
// timeline 2 may then start again in place, and no longer waits for ever behind it.
TEST(RememberTest, ATimelineIsRememberedUntilTheLastNodeThatAnsweredOnItIsGone) {
  ClusterSpec spec = DemoSpec();
  auto with_pg3 = [&](bool answering) {
    ObservedStateBuilder b(spec);
    b.Primary(1, 0x5000000, 2).Standby(2, 1).Timeline(2, 2);
    if (answering) {
      b.Primary(3, 0x6000000, 3);
    } else {
      b.Stopped(3, 0);
    }
    return b.Build();
  };
  LoopMemory memory = Remember({}, with_pg3(true), {}, kNow);
  EXPECT_EQ(memory.highest_timeline, 3);
  memory = Remember(memory, with_pg3(false), {}, kNow + absl::Seconds(1));
  EXPECT_EQ(memory.highest_timeline, 3) << "its container stopped, its volume still holds it";
  ObservedState gone = ObservedStateBuilder(spec).Primary(1, 0x5000000, 2).Build();
  memory = Remember(memory, gone, {}, kNow + absl::Seconds(2));
  EXPECT_EQ(memory.highest_timeline, 2);
}

// Taking the lease: another controller may have acted since this one looked (promoted a standby
// that had answered this one as a standby): only this controller's own running work is kept.
TEST(RememberTest, TakingTheLeaseKeepsOnlyTheWorkThisControllerRuns) {
  ObservedState seen =
      ObservedStateBuilder(DemoSpec()).Primary(1, 0x5000000, 2).Standby(2, 1).Build();
  LoopMemory memory = Remember({}, seen, {}, kNow);
  memory = RememberOutcomes(memory,
                            {{Action{ActionType::kCloneStandby, 3, 0, "why"}, absl::OkStatus(),
                              ActionOutcome::Kind::kStarted}},
                            kNow);
  memory.backup_running = true;
  ASSERT_TRUE(memory.Node(2).answered_once);
  LoopMemory kept = MemoryUnderNewLease(memory);
  EXPECT_FALSE(kept.Node(2).answered_once);
  EXPECT_EQ(kept.Node(2).answered_at, absl::InfinitePast());
  EXPECT_EQ(kept.highest_timeline, 0);
  EXPECT_EQ(kept.last_primary_lsn, 0u);
  EXPECT_EQ(kept.Node(3).busy_with, "clone-standby");
  EXPECT_TRUE(kept.backup_running);
}

// The login hold added to a bouncer an older radctl made is a fact about that container (by its
// engine id), whoever acted since: kept under a new lease, and only a success records it.
TEST(RememberTest, TheBouncerTheLoginHoldWasAddedToIsKeptUnderANewLease) {
  Action add{ActionType::kAddLoginHold, 0, 0, "why"};
  add.container_id = "b0b0";
  LoopMemory memory =
      RememberOutcomes({}, {{add, absl::UnavailableError("engine restarting")}}, kNow);
  EXPECT_EQ(memory.login_hold_added_to, "");
  memory = RememberOutcomes(memory, {{add, absl::OkStatus()}}, kNow);
  EXPECT_EQ(memory.login_hold_added_to, "b0b0");
  EXPECT_EQ(MemoryUnderNewLease(memory).login_hold_added_to, "b0b0");
}

}  // namespace
}  // namespace radctl
