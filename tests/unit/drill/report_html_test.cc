// The HTML report's text: self-contained, escaped, one timeline per round with the outage where
// the figures put it. How it looks in a browser is report_render_test.cc's.
#include "controller/drill/report_html.h"

#include <algorithm>
#include <regex>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/drill/round_builder.h"

namespace radctl::drill {
namespace {

using ::radctl::drill::testing::Result;
using ::radctl::drill::testing::RoundBuilder;
using ::testing::HasSubstr;
using ::testing::Not;

int Count(const std::string& text, const std::string& what) {
  int count = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

TEST(DrillHtmlTest, SelfContainedNothingToFetch) {
  const std::string html = DrillHtml(Result({RoundBuilder(1, 4, 6).Outage(1.0, 1.5, "x").Build()}));
  EXPECT_THAT(html, Not(HasSubstr("http://")));
  EXPECT_THAT(html, Not(HasSubstr("https://")));
  EXPECT_THAT(html, Not(HasSubstr("src=")));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, Not(HasSubstr("@import")));
  EXPECT_THAT(html, HasSubstr("<style>"));
}

TEST(DrillHtmlTest, OneTimelinePerRoundAndTheSummary) {
  const std::string html = DrillHtml(Result(
      {RoundBuilder(1, 2, 6).Outage(1.0, 1.5, "x").Build(), RoundBuilder(2, 2, 6).Build()}, 2));
  EXPECT_EQ(Count(html, "<svg class=\"timeline\""), 2);
  EXPECT_EQ(Count(html, "<section class=\"round\">"), 2);
  EXPECT_EQ(Count(html, "<table class=\"summary\">"), 1);
  EXPECT_THAT(html, HasSubstr("<h2>Round 1: kill-primary demo-pg-1</h2>"));
  EXPECT_EQ(Count(html, "class=\"failures\""), 1) << "only round 1 had failures";
}

TEST(DrillHtmlTest, TheOutageIsShadedOverItsTimeSpan) {
  RoundResult round = RoundBuilder(1, 4, 11).Outage(1.0, 3.0, "x").Build();
  const std::string html = DrillHtml(Result({round}));
  std::smatch match;
  ASSERT_TRUE(std::regex_search(html, match,
                                std::regex("class=\"outage\" x=\"([0-9.]+)\" y=\"[0-9]+\" "
                                           "width=\"([0-9.]+)\"")));
  const double plot = TimelineLayout::kPlotRight - TimelineLayout::kPlotLeft;
  const double window = absl::ToDoubleSeconds(round.window_end - round.window_start);
  EXPECT_NEAR(std::stod(match[1]),
              TimelineLayout::kPlotLeft +
                  absl::ToDoubleSeconds(round.outage_from - round.window_start) / window * plot,
              0.1);
  EXPECT_NEAR(std::stod(match[2]), absl::ToDoubleSeconds(round.outage) / window * plot, 0.1);
}

TEST(DrillHtmlTest, ServerTextIsEscaped) {
  RoundResult round = RoundBuilder(1, 1, 3).Outage(1.0, 1.2, "<script>alert(1)</script>").Build();
  round.events.push_back(
      {round.fault_at, "radctl", "Warning", "demo-pg-1", "Fence\"Failed", "a & b"});
  const std::string html = DrillHtml(Result({round}, 1));
  EXPECT_THAT(html, Not(HasSubstr("<script>")));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(html, HasSubstr("Fence&quot;Failed"));
  EXPECT_THAT(html, HasSubstr("a &amp; b"));
}

TEST(DrillHtmlTest, ManyWritesAreThinnedToTheSlowestAndFastestPerPixel) {
  // 16 writers every 10 ms for 60 s: 96000 writes.
  RoundResult round = RoundBuilder(1, 16, 60, absl::Milliseconds(10)).Build();
  const std::string html = DrillHtml(Result({round}, 16));
  const int dots = Count(html, "h0");
  EXPECT_GE(dots, TimelineLayout::kPlotRight - TimelineLayout::kPlotLeft - 1) << "every column";
  EXPECT_LE(dots, 2 * (TimelineLayout::kPlotRight - TimelineLayout::kPlotLeft + 1));
}

// Label boxes (x, y, estimated width) of the timeline's event labels.
struct Box {
  double x, y, width;
  std::string text;
};
std::vector<Box> Labels(const std::string& svg) {
  std::vector<Box> boxes;
  const std::regex label(
      "<text class=\"label\" x=\"([0-9.]+)\" y=\"([0-9]+)\"[^>]*>([^<]*)</text>");
  for (std::sregex_iterator it(svg.begin(), svg.end(), label), end; it != end; ++it) {
    boxes.push_back({std::stod((*it)[1]), std::stod((*it)[2]), LabelWidth((*it)[3]), (*it)[3]});
  }
  return boxes;
}

TEST(DrillHtmlTest, EventLabelsNeverOverlapEvenWhenEventsCrowd) {
  // Twelve events within 60 ms: once, four rows of labels ran over each other.
  RoundBuilder builder(1, 2, 11);
  const char* reasons[] = {"HoldClients",    "Fence",     "Failover",         "RecordPrimary",
                           "PointBouncer",   "Follow",    "PointReadBouncer", "Rejoin",
                           "StartContainer", "DelayStop", "AllowStop",        "Switchover"};
  for (int i = 0; i < 12; ++i) builder.Event(1.2 + 0.005 * i, reasons[i]);
  RoundResult round = builder.Build();
  round.events.push_back({round.fault_at, "drill", "fault", "demo-pg-1", "docker kill", ""});
  std::sort(round.events.begin(), round.events.end(),
            [](const TimelineEvent& a, const TimelineEvent& b) { return a.at < b.at; });
  const std::vector<Box> boxes = Labels(DrillHtml(Result({round}, 2)));
  ASSERT_EQ(boxes.size(), 13u);
  for (size_t i = 0; i < boxes.size(); ++i) {
    EXPECT_LE(boxes[i].x + boxes[i].width, TimelineLayout::kWidth) << boxes[i].text;
    for (size_t j = i + 1; j < boxes.size(); ++j) {
      if (boxes[i].y != boxes[j].y) continue;
      const bool apart =
          boxes[i].x + boxes[i].width <= boxes[j].x || boxes[j].x + boxes[j].width <= boxes[i].x;
      EXPECT_TRUE(apart) << "\"" << boxes[i].text << "\" and \"" << boxes[j].text
                         << "\" overlap in the row at y=" << boxes[i].y;
    }
  }
}

TEST(LabelPlacerTest, UsesTheRowThatNeedsTheLeastShift) {
  LabelPlacer placer(2);
  EXPECT_EQ(placer.Place(10, 50).row, 0);
  const LabelPlacer::Spot second = placer.Place(20, 50);
  EXPECT_EQ(second.row, 1);
  EXPECT_EQ(second.x, 20);
  const LabelPlacer::Spot third = placer.Place(30, 50);  // both rows taken: shifted, never over
  EXPECT_EQ(third.row, 0);
  EXPECT_EQ(third.x, 64);
}

DrillResult WithCommand(RoundResult round) {
  DrillResult result = Result({round}, 2);
  ExecRun exec;
  exec.command = "psql -c 'select 1' <loop>";
  exec.started = true;
  exec.start = round.window_start + absl::Milliseconds(200);
  for (int i = 0; i < 40; ++i) {
    exec.lines.push_back({exec.start + absl::Milliseconds(250 * i), i == 7,
                          i == 7 ? "ERROR: <conn> lost" : absl::StrCat("ok ", i)});
  }
  exec.end = round.window_start + absl::Seconds(10);
  exec.exit_code = 2;
  result.exec = exec;
  return result;
}

TEST(DrillHtmlTest, TheCommandsLinesAreTicksInTheirLaneAndItsOutcomeIsTold) {
  RoundResult round = RoundBuilder(1, 2, 11).Outage(1.0, 1.5, "x").Build();
  const std::string html = DrillHtml(WithCommand(round));
  EXPECT_EQ(Count(html, "class=\"exec-line\""), 40) << "one tick per line (each its own column)";
  EXPECT_THAT(html, HasSubstr(absl::StrCat("fill=\"", kExecErrorColour, "\"")));
  EXPECT_THAT(html, HasSubstr(absl::StrCat("height=\"", TimelineLayout::kHeightWithExec, "\"")));
  EXPECT_THAT(html, HasSubstr("stderr: ERROR: &lt;conn&gt; lost"));
  EXPECT_THAT(html, HasSubstr("<h2>Your command</h2>"));
  EXPECT_THAT(html, HasSubstr("psql -c &#39;select 1&#39; &lt;loop&gt;"));
  EXPECT_THAT(html, HasSubstr("exit status 2 after 9.80s"));
  EXPECT_THAT(html, HasSubstr("the drill fails"));
  EXPECT_THAT(html, HasSubstr(">command started</text>"));
  EXPECT_THAT(html, HasSubstr(">command exit 2</text>"));
  EXPECT_THAT(DrillHtml(Result({round}, 2)), Not(HasSubstr("exec-line")));
}

TEST(DrillHtmlTest, TheOutagesDistributionHasADotPerRoundAndItsPercentiles) {
  std::vector<RoundResult> rounds;
  for (int i = 1; i <= 5; ++i) {
    rounds.push_back(RoundBuilder(i, 2, 6).Outage(1.0, 1.0 + 0.2 * i, "x").Build());
  }
  const std::string html = DrillHtml(Result(rounds, 2));
  EXPECT_EQ(Count(html, "class=\"round-outage\""), 5);
  EXPECT_THAT(html, HasSubstr(">p50 "));
  EXPECT_THAT(html, HasSubstr(">p95 "));
  EXPECT_THAT(html, HasSubstr(">p99 "));
  EXPECT_THAT(html, HasSubstr("<th>p95</th><th>p99</th>"));
}

}  // namespace
}  // namespace radctl::drill
