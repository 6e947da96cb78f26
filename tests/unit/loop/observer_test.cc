// The observer on a FakeWorld: what it reports of each node, the bouncer and repmgr's records,
// and that a partial observation is data while an unreachable engine is an error. The loop's
// memory is made from what it reports (Remember), as the loop does.
#include "controller/loop/observer.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reconcilers/probe_timings.h"
#include "tests/unit/loop/controller_harness.h"

namespace radctl {
namespace {

using ::radctl::testing::ControllerHarness;
using ::testing::HasSubstr;

class ObserverTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(h_.BringUp().ok()) << h_.log(); }
  ObservedState Observe() {
    absl::StatusOr<ObservedState> observed = observer_.Observe(h_.spec());
    EXPECT_TRUE(observed.ok()) << observed.status();
    if (!observed.ok()) return ObservedState{};
    memory_ = Remember(memory_, *observed, {}, observed->observed_at);
    return *observed;
  }

  ControllerHarness h_;
  Observer observer_{h_.world().env(), h_.secrets()};
  LoopMemory memory_;
};

TEST_F(ObserverTest, SeesRolesPositionsUpstreamsAndTheBouncer) {
  ObservedState observed = Observe();
  ASSERT_EQ(observed.nodes.size(), 3u);
  EXPECT_TRUE(observed.network_exists);
  EXPECT_TRUE(observed.Node(1)->IsWritablePrimary());
  EXPECT_TRUE(observed.Node(2)->IsStreamingFrom("demo-pg-1"));
  EXPECT_TRUE(observed.Node(3)->IsStreamingFrom("demo-pg-1"));
  EXPECT_EQ(observed.Node(2)->receive_lsn, observed.Node(1)->current_lsn);
  EXPECT_EQ(observed.bouncer.target_host, "demo-pg-1");
  EXPECT_TRUE(observed.bouncer.reachable);
  EXPECT_EQ(observed.repmgr_nodes.size(), 3u);
  EXPECT_EQ(observed.replication.size(), 2u);
  EXPECT_EQ(memory_.last_primary_lsn, observed.Node(1)->current_lsn);
}

TEST_F(ObserverTest, TheSpecsImageIsLookedUpWhenItsNameChangesElseEveryThirtySeconds) {
  const std::string image = h_.spec().postgres.image;
  EXPECT_EQ(Observe().wanted_image_id, image);
  h_.world().RebuildImage(image, "sha256:rebuilt");
  h_.world().clock().Advance(absl::Seconds(29));
  EXPECT_EQ(Observe().wanted_image_id, image) << "looked up again before 30 s";
  h_.world().clock().Advance(absl::Seconds(1));
  EXPECT_EQ(Observe().wanted_image_id, "sha256:rebuilt");

  ClusterSpec renamed = h_.spec();
  renamed.postgres.image = "example/postgres:15";
  h_.world().RebuildImage(renamed.postgres.image, "sha256:other");
  absl::StatusOr<ObservedState> observed = observer_.Observe(renamed);
  ASSERT_TRUE(observed.ok());
  EXPECT_EQ(observed->wanted_image_id, "sha256:other") << "a new name is looked up at once";
}

TEST_F(ObserverTest, ANodeThatDoesNotAnswerIsLookedIntoNotDropped) {
  h_.world().CrashPostgres(1);
  ObservedState observed = Observe();
  const NodeObservation* node = observed.Node(1);
  ASSERT_NE(node, nullptr);
  EXPECT_FALSE(node->reachable);
  EXPECT_THAT(node->probe_error, HasSubstr("connection refused"));
  EXPECT_EQ(node->data_dir, DataDir::kPrimary);
  EXPECT_FALSE(node->postgres_running);
  EXPECT_EQ(NodeRole(*node), "fenced");
}

TEST_F(ObserverTest, APausedContainerIsRunningButPausedAndNotLookedInto) {
  h_.world().Pause(1);
  ObservedState observed = Observe();
  const NodeObservation* node = observed.Node(1);
  EXPECT_EQ(node->container, ContainerState::kRunning);
  EXPECT_TRUE(node->paused);
  EXPECT_EQ(node->data_dir, DataDir::kUnknown);
  EXPECT_THAT(node->facts_error, HasSubstr("is paused"));
}

TEST_F(ObserverTest, AKilledContainerShowsItsExitCode) {
  h_.world().Kill(2);
  ObservedState observed = Observe();
  EXPECT_EQ(observed.Node(2)->container, ContainerState::kStopped);
  EXPECT_EQ(observed.Node(2)->exit_code, 137);
  EXPECT_TRUE(observed.Node(2)->ContainerDied());
}

TEST_F(ObserverTest, SilenceIsCountedFromTheLastAnswer) {
  Observe();
  absl::Time answered = h_.world().clock().Now();
  h_.world().Freeze(1, true);
  ObservedState observed;
  for (int i = 0; i < 12; ++i) {  // looked at every 250 ms, as a watcher does
    h_.world().clock().Advance(absl::Milliseconds(250));
    observed = Observe();
  }
  EXPECT_FALSE(observed.Node(1)->reachable);
  EXPECT_EQ(memory_.Node(1).answered_at, answered);
  EXPECT_EQ(observed.observed_at - memory_.Node(1).answered_at, absl::Seconds(3));
}

// The node sessions' side, recording how long each connection may take, by port.
class RecordingPostgres : public PostgresAccess {
 public:
  explicit RecordingPostgres(const PostgresAccess& real) : real_(real) {}
  absl::StatusOr<std::unique_ptr<NodeSession>> Connect(const PgEndpoint& endpoint,
                                                       absl::Duration timeout) const override {
    timeouts[endpoint.port] = timeout;
    return real_.Connect(endpoint, timeout);
  }
  mutable std::map<int, absl::Duration> timeouts;

 private:
  const PostgresAccess& real_;
};

TEST_F(ObserverTest, ASilentNodesProbeEndsWhenItsSilenceReachesDetection) {
  const Env& env = h_.world().env();
  RecordingPostgres postgres(env.postgres);
  const Env recorded{env.runtime, postgres, env.bouncer, env.clock, env.tasks};
  Observer observer(recorded, h_.secrets());
  observer.set_probe_timeout(absl::Milliseconds(250));
  ASSERT_TRUE(observer.Observe(h_.spec()).ok());
  const int frozen_port = h_.world().Node(1).host_port;
  // The loop's memory: node 1 answered now, and was silent at the next look.
  LoopMemory memory;
  memory.nodes[1].answered_at = h_.world().clock().Monotonic();
  FailoverSpec failover;
  failover.detection_ms = 1000;
  auto shortened = [&] {
    return ShortenedProbeTimeouts(memory, failover, h_.world().clock().Monotonic());
  };
  h_.world().Freeze(1, true);
  h_.world().clock().Advance(absl::Milliseconds(300));
  ASSERT_TRUE(observer.Observe(h_.spec()).ok());  // its first silent look: the session is lost
  memory.nodes[1].looked_at = h_.world().clock().Monotonic();

  h_.world().clock().Advance(absl::Milliseconds(600));
  postgres.timeouts.clear();
  ASSERT_TRUE(observer.Observe(h_.spec(), {}, shortened()).ok());
  EXPECT_EQ(postgres.timeouts.at(frozen_port), absl::Milliseconds(100))
      << "the probe ends when the silence reaches detectionMs";

  h_.world().clock().Advance(absl::Milliseconds(200));  // past it: a short look still
  postgres.timeouts.clear();
  ASSERT_TRUE(observer.Observe(h_.spec(), {}, shortened()).ok());
  EXPECT_EQ(postgres.timeouts.at(frozen_port), absl::Milliseconds(50));

  // Long past it (nobody failed over from it), a node that comes back has time to log in.
  h_.world().clock().Advance(absl::Milliseconds(300));
  postgres.timeouts.clear();
  ASSERT_TRUE(observer.Observe(h_.spec(), {}, shortened()).ok());
  EXPECT_EQ(postgres.timeouts.at(frozen_port), absl::Milliseconds(250));

  // The other nodes' probes are not shortened (a new observer logs in to each).
  Observer fresh(recorded, h_.secrets());
  fresh.set_probe_timeout(absl::Milliseconds(250));
  postgres.timeouts.clear();
  ASSERT_TRUE(fresh.Observe(h_.spec(), {}, shortened()).ok());
  EXPECT_EQ(postgres.timeouts.at(h_.world().Node(2).host_port), absl::Milliseconds(250));
}

TEST_F(ObserverTest, AContainerStartedAgainIsSilentOnlyFromItsFirstUnansweredProbe) {
  Observe();
  h_.world().Kill(1);
  for (int i = 0; i < 8; ++i) {  // not running for 2 s, looked at every 250 ms
    h_.world().clock().Advance(absl::Milliseconds(250));
    Observe();
  }
  ASSERT_TRUE(h_.world().env().runtime.StartContainer("demo-pg-1").ok());
  h_.world().Freeze(1, true);
  h_.world().clock().Advance(absl::Milliseconds(250));
  ObservedState observed = Observe();
  EXPECT_EQ(memory_.Node(1).answered_at, observed.observed_at);
}

TEST_F(ObserverTest, SilenceTheLoopDidNotWatchCountsFromTheFirstUnansweredProbe) {
  // The loop acted for 3 s (a switchover on a busy machine) without looking: the node answered
  // before, and its first probe after that fails. It has not been silent for 3 s as far as
  // anyone knows: its silence starts now.
  Observe();
  h_.world().Freeze(1, true);
  h_.world().clock().Advance(absl::Seconds(3));
  ObservedState observed = Observe();
  EXPECT_EQ(memory_.Node(1).answered_at, observed.observed_at);
  h_.world().clock().Advance(absl::Milliseconds(250));
  ObservedState later = Observe();
  EXPECT_EQ(memory_.Node(1).answered_at, observed.observed_at) << "and goes on from there";
}

TEST_F(ObserverTest, WithoutAPrimaryTheMostAdvancedStandbysRecordsAreTrusted) {
  h_.world().Lag(3, true);
  // A change of records the lagging node 3 does not see: node 2 is now recorded as primary.
  absl::StatusOr<docker::ContainerInfo> info =
      h_.world().env().runtime.InspectContainer("demo-pg-1");
  ASSERT_TRUE(info.ok());
  auto session = h_.world().env().postgres.Connect(
      PgEndpoint{"127.0.0.1", info->ports[0].host_port, "repmgr", "x", "repmgr"}, absl::Seconds(1));
  ASSERT_TRUE(session.ok());
  ASSERT_TRUE((*session)->RecordPrimary(2, absl::Seconds(1)).ok());
  h_.world().Write(1, 0x100);
  h_.world().Kill(1);
  ObservedState observed = Observe();
  const RepmgrNode* record = observed.RepmgrRecord(2);
  ASSERT_NE(record, nullptr);
  EXPECT_EQ(record->type, "primary");  // node 2's copy, not node 3's stale one
}

TEST_F(ObserverTest, AnUnreachableEngineFailsTheWholeObservation) {
  h_.world().SetEngineDown(true);
  absl::StatusOr<ObservedState> observed = observer_.Observe(h_.spec());
  EXPECT_TRUE(absl::IsUnavailable(observed.status())) << observed.status();
}

}  // namespace
}  // namespace radctl
