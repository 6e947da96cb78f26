// The read-only endpoint through the real loop, observer and executor on the FakeWorld: the read
// bouncer is made and pointed at the streaming standbys, a lagging or dead standby is taken out,
// the endpoint falls back to the primary, a restarted controller observes the list and does not
// retarget, and a spec without readPort removes it.
#include "controller/config/endpoints.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/loop/controller_harness.h"

namespace radctl {
namespace {

using ::radctl::testing::ControllerHarness;
using ::radctl::testing::FakeSpec;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

ClusterSpec ReadSpec() {
  ClusterSpec spec = FakeSpec(3);
  spec.bouncer.read_port = 6544;
  return spec;
}

TEST(ReadEndpointLoopTest, ServesStreamingStandbysAndConvergesAfterARestart) {
  ControllerHarness h(ReadSpec());
  ASSERT_TRUE(h.BringUp().ok()) << h.log();
  EXPECT_EQ(h.world().ReadBouncer().target, "demo-pg-2,demo-pg-3");
  EXPECT_EQ(h.world().ReadBouncer().host_port, 6544);
  EXPECT_THAT(h.world().ReadBouncer().loaded_ini, HasSubstr("server_round_robin = 1"));
  // The write bouncer is untouched by it.
  EXPECT_EQ(h.world().Bouncer().target, "demo-pg-1");
  // Both bouncers hold logins to a node that died: a refused login makes PgBouncer turn away
  // the clients that need a server connection while its pool has none, on the read side too.
  EXPECT_THAT(h.world().Bouncer().env, ElementsAre("RADCTL_HOLD_UNANSWERED_LOGINS=5432"));
  EXPECT_THAT(h.world().Bouncer().cap_add, ElementsAre("NET_ADMIN"));
  EXPECT_THAT(h.world().ReadBouncer().env, ElementsAre("RADCTL_HOLD_UNANSWERED_LOGINS=5432"));
  EXPECT_THAT(h.world().ReadBouncer().cap_add, ElementsAre("NET_ADMIN"));

  // A controller started afresh reads the list back (SHOW DATABASES): nothing to do.
  h.NewController();
  bool acted = true;
  ASSERT_TRUE(h.Converge(&acted).ok()) << h.log();
  EXPECT_FALSE(acted) << h.log();
}

TEST(ReadEndpointLoopTest, ALaggingStandbyIsTakenOutAndPutBack) {
  ControllerHarness h(ReadSpec());
  ASSERT_TRUE(h.BringUp().ok()) << h.log();
  h.world().Lag(3, true);
  h.world().Write(1, Lsn{40} << 20);
  ASSERT_TRUE(h.Converge().ok()) << h.log();
  EXPECT_EQ(h.world().ReadBouncer().target, "demo-pg-2");
  EXPECT_THAT(h.log(), HasSubstr("demo-pg-3 taken out of the read endpoint: replay lag 40.0MB > "
                                 "readMaxLag 16MB"));
  h.world().Lag(3, false);
  h.world().Write(1, 1);
  ASSERT_TRUE(h.Converge().ok()) << h.log();
  EXPECT_EQ(h.world().ReadBouncer().target, "demo-pg-2,demo-pg-3");
  EXPECT_THAT(h.log(), HasSubstr("demo-pg-3 put into the read endpoint"));
}

TEST(ReadEndpointLoopTest, WithEveryStandbyDeadItFallsBackToThePrimaryUntilTheyReturn) {
  ControllerHarness h(ReadSpec());
  ASSERT_TRUE(h.BringUp().ok()) << h.log();
  h.world().Kill(2);
  h.world().Kill(3);
  ASSERT_TRUE(h.Converge().ok()) << h.log();
  EXPECT_THAT(h.log(), HasSubstr("read endpoint falls back to the primary demo-pg-1"));
  // The standbys were started again and stream: they serve reads again.
  EXPECT_EQ(h.world().ReadBouncer().target, "demo-pg-2,demo-pg-3");
  EXPECT_THAT(h.log(), HasSubstr("the read endpoint no longer falls back to the primary"));
}

TEST(ReadEndpointLoopTest, ANewPasswordReachesTheReadEndpointBeforeTheRole) {
  ControllerHarness h(ReadSpec());
  ASSERT_TRUE(h.BringUp().ok()) << h.log();
  const size_t before = h.log().size();
  h.spec().auth.password = "a-new-password-1";
  ASSERT_TRUE(h.ReloadCredentials().ok());
  ASSERT_TRUE(h.Converge().ok()) << h.log();
  // Both endpoints take the new password.
  for (int port : {6543, 6544}) {
    EXPECT_TRUE(h.world()
                    .env()
                    .postgres.Connect(AppEndpoint(h.spec(), h.secrets(), port), absl::Seconds(1))
                    .ok())
        << port;
  }
  const std::string log = h.log();
  size_t read_refresh =
      log.find("PointReadBouncer read bouncer runs with an older userlist", before);
  size_t role = log.find("does not have the cluster's current password", before);
  ASSERT_NE(read_refresh, std::string::npos) << log;
  ASSERT_NE(role, std::string::npos) << log;
  EXPECT_LT(read_refresh, role) << log;
  // The old password's userlist is gone from the read bouncer.
  int userlists = 0;
  for (const auto& [path, content] : h.world().ReadBouncer().files) {
    if (path.rfind("userlist", 0) == 0) ++userlists;
  }
  EXPECT_EQ(userlists, 1);
}

TEST(ReadEndpointLoopTest, ASpecWithoutReadPortRemovesTheReadBouncer) {
  ControllerHarness h(ReadSpec());
  ASSERT_TRUE(h.BringUp().ok()) << h.log();
  ASSERT_TRUE(h.world().ReadBouncer().container);
  h.spec().bouncer.read_port = kNoReadPort;
  ASSERT_TRUE(h.Converge().ok()) << h.log();
  EXPECT_FALSE(h.world().ReadBouncer().container);
  EXPECT_EQ(h.world().Bouncer().target, "demo-pg-1");
}

}  // namespace
}  // namespace radctl
