// The drill's report as one self-contained HTML file (inline CSS and SVG, nothing fetched): the
// summary table and the distribution of the outages per fault, the user's command (--exec) and
// its output, then per round a timeline of every write (a point at its latency), failures
// marked, the outage shaded, the fault and radctl's events drawn as lines, and the command's
// output lines as ticks in a lane of their own. Pure: rendered from a DrillResult, unit-tested on
// its text and, in headless Chromium, on the pixels it draws.
#pragma once

#include <string>
#include <vector>

#include "controller/drill/drill_result.h"

namespace radctl::drill {

// The timeline's geometry and colours, fixed so that a rendering can be checked by its pixels.
struct TimelineLayout {
  static constexpr int kWidth = 960;  // the SVG
  static constexpr int kHeight = 264;
  static constexpr int kPlotLeft = 64;  // the plot area inside it
  static constexpr int kPlotRight = 944;
  static constexpr int kPlotTop = 52;  // room for four rows of event labels
  static constexpr int kPlotBottom = 228;
  static constexpr double kMinLatencyMs = 1;  // y axis: latency, logarithmic
  static constexpr double kMaxLatencyMs = 30000;
  static constexpr int kMaxPointsPerRound = 4000;  // beyond: min and max latency per pixel column
  static constexpr int kLabelRows = 4;             // event labels above the plot
  // With --exec: a lane below the time axis, one tick per line the command printed.
  static constexpr int kExecLaneTop = 266;
  static constexpr int kExecLaneBottom = 282;
  static constexpr int kHeightWithExec = 290;
};
// The distribution of the outages: a row per fault, a dot per round on a logarithmic axis, and
// the p50, p95 and p99 marked.
struct DistributionLayout {
  static constexpr int kWidth = 960;
  static constexpr int kPlotLeft = 180;
  static constexpr int kPlotRight = 900;
  static constexpr int kTop = 30;        // room for the percentile labels of the first row
  static constexpr int kRowHeight = 56;  // a row's dots, its labels above and (two rows) below
  static constexpr int kAxisHeight = 34;
  static constexpr double kMinSeconds = 0.01;  // x axis: outage, logarithmic
  static constexpr double kMaxSeconds = 100;
};
inline constexpr char kOutageColour[] = "#f9c5c5";
inline constexpr char kWriteColour[] = "#1a5fd0";
inline constexpr char kReadColour[] = "#10a37f";
inline constexpr char kFailureColour[] = "#e0161e";
inline constexpr char kFaultColour[] = "#111111";
inline constexpr char kEventColour[] = "#8e24aa";
inline constexpr char kMilestoneColour[] = "#f29900";
inline constexpr char kExecColour[] = "#00838f";          // a line the command printed on stdout
inline constexpr char kExecErrorColour[] = "#d81b60";     // ... on stderr
inline constexpr char kExecEventColour[] = "#006064";     // the command's start and end
inline constexpr char kDistributionColour[] = "#3949ab";  // a round's outage

// Where a label of `width` px wanted at `x` goes along a time axis with `rows` rows of labels:
// the row where it needs the least shift to the right to clear the labels before it (labels
// never overlap). `x` is then where it starts. Consecutive calls must come in time order.
class LabelPlacer {
 public:
  explicit LabelPlacer(int rows) : ends_(rows, -1e9) {}
  struct Spot {
    int row = 0;
    double x = 0;
  };
  Spot Place(double x, double width);

 private:
  std::vector<double> ends_;
};
// The width in px of a label in the timeline's 10 px sans-serif font (an estimate: ~5.6 a glyph).
double LabelWidth(const std::string& label);

std::string DrillHtml(const DrillResult& result);

// Text made safe for HTML element content and attribute values.
std::string HtmlEscape(const std::string& text);

}  // namespace radctl::drill
