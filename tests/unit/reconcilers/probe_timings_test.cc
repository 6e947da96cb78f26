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

TEST(SilenceDeadlinesTest, ANodeSilentAtTheLastLookIsDueAtDetectionAfterItsLastAnswer) {
  FailoverSpec failover;
  failover.detection_ms = 1000;
  const absl::Time t = absl::FromUnixSeconds(1'800'000'000);
  LoopMemory memory;
  memory.nodes[1].answered_at = t;  // silent at the last look
  memory.nodes[1].looked_at = t + absl::Milliseconds(600);
  memory.nodes[2].answered_at = t + absl::Milliseconds(600);  // answered at the last look
  memory.nodes[2].looked_at = t + absl::Milliseconds(600);
  memory.nodes[3].looked_at = t + absl::Milliseconds(600);  // never answered this controller
  const std::map<int, absl::Time> deadlines = SilenceDeadlines(memory, failover);
  ASSERT_EQ(deadlines.size(), 1u);
  EXPECT_EQ(deadlines.at(1), t + absl::Seconds(1));
}

TEST(ProbeTimingsTest, TimeoutsStayBetweenATenthAndOneSecond) {
  EXPECT_EQ(For(200).timeout, absl::Milliseconds(100));
  EXPECT_EQ(For(60000).timeout, absl::Seconds(1));
  EXPECT_EQ(For(60000).interval, absl::Milliseconds(250));
}

}  // namespace
}  // namespace radctl
