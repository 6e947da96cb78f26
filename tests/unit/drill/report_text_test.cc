// The drill's table and JSON from made-up results: what a person reads, what a script parses.
#include "controller/drill/report_text.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/drill/round_builder.h"

namespace radctl::drill {
namespace {

using ::radctl::drill::testing::Result;
using ::radctl::drill::testing::RoundBuilder;
using ::testing::HasSubstr;
using ::testing::StartsWith;

DrillResult TwoRounds() {
  RoundResult first = RoundBuilder(1, 4, 6)
                          .Outage(1.0, 1.5, "FATAL:  server login has been failing")
                          .Event(1.4, "Failover")
                          .Build();
  first.milestones.detected = absl::Milliseconds(400);
  first.milestones.streaming = absl::Milliseconds(2500);
  RoundResult second = RoundBuilder(2, 4, 6).Lost(2).Build();
  second.problems.push_back("something odd");
  return Result({first, second});
}

TEST(DrillTableTest, ARowPerRoundTheirErrorsAndTheSummary) {
  const DrillResult result = TwoRounds();
  const std::string table = DrillTable(result);
  const int failed = result.rounds[0].writes_failed;
  std::vector<std::string> lines = absl::StrSplit(table, '\n');
  ASSERT_GE(lines.size(), 3u);
  EXPECT_THAT(lines[0], StartsWith("ROUND FAULT"));
  EXPECT_THAT(lines[1], StartsWith("1     kill-primary"));
  EXPECT_THAT(lines[1], HasSubstr("0.40s"));  // detected
  EXPECT_THAT(lines[1], HasSubstr("2.50s"));  // streaming again
  EXPECT_THAT(lines[1], HasSubstr("4/4"));    // writers that saw an error
  EXPECT_THAT(lines[2], StartsWith("2     kill-primary"));
  EXPECT_THAT(table, HasSubstr(absl::StrCat(failed, "x FATAL:  server login has been failing")));
  EXPECT_THAT(table, HasSubstr("LOST: demo-pg-2 lacks 2 acknowledged writes"));
  EXPECT_THAT(table, HasSubstr("something odd"));
  EXPECT_THAT(table, HasSubstr("\nall                           2"));
}

TEST(DrillJsonTest, FiguresInSecondsNullsForWhatDidNotHappen) {
  const DrillResult result = TwoRounds();
  nlohmann::json json = nlohmann::json::parse(DrillJson(result));
  EXPECT_EQ(json["cluster"], "demo");
  EXPECT_EQ(json["synchronous"], true);
  ASSERT_EQ(json["rounds"].size(), 2u);
  const nlohmann::json& first = json["rounds"][0];
  EXPECT_EQ(first["fault"], "kill-primary");
  EXPECT_EQ(first["detected_s"], 0.4);
  EXPECT_TRUE(first["promoted_s"].is_null());
  EXPECT_EQ(first["clients_with_errors"], 4);
  EXPECT_EQ(first["errors"]["FATAL:  server login has been failing"],
            result.rounds[0].writes_failed);
  EXPECT_EQ(first["events"][0]["after_fault_s"], 0.4);
  EXPECT_EQ(first["events"][0]["reason"], "Failover");
  EXPECT_GT(first["outage_s"].get<double>(), 0.5);
  EXPECT_EQ(json["rounds"][1]["lost"], 2);
  EXPECT_EQ(json["summary"][0]["fault"], "all");
  EXPECT_EQ(json["summary"][0]["lost"], 2);
  EXPECT_FALSE(first.contains("ops")) << "client operations are only in the HTML report";
}

TEST(DrillJsonTest, WritesNotCheckedAreNotReportedAsKept) {
  RoundResult round = RoundBuilder(1, 1, 3).Build();
  round.checked_nodes.clear();
  round.unchecked = {"no healthy primary to check on"};
  nlohmann::json json = nlohmann::json::parse(DrillJson(Result({round}, 1)));
  EXPECT_TRUE(json["rounds"][0]["lost"].is_null());
  EXPECT_THAT(DrillTable(Result({round}, 1)), HasSubstr("not checked: no healthy primary"));
}

TEST(DrillJsonTest, InvalidUtf8FromAServerDoesNotBreakTheOutput) {
  RoundResult round = RoundBuilder(1, 1, 3).Outage(1.0, 1.2, "bad \xff byte").Build();
  nlohmann::json json = nlohmann::json::parse(DrillJson(Result({round}, 1)));
  EXPECT_EQ(json["rounds"][0]["writes_failed"], 5);
}

TEST(DrillTableTest, PercentilesPerFaultAndWhereTheOutageWent) {
  DrillResult result = TwoRounds();
  result.rounds[0].milestones.promoted = absl::Milliseconds(300);
  const std::string table = DrillTable(result);
  EXPECT_THAT(table, HasSubstr("SUMMARY                  ROUNDS     P50     P95     P99     MAX"));
  EXPECT_THAT(table, HasSubstr("WHERE IT WENT (MEDIAN)     DETECT  PROMOTE  REPOINT   RESUME"));
  nlohmann::json json = nlohmann::json::parse(DrillJson(result));
  EXPECT_EQ(json["summary"][0]["p99_outage_s"], json["summary"][0]["max_outage_s"]);
  EXPECT_EQ(json["summary"][0]["outages_s"].size(), 2u);
  EXPECT_EQ(json["summary"][0]["median_promoted_s"], 0.3);
}

TEST(DrillJsonTest, TheCommandsOutcomeAndLinesWithTheirTimes) {
  DrillResult result = TwoRounds();
  ExecRun exec;
  exec.command = "./run-tests.sh";
  exec.started = true;
  exec.start = result.started;
  exec.end = result.started + absl::Seconds(12);
  exec.exit_code = 0;
  exec.lines = {{result.started + absl::Seconds(1), false, "PASS a"},
                {result.started + absl::Seconds(2), true, "retrying after: server conn crashed?"}};
  result.exec = exec;
  nlohmann::json json = nlohmann::json::parse(DrillJson(result));
  EXPECT_EQ(json["exec"]["command"], "./run-tests.sh");
  EXPECT_EQ(json["exec"]["exit_code"], 0);
  EXPECT_EQ(json["exec"]["passed"], true);
  ASSERT_EQ(json["exec"]["lines"].size(), 2u);
  EXPECT_EQ(json["exec"]["lines"][1]["stream"], "stderr");
  EXPECT_EQ(json["exec"]["lines"][1]["at"], "2026-01-01T00:00:02.000+00:00");
  EXPECT_THAT(DrillTable(result), HasSubstr("command (--exec): ./run-tests.sh\n  exit status 0 "
                                            "after 12.00s; 2 lines of output"));
}

}  // namespace
}  // namespace radctl::drill
