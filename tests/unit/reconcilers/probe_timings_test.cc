#include "reconcilers/probe_timings.h"

#include "gtest/gtest.h"

namespace radctl {
namespace {

ProbeTimings For(int detection_ms) {
  FailoverSpec failover;
  failover.detection_ms = detection_ms;
  return ProbeTimingsFor(failover);
}

TEST(ProbeTimingsTest, AFewProbesFitInOneDetectionWindow) {
  EXPECT_EQ(For(1000).interval, absl::Milliseconds(250));
  EXPECT_EQ(For(1000).timeout, absl::Milliseconds(250));
  EXPECT_EQ(For(400).interval, absl::Milliseconds(100));
}

TEST(ProbeTimingsTest, TimeoutsStayBetweenATenthAndOneSecond) {
  EXPECT_EQ(For(200).timeout, absl::Milliseconds(100));
  EXPECT_EQ(For(60000).timeout, absl::Seconds(1));
  EXPECT_EQ(For(60000).interval, absl::Milliseconds(250));
}

}  // namespace
}  // namespace radctl
