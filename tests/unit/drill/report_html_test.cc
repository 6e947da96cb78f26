// The HTML report's text: self-contained, escaped, one timeline per round with the outage where
// the figures put it. How it looks in a browser is report_render_test.cc's.
#include "controller/drill/report_html.h"

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

}  // namespace
}  // namespace radctl::drill
