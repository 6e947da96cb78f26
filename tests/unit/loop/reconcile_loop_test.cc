// The loop end to end on a FakeWorld: the real observer, planner and executor, the outside
// systems faked. Each test checks what a user would: who is primary, whom the bouncer targets,
// who streams from whom, what the controller said.
#include "controller/loop/reconcile_loop.h"

#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reconcilers/switchover.h"
#include "tests/unit/loop/controller_harness.h"

namespace radctl {
namespace {

using ::radctl::testing::ControllerHarness;
using ::radctl::testing::FakeData;
using ::radctl::testing::FakeNode;
using ::radctl::testing::FakeSpec;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// Node `ordinal` is a running standby streaming from `upstream`, caught up.
void ExpectStandbyOf(ControllerHarness& h, int ordinal, int upstream) {
  FakeNode node = h.world().Node(ordinal);
  FakeNode primary = h.world().Node(upstream);
  EXPECT_TRUE(node.postgres) << ordinal;
  EXPECT_EQ(node.data, FakeData::kStandby) << ordinal;
  EXPECT_EQ(node.upstream, h.world().NodeName(upstream)) << ordinal;
  EXPECT_EQ(node.lsn(), primary.lsn()) << ordinal;
  EXPECT_EQ(node.timeline(), primary.timeline()) << ordinal;
}

void ExpectPrimary(ControllerHarness& h, int ordinal) {
  EXPECT_THAT(h.world().Primaries(), ElementsAre(ordinal));
  EXPECT_EQ(h.world().Bouncer().target, h.world().NodeName(ordinal));
  EXPECT_FALSE(h.world().Bouncer().paused);
}

TEST(ReconcileLoopTest, BringsUpANewClusterFromNothing) {
  ControllerHarness h;
  ASSERT_TRUE(h.Converge().ok()) << h.log();
  ExpectPrimary(h, 1);
  ExpectStandbyOf(h, 2, 1);
  ExpectStandbyOf(h, 3, 1);
  std::vector<RepmgrNode> records = h.world().Node(1).records;
  ASSERT_EQ(records.size(), 3u);
  EXPECT_TRUE(h.world().NetworkExists());
  // Nothing existed: the first node was created and initialised in one step.
  EXPECT_THAT(h.log(), HasSubstr("CreatePrimary"));
  EXPECT_THAT(h.log(), Not(HasSubstr("InitPrimary")));
}

TEST(ReconcileLoopTest, ANewClusterIsNeverInitialisedOverAVolumeMadeOutsideRadctl) {
  ControllerHarness h;
  // Node 1's volume exists but carries no cluster label: the planner sees nothing of it and
  // would create and initialise node 1 in one step. The volume is refused before a container
  // is made on it, and apply ends with what to do.
  constexpr Lsn kForeignWal = 0x7000000;
  h.world().UnlabelledVolumeWithData(1, kForeignWal);
  absl::Status converged = h.Converge();
  EXPECT_TRUE(absl::IsFailedPrecondition(converged)) << converged;
  EXPECT_THAT(converged.message(), HasSubstr("volume demo-pg-1-data already exists and was not "
                                             "made by radctl for cluster demo"));
  EXPECT_THAT(converged.message(), HasSubstr("docker volume rm demo-pg-1-data"));
  EXPECT_FALSE(h.world().Node(1).container);
  EXPECT_EQ(h.world().Node(1).lsn(), kForeignWal);  // its WAL is still there
}

// The same for a standby's volume: started on another cluster's data it could neither follow
// the primary (another database system) nor be logged into, and apply waited "Postgres is
// starting" until its deadline (seen on the real engine: a volume an aborted test run left).
TEST(ReconcileLoopTest, AStandbyIsNeverStartedOnAVolumeMadeOutsideRadctl) {
  ControllerHarness h;
  constexpr Lsn kForeignWal = 0x7000000;
  h.world().UnlabelledVolumeWithData(3, kForeignWal);
  absl::Status converged = h.Converge();
  EXPECT_TRUE(absl::IsFailedPrecondition(converged)) << converged;
  EXPECT_THAT(converged.message(), HasSubstr("volume demo-pg-3-data already exists"));
  EXPECT_FALSE(h.world().Node(3).container);
  EXPECT_EQ(h.world().Node(3).lsn(), kForeignWal);
  // The person removes it, as the message says: the next apply makes node 3 a standby.
  ASSERT_TRUE(h.world().env().runtime.RemoveVolume("demo-pg-3-data").ok());
  ASSERT_TRUE(h.Converge().ok()) << h.log();
  ExpectPrimary(h, 1);
  ExpectStandbyOf(h, 2, 1);
  ExpectStandbyOf(h, 3, 1);
}

TEST(ReconcileLoopTest, AConvergedClusterIsLeftAlone) {
  ControllerHarness h;
  ASSERT_TRUE(h.BringUp().ok());
  size_t steps = h.world().Steps().size();
  bool acted = true;
  ASSERT_TRUE(h.Converge(&acted).ok());
  EXPECT_FALSE(acted);
  EXPECT_EQ(h.world().Steps().size(), steps);
}

TEST(ReconcileLoopTest, KilledPrimaryFailsOverToTheMostAdvancedStandbyAndRejoins) {
  ControllerHarness h;
  ASSERT_TRUE(h.BringUp().ok());
  h.world().Lag(3, true);
  h.world().Write(1, 0x1000);  // node 2 has it, node 3 does not
  h.world().Kill(1);
  h.world().Lag(3, false);
  ASSERT_TRUE(h.Converge().ok()) << h.log();
  ExpectPrimary(h, 2);
  ExpectStandbyOf(h, 1, 2);
  ExpectStandbyOf(h, 3, 2);
  EXPECT_EQ(h.world().Node(2).timeline(), 2);
  EXPECT_THAT(h.world().Steps(), Contains("rejoin demo-pg-1"));
  EXPECT_THAT(h.log(), HasSubstr("demo-pg-2 has the highest received LSN"));
}

TEST(ReconcileLoopTest, FrozenPrimaryIsFencedAfterDetectionAndReplaced) {
  ControllerHarness h;
  ASSERT_TRUE(h.BringUp().ok());
  h.world().Freeze(1, true);
  h.RunFor(absl::Seconds(20));
  EXPECT_THAT(h.world().Primaries(), ElementsAre(2));
  EXPECT_EQ(h.world().Bouncer().target, "demo-pg-2");
  EXPECT_THAT(h.log(), HasSubstr("has not answered for"));
  h.world().Freeze(1, false);  // it thaws: fenced, it must come back as a standby
  ASSERT_TRUE(h.Converge().ok()) << h.log();
  ExpectPrimary(h, 2);
  ExpectStandbyOf(h, 1, 2);
}

TEST(ReconcileLoopTest, PausedPrimaryContainerIsKilledNotWaitedFor) {
  ControllerHarness h;
  ASSERT_TRUE(h.BringUp().ok());
  h.world().Pause(1);
  ASSERT_TRUE(h.Converge().ok()) << h.log();
  ExpectPrimary(h, 2);
  EXPECT_THAT(h.world().Steps(), Contains("kill demo-pg-1"));
  ExpectStandbyOf(h, 1, 2);
}

TEST(ReconcileLoopTest, PrimaryCutOffFromTheNetworkIsReplacedAndRejoinsWhenBack) {
  ControllerHarness h;
  ASSERT_TRUE(h.BringUp().ok());
  h.world().CutOff(1, true);
  h.RunFor(absl::Seconds(20));
  EXPECT_THAT(h.world().Primaries(), ElementsAre(2));
  h.world().CutOff(1, false);
  ASSERT_TRUE(h.Converge().ok()) << h.log();
  ExpectPrimary(h, 2);
  ExpectStandbyOf(h, 1, 2);
}

TEST(ReconcileLoopTest, PostgresCrashInThePrimaryIsRestartedInPlace) {
  ControllerHarness h;
  ASSERT_TRUE(h.BringUp().ok());
  h.world().CrashPostgres(1);
  ASSERT_TRUE(h.Converge().ok()) << h.log();
  ExpectPrimary(h, 1);
  EXPECT_EQ(h.world().Node(1).timeline(), 1);  // nobody was promoted
  EXPECT_THAT(h.log(), HasSubstr("StartPrimary"));
  // Clients were held while it was down, and resumed (ExpectPrimary: not paused now).
  EXPECT_GE(h.world().Bouncer().pauses, 1);
  EXPECT_GE(h.world().Bouncer().resumes, 1);
}

TEST(ReconcileLoopTest, SecondWritablePrimaryIsFencedAndRejoined) {
  ControllerHarness h;
  ASSERT_TRUE(h.BringUp().ok());
  // Someone promotes node 3 by hand: two writable primaries.
  absl::StatusOr<docker::ContainerInfo> info =
      h.world().env().runtime.InspectContainer("demo-pg-3");
  ASSERT_TRUE(info.ok());
  PgEndpoint endpoint{"127.0.0.1", info->ports[0].host_port, "repmgr", "x", "repmgr"};
  auto session = h.world().env().postgres.Connect(endpoint, absl::Seconds(1));
  ASSERT_TRUE(session.ok());
  ASSERT_TRUE((*session)->Promote(absl::Seconds(1)).ok());
  ASSERT_EQ(h.world().Primaries().size(), 2u);
  ASSERT_TRUE(h.Converge().ok()) << h.log();
  ExpectPrimary(h, 1);  // the one the bouncer points to is kept
  EXPECT_THAT(h.log(), HasSubstr("2 writable primaries"));
  ExpectStandbyOf(h, 3, 1);
}

TEST(ReconcileLoopTest, ATransientRejoinFailureIsRetriedAndKeepsTheData) {
  ControllerHarness h;
  ASSERT_TRUE(h.BringUp().ok());
  h.world().Kill(1);
  h.world().FailStep("rejoin", 3, "cannot connect to demo-pg-2", /*exit_code=*/75);
  ASSERT_TRUE(h.Converge().ok()) << h.log();
  ExpectPrimary(h, 2);
  ExpectStandbyOf(h, 1, 2);
  EXPECT_THAT(h.world().Steps(), Not(Contains("clone demo-pg-1")));
  EXPECT_THAT(h.world().Steps(), Not(Contains("move-aside demo-pg-1")));
  EXPECT_THAT(h.log(), HasSubstr("rejoin failed 3 times"));  // and backed off meanwhile
}

TEST(ReconcileLoopTest, ARewindThatFailsTwiceIsARebuildThatKeepsTheOldDataAside) {
  ControllerHarness h;
  ASSERT_TRUE(h.BringUp().ok());
  h.world().Write(1, 0x2000);
  h.world().Kill(1);
  h.world().FailStep("rejoin", 2, "pg_rewind: could not find common ancestor");
  ASSERT_TRUE(h.Converge().ok()) << h.log();
  ExpectPrimary(h, 2);
  ExpectStandbyOf(h, 1, 2);
  EXPECT_THAT(h.world().Steps(), Contains("clone demo-pg-1"));
  std::vector<testing::DataCopy> copies = h.world().Node(1).kept_aside;
  ASSERT_EQ(copies.size(), 1u);
  const testing::DataCopy* kept = &copies[0];
  EXPECT_EQ(kept->wal.timeline(), 1);
  EXPECT_THAT(h.log(), HasSubstr("MovedAside"));
  EXPECT_THAT(h.log(), HasSubstr(absl::StrCat("old data directory kept at /var/lib/postgresql/",
                                              kept->path, " (timeline 1")));
  EXPECT_THAT(h.log(), HasSubstr("demo-pg-2's history left timeline 1 at"));
}

TEST(ReconcileLoopTest, AnInterruptedCloneIsRedoneFromScratch) {
  ControllerHarness h;
  h.world().FailStep("start-clone", 1, "pg_ctl: could not start server");
  ASSERT_TRUE(h.Converge().ok()) << h.log();
  ExpectStandbyOf(h, 2, 1);
  ExpectStandbyOf(h, 3, 1);
  int clones = 0;
  for (const std::string& step : h.world().Steps()) clones += step.rfind("clone ", 0) == 0;
  EXPECT_EQ(clones, 3);  // one clone failed to start and was cloned again
}

TEST(ReconcileLoopTest, AControllerRestartedMidFailoverFinishesIt) {
  ControllerHarness h;
  ASSERT_TRUE(h.BringUp().ok());
  // The controller died after promoting node 2, before recording it or repointing the bouncer.
  h.world().Kill(1);
  absl::StatusOr<docker::ContainerInfo> info =
      h.world().env().runtime.InspectContainer("demo-pg-2");
  ASSERT_TRUE(info.ok());
  PgEndpoint endpoint{"127.0.0.1", info->ports[0].host_port, "repmgr", "x", "repmgr"};
  auto session = h.world().env().postgres.Connect(endpoint, absl::Seconds(1));
  ASSERT_TRUE(session.ok());
  ASSERT_TRUE((*session)->Promote(absl::Seconds(1)).ok());
  h.NewController();
  ASSERT_TRUE(h.Converge().ok()) << h.log();
  ExpectPrimary(h, 2);
  ExpectStandbyOf(h, 1, 2);
  ExpectStandbyOf(h, 3, 2);
  for (const RepmgrNode& record : h.world().Node(2).records) {
    if (record.node_id == 2) {
      EXPECT_EQ(record.type, "primary");
    } else {
      EXPECT_EQ(record.type, "standby") << record.node_id;
    }
  }
}

TEST(ReconcileLoopTest, AHungPauseHasItsServerConnectionsClosedAndTheFailoverGoesOn) {
  ControllerHarness h;
  ASSERT_TRUE(h.BringUp().ok());
  h.world().SetPauseHangs(true);
  h.world().Kill(1);
  ASSERT_TRUE(h.Converge().ok()) << h.log();
  ExpectPrimary(h, 2);
  EXPECT_GE(h.world().Bouncer().servers_closed, 1);
  EXPECT_EQ(h.world().Bouncer().kills, 0) << "no client was dropped with KILL";
  EXPECT_THAT(h.log(), HasSubstr("BouncerServersClosed"));
  EXPECT_THAT(h.log(), HasSubstr("the others are held"));
}

TEST(ReconcileLoopTest, AHungPauseThatClosingCannotReleaseIsKilledAndTheFailoverGoesOn) {
  ControllerHarness h;
  ASSERT_TRUE(h.BringUp().ok());
  h.world().SetPauseHangs(true);
  h.world().SetSocketsClosable(false);  // a kernel without SOCK_DESTROY
  h.world().Kill(1);
  ASSERT_TRUE(h.Converge().ok()) << h.log();
  ExpectPrimary(h, 2);
  EXPECT_GE(h.world().Bouncer().kills, 1);
  EXPECT_THAT(h.log(), HasSubstr("BouncerKill"));
  EXPECT_THAT(h.log(), HasSubstr("did not release them; dropped them with KILL"));
}

TEST(ReconcileLoopTest, RequestedSwitchoverIsMadeAndTheRequestCleared) {
  ControllerHarness h;
  ASSERT_TRUE(h.BringUp().ok());
  ASSERT_TRUE(h.store().SaveRequests(Requests{3}).ok());
  ASSERT_TRUE(h.Converge().ok()) << h.log();
  ExpectPrimary(h, 3);
  ExpectStandbyOf(h, 1, 3);
  ExpectStandbyOf(h, 2, 3);
  EXPECT_EQ(h.store().LoadRequests().switchover_to, 0);
  EXPECT_THAT(h.log(), HasSubstr("SwitchoverDone"));
}

TEST(ReconcileLoopTest, AChangedImageRollsThroughStandbysThenASwitchover) {
  ControllerHarness h;
  ASSERT_TRUE(h.BringUp().ok());
  const int64_t lsn = h.world().Node(1).lsn();
  h.spec().postgres.image = "radctl/postgres:15-new";
  ASSERT_TRUE(h.Converge().ok()) << h.log();
  for (int ordinal = 1; ordinal <= 3; ++ordinal) {
    EXPECT_EQ(h.world().Node(ordinal).image, "radctl/postgres:15-new") << ordinal;
  }
  // The switchover went to a standby already on the new image; the old primary follows it.
  EXPECT_THAT(h.world().Primaries(), ElementsAre(::testing::AnyOf(2, 3)));
  const int primary = h.world().Primaries()[0];
  ExpectPrimary(h, primary);
  for (int ordinal = 1; ordinal <= 3; ++ordinal) {
    if (ordinal != primary) ExpectStandbyOf(h, ordinal, primary);
  }
  EXPECT_GE(h.world().Node(primary).lsn(), lsn);
  // Standbys one at a time before the switchover, then the old primary.
  const std::string log = h.log();
  size_t switchover = log.find("switching over to");
  ASSERT_NE(switchover, std::string::npos) << log;
  EXPECT_LT(log.find("but demo-pg-2 runs"), switchover) << log;
  EXPECT_LT(log.find("but demo-pg-3 runs"), switchover) << log;
  EXPECT_GT(log.find("but demo-pg-1 runs"), switchover) << log;
  EXPECT_THAT(log, Not(HasSubstr("Rebuild")));
}

TEST(ReconcileLoopTest, ASwitchoverToAStandbyThatMissedTheEndIsUndone) {
  ControllerHarness h;
  ASSERT_TRUE(h.BringUp().ok());
  h.world().Lag(3, true);  // it will not receive the old primary's shutdown checkpoint
  // As the planner plans it: its fallback restarts the old primary (the executor decides
  // nothing; ExecutorTest covers a fallback that does not).
  Action switchover = PlannedSwitchover(3, 1, /*followers=*/{}, "test");
  std::ostringstream out;
  EventLog events(out, nullptr, false, h.world().clock());
  const ClusterSecrets& secrets = h.secrets();
  Executor executor(h.world().env(), h.spec(), secrets, events, h.store(), h.record());
  ActionOutcome outcome = executor.RunOne(switchover);
  EXPECT_TRUE(absl::IsAborted(outcome.status)) << outcome.status;
  EXPECT_THAT(std::string(outcome.status.message()), HasSubstr("cannot take over without loss"));
  // All or nothing: node 1 is the primary again, clients were resumed.
  ExpectPrimary(h, 1);
  EXPECT_EQ(h.world().Node(3).data, FakeData::kStandby);
}

TEST(ReconcileLoopTest, DockerUnavailableIsReportedAndOutlastedWhileWatching) {
  ControllerHarness h;
  ASSERT_TRUE(h.BringUp().ok());
  h.world().SetEngineDown(true);
  std::atomic<bool> stop{false};
  std::thread watch([&] { h.loop().Watch([&] { return h.spec(); }, stop); });
  // The engine comes back and the primary is found dead: the watcher goes on and fails over.
  while (h.log().find("is dockerd running") == std::string::npos) std::this_thread::yield();
  h.world().Kill(1);
  h.world().SetEngineDown(false);
  absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (h.world().Bouncer().target != "demo-pg-2" && absl::Now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  stop = true;
  watch.join();
  EXPECT_EQ(h.world().Bouncer().target, "demo-pg-2") << h.log();
  EXPECT_THAT(h.log(), HasSubstr("Unavailable"));
}

TEST(ReconcileLoopTest, ConvergeGivesUpOnAnUnreachableEngineWithWhatToDo) {
  ControllerHarness h;
  h.world().SetEngineDown(true);
  h.NewController(absl::Minutes(1));
  absl::Status status = h.Converge();
  EXPECT_TRUE(absl::IsDeadlineExceeded(status)) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("is dockerd running?"));
}

TEST(ReconcileLoopTest, WatchFollowsTheEventStreamThroughABreak) {
  ControllerHarness h;
  ASSERT_TRUE(h.BringUp().ok());
  std::atomic<bool> stop{false};
  std::thread watch([&] { h.loop().Watch([&] { return h.spec(); }, stop); });
  h.world().DropEventStream();
  h.world().Kill(1);
  absl::Time deadline = absl::Now() + absl::Seconds(20);
  while ((h.world().Primaries() != std::vector<int>{2} ||
          h.world().Node(1).data != FakeData::kStandby || !h.world().Node(1).postgres) &&
         absl::Now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  stop = true;
  watch.join();
  ExpectPrimary(h, 2);
  ExpectStandbyOf(h, 1, 2);
}

TEST(ReconcileLoopTest, WatchUsesTheDetectionTimeOfTheCurrentSpec) {
  ControllerHarness h;
  ASSERT_TRUE(h.BringUp().ok());
  std::mutex mu;
  ClusterSpec desired = h.spec();
  desired.failover.detection_ms = 3'600'000;  // an hour: nothing happens for a while
  std::atomic<bool> stop{false};
  std::thread watch([&] {
    h.loop().Watch(
        [&] {
          std::lock_guard<std::mutex> lock(mu);
          return desired;
        },
        stop);
  });
  h.world().Freeze(1, true);
  absl::Time start = h.world().clock().Now();
  while (h.world().clock().Now() - start < absl::Minutes(5)) std::this_thread::yield();
  EXPECT_THAT(h.world().Primaries(), Contains(1));
  EXPECT_EQ(h.world().Bouncer().target, "demo-pg-1");
  {
    std::lock_guard<std::mutex> lock(mu);
    desired.failover.detection_ms = 1000;  // the spec is edited: a second of silence is enough
  }
  absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (h.world().Bouncer().target != "demo-pg-2" && absl::Now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  stop = true;
  watch.join();
  EXPECT_EQ(h.world().Bouncer().target, "demo-pg-2") << h.log();
}

// Docker lists a SIGKILLed container as running until its clean-up ends (0.1-0.3 s): the
// watcher fails over from the `kill` event, not from the engine's later `die`, nor after
// detectionMs of silence.
TEST(ReconcileLoopTest, APrimarySentSigkillIsFailedOverFromBeforeTheEngineListsItAsExited) {
  ControllerHarness h;
  ASSERT_TRUE(h.BringUp().ok());
  ClusterSpec spec = h.spec();
  spec.failover.detection_ms = 3'600'000;  // an hour: its silence alone fails nothing over here
  std::atomic<bool> stop{false};
  std::thread watch([&] { h.loop().Watch([&] { return spec; }, stop); });
  absl::Time settled = h.world().clock().Now() + absl::Seconds(1);
  while (h.world().clock().Now() < settled) std::this_thread::yield();

  h.world().KillSlowly(1);
  const absl::Time killed_at = h.world().clock().Now();
  while (h.world().Bouncer().target != "demo-pg-2" &&
         h.world().clock().Now() < killed_at + absl::Minutes(1)) {
    std::this_thread::yield();
  }
  EXPECT_EQ(h.world().Bouncer().target, "demo-pg-2") << h.log();
  // Decided from the `kill` event (the fence's own kill may have ended the container since).
  EXPECT_THAT(h.log(), HasSubstr("primary demo-pg-1 container was killed (SIGKILL)"));
  EXPECT_THAT(h.log(), Not(HasSubstr("primary demo-pg-1 container died")));

  h.world().FinishDying(1);  // the engine's `die`: the old primary is rejoined
  absl::Time deadline = absl::Now() + absl::Seconds(20);
  while ((h.world().Node(1).data != FakeData::kStandby || !h.world().Node(1).postgres) &&
         absl::Now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  stop = true;
  watch.join();
  ExpectPrimary(h, 2);
  ExpectStandbyOf(h, 1, 2);
}

// Seconds since midnight of the event line holding `text` ("HH:MM:SS.mmm ..."); -1 if none.
double EventClock(const std::string& log, const std::string& text) {
  size_t at = log.find(text);
  if (at == std::string::npos) return -1;
  size_t line = log.rfind('\n', at);
  int h = 0, m = 0;
  double s = 0;
  if (std::sscanf(log.c_str() + (line == std::string::npos ? 0 : line + 1), "%d:%d:%lf", &h, &m,
                  &s) != 3) {
    return -1;
  }
  return h * 3600 + m * 60 + s;
}

TEST(ReconcileLoopTest, WatchingASteadyClusterAsksOnlyItsPrimaryBetweenFullObservations) {
  ControllerHarness h;
  ASSERT_TRUE(h.BringUp().ok());
  std::atomic<bool> stop{false};
  const ClusterSpec spec = h.spec();  // detectionMs 1000: probes every 250 ms
  std::thread watch([&] { h.loop().Watch([&] { return spec; }, stop); });
  auto run_for = [&](absl::Duration fake_time) {
    absl::Time until = h.world().clock().Now() + fake_time;
    while (h.world().clock().Now() < until) std::this_thread::yield();
  };
  run_for(absl::Seconds(1));
  absl::Time start = h.world().clock().Now();
  int listings = h.world().ContainerListings();
  run_for(absl::Seconds(10));
  int listed = h.world().ContainerListings() - listings;
  double seconds = absl::ToDoubleSeconds(h.world().clock().Now() - start);
  // A full observation every three seconds, not at every probe (4 a second).
  EXPECT_LE(listed, seconds / 3 + 1) << listed << " full observations in " << seconds << " s";

  // The primary freezes between two full observations: it is failed over, and not before it
  // has been silent for detectionMs since its last answer to the quick question (asked every
  // 250 ms; were silence counted from the last full observation, up to a second less).
  absl::CivilSecond civil = absl::ToCivilSecond(h.world().clock().Now(), absl::LocalTimeZone());
  double frozen_at = civil.hour() * 3600 + civil.minute() * 60 + civil.second() +
                     absl::ToDoubleSeconds(h.world().clock().Now() -
                                           absl::FromCivil(civil, absl::LocalTimeZone()));
  h.world().Freeze(1, true);
  absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (h.world().Bouncer().target != "demo-pg-2" && absl::Now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  stop = true;
  watch.join();
  EXPECT_EQ(h.world().Bouncer().target, "demo-pg-2") << h.log();
  double decided_at = EventClock(h.log(), " Failover ");
  ASSERT_GT(decided_at, 0) << h.log();
  EXPECT_GE(decided_at - frozen_at, 1.0 - 0.25) << h.log();
}

TEST(ReconcileLoopTest, APortTakenByAnotherProgramStopsApplyAndSaysWhatToDo) {
  ControllerHarness h;
  h.world().SetBouncerPortTaken(true);
  absl::Status status = h.Converge();
  EXPECT_TRUE(absl::IsFailedPrecondition(status)) << status;
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("free the port or choose another spec.bouncer.port"));
  EXPECT_FALSE(h.world().Bouncer().container);  // nothing half-made is left behind
}

ClusterSpec Synchronous() {
  ClusterSpec spec = FakeSpec();
  spec.replication.synchronous = true;
  return spec;
}

TEST(SafetyLoopTest, ADoubleFaultWaitsForTheQuorumAndLosesNothing) {
  ControllerHarness h(Synchronous());
  ASSERT_TRUE(h.BringUp().ok());
  h.world().Lag(3, true);
  h.world().Write(1, 0x1000);  // acknowledged by node 2 alone
  const Lsn acknowledged = h.world().Node(1).lsn();
  h.world().Kill(1);
  h.world().Kill(2);
  h.world().Lag(3, false);
  ASSERT_TRUE(h.Converge().ok()) << h.log();
  EXPECT_THAT(h.log(), HasSubstr("WaitingForQuorum"));
  EXPECT_THAT(h.world().Steps(), Not(Contains("promote demo-pg-3")));
  // The old primary came back (its container restarted) and resumed: nothing was lost.
  ExpectPrimary(h, 1);
  EXPECT_GE(h.world().Node(1).lsn(), acknowledged);
  ExpectStandbyOf(h, 2, 1);
  ExpectStandbyOf(h, 3, 1);
}

TEST(SafetyLoopTest, ThreeFaultsNeverMakeAnAbandonedHistoryPrimaryAgain) {
  ControllerHarness h;
  ASSERT_TRUE(h.BringUp().ok());
  h.world().Pause(3);  // away, and unknown: not promoted meanwhile
  // The primary dies cut off from the others: back, it cannot rejoin and stays on timeline 1.
  h.world().CutOff(1, true);
  h.world().Kill(1);
  h.RunFor(absl::Seconds(5));
  ASSERT_THAT(h.world().Primaries(), ElementsAre(2));
  ASSERT_EQ(h.world().Node(1).data, FakeData::kPrimary);
  h.world().Write(2, 0x3000);  // written on timeline 2 only
  const Lsn written = h.world().Node(2).lsn();
  h.world().Kill(2);
  h.world().Unpause(3);  // back on timeline 1, with records that name demo-pg-1
  h.RunFor(absl::Seconds(10));
  // Neither demo-pg-1 (the abandoned history) nor demo-pg-3 (behind) became primary: demo-pg-2
  // came back (its container restarted) and resumed, with everything written to it.
  EXPECT_THAT(h.world().Primaries(), ElementsAre(2));
  EXPECT_EQ(h.world().Node(2).lsn(), written);
  EXPECT_THAT(h.log(), Not(HasSubstr("StartPrimary   registered primary demo-pg-1")));
  EXPECT_THAT(h.world().Steps(), Not(Contains("promote demo-pg-1")));
  EXPECT_THAT(h.world().Steps(), Not(Contains("promote demo-pg-3")));
  h.world().CutOff(1, false);
  ASSERT_TRUE(h.Converge().ok()) << h.log();
  ExpectPrimary(h, 2);
  ExpectStandbyOf(h, 1, 2);
  ExpectStandbyOf(h, 3, 2);
}

TEST(SafetyLoopTest, APersonCanPromoteAgainstTheQuorumAndItIsRecorded) {
  ControllerHarness h(Synchronous());
  ASSERT_TRUE(h.BringUp().ok());
  h.world().Lag(3, true);
  h.world().Kill(1);
  h.world().Pause(2);  // frozen: it may hold the last commits, and it does not answer
  h.world().FailStep("start", 100, "no disk");  // the old primary does not come back
  h.RunFor(absl::Seconds(10));
  EXPECT_THAT(h.log(), HasSubstr("WaitingForQuorum"));
  EXPECT_TRUE(h.world().Primaries().empty());
  Requests requests;
  requests.promote = 3;
  ASSERT_TRUE(h.store().SaveRequests(requests).ok());
  h.RunFor(absl::Seconds(10));
  EXPECT_THAT(h.world().Primaries(), ElementsAre(3));
  EXPECT_THAT(h.log(), HasSubstr("--accept-data-loss"));
  EXPECT_EQ(h.store().LoadPrimary()->ordinal, 3);
  EXPECT_EQ(h.store().LoadRequests().promote, 0);
}

// A promotion past the rules is decided for one outage: a request that could not be carried out
// (its target did not answer) is void once the old primary is back, and the next outage waits
// for the quorum again instead of promoting that target at once. One controller throughout: it
// saw every node answer before the faults, so it knows nobody else was promoted.
TEST(SafetyLoopTest, APromoteRequestEndsWithTheOutageItWasMadeIn) {
  ControllerHarness h(Synchronous());
  // One controller from the start: it knows no standby was promoted since it took the lease.
  h.NewController(absl::Seconds(3));
  ASSERT_TRUE(h.BringUp().ok());
  h.world().Lag(3, true);
  h.world().Kill(1);
  h.world().Pause(2);
  h.world().Pause(3);
  h.world().FailStep("start", 1, "no disk");  // the old primary comes back at the second try
  // Made during the outage, for a target that does not answer: it cannot be carried out.
  Requests requests;
  requests.promote = 3;
  ASSERT_TRUE(h.store().SaveRequests(requests).ok());
  (void)h.Converge();
  EXPECT_THAT(h.log(), HasSubstr("was requested but it is not a reachable standby"));
  ASSERT_THAT(h.world().Primaries(), ElementsAre(1)) << h.log();
  EXPECT_THAT(h.log(), HasSubstr("PromoteWithdrawn"));
  EXPECT_EQ(h.store().LoadRequests().promote, 0);
  // The next outage, with demo-pg-3 reachable but behind and demo-pg-2 still frozen.
  h.world().Unpause(3);
  h.world().FailStep("start", 100, "no disk");
  h.world().Kill(1);
  for (int i = 0; i < 3; ++i) (void)h.Converge();
  EXPECT_TRUE(h.world().Primaries().empty()) << h.log();
  EXPECT_THAT(h.log(), Not(HasSubstr("requested with radctl promote --accept-data-loss")));
}

TEST(SafetyLoopTest, ANodeThatCannotStartSaysWhyInPostgressOwnWordsAndIsRetriedWithBackoff) {
  ControllerHarness h;
  ASSERT_TRUE(h.BringUp().ok());
  h.world().CrashPostgres(3);
  h.world().FailStep("start", 3, "pg_ctl: could not start server\nExamine the log output.");
  h.world().SetLog(3,
                   "2026-11-30 09:00:00 UTC [42] FATAL:  could not map anonymous shared "
                   "memory: Cannot allocate memory\n");
  h.RunFor(absl::Seconds(3));
  EXPECT_THAT(h.log(), HasSubstr("the server log says: FATAL:  could not map anonymous shared "
                                 "memory"));
  EXPECT_THAT(h.log(), HasSubstr("trying again in"));
  int starts = 0;
  for (const std::string& step : h.world().Steps()) starts += step == "start demo-pg-3";
  EXPECT_LE(starts, 3);  // 3 s of backing off: at 0, 1 and 3 s at most
}

}  // namespace
}  // namespace radctl
