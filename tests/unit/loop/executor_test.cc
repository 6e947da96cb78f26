// The executor on a FakeWorld: each action does what its contract says, and how it goes about
// it (fence method, whether clients must be held) is the action's, not the executor's.
#include "controller/loop/executor.h"

#include <filesystem>
#include <sstream>
#include <utility>
#include <vector>

#include "controller/clients/postgres/session_pool.h"
#include "controller/config/endpoints.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reconcilers/switchover.h"
#include "tests/unit/loop/controller_harness.h"

namespace radctl {
namespace {

using ::radctl::testing::ControllerHarness;
using ::radctl::testing::FakeData;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

class ExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(h_.BringUp().ok()) << h_.log();
    (void)h_.record();  // the controller's lease, taken as the loop takes it before acting
  }
  ActionOutcome Run(const Action& action) {
    Executor executor(h_.world().env(), h_.spec(), secrets_, events_, h_.store(), h_.record());
    return executor.RunOne(action);
  }

  // Node `ordinal`'s endpoint as radctl logs into it (its published port now).
  PgEndpoint NodeEndpointOf(int ordinal) {
    return NodeEndpoint(h_.spec(), secrets_, h_.world().Node(ordinal).host_port);
  }

  // demo-pg-2 promoted in place of a killed demo-pg-1, as the planner asks for it.
  static Action FailoverFromKilledPrimary(std::vector<int> followers) {
    Action failover{ActionType::kFailover, 2, 1, "test"};
    failover.hold = ClientHold::kBestEffort;
    failover.fence = FenceMethod::kKillContainer;
    failover.targets = std::move(followers);
    return failover;
  }

  ControllerHarness h_;
  const ClusterSecrets& secrets_ = h_.secrets();
  std::ostringstream out_;
  EventLog events_{out_, nullptr, false, h_.world().clock()};
};

TEST_F(ExecutorTest, FenceStopsPostgresOrKillsTheContainerAsTheActionSays) {
  Action stop{ActionType::kFence, 2, 0, "test"};
  stop.fence = FenceMethod::kStopPostgres;
  EXPECT_TRUE(Run(stop).status.ok());
  EXPECT_FALSE(h_.world().Node(2).postgres);
  EXPECT_EQ(h_.world().Node(2).state, "running");

  Action kill{ActionType::kFence, 3, 0, "test"};
  kill.fence = FenceMethod::kKillContainer;
  EXPECT_TRUE(Run(kill).status.ok());
  EXPECT_EQ(h_.world().Node(3).state, "exited");
  // Killing what is not running any more is not an error: it cannot write either way.
  EXPECT_TRUE(Run(kill).status.ok());
}

TEST_F(ExecutorTest, AFailoverThatMayGoWithoutHoldingClientsDoes) {
  h_.world().Kill(1);
  ASSERT_TRUE(h_.world().env().runtime.RemoveContainer("demo-bouncer").ok());
  Action failover{ActionType::kFailover, 2, 1, "test"};
  failover.hold = ClientHold::kBestEffort;
  failover.fence = FenceMethod::kKillContainer;
  ActionOutcome outcome = Run(failover);
  // Promoted although the bouncer could not be paused (nor, being gone, repointed).
  EXPECT_THAT(h_.world().Primaries(), ::testing::ElementsAre(2));
  EXPECT_THAT(out_.str(), HasSubstr("PauseFailed"));
  EXPECT_FALSE(outcome.status.ok());  // the repoint failed: the planner will point it later
}

// Pointed as the successor is promoted (each on a session logged into while clients were
// being held): its receiver goes on to the new timeline without a Follow.
TEST_F(ExecutorTest, AFailoverPointsTheNamedStandbysAtTheSuccessorAsItIsPromoted) {
  h_.world().Kill(1);
  ActionOutcome outcome = Run(FailoverFromKilledPrimary(/*followers=*/{3}));
  ASSERT_TRUE(outcome.status.ok()) << outcome.status << out_.str();
  EXPECT_THAT(h_.world().Primaries(), ::testing::ElementsAre(2));
  EXPECT_EQ(h_.world().Node(3).upstream, "demo-pg-2");
  h_.world().clock().Advance(absl::Seconds(1));  // its next attempt to connect
  h_.world().Advance();
  EXPECT_EQ(h_.world().Node(3).attached_to, "demo-pg-2");  // streams without a Follow
  EXPECT_THAT(out_.str(), HasSubstr("demo-pg-3 pointed at demo-pg-2"));
}

// With the observer's kept sessions, a failover logs into nothing while clients are held (a
// login took 50-75 ms in the moments after a kill), and gives the sessions back.
TEST_F(ExecutorTest, AFailoverTakesTheSessionsTheObserverKeepsAndGivesThemBack) {
  SessionPool pool(h_.world().env().postgres);
  for (int ordinal : {2, 3}) {  // as the observer's probes leave them
    absl::StatusOr<std::unique_ptr<NodeSession>> session =
        h_.world().env().postgres.Connect(NodeEndpointOf(ordinal), absl::Seconds(1));
    ASSERT_TRUE(session.ok()) << session.status();
    pool.Return(*std::move(session));
  }
  const int logins_2 = h_.world().Node(2).logins;
  const int logins_3 = h_.world().Node(3).logins;
  h_.world().Kill(1);
  Executor executor(h_.world().env(), h_.spec(), secrets_, events_, h_.store(), h_.record(), &pool);
  ActionOutcome outcome = executor.RunOne(FailoverFromKilledPrimary(/*followers=*/{3}));
  ASSERT_TRUE(outcome.status.ok()) << outcome.status << out_.str();
  EXPECT_THAT(h_.world().Primaries(), ::testing::ElementsAre(2));
  EXPECT_EQ(h_.world().Node(3).upstream, "demo-pg-2");
  EXPECT_EQ(h_.world().Node(2).logins, logins_2);
  EXPECT_EQ(h_.world().Node(3).logins, logins_3);
  ASSERT_TRUE(pool.Take(NodeEndpointOf(2), absl::Seconds(1)).ok());
  ASSERT_TRUE(pool.Take(NodeEndpointOf(3), absl::Seconds(1)).ok());
  EXPECT_EQ(h_.world().Node(2).logins, logins_2) << "given back";
  EXPECT_EQ(h_.world().Node(3).logins, logins_3) << "given back";
}

TEST_F(ExecutorTest, AFollowerThatCannotBePointedDoesNotStopTheFailover) {
  h_.world().Kill(1);
  h_.world().Kill(3);
  ActionOutcome outcome = Run(FailoverFromKilledPrimary(/*followers=*/{3}));
  ASSERT_TRUE(outcome.status.ok()) << outcome.status << out_.str();
  EXPECT_THAT(h_.world().Primaries(), ::testing::ElementsAre(2));
  EXPECT_EQ(h_.world().Bouncer().target, "demo-pg-2");
  EXPECT_THAT(out_.str(), HasSubstr("FollowFailed"));
}

// The bouncer's config naming the successor is uploaded while it is promoted; PgBouncer reads
// it only once the successor is recorded (safety rule 3). A record that fails leaves the old
// primary's config in place and nothing routed to the unrecorded one.
TEST_F(ExecutorTest, AFailoverWhoseRecordFailsLeavesTheBouncerOnTheOldPrimarysConfig) {
  h_.world().Kill(1);
  const std::string record = h_.store().dir() + "/primary.json";
  std::filesystem::remove(record);
  std::filesystem::create_directory(record);  // primary.json cannot be written
  ActionOutcome outcome = Run(FailoverFromKilledPrimary(/*followers=*/{3}));
  EXPECT_FALSE(outcome.status.ok());
  EXPECT_THAT(h_.world().Primaries(), ::testing::ElementsAre(2));  // promoted, not recorded
  EXPECT_NE(h_.world().Bouncer().target, "demo-pg-2");
  EXPECT_THAT(h_.world().Bouncer().ini, HasSubstr("host=demo-pg-1"));
  EXPECT_THAT(h_.world().Bouncer().ini, Not(HasSubstr("host=demo-pg-2")));
  EXPECT_FALSE(h_.world().Bouncer().paused);
}

TEST_F(ExecutorTest, ASwitchoverThatMustHoldClientsDoesNothingWithoutThem) {
  ASSERT_TRUE(h_.world().env().runtime.RemoveContainer("demo-bouncer").ok());
  Action switchover{ActionType::kSwitchover, 2, 1, "test"};
  switchover.hold = ClientHold::kRequired;
  ActionOutcome outcome = Run(switchover);
  EXPECT_FALSE(outcome.status.ok());
  EXPECT_THAT(h_.world().Primaries(), ::testing::ElementsAre(1));
  EXPECT_THAT(h_.world().Steps(), Not(Contains("stop-cleanly demo-pg-1")));
}

TEST_F(ExecutorTest, ASwitchoverHandsOverWithoutLosingTheLastWal) {
  h_.world().Write(1, 0x4000);
  Action switchover{ActionType::kSwitchover, 2, 1, "test"};
  ActionOutcome outcome = Run(switchover);
  ASSERT_TRUE(outcome.status.ok()) << outcome.status;
  EXPECT_THAT(h_.world().Primaries(), ::testing::ElementsAre(2));
  EXPECT_EQ(h_.world().Bouncer().target, "demo-pg-2");
  EXPECT_FALSE(h_.world().Bouncer().paused);
  // Node 2 has everything node 1 wrote, its shutdown checkpoint included.
  EXPECT_GT(*h_.world().Node(2).wal.SwitchPoint(1), h_.world().Node(1).lsn() - 1);
}

// A switchover's fallback is the action's: the executor restarts the old primary when the
// successor has not caught up only because the planned action says so, and waits for it as long
// as the action says.
TEST_F(ExecutorTest, ASwitchoverWhoseSuccessorLagsRestartsTheOldPrimaryOnlyIfTheActionSaysSo) {
  h_.world().Lag(3, true);  // it will not receive the old primary's shutdown checkpoint
  Action keep_stopped = PlannedSwitchover(3, 1, /*followers=*/{}, "test");
  keep_stopped.fallback = {absl::Seconds(1), /*restart_old_primary=*/false};
  absl::Time start = h_.world().clock().Monotonic();
  ActionOutcome outcome = Run(keep_stopped);
  const absl::Duration waited = h_.world().clock().Monotonic() - start;
  EXPECT_TRUE(absl::IsAborted(outcome.status)) << outcome.status;
  EXPECT_THAT(std::string(outcome.status.message()), HasSubstr("demo-pg-1 is left stopped"));
  EXPECT_THAT(h_.world().Primaries(), ::testing::IsEmpty()) << "nothing changed hands";
  EXPECT_FALSE(h_.world().Node(1).postgres);
  EXPECT_EQ(h_.world().Node(3).data, FakeData::kStandby);
  EXPECT_FALSE(h_.world().Bouncer().paused);
  EXPECT_GE(waited, absl::Seconds(1));
  EXPECT_LT(waited, absl::Seconds(2)) << "waited past the action's replay_wait";
}

TEST_F(ExecutorTest, ASwitchoverWhoseFallbackRestartsTheOldPrimaryStartsItAgain) {
  h_.world().Lag(3, true);
  Action switchover = PlannedSwitchover(3, 1, /*followers=*/{}, "test");
  switchover.fallback = {absl::Seconds(1), /*restart_old_primary=*/true};
  ActionOutcome outcome = Run(switchover);
  EXPECT_TRUE(absl::IsAborted(outcome.status)) << outcome.status;
  EXPECT_THAT(h_.world().Primaries(), ::testing::ElementsAre(1));
  EXPECT_FALSE(h_.world().Bouncer().paused);
}

// The hold's escalation is the action's: a PAUSE that hangs past its wait has its servers
// closed and is KILLed only as far as the action allows.
TEST_F(ExecutorTest, AHoldWhoseActionForbidsKillNeverSendsKill) {
  h_.world().SetPauseHangs(true);
  h_.world().SetSocketsClosable(false);  // closing does not release them: only KILL would
  Action repoint{ActionType::kPointBouncer, 0, 1, "test"};
  repoint.pause = {absl::Seconds(3), /*close_hung_servers=*/true, /*kill=*/false, "test"};
  ActionOutcome outcome = Run(repoint);
  EXPECT_FALSE(outcome.status.ok());
  EXPECT_THAT(std::string(outcome.status.message()), HasSubstr("does not allow KILL"));
  EXPECT_THAT(std::string(outcome.status.message()), HasSubstr("within 3s"));
  EXPECT_GE(h_.world().Bouncer().servers_closed, 1);
  EXPECT_EQ(h_.world().Bouncer().kills, 0);
  EXPECT_THAT(out_.str(), Not(HasSubstr("BouncerKill")));

  // Where nothing else resumes the bouncer (a hold of its own), the pending PAUSE is withdrawn.
  Action hold{ActionType::kHoldClients, 0, 1, "test"};
  hold.hold = ClientHold::kRequired;
  hold.pause = repoint.pause;
  outcome = Run(hold);
  EXPECT_THAT(std::string(outcome.status.message()), HasSubstr("withdrawn (RESUME)"));
  EXPECT_FALSE(h_.world().Bouncer().paused) << "clients left held by a PAUSE nobody resumes";

  // Allowed, the same hold ends in KILL.
  repoint.pause.kill = true;
  outcome = Run(repoint);
  EXPECT_GE(h_.world().Bouncer().kills, 1);
  EXPECT_THAT(out_.str(), HasSubstr("BouncerKill"));
}

TEST_F(ExecutorTest, AHoldWhoseActionForbidsClosingServersGoesStraightToKill) {
  h_.world().SetPauseHangs(true);
  Action hold{ActionType::kHoldClients, 0, 1, "test"};
  hold.hold = ClientHold::kBestEffort;
  hold.pause = {absl::Milliseconds(200), /*close_hung_servers=*/false, /*kill=*/true, "test"};
  ActionOutcome outcome = Run(hold);
  EXPECT_TRUE(outcome.status.ok()) << outcome.status;
  EXPECT_EQ(h_.world().Bouncer().servers_closed, 0);
  EXPECT_GE(h_.world().Bouncer().kills, 1);
}

TEST_F(ExecutorTest, AFailedActionSaysWhatFailedAndOnWhichNode) {
  h_.world().FailStep("restart", 1, "FATAL: invalid value for parameter \"work_mem\"");
  ActionOutcome outcome = Run(Action{ActionType::kRestartStandby, 2, 1, "test"});
  EXPECT_FALSE(outcome.status.ok());
  EXPECT_THAT(std::string(outcome.status.message()), HasSubstr("demo-pg-2"));
  EXPECT_THAT(std::string(outcome.status.message()), HasSubstr("invalid value for parameter"));
  EXPECT_THAT(out_.str(), HasSubstr("RestartStandbyFailed"));
}

}  // namespace
}  // namespace radctl
