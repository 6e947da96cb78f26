// The drill's report as one self-contained HTML file (inline CSS and SVG, nothing fetched): the
// summary table, then per round a timeline of every write (a point at its latency), failures
// marked, the outage shaded, the fault and radctl's events drawn as lines. Pure: rendered from a
// DrillResult, unit-tested on its text and, in headless Chromium, on the pixels it draws.
#pragma once

#include <string>

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
};
inline constexpr char kOutageColour[] = "#f9c5c5";
inline constexpr char kWriteColour[] = "#1a5fd0";
inline constexpr char kReadColour[] = "#10a37f";
inline constexpr char kFailureColour[] = "#e0161e";
inline constexpr char kFaultColour[] = "#111111";
inline constexpr char kEventColour[] = "#8e24aa";
inline constexpr char kMilestoneColour[] = "#f29900";

std::string DrillHtml(const DrillResult& result);

// Text made safe for HTML element content and attribute values.
std::string HtmlEscape(const std::string& text);

}  // namespace radctl::drill
