#include "controller/operations/bouncer_container.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/fakes/fake_clock.h"

namespace radctl {
namespace {

using ::testing::HasSubstr;

TEST(WaitUntilAnsweringTest, ReturnsAsSoonAsPgBouncerAnswers) {
  testing::FakeClock clock;
  const absl::Time start = clock.Now();
  int attempts = 0;
  absl::Status status = WaitUntilAnswering(clock, "demo-bouncer", [&] {
    return ++attempts < 6 ? absl::UnavailableError("connection refused") : absl::OkStatus();
  });
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ(attempts, 6);
  EXPECT_EQ(clock.Now() - start, absl::Milliseconds(100));  // five waits of 20 ms
}

TEST(WaitUntilAnsweringTest, GivesUpAfterTenSecondsAndSaysWhereToLook) {
  testing::FakeClock clock;
  const absl::Time start = clock.Now();
  absl::Status status = WaitUntilAnswering(clock, "demo-bouncer", [] {
    return absl::UnavailableError("server closed the connection unexpectedly");
  });
  EXPECT_TRUE(absl::IsUnavailable(status)) << status;
  EXPECT_THAT(status.message(), HasSubstr("demo-bouncer was started but PgBouncer did not answer "
                                          "within 10s (server closed the connection "
                                          "unexpectedly)"));
  EXPECT_THAT(status.message(), HasSubstr("docker logs demo-bouncer"));
  EXPECT_GE(clock.Now() - start, absl::Seconds(10));
  EXPECT_LT(clock.Now() - start, absl::Seconds(10) + absl::Milliseconds(40));
}

}  // namespace
}  // namespace radctl
