// The read-only endpoint's rules: which standbys it serves (streaming from the primary, replay
// within readMaxLag), the fallback to the primary, and that it never acts beside the write side.
#include "reconcilers/read_endpoint.h"

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
using ::radctl::testing::ObservedStateBuilder;
using ::radctl::testing::Snapshot;
using ::testing::HasSubstr;

constexpr Lsn kAt = 0x5000000;
constexpr Lsn kMB = 1 << 20;

ClusterSpec ReadSpec(int nodes = 3) {
  ClusterSpec spec = DemoSpec(nodes);
  spec.bouncer.read_port = 6544;
  return spec;
}

using ::radctl::testing::Summary;

std::string ReadReason(const Plan& plan) {
  for (const Action& action : plan.actions) {
    if (action.type == ActionType::kPointReadBouncer) return action.reason;
  }
  return "(no point-read-bouncer)";
}

struct ReadCase {
  std::string name;
  std::function<ClusterSpec()> spec;
  std::function<Snapshot(ObservedStateBuilder)> observed;
  std::string expected;
  std::string reason;  // a part the point-read-bouncer's reason must contain ("" : not checked)
};

void PrintTo(const ReadCase& c, std::ostream* os) { *os << c.name; }

class ReadEndpointPlanTest : public ::testing::TestWithParam<ReadCase> {};

TEST_P(ReadEndpointPlanTest, PlansExpectedActions) {
  const ReadCase& c = GetParam();
  ClusterSpec spec = c.spec();
  Plan plan = ComputePlan(spec, c.observed(ObservedStateBuilder(spec)));
  EXPECT_EQ(Summary(plan), c.expected) << "full plan:\n" << plan.ToString("demo");
  if (!c.reason.empty()) {
    EXPECT_THAT(ReadReason(plan), HasSubstr(c.reason));
  }
}

const std::vector<ReadCase>& Cases() {
  static const auto* kCases = new std::vector<ReadCase>{
      {"MissingReadBouncerIsCreated", [] { return ReadSpec(); },
       [](ObservedStateBuilder b) {
         return b.Primary(1).Standby(2, 1).Standby(3, 1).BouncerTarget(1).Build();
       },
       "create-read-bouncer demo-bouncer-read", ""},
      {"NewReadBouncerServesEveryStreamingStandby", [] { return ReadSpec(); },
       [](ObservedStateBuilder b) {
         return b.Primary(1).Standby(2, 1).Standby(3, 1).BouncerTarget(1).ReadBouncer({}).Build();
       },
       "point-read-bouncer demo-bouncer-read -> demo-pg-2,demo-pg-3",
       "demo-pg-2 put into the read endpoint: streams from demo-pg-1, replay lag 0B"},
      {"Converged", [] { return ReadSpec(); },
       [](ObservedStateBuilder b) {
         return b.Primary(1)
             .Standby(2, 1)
             .Standby(3, 1)
             .BouncerTarget(1)
             .ReadBouncer({2, 3})
             .Build();
       },
       "", ""},
      {"StandbyLaggingMoreThanReadMaxLagIsTakenOut", [] { return ReadSpec(); },
       [](ObservedStateBuilder b) {
         return b.Primary(1, kAt + 40 * kMB)
             .Standby(2, 1, kAt + 40 * kMB)
             .Standby(3, 1, kAt + 40 * kMB)
             .Replayed(3, kAt)
             .BouncerTarget(1)
             .ReadBouncer({2, 3})
             .Build();
       },
       "point-read-bouncer demo-bouncer-read -> demo-pg-2",
       "demo-pg-3 taken out of the read endpoint: replay lag 40.0MB > readMaxLag 16MB"},
      {"StandbyWithinReadMaxLagStays", [] { return ReadSpec(); },
       [](ObservedStateBuilder b) {
         return b.Primary(1, kAt + 16 * kMB)
             .Standby(2, 1, kAt + 16 * kMB)
             .Standby(3, 1, kAt + 16 * kMB)
             .Replayed(3, kAt)
             .BouncerTarget(1)
             .ReadBouncer({2, 3})
             .Build();
       },
       "", ""},
      {"NoBoundKeepsALaggingStandby",
       [] {
         ClusterSpec spec = ReadSpec();
         spec.bouncer.read_max_lag = "-1";
         return spec;
       },
       [](ObservedStateBuilder b) {
         return b.Primary(1, kAt + 4096 * kMB)
             .Standby(2, 1)
             .Standby(3, 1)
             .BouncerTarget(1)
             .ReadBouncer({2, 3})
             .Build();
       },
       "", ""},
      {"StandbyThatDoesNotAnswerIsTakenOut", [] { return ReadSpec(); },
       [](ObservedStateBuilder b) {
         return b.Primary(1)
             .Standby(2, 1)
             .Down(3, DataDir::kStandby, /*postgres_running=*/true)
             .BouncerTarget(1)
             .ReadBouncer({2, 3})
             .Build();
       },
       "point-read-bouncer demo-bouncer-read -> demo-pg-2; waiting",
       "demo-pg-3 taken out of the read endpoint: does not answer (connection refused)"},
      {"StandbyStreamingFromAnotherUpstreamIsTakenOut", [] { return ReadSpec(); },
       [](ObservedStateBuilder b) {
         return b.Primary(1)
             .Standby(2, 1)
             .Standby(3, 2)
             .BouncerTarget(1)
             .ReadBouncer({2, 3})
             .Build();
       },
       "point-read-bouncer demo-bouncer-read -> demo-pg-2; follow demo-pg-3 <- demo-pg-1",
       "demo-pg-3 taken out of the read endpoint: follow is planned for it"},
      {"NoEligibleStandbyFallsBackToThePrimary", [] { return ReadSpec(); },
       [](ObservedStateBuilder b) {
         return b.Primary(1)
             .Down(2, DataDir::kStandby, true)
             .Down(3, DataDir::kStandby, true)
             .BouncerTarget(1)
             .ReadBouncer({2, 3})
             .Build();
       },
       "point-read-bouncer demo-bouncer-read -> demo-pg-1; waiting",
       "no standby streams within readMaxLag 16MB (demo-pg-2 does not answer (connection "
       "refused); demo-pg-3 does not answer (connection refused)): read endpoint falls back to "
       "the primary demo-pg-1"},
      {"SingleNodeServesReadsFromThePrimary", [] { return ReadSpec(1); },
       [](ObservedStateBuilder b) { return b.Primary(1).BouncerTarget(1).ReadBouncer({}).Build(); },
       "point-read-bouncer demo-bouncer-read -> demo-pg-1", "falls back to the primary demo-pg-1"},
      {"AStandbyStreamingAgainEndsTheFallback", [] { return ReadSpec(); },
       [](ObservedStateBuilder b) {
         return b.Primary(1)
             .Standby(2, 1)
             .Down(3, DataDir::kStandby, true)
             .BouncerTarget(1)
             .ReadBouncer({1})
             .Build();
       },
       "point-read-bouncer demo-bouncer-read -> demo-pg-2; waiting",
       "demo-pg-2 put into the read endpoint: streams from demo-pg-1, replay lag 0B; the read "
       "endpoint no longer falls back to the primary demo-pg-1"},
      {"WriteSideFirst: a repoint of the write bouncer goes alone", [] { return ReadSpec(); },
       [](ObservedStateBuilder b) {
         return b.Primary(1).Standby(2, 1).Standby(3, 1).BouncerTarget(2).ReadBouncer({}).Build();
       },
       "point-bouncer demo-bouncer -> demo-pg-1 [hold: PAUSE up to 3s, then close hung servers, "
       "then KILL]",
       ""},
      {"WithoutAPrimaryTheLastTargetIsKept", [] { return ReadSpec(); },
       [](ObservedStateBuilder b) {
         return b.Down(1, DataDir::kPrimary, false, absl::Milliseconds(100))
             .Recorded(1)
             .Record(1, "primary", true, 0)
             .Standby(2, 1)
             .Standby(3, 1)
             .BouncerTarget(1)
             .ReadBouncer({2, 3})
             .Build();
       },
       "start-primary demo-pg-1", ""},
      {"StandbyAboutToRestartIsTakenOutFirst", [] { return ReadSpec(); },
       [](ObservedStateBuilder b) {
         return b.Primary(1)
             .Standby(2, 1)
             .Standby(3, 1)
             .PendingRestart(2)
             .BouncerTarget(1)
             .ReadBouncer({2, 3})
             .Build();
       },
       "point-read-bouncer demo-bouncer-read -> demo-pg-3; restart-standby demo-pg-2 <- demo-pg-1",
       "demo-pg-2 taken out of the read endpoint: restart-standby is planned for it"},
      {"ScaleDownTakesTheRemovedStandbyOut", [] { return ReadSpec(2); },
       [](ObservedStateBuilder b) {
         return b.Primary(1)
             .Standby(2, 1)
             .Standby(3, 1)
             .BouncerTarget(1)
             .ReadBouncer({2, 3})
             .Build();
       },
       "point-read-bouncer demo-bouncer-read -> demo-pg-2; remove-node demo-pg-3 <- demo-pg-1",
       "demo-pg-3 taken out of the read endpoint: scaling down to 2 nodes removes it"},
      {"StaleFilesAreUploadedAgain", [] { return ReadSpec(); },
       [](ObservedStateBuilder b) {
         return b.Primary(1)
             .Standby(2, 1)
             .Standby(3, 1)
             .BouncerTarget(1)
             .ReadBouncer({2, 3})
             .ReadBouncerFilesStale()
             .Build();
       },
       "point-read-bouncer demo-bouncer-read -> demo-pg-2,demo-pg-3", "older userlist"},
      {"APromotedStandbyIsTakenOut", [] { return ReadSpec(); },
       [](ObservedStateBuilder b) {
         return b.Primary(2)
             .Standby(1, 2)
             .Standby(3, 2)
             .BouncerTarget(2)
             .ReadBouncer({2, 3})
             .Build();
       },
       "point-read-bouncer demo-bouncer-read -> demo-pg-1,demo-pg-3",
       "demo-pg-2 taken out of the read endpoint: it is the primary now; demo-pg-1 put into the "
       "read endpoint"},
      {"ANewPasswordReachesTheReadEndpointBeforeTheRole", [] { return ReadSpec(); },
       [](ObservedStateBuilder b) {
         return b.Primary(1)
             .Standby(2, 1)
             .Standby(3, 1)
             .BouncerTarget(1)
             .BouncerFilesStale()
             .AppRole(true, true, /*password_current=*/false)
             .ReadBouncer({2, 3})
             .ReadBouncerFilesStale()
             .Build();
       },
       "point-read-bouncer demo-bouncer-read -> demo-pg-2,demo-pg-3; waiting", "older userlist"},
      {"ThenTheRoleGetsIt", [] { return ReadSpec(); },
       [](ObservedStateBuilder b) {
         return b.Primary(1)
             .Standby(2, 1)
             .Standby(3, 1)
             .BouncerTarget(1)
             .BouncerFilesStale()
             .AppRole(true, true, /*password_current=*/false)
             .ReadBouncer({2, 3})
             .Build();
       },
       "apply-credentials demo-bouncer -> demo-pg-1", ""},
      {"ReadPortDroppedFromTheSpecRemovesTheReadBouncer", [] { return DemoSpec(3); },
       [](ObservedStateBuilder b) {
         // Built for a spec with readPort, observed against one without.
         return b.Primary(1)
             .Standby(2, 1)
             .Standby(3, 1)
             .BouncerTarget(1)
             .ReadBouncer({2, 3})
             .Build();
       },
       "remove-read-bouncer demo-bouncer-read", ""},
  };
  return *kCases;
}

std::string CaseName(const ::testing::TestParamInfo<ReadCase>& info) {
  std::string name = info.param.name.substr(0, info.param.name.find(':'));
  return name;
}

INSTANTIATE_TEST_SUITE_P(Read, ReadEndpointPlanTest, ::testing::ValuesIn(Cases()), CaseName);

TEST(ReadEndpointPlanTest, AChangedReadPortReCreatesTheReadBouncer) {
  ClusterSpec before = ReadSpec();
  Snapshot observed = ObservedStateBuilder(before)
                          .Primary(1)
                          .Standby(2, 1)
                          .Standby(3, 1)
                          .BouncerTarget(1)
                          .ReadBouncer({2, 3})
                          .Build();
  ClusterSpec after = before;
  after.bouncer.read_port = 6545;
  EXPECT_EQ(Summary(ComputePlan(after, observed)), "remove-read-bouncer demo-bouncer-read");
}

TEST(ReadEndpointTest, HostListsRoundTrip) {
  EXPECT_EQ(ReadHosts("demo", {2, 3}), "demo-pg-2,demo-pg-3");
  EXPECT_EQ(ReadTargetsFromHosts("demo", "demo-pg-3,demo-pg-2"), (std::vector<int>{2, 3}));
  EXPECT_EQ(ReadTargetsFromHosts("demo", ""), std::vector<int>{});
  // Another cluster's node, or an address: not a list this controller wrote.
  EXPECT_EQ(ReadTargetsFromHosts("demo", "demo-pg-2,other-pg-3"), std::vector<int>{});
}

TEST(ReadEndpointTest, ObservedFallbackIsTheListOfOnlyThePrimary) {
  ClusterSpec spec = ReadSpec();
  Snapshot fallback = ObservedStateBuilder(spec).Primary(1).Standby(2, 1).ReadBouncer({1}).Build();
  EXPECT_TRUE(ReadEndpointOf(spec, fallback).fallback);
  Snapshot serving = ObservedStateBuilder(spec).Primary(1).Standby(2, 1).ReadBouncer({2}).Build();
  EXPECT_FALSE(ReadEndpointOf(spec, serving).fallback);
  EXPECT_EQ(ReadEndpointOf(spec, serving).serves, std::vector<int>{2});
}

TEST(ReadEndpointTest, LagBoundInBytes) {
  BouncerSpec bouncer;
  EXPECT_EQ(ReadMaxLagBytes(bouncer), int64_t{16} << 20);
  bouncer.read_max_lag = "512kB";
  EXPECT_EQ(ReadMaxLagBytes(bouncer), 512 * 1024);
  bouncer.read_max_lag = "-1";
  EXPECT_EQ(ReadMaxLagBytes(bouncer), -1);
  EXPECT_EQ(FormatBytes(40 * kMB), "40.0MB");
  EXPECT_EQ(FormatBytes(512), "512B");
}

}  // namespace
}  // namespace radctl
