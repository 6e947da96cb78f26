// What a planned action does when things go wrong is in the plan, as `radctl apply --dry-run`
// prints it: how far its hold of the clients may go (client_hold.h) and, for a switchover, what
// happens if the successor has not caught up (switchover.h). Each row is the golden dry-run line
// of one action; the executor only obeys these fields (tests/unit/loop/executor_test.cc).
#include <functional>
#include <sstream>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reconcilers/client_hold.h"
#include "reconcilers/plan.h"
#include "reconcilers/switchover.h"
#include "tests/unit/reconcilers/observed_state_builder.h"

namespace radctl {
namespace {

using ::radctl::testing::DemoSpec;
using ::radctl::testing::ObservedStateBuilder;
using ::radctl::testing::Snapshot;

struct ContingencyCase {
  std::string name;
  int nodes;
  std::function<Snapshot(ObservedStateBuilder)> observed;
  Requests requests;
  ActionType type;
  std::string expected_line;  // the action's line of Plan::ToString
};

void PrintTo(const ContingencyCase& c, std::ostream* os) { *os << c.name; }

std::string LineOf(const Plan& plan, ActionType type) {
  std::istringstream lines(plan.ToString("demo"));
  for (std::string line; std::getline(lines, line);) {
    if (absl::StartsWith(line, ActionTypeName(type) + " ")) return line;
  }
  return "";
}

class ContingencyPlanTest : public ::testing::TestWithParam<ContingencyCase> {};

TEST_P(ContingencyPlanTest, TheDryRunLineSaysWhatHappensIfItGoesWrong) {
  const ContingencyCase& c = GetParam();
  ClusterSpec spec = DemoSpec(c.nodes);
  Plan plan = ComputePlan(spec, c.observed(ObservedStateBuilder(spec)), c.requests);
  EXPECT_EQ(LineOf(plan, c.type), c.expected_line) << "full plan:\n" << plan.ToString("demo");
}

const ContingencyCase kCases[] = {
    // All or nothing: a successor that has not replayed the old primary's end within the bound
    // takes nothing over, and the old primary is started again at once.
    {"RequestedSwitchover", 3,
     [](ObservedStateBuilder b) {
       return b.Primary(1).Standby(2, 1).Standby(3, 1).BouncerTarget(1).Build();
     },
     Requests{2}, ActionType::kSwitchover,
     "switchover demo-pg-2 <- demo-pg-1, followed by demo-pg-3 [hold: PAUSE up to 3s, then close "
     "hung servers, then KILL] [if demo-pg-2 has not replayed all within 3s: demo-pg-1 started "
     "again as primary]: switchover requested (radctl switchover) (clients: the primary is "
     "healthy: running transactions may finish)"},
    // The old primary is dead: the failover does not wait for the bouncer, and a PAUSE that
    // does not complete at once has its hung servers closed, then KILL.
    {"FailoverFromAKilledPrimary",
     3,
     [](ObservedStateBuilder b) {
       return b.Stopped(1, 137)
           .Record(1, "primary", true, 0)
           .Standby(2, 1, 0x5000200)
           .Standby(3, 1, 0x5000100)
           .BouncerTarget(1)
           .Build();
     },
     {},
     ActionType::kFailover,
     "failover demo-pg-2 <- demo-pg-1, followed by demo-pg-3 [hold: PAUSE up to 200ms, then close "
     "hung servers, then KILL; best effort]: primary demo-pg-1 container died (exit code 137); "
     "demo-pg-2 has the highest received LSN 0/5000200 (demo-pg-3 0/5000100); asynchronous "
     "replication: commits it had not received are lost; demo-pg-3 follows demo-pg-2 from before "
     "its promotion (clients: the old primary's transactions cannot finish: waiting longer only "
     "lengthens the outage)"},
    // After the failover the bouncer is repointed to a healthy primary: running transactions
    // may finish.
    {"RepointAfterAFailover",
     3,
     [](ObservedStateBuilder b) {
       return b.Stopped(1, 137)
           .Record(1, "primary", false, 0)
           .Primary(2, 0x6000000, 2)
           .Standby(3, 1)
           .BouncerTarget(1)
           .Build();
     },
     {},
     ActionType::kPointBouncer,
     "point-bouncer demo-bouncer -> demo-pg-2 [hold: PAUSE up to 3s, then close hung servers, "
     "then KILL]: bouncer points to demo-pg-1; primary is demo-pg-2 (clients: the primary is "
     "healthy: running transactions may finish)"},
    // A hung primary is fenced beside the hold: its PAUSE waits for the fence to break the hung
    // connections before anything is closed.
    {"HoldWhileAHungPrimaryIsFenced",
     3,
     [](ObservedStateBuilder b) {
       return b.Down(1, DataDir::kPrimary, true, absl::Milliseconds(1500))
           .Record(1, "primary", true, 0)
           .Standby(2, 1)
           .Standby(3, 1)
           .BouncerTarget(1)
           .Build();
     },
     {},
     ActionType::kHoldClients,
     "hold-clients demo-bouncer for demo-pg-1 [hold: PAUSE up to 1s, then close hung servers, "
     "then KILL; best effort]: primary demo-pg-1 has not answered for 1.5s (connection refused); "
     "holding clients while demo-pg-1 is fenced (clients: the fence breaks the hung primary's "
     "server connections: waiting for it spares the idle clients KILL would drop)"},
    // A lone primary restarted in place for new parameters, with clients held.
    {"RestartInPlace",
     1,
     [](ObservedStateBuilder b) { return b.Primary(1).PendingRestart(1).BouncerTarget(1).Build(); },
     {},
     ActionType::kRestartPrimary,
     "restart-primary demo-pg-1 [hold: PAUSE up to 3s, then close hung servers, then KILL]: "
     "parameters changed that take effect only after a restart; there is no standby to switch "
     "over to: restarting the primary (clients are held meanwhile) (clients: the primary is "
     "healthy: running transactions may finish)"},
    // A dead lone primary is restarted in place: clients are held at once, best effort.
    {"DeadLonePrimaryRestartedWithClientsHeld",
     1,
     [](ObservedStateBuilder b) {
       return b.Stopped(1, 137).Record(1, "primary", true, 0).BouncerTarget(1).Build();
     },
     {},
     ActionType::kHoldClients,
     "hold-clients demo-bouncer for demo-pg-1 [hold: PAUSE up to 200ms, then close hung servers, "
     "then KILL; best effort]: primary demo-pg-1 container died (exit code 137); holding clients "
     "until it answers again or a standby takes over (clients: the old primary's transactions "
     "cannot finish: waiting longer only lengthens the outage)"},
};

INSTANTIATE_TEST_SUITE_P(Contingencies, ContingencyPlanTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<ContingencyCase>& param) {
                           return param.param.name;
                         });

// The executor's only source for these: a switchover planned by any rule carries the same
// contingency (PlannedSwitchover), within the bound after which PgBouncer fails held clients.
TEST(PlannedSwitchoverTest, CarriesTheFallbackAndTheHoldOfAPlannedChange) {
  Action switchover = PlannedSwitchover(2, 1, {3}, "why");
  EXPECT_EQ(switchover.fallback.replay_wait, kSwitchoverReplayWait);
  EXPECT_TRUE(switchover.fallback.restart_old_primary);
  EXPECT_EQ(switchover.hold, ClientHold::kRequired);
  EXPECT_EQ(switchover.pause.wait, kPlannedChangePauseWait);
  EXPECT_LT(switchover.pause.wait + switchover.fallback.replay_wait + absl::Seconds(2),
            absl::Seconds(kClientHoldLimitSeconds));
}

TEST(PauseLimitsTest, SaysWhereTheHoldStops) {
  EXPECT_EQ((PauseLimits{absl::Seconds(3), true, true, ""}.ToString()),
            "PAUSE up to 3s, then close hung servers, then KILL");
  EXPECT_EQ((PauseLimits{absl::Seconds(3), true, false, ""}.ToString()),
            "PAUSE up to 3s, then close hung servers, never KILL");
  EXPECT_EQ((PauseLimits{absl::Milliseconds(200), false, false, ""}.ToString()),
            "PAUSE up to 200ms, then give up");
}

}  // namespace
}  // namespace radctl
