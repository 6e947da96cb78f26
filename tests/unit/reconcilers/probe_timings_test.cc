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

TEST(ShortenedProbeTimeoutsTest, ASilentNodesProbeEndsAtItsDeadlineButNotLongAfter) {
  FailoverSpec failover;
  failover.detection_ms = 1000;  // probe timeout 250 ms
  const absl::Time t = absl::FromUnixSeconds(1'800'000'000);
  LoopMemory memory;
  memory.nodes[1].answered_at = t;
  memory.nodes[1].looked_at = t + absl::Milliseconds(300);
  memory.nodes[2].answered_at = t + absl::Milliseconds(300);  // answered at the last look
  memory.nodes[2].looked_at = t + absl::Milliseconds(300);
  auto at = [&](int ms) {
    return ShortenedProbeTimeouts(memory, failover, t + absl::Milliseconds(ms));
  };
  EXPECT_EQ(at(600).at(1), absl::Milliseconds(250)) << "the whole timeout fits before the deadline";
  EXPECT_EQ(at(900).at(1), absl::Milliseconds(100)) << "it ends at the deadline";
  EXPECT_EQ(at(1100).at(1), absl::Milliseconds(50)) << "just past it: a short look still";
  EXPECT_EQ(at(1400).count(1), 0u) << "long past it: time for a new login";
  EXPECT_EQ(at(900).count(2), 0u);
}

TEST(ProbeTimingsTest, TimeoutsStayBetweenATenthAndOneSecond) {
  EXPECT_EQ(For(200).timeout, absl::Milliseconds(100));
  EXPECT_EQ(For(60000).timeout, absl::Seconds(1));
  EXPECT_EQ(For(60000).interval, absl::Milliseconds(250));
}

}  // namespace
}  // namespace radctl
