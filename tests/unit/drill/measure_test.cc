// The drill's figures from made-up timelines: outages, grouped errors, milestones, split brains,
// the summary and the verdict.
#include "controller/drill/measure.h"

#include "controller/drill/drill.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/drill/round_builder.h"

namespace radctl::drill {
namespace {

using ::radctl::drill::testing::At;
using ::radctl::drill::testing::Bouncer;
using ::radctl::drill::testing::Probe;
using ::radctl::drill::testing::Result;
using ::radctl::drill::testing::RoundBuilder;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

TEST(LongestGapTest, CountsFromTheLastAcknowledgementBeforeTheFault) {
  Interval gap = LongestGap({At(0.9), At(0.5), At(3.0), At(3.1)}, At(1), At(4));
  EXPECT_EQ(gap.from, At(0.9));
  EXPECT_EQ(gap.to, At(3.0));
  EXPECT_EQ(gap.length(), absl::Milliseconds(2100));
}

TEST(LongestGapTest, NoAcknowledgementAfterTheFaultRunsToTheEnd) {
  Interval gap = LongestGap({At(0.2)}, At(1), At(5));
  EXPECT_EQ(gap.from, At(0.2));
  EXPECT_EQ(gap.to, At(5));
}

TEST(LongestGapTest, NoAcknowledgementAtAllStartsAtTheFault) {
  EXPECT_EQ(LongestGap({}, At(1), At(5)).length(), absl::Seconds(4));
}

TEST(NormaliseErrorTest, DropsTheEndpointSoEqualCausesGroup) {
  EXPECT_EQ(NormaliseError("app@127.0.0.1:6543/app: FATAL:  server conn crashed?"),
            "FATAL:  server conn crashed?");
  EXPECT_EQ(NormaliseError("connecting to app@127.0.0.1:6543/app: no answer within 5s"),
            "connect: no answer within 5s");
  EXPECT_EQ(NormaliseError("  some other failure: with a colon "),
            "some other failure: with a colon");
}

TEST(MeasureClientsTest, OutageErrorsAndAffectedWriters) {
  RoundResult round =
      RoundBuilder(1, 4, 6).Outage(1.0, 2.0, "FATAL:  server conn crashed?").Build();
  // Last acknowledgement before the fault at ~0.99 s; first after the outage at ~2.0 s + 0.3 s.
  EXPECT_GT(round.outage, absl::Milliseconds(1250));
  EXPECT_LT(round.outage, absl::Milliseconds(1400));
  EXPECT_EQ(round.writes_failed, 4 * 25);
  EXPECT_EQ(round.clients_with_errors, 4);
  EXPECT_THAT(round.errors, ElementsAre(Pair("FATAL:  server conn crashed?", 100)));
  ASSERT_TRUE(round.milestones.resumed.has_value());
  EXPECT_EQ(round.fault_at + *round.milestones.resumed, round.outage_to);
  ASSERT_EQ(round.writer_outage.size(), 4u);
  for (absl::Duration writer : round.writer_outage) {
    EXPECT_GT(writer, absl::Milliseconds(1250));
    EXPECT_LE(writer, round.outage + absl::Milliseconds(40));
  }
}

TEST(MeasureClientsTest, WritersTurnedAwayAreThoseWhoseFirstErrorWasNotAStatementCutInFlight) {
  RoundResult crashed =
      RoundBuilder(1, 4, 6).Outage(1.0, 2.0, "FATAL:  server conn crashed?").Build();
  EXPECT_EQ(crashed.clients_turned_away, 0);
  RoundResult refused = RoundBuilder(1, 4, 6)
                            .Outage(1.0, 2.0,
                                    "FATAL:  server login has been failing, try again later "
                                    "(server_login_retry)")
                            .Build();
  EXPECT_EQ(refused.clients_with_errors, 4);
  EXPECT_EQ(refused.clients_turned_away, 4);

  // Writer 0: its statement was cut in flight, then (reconnecting) it was refused once more:
  // pgbench would have aborted it at the first, which the kill allows. Writer 1 had nothing in
  // flight and was refused: that is the one turned away.
  RoundResult round;
  round.fault_at = At(1);
  round.window_end = At(3);
  auto op = [](int client, double at, const std::string& error) {
    ClientOp made;
    made.client = client;
    made.start = At(at);
    made.end = At(at + 0.01);
    made.ok = error.empty();
    made.error = error;
    return made;
  };
  round.ops = {op(1, 1.25, "FATAL:  server login has been failing, try again later"),
               op(0, 1.2, "FATAL:  server login has been failing, try again later"),
               op(0, 0.99, "FATAL:  server conn crashed?"), op(2, 1.5, ""),
               op(3, 0.99, "server closed the connection unexpectedly")};
  MeasureClients(round, 4);
  EXPECT_EQ(round.clients_with_errors, 3);
  EXPECT_EQ(round.clients_turned_away, 1);
}

TEST(MeasureClientsTest, UndisturbedWritersShowOnlyTheirPace) {
  RoundResult round = RoundBuilder(1, 2, 4).Build();
  EXPECT_EQ(round.writes_failed, 0);
  EXPECT_EQ(round.clients_with_errors, 0);
  EXPECT_LE(round.outage, absl::Milliseconds(40));
  EXPECT_TRUE(round.errors.empty());
}

TEST(MeasureMilestonesTest, DetectionFromRadctlsEventsPromotionAndRepointFromProbes) {
  RoundResult round = RoundBuilder(1, 1, 5)
                          .Event(0.5, "Rejoin")
                          .Event(1.4, "Failover")
                          .Event(1.9, "Follow")
                          .Build();
  std::vector<NodeProbe> nodes;
  for (double t : {0.8, 0.9, 1.0}) nodes.push_back(Probe("demo-pg-1", t, true, true, false));
  for (double t : {1.0, 1.5, 1.6}) nodes.push_back(Probe("demo-pg-2", t, true, t >= 1.5, t < 1.5));
  std::vector<BouncerProbe> bouncer = {Bouncer(1.55, "demo-pg-1"), Bouncer(1.65, "demo-pg-2")};
  MeasureMilestones(round, nodes, bouncer);
  EXPECT_EQ(round.milestones.detected, absl::Milliseconds(400));
  EXPECT_EQ(round.milestones.promoted, absl::Milliseconds(505));
  EXPECT_EQ(round.milestones.repointed, absl::Milliseconds(650));
}

TEST(MeasureMilestonesTest, AStandbyFaultIsDetectedByTheFirstEventAboutThatStandby) {
  RoundBuilder builder(1, 1, 5);
  builder.Event(1.2, "Follow", "demo-pg-2").Event(1.3, "StartContainer", "demo-pg-3");
  RoundResult round = builder.Build();
  round.fault = Fault::kKillStandby;
  round.targets = {"demo-pg-3"};
  MeasureMilestones(round, {Probe("demo-pg-2", 1.5, true, true, false)}, {});
  EXPECT_EQ(round.milestones.detected, absl::Milliseconds(300));
  EXPECT_FALSE(round.milestones.promoted.has_value()) << "no primary changed";
}

TEST(MeasureMilestonesTest, APrimaryRestartedInPlaceIsDetectedByTheFirstEventAboutIt) {
  RoundBuilder builder(1, 1, 5);
  builder.Event(1.1, "Follow", "demo-pg-3").Event(1.6, "StartContainer", "demo-pg-1");
  RoundResult round = builder.Build();
  round.fault = Fault::kStopPrimary;
  MeasureMilestones(round, {Probe("demo-pg-1", 3.0, true, true, false)}, {});
  EXPECT_EQ(round.milestones.detected, absl::Milliseconds(600));
  EXPECT_FALSE(round.milestones.promoted.has_value()) << "the same node accepts writes again";
}

TEST(MeasureClientsTest, AStandbyFaultHasNoResumption) {
  RoundBuilder builder(1, 2, 4);
  RoundResult round = builder.Build();
  round.fault = Fault::kKillStandby;
  MeasureClients(round, 2);
  EXPECT_FALSE(round.milestones.resumed.has_value());
}

NodeProbe Accepts(const std::string& node, double at) { return Probe(node, at, true, true, false); }
NodeProbe Refuses(const std::string& node, double at) { return Probe(node, at, true, false, true); }

TEST(FindSplitBrainsTest, AHandOverWithoutOverlapIsNotASplitBrain) {
  std::vector<NodeProbe> probes = {Accepts("a", 1.0), Accepts("a", 1.1), Refuses("b", 1.05),
                                   Accepts("b", 1.6), Accepts("b", 1.7), Refuses("a", 1.65)};
  EXPECT_TRUE(FindSplitBrains(probes, absl::Seconds(2)).empty());
}

TEST(FindSplitBrainsTest, AWriteAcceptedBetweenTwoOfAnotherPrimarysIsOneSplitBrain) {
  std::vector<NodeProbe> probes = {Accepts("b", 1.9), Accepts("a", 2.0), Accepts("b", 2.1),
                                   Accepts("a", 2.2), Accepts("b", 2.3)};
  std::vector<SplitBrain> found = FindSplitBrains(probes, absl::Seconds(2));
  ASSERT_EQ(found.size(), 1u) << "one pair of primaries, reported once";
  EXPECT_EQ(found[0].writable, "a");
  EXPECT_EQ(found[0].other_primary, "b");
  EXPECT_EQ(found[0].at, At(2.0));
}

TEST(FindSplitBrainsTest, ProbesTooFarApartProveNothing) {
  std::vector<NodeProbe> probes = {Accepts("b", 1.0), Accepts("a", 2.0), Accepts("b", 5.0)};
  EXPECT_TRUE(FindSplitBrains(probes, absl::Seconds(2)).empty());
}

TEST(MedianTest, OddEvenEmpty) {
  EXPECT_EQ(Median({absl::Seconds(3), absl::Seconds(1), absl::Seconds(2)}), absl::Seconds(2));
  EXPECT_EQ(Median({absl::Seconds(4), absl::Seconds(1)}), absl::Milliseconds(2500));
  EXPECT_EQ(Median({}), absl::ZeroDuration());
}

TEST(SummarizeTest, AllRoundsThenOneRowPerFault) {
  RoundResult kill1 = RoundBuilder(1, 2, 5).Outage(1.0, 1.5, "x").Build();
  RoundResult kill2 = RoundBuilder(2, 2, 5).Outage(1.0, 2.5, "x").Lost(3).Build();
  RoundResult standby = RoundBuilder(3, 2, 5).Build();
  standby.fault = Fault::kKillStandby;
  std::vector<SummaryRow> rows = Summarize(Result({kill1, kill2, standby}, 2));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].fault, "all");
  EXPECT_EQ(rows[0].rounds, 3);
  EXPECT_EQ(rows[0].max_outage, kill2.outage);
  EXPECT_EQ(rows[0].median_outage, kill1.outage);
  EXPECT_EQ(rows[0].lost, 3);
  EXPECT_EQ(rows[0].client_rounds, 6);
  EXPECT_EQ(rows[0].clients_with_errors, 4);
  EXPECT_EQ(rows[1].fault, "kill-primary");
  EXPECT_EQ(rows[1].rounds, 2);
  EXPECT_EQ(rows[2].fault, "kill-standby");
  EXPECT_EQ(rows[2].writes_failed, 0);
}

TEST(DrillVerdictTest, LossFailsOnlyWithSynchronousReplication) {
  RoundResult lossy = RoundBuilder(1, 1, 5).Lost(2).Build();
  absl::Status sync = DrillVerdict(Result({lossy}, 1, /*synchronous=*/true));
  EXPECT_EQ(sync.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(sync.message(), HasSubstr("2 acknowledged writes were lost"));
  EXPECT_THAT(sync.message(), HasSubstr("demo-pg-2 lacks 2"));
  EXPECT_TRUE(DrillVerdict(Result({lossy}, 1, /*synchronous=*/false)).ok());
}

TEST(DrillVerdictTest, TwoWritablePrimariesAlwaysFail) {
  RoundResult round = RoundBuilder(1, 1, 5).Build();
  round.split_brains.push_back({At(2), "demo-pg-1", "demo-pg-2"});
  absl::Status verdict = DrillVerdict(Result({round}, 1, /*synchronous=*/false));
  EXPECT_EQ(verdict.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(verdict.message(), HasSubstr("demo-pg-1 accepted a write while demo-pg-2"));
}

TEST(PercentileTest, NearestRankSoTheTailIsARealRound) {
  std::vector<absl::Duration> hundred;
  for (int i = 1; i <= 100; ++i) hundred.push_back(absl::Milliseconds(i * 10));
  EXPECT_EQ(Percentile(hundred, 50), absl::Milliseconds(500));
  EXPECT_EQ(Percentile(hundred, 95), absl::Milliseconds(950));
  EXPECT_EQ(Percentile(hundred, 99), absl::Milliseconds(990));
  EXPECT_EQ(Percentile(hundred, 100), absl::Milliseconds(1000));
  // Fewer than 100 rounds: p99 is the worst of them, never an interpolation below it.
  const std::vector<absl::Duration> twenty(hundred.begin(), hundred.begin() + 20);
  EXPECT_EQ(Percentile(twenty, 99), absl::Milliseconds(200));
  EXPECT_EQ(Percentile(twenty, 95), absl::Milliseconds(190));
  EXPECT_EQ(Percentile({}, 99), absl::ZeroDuration());
}

TEST(SummarizeTest, PercentilesTheDistributionAndWhereTheOutageWentPerFault) {
  std::vector<RoundResult> rounds;
  for (int i = 1; i <= 4; ++i) {
    RoundResult round = RoundBuilder(i, 2, 6).Outage(1.0, 1.0 + 0.25 * i, "x").Build();
    round.milestones.detected = absl::Milliseconds(100 * i);
    round.milestones.promoted = absl::Milliseconds(200 * i);
    rounds.push_back(round);
  }
  RoundResult standby = RoundBuilder(5, 2, 6).Build();
  standby.fault = Fault::kKillStandby;
  rounds.push_back(standby);
  const std::vector<SummaryRow> rows = Summarize(Result(rounds, 2));
  ASSERT_EQ(rows.size(), 3u);
  const SummaryRow& kill = rows[1];
  EXPECT_EQ(kill.fault, "kill-primary");
  ASSERT_EQ(kill.outages.size(), 4u);
  EXPECT_EQ(kill.outages[0], rounds[0].outage) << "in round order";
  EXPECT_EQ(kill.p95_outage, rounds[3].outage);
  EXPECT_EQ(kill.p99_outage, rounds[3].outage);
  EXPECT_EQ(kill.max_outage, rounds[3].outage);
  EXPECT_EQ(kill.median_detected, absl::Milliseconds(250));
  EXPECT_EQ(kill.median_promoted, absl::Milliseconds(500));
  EXPECT_FALSE(kill.median_repointed.has_value()) << "no round saw it";
  EXPECT_FALSE(rows[2].median_promoted.has_value()) << "a standby fault promotes nobody";
}

TEST(DrillVerdictTest, AFailedCommandFailsTheDrillAfterTheSafetyChecks) {
  RoundResult round = RoundBuilder(1, 1, 5).Build();
  DrillResult result = Result({round}, 1);
  result.exec = ExecRun{};
  result.exec->command = "npm test";
  result.exec->started = true;
  result.exec->start = At(0);
  result.exec->end = At(4);
  result.exec->exit_code = 1;
  absl::Status verdict = DrillVerdict(result);
  EXPECT_EQ(verdict.code(), absl::StatusCode::kAborted);
  EXPECT_THAT(verdict.message(), HasSubstr("npm test exit status 1 after 4.00s"));
  result.exec->exit_code = 0;
  EXPECT_TRUE(DrillVerdict(result).ok());
  result.rounds[0].split_brains.push_back({At(2), "demo-pg-1", "demo-pg-2"});
  EXPECT_EQ(DrillVerdict(result).code(), absl::StatusCode::kInternal) << "safety first";
}

}  // namespace
}  // namespace radctl::drill
