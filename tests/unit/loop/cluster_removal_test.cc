// `radctl delete` and a controller that holds the cluster's lease (from a copy of the state
// directory, or on another host): it would re-create what is deleted, so nothing is.
#include "controller/operations/cluster_removal.h"

#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/loop/controller_harness.h"

namespace radctl {
namespace {

using ::radctl::testing::ControllerHarness;
using ::testing::HasSubstr;

TEST(ClusterRemovalTest, NothingIsRemovedWhileAnotherControllerHoldsTheLease) {
  ControllerHarness h;
  ASSERT_TRUE(h.BringUp().ok()) << h.log();
  (void)h.record();  // another controller takes the lease, as before it acts
  std::ostringstream out;
  EventLog events(out, nullptr, false, h.world().clock());
  bool found = false;
  absl::Status removed =
      RemoveCluster(h.world().env().runtime, h.store(), "demo", {}, events, &found);
  EXPECT_TRUE(absl::IsFailedPrecondition(removed)) << removed;
  EXPECT_THAT(std::string(removed.message()), HasSubstr("stop it first. Nothing was removed"));
  EXPECT_TRUE(h.world().Node(1).container);
  EXPECT_TRUE(h.world().Node(1).postgres);

  h.NewController();  // that controller ends: its lease with it
  removed = RemoveCluster(h.world().env().runtime, h.store(), "demo", {}, events, &found);
  EXPECT_TRUE(removed.ok()) << removed;
  EXPECT_TRUE(found);
  EXPECT_FALSE(h.world().Node(1).container);
}

}  // namespace
}  // namespace radctl
