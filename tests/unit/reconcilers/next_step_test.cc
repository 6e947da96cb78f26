// What happens after a failure (reconcilers/next_step.h): table rows per status code.
#include "reconcilers/next_step.h"

#include "gtest/gtest.h"
#include "reconcilers/credentials_policy.h"

namespace radctl {
namespace {

TEST(WatchOnAfterApplyTest, OnlyAStopOrAFailureTheCommandEndsOnEndsTheWatch) {
  EXPECT_TRUE(WatchOnAfterApply(absl::OkStatus(), /*end_on_failure=*/true));
  EXPECT_FALSE(WatchOnAfterApply(absl::CancelledError("x"), false));
  EXPECT_TRUE(WatchOnAfterApply(absl::DeadlineExceededError("x"), true));
  EXPECT_FALSE(WatchOnAfterApply(absl::FailedPreconditionError("x"), true));
  EXPECT_TRUE(WatchOnAfterApply(absl::FailedPreconditionError("x"), false));
  EXPECT_FALSE(WatchOnAfterApply(absl::UnavailableError("x"), true));
  // Another controller holds the lease: apply ends saying so, a watcher waits it out.
  const absl::Status held = HeldByAnotherController("another controller acts on cluster demo");
  EXPECT_TRUE(IsHeldByAnotherController(held));
  EXPECT_FALSE(IsHeldByAnotherController(absl::FailedPreconditionError("x")));
  EXPECT_EQ(NextStepAfter(held), NextStep::kWaitForUser);
  EXPECT_TRUE(WatchOnAfterApply(held, /*end_on_failure=*/true));
}

TEST(NextStepAfterTest, TheStatusCodeDecidesAndForAbortedHowOftenInARow) {
  EXPECT_EQ(NextStepAfter(absl::AbortedError("x")), NextStep::kObserveNow);
  EXPECT_EQ(NextStepAfter(absl::AbortedError("x"), 3), NextStep::kObserveNow);
  // A world that changes under every action: backed off from, in apply and watch alike, not
  // waited out as if a person had to fix it (a failover may be due meanwhile).
  EXPECT_EQ(NextStepAfter(absl::AbortedError("x"), 4), NextStep::kBackOff);
  EXPECT_EQ(NextStepAfter(absl::FailedPreconditionError("x")), NextStep::kWaitForUser);
  EXPECT_EQ(NextStepAfter(absl::InvalidArgumentError("x")), NextStep::kWaitForUser);
  EXPECT_EQ(NextStepAfter(absl::PermissionDeniedError("x")), NextStep::kWaitForUser);
  EXPECT_EQ(NextStepAfter(absl::UnavailableError("x")), NextStep::kBackOff);
  EXPECT_EQ(NextStepAfter(absl::DeadlineExceededError("x")), NextStep::kBackOff);
  EXPECT_EQ(NextStepAfter(absl::InternalError("x")), NextStep::kBackOff);
}

TEST(ReportOfFailureTest, UnreachableNeedsYouOrFailedWithWhenItIsTriedAgain) {
  FailureReport unreachable = ReportOfFailure(absl::UnavailableError("engine down"));
  EXPECT_EQ(unreachable.reason, "Unavailable");
  EXPECT_EQ(unreachable.message, "engine down");
  FailureReport yours = ReportOfFailure(absl::FailedPreconditionError("image missing"));
  EXPECT_EQ(yours.reason, "NeedsYou");
  EXPECT_EQ(yours.message, "image missing (retrying every 30s and on every change)");
  FailureReport failed = ReportOfFailure(absl::InternalError("pg_rewind exited 1"));
  EXPECT_EQ(failed.reason, "ReconcileFailed");
  EXPECT_EQ(failed.message, "pg_rewind exited 1");
}

TEST(TryStartAgainTest, AtOnceWhenTheFileChangedElseOnlyAfterTheInterval) {
  const absl::Time failed = absl::UnixEpoch() + absl::Hours(1);
  const absl::Time after = failed + kStartRetryInterval;
  EXPECT_FALSE(TryStartAgain("a", after, "a", failed + absl::Seconds(29)));
  EXPECT_TRUE(TryStartAgain("a", after, "a", after));
  EXPECT_TRUE(TryStartAgain("a", after, "b", failed + absl::Seconds(1)));
}

TEST(SpecGivesANewPasswordTest, OnlyAGivenPasswordThatDiffersFromTheKeptOne) {
  ClusterSpec spec;
  spec.auth.password = "";
  EXPECT_FALSE(SpecGivesANewPassword(spec, "generated"));
  spec.auth.password = "generated";
  EXPECT_FALSE(SpecGivesANewPassword(spec, "generated"));
  spec.auth.password = "edited";
  EXPECT_TRUE(SpecGivesANewPassword(spec, "generated"));
}

}  // namespace
}  // namespace radctl
