// Fault names as users type them, and which faults a cluster and drill set-up can take.
#include "controller/drill/fault.h"

#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace radctl::drill {
namespace {

using ::testing::HasSubstr;

TEST(FaultTest, EveryNameParsesBackToItsFault) {
  for (Fault fault : {Fault::kKillPrimary, Fault::kStopPrimary, Fault::kPausePrimary,
                      Fault::kCutPrimary, Fault::kKillStandby, Fault::kKillPrimaryAndStandby,
                      Fault::kKillController, Fault::kRandom}) {
    absl::StatusOr<Fault> parsed = ParseFault(FaultName(fault));
    ASSERT_TRUE(parsed.ok()) << FaultName(fault);
    EXPECT_EQ(*parsed, fault);
  }
}

TEST(FaultTest, UnknownNameListsTheAllowedOnes) {
  absl::StatusOr<Fault> parsed = ParseFault("kill-primray");
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(parsed.status().message(), HasSubstr("\"kill-primray\""));
  EXPECT_THAT(parsed.status().message(), HasSubstr("kill-primary, stop-primary, pause-primary"));
}

TEST(FaultTest, KillControllerNeedsTheDrillToRunTheController) {
  absl::Status refused = CheckFaultAllowed(Fault::kKillController, {3, false});
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(), HasSubstr("--run-controller FILE"));
  EXPECT_TRUE(CheckFaultAllowed(Fault::kKillController, {3, true}).ok());
}

TEST(FaultTest, DoubleFaultNeedsThreeNodesAndNoDrillRunsOnOne) {
  EXPECT_THAT(CheckFaultAllowed(Fault::kKillPrimaryAndStandby, {2, false}).message(),
              HasSubstr("at least 3 nodes"));
  EXPECT_TRUE(CheckFaultAllowed(Fault::kKillPrimaryAndStandby, {3, false}).ok());
  EXPECT_THAT(CheckFaultAllowed(Fault::kKillPrimary, {1, false}).message(),
              HasSubstr("at least 2 nodes"));
}

TEST(FaultTest, RandomDrawsOnlyAllowedFaultsAndIsRepeatableWithASeed) {
  std::vector<Fault> two_nodes = RandomCandidates({2, false});
  EXPECT_EQ(two_nodes,
            (std::vector<Fault>{Fault::kKillPrimary, Fault::kStopPrimary, Fault::kPausePrimary,
                                Fault::kCutPrimary, Fault::kKillStandby}));
  EXPECT_EQ(RandomCandidates({3, true}).size(), 7u);
  std::mt19937_64 first(42);
  std::mt19937_64 second(42);
  std::set<Fault> drawn;
  for (int i = 0; i < 200; ++i) {
    Fault a = ResolveFault(Fault::kRandom, {3, false}, first);
    EXPECT_EQ(a, ResolveFault(Fault::kRandom, {3, false}, second));
    EXPECT_NE(a, Fault::kKillController);
    drawn.insert(a);
  }
  EXPECT_EQ(drawn.size(), 6u) << "every allowed fault comes up in 200 draws";
  EXPECT_EQ(ResolveFault(Fault::kCutPrimary, {3, false}, first), Fault::kCutPrimary);
}

}  // namespace
}  // namespace radctl::drill
