// Switchover choice, validation and completion: the one place both the CLI and the planner ask.
#include "reconcilers/switchover.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/reconcilers/observed_state_builder.h"

namespace radctl {
namespace {

using ::radctl::testing::DemoSpec;
using ::radctl::testing::ObservedStateBuilder;
using ::radctl::testing::Snapshot;
using ::testing::HasSubstr;

TEST(ChooseSwitchoverTest, WithoutATargetTheMostAdvancedStreamingStandbyIsChosen) {
  Snapshot observed =
      ObservedStateBuilder(DemoSpec()).Primary(1).Standby(2, 1, 0x100).Standby(3, 1, 0x200).Build();
  absl::StatusOr<SwitchoverChoice> choice = ChooseSwitchover(DemoSpec(), observed, 0);
  ASSERT_TRUE(choice.ok()) << choice.status();
  EXPECT_EQ(choice->from, 1);
  EXPECT_EQ(choice->to, 3);
}

TEST(ChooseSwitchoverTest, AStandbyThatDoesNotStreamFromThePrimaryIsRefused) {
  Snapshot observed = ObservedStateBuilder(DemoSpec())
                          .Primary(1)
                          .Standby(2, 0)  // no WAL receiver
                          .Down(3, DataDir::kStandby)
                          .Build();
  absl::StatusOr<SwitchoverChoice> to_two = ChooseSwitchover(DemoSpec(), observed, 2);
  EXPECT_TRUE(absl::IsFailedPrecondition(to_two.status()));
  EXPECT_THAT(std::string(to_two.status().message()),
              HasSubstr("demo-pg-2 is a standby that does not stream from the primary"));
  absl::StatusOr<SwitchoverChoice> to_three = ChooseSwitchover(DemoSpec(), observed, 3);
  EXPECT_THAT(std::string(to_three.status().message()), HasSubstr("demo-pg-3 is down"));
  absl::StatusOr<SwitchoverChoice> any = ChooseSwitchover(DemoSpec(), observed, 0);
  EXPECT_THAT(std::string(any.status().message()), HasSubstr("no standby streaming from"));
}

TEST(ChooseSwitchoverTest, ANodeBeingRemovedIsRefused) {
  Snapshot observed =
      ObservedStateBuilder(DemoSpec(2)).Primary(1).Standby(2, 1).Standby(3, 1).Build();
  absl::StatusOr<SwitchoverChoice> choice = ChooseSwitchover(DemoSpec(2), observed, 3);
  EXPECT_THAT(std::string(choice.status().message()), HasSubstr("being removed"));
}

TEST(ChooseSwitchoverTest, ThePrimaryItselfIsNothingToDoAndNoPrimaryIsRefused) {
  Snapshot healthy = ObservedStateBuilder(DemoSpec()).Primary(1).Standby(2, 1).Build();
  absl::StatusOr<SwitchoverChoice> same = ChooseSwitchover(DemoSpec(), healthy, 1);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->from, same->to);
  Snapshot headless = ObservedStateBuilder(DemoSpec()).Standby(2, 0).Build();
  EXPECT_THAT(std::string(ChooseSwitchover(DemoSpec(), headless, 2).status().message()),
              HasSubstr("no writable primary"));
}

TEST(JudgeRequestsTest, DoneWhenTheTargetIsTheWritablePrimaryWithdrawnWhenAnotherIs) {
  using Kind = RequestVerdict::Kind;
  Snapshot pg1_primary = ObservedStateBuilder(DemoSpec()).Primary(1).Standby(2, 1).Build();
  Snapshot pg2_primary = ObservedStateBuilder(DemoSpec()).Primary(2).Standby(1, 2).Build();
  Snapshot headless =
      ObservedStateBuilder(DemoSpec()).Stopped(1, 137).Standby(2, 1).Standby(3, 1).Build();
  struct Row {
    const char* name;
    int switchover_to;
    int promote;
    const Snapshot* observed;
    Kind kind;
    const char* reason;
  };
  const Row rows[] = {
      {"NoRequest", 0, 0, &pg1_primary, Kind::kWanted, ""},
      {"SwitchoverNotYet", 2, 0, &pg1_primary, Kind::kWanted, ""},
      {"SwitchoverDone", 2, 0, &pg2_primary, Kind::kDone, "SwitchoverDone"},
      {"SwitchoverToAnAbsentNode", 4, 0, &pg2_primary, Kind::kWanted, ""},
      {"PromoteDone", 0, 2, &pg2_primary, Kind::kDone, "PromoteDone"},
      {"PromoteDuringTheOutage", 0, 2, &headless, Kind::kWanted, ""},
      {"PromoteWithdrawnOnceTheOldPrimaryAnswers", 0, 2, &pg1_primary, Kind::kWithdrawn,
       "PromoteWithdrawn"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    RequestVerdict verdict = JudgeRequests(row.switchover_to, row.promote, *row.observed);
    EXPECT_EQ(verdict.kind, row.kind);
    EXPECT_EQ(verdict.reason, row.reason);
  }
}

}  // namespace
}  // namespace radctl
