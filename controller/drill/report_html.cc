#include "controller/drill/report_html.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "controller/drill/measure.h"

namespace radctl::drill {
namespace {

using L = TimelineLayout;

std::string HtmlSeconds(absl::Duration d) {
  return absl::StrFormat("%.2f s", absl::ToDoubleSeconds(d));
}
std::string HtmlSeconds(const std::optional<absl::Duration>& d) {
  return d ? HtmlSeconds(*d) : "–";
}

std::string TimeOfDay(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E3S UTC", t, absl::UTCTimeZone());
}

constexpr char kStyle[] = R"(
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 24px;
       color: #202124; background: #ffffff; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 6px; }
p.facts { color: #5f6368; margin: 0 0 12px; }
table { border-collapse: collapse; margin: 8px 0 16px; }
th, td { border: 1px solid #dadce0; padding: 3px 6px; font-size: 13px; text-align: right; white-space: nowrap; }
th { background: #f1f3f4; }
td.l, th.l { text-align: left; }
td.bad { color: #b3261e; font-weight: 600; }
ul { margin: 4px 0 8px; }
.legend span { display: inline-block; margin-right: 16px; color: #3c4043; }
.swatch { display: inline-block; width: 12px; height: 12px; vertical-align: -2px; margin-right: 4px; }
details { margin: 4px 0 12px; }
span.pass { color: #137333; font-weight: 600; }
span.fail { color: #b3261e; font-weight: 600; }
td.mono { font-family: ui-monospace, monospace; white-space: pre-wrap; }
svg text { font: 10px system-ui, sans-serif; fill: #3c4043; }
)";

// Maps times and latencies of one round onto its plot.
class Scale {
 public:
  Scale(absl::Time from, absl::Time to) : from_(from), to_(std::max(to, from + absl::Seconds(1))) {}
  double X(absl::Time t) const {
    const double fraction = absl::FDivDuration(t - from_, to_ - from_);
    return L::kPlotLeft + std::clamp(fraction, 0.0, 1.0) * (L::kPlotRight - L::kPlotLeft);
  }
  static double Y(absl::Duration latency) {
    const double ms =
        std::clamp(absl::ToDoubleMilliseconds(latency), L::kMinLatencyMs, L::kMaxLatencyMs);
    const double fraction =
        std::log10(ms / L::kMinLatencyMs) / std::log10(L::kMaxLatencyMs / L::kMinLatencyMs);
    return L::kPlotBottom - fraction * (L::kPlotBottom - L::kPlotTop);
  }
  absl::Time from() const { return from_; }
  absl::Time to() const { return to_; }

 private:
  absl::Time from_;
  absl::Time to_;
};

// Beyond kMaxPointsPerRound, the fastest and slowest operation per pixel column stand for it.
std::vector<const ClientOp*> Thin(const std::vector<const ClientOp*>& ops, const Scale& scale) {
  if (static_cast<int>(ops.size()) <= L::kMaxPointsPerRound) return ops;
  std::map<int, std::pair<const ClientOp*, const ClientOp*>> columns;
  for (const ClientOp* op : ops) {
    auto& [fastest, slowest] = columns[static_cast<int>(scale.X(op->end))];
    const absl::Duration latency = op->end - op->start;
    if (fastest == nullptr || latency < fastest->end - fastest->start) fastest = op;
    if (slowest == nullptr || latency > slowest->end - slowest->start) slowest = op;
  }
  std::vector<const ClientOp*> kept;
  for (const auto& [column, pair] : columns) {
    kept.push_back(pair.first);
    if (pair.second != pair.first) kept.push_back(pair.second);
  }
  return kept;
}

std::string Dots(const std::vector<const ClientOp*>& ops, const Scale& scale) {
  std::string d;
  for (const ClientOp* op : ops) {
    absl::StrAppendFormat(&d, "M%.1f %.1fh0", scale.X(op->end), Scale::Y(op->end - op->start));
  }
  return d;
}

std::string Crosses(const std::vector<const ClientOp*>& ops, const Scale& scale) {
  std::string d;
  for (const ClientOp* op : ops) {
    const double x = scale.X(op->end);
    const double y = Scale::Y(op->end - op->start);
    absl::StrAppendFormat(&d, "M%.1f %.1fl7 7m0 -7l-7 7", x - 3.5, y - 3.5);
  }
  return d;
}

// The command's start and end, for the timeline of the round they fall in.
std::vector<TimelineEvent> ExecEvents(const ExecRun& exec) {
  std::vector<TimelineEvent> events;
  if (!exec.started) return events;
  events.push_back({exec.start, "exec", "exec", "started", "command", exec.command});
  if (exec.ended()) {
    const std::string how = exec.stopped_by_drill ? "stopped"
                            : exec.signal != 0    ? absl::StrCat("signal ", exec.signal)
                                                  : absl::StrCat("exit ", exec.exit_code);
    events.push_back({exec.end, "exec", "exec", how, "command", exec.Outcome()});
  }
  return events;
}

// The command's output lines within the round's window: one tick each (stdout and stderr in
// their colours), at most one per pixel column and stream (its tooltip says how many it stands
// for and shows the first).
std::string ExecLane(const RoundResult& round, const ExecRun& exec, const Scale& scale) {
  std::string svg = absl::StrFormat(
      "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f1f3f4\"/>"
      "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">command</text>\n",
      L::kPlotLeft, L::kExecLaneTop, L::kPlotRight - L::kPlotLeft,
      L::kExecLaneBottom - L::kExecLaneTop, L::kPlotLeft - 6, L::kExecLaneBottom - 4);
  std::map<std::pair<bool, int>, std::pair<const ExecLine*, int>> columns;
  for (const ExecLine& line : exec.lines) {
    if (line.at < round.window_start || line.at > round.window_end) continue;
    auto& [first, count] = columns[{line.from_stderr, static_cast<int>(scale.X(line.at))}];
    if (first == nullptr) first = &line;
    ++count;
  }
  for (const auto& [key, value] : columns) {
    const auto& [line, count] = value;
    absl::StrAppendFormat(
        &svg,
        "<g class=\"exec-line\"><title>%+.3f s %s: %s%s</title><rect x=\"%.1f\" y=\"%d\" "
        "width=\"2\" height=\"%d\" fill=\"%s\" shape-rendering=\"crispEdges\"/></g>\n",
        absl::ToDoubleSeconds(line->at - round.fault_at), line->from_stderr ? "stderr" : "stdout",
        HtmlEscape(line->text), count > 1 ? absl::StrCat(" (and ", count - 1, " more)") : "",
        scale.X(line->at) - 1, L::kExecLaneTop + 2, L::kExecLaneBottom - L::kExecLaneTop - 4,
        line->from_stderr ? kExecErrorColour : kExecColour);
  }
  return svg;
}

std::string Timeline(const RoundResult& round, const ExecRun* exec) {
  const Scale scale(round.window_start, round.window_end);
  const int height = exec != nullptr ? L::kHeightWithExec : L::kHeight;
  std::string svg = absl::StrFormat(
      "<svg class=\"timeline\" width=\"%d\" height=\"%d\" "
      "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"round %d timeline\">\n",
      L::kWidth, height, L::kWidth, height, round.number);
  absl::StrAppendFormat(&svg,
                        "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n",
                        L::kWidth, height);
  if (exec != nullptr) absl::StrAppend(&svg, ExecLane(round, *exec, scale));
  // The outage first, so that everything else is drawn over it.
  if (round.outage > absl::ZeroDuration()) {
    const double x0 = scale.X(round.outage_from);
    const double x1 = scale.X(round.outage_to);
    absl::StrAppendFormat(
        &svg,
        "<rect class=\"outage\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" "
        "shape-rendering=\"crispEdges\"><title>outage %s: no write acknowledged</title></rect>\n",
        x0, L::kPlotTop, std::max(x1 - x0, 1.0), L::kPlotBottom - L::kPlotTop, kOutageColour,
        HtmlSeconds(round.outage));
  }
  // Latency grid (log scale) and time ticks relative to the fault.
  const char* labels[] = {"1 ms", "10 ms", "100 ms", "1 s", "10 s"};
  for (int i = 0; i < 5; ++i) {
    const double y = Scale::Y(absl::Milliseconds(std::pow(10, i)));
    absl::StrAppendFormat(&svg,
                          "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e3e3e3\"/>"
                          "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                          L::kPlotLeft, y, L::kPlotRight, y, L::kPlotLeft - 6, y + 3, labels[i]);
  }
  const double span = absl::ToDoubleSeconds(scale.to() - scale.from());
  double step = 60;
  for (double candidate : {0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0}) {
    if (span / candidate <= 14) {
      step = candidate;
      break;
    }
  }
  const double first =
      std::ceil(absl::ToDoubleSeconds(scale.from() - round.fault_at) / step) * step;
  for (double s = first; round.fault_at + absl::Seconds(s) <= scale.to(); s += step) {
    const double x = scale.X(round.fault_at + absl::Seconds(s));
    absl::StrAppendFormat(&svg,
                          "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#9aa0a6\"/>"
                          "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s%g s</text>\n",
                          x, L::kPlotBottom, x, L::kPlotBottom + 4, x, L::kPlotBottom + 15,
                          s > 1e-9 ? "+" : "", std::abs(s) < 1e-9 ? 0.0 : s);
  }
  absl::StrAppendFormat(&svg,
                        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                        "stroke=\"#9aa0a6\"/>\n<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">"
                        "time after the fault</text>\n",
                        L::kPlotLeft, L::kPlotTop, L::kPlotRight - L::kPlotLeft,
                        L::kPlotBottom - L::kPlotTop, (L::kPlotLeft + L::kPlotRight) / 2,
                        L::kPlotBottom + 30);
  // Events: radctl's dashed, the drill's own (the fault, healing) solid, the command's start and
  // end in its colour. Labels go to the row above the plot where they need the least shift to
  // clear the labels before them; a shifted label is tied to its line by a dotted leader, and one
  // that would run off the right edge is shortened (its full text stays in the tooltip and the
  // events table).
  std::vector<TimelineEvent> events = round.events;
  if (exec != nullptr) {
    for (const TimelineEvent& event : ExecEvents(*exec)) {
      if (event.at >= round.window_start && event.at <= round.window_end) events.push_back(event);
    }
    std::stable_sort(events.begin(), events.end(),
                     [](const TimelineEvent& a, const TimelineEvent& b) { return a.at < b.at; });
  }
  LabelPlacer top(L::kLabelRows);
  for (const TimelineEvent& event : events) {
    const double x = scale.X(event.at);
    const bool drill = event.source == "drill";
    const bool command = event.source == "exec";
    const std::string colour = command ? kExecEventColour : drill ? kFaultColour : kEventColour;
    std::string label =
        drill || command ? absl::StrCat(event.reason, " ", event.object) : event.reason;
    const LabelPlacer::Spot spot = top.Place(x + 3, LabelWidth(label));
    const int baseline = 11 + spot.row * 11;
    const double room = L::kWidth - 2 - spot.x;
    if (LabelWidth(label) > room) {
      const int glyphs = static_cast<int>(room / LabelWidth("x")) - 1;
      label = glyphs >= 3 ? absl::StrCat(label.substr(0, glyphs), "…") : "";
    }
    std::string leader;
    if (spot.x > x + 3.5 && !label.empty()) {
      leader = absl::StrFormat(
          "<path d=\"M%.1f %dH%.1f\" stroke=\"%s\" stroke-dasharray=\"1 2\" fill=\"none\"/>", x,
          baseline - 3, spot.x - 1, colour);
    }
    absl::StrAppendFormat(
        &svg,
        "<g><title>%s %s %s %s (%+.3f s)</title><line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
        "stroke=\"%s\" stroke-width=\"%s\"%s/>%s<text class=\"label\" x=\"%.1f\" y=\"%d\" "
        "style=\"fill:%s\">%s</text></g>\n",
        HtmlEscape(event.source), HtmlEscape(event.object), HtmlEscape(event.reason),
        HtmlEscape(event.message), absl::ToDoubleSeconds(event.at - round.fault_at), x,
        baseline - 8, x, L::kPlotBottom, colour, drill || command ? "2" : "1",
        drill || command ? "" : " stroke-dasharray=\"4 3\"", leader, spot.x, baseline, colour,
        HtmlEscape(label));
  }
  // The drill's own observations of the failover, labelled upwards from the plot's bottom.
  const std::pair<const char*, const std::optional<absl::Duration>*> marks[] = {
      {"promoted", &round.milestones.promoted}, {"repointed", &round.milestones.repointed}};
  LabelPlacer bottom(2);
  for (const auto& [name, when] : marks) {
    if (!when->has_value()) continue;
    const double x = scale.X(round.fault_at + **when);
    const int row = bottom.Place(x + 6, LabelWidth(name)).row;
    absl::StrAppendFormat(
        &svg,
        "<g><title>%s at +%s (drill's probe)</title><path d=\"M%.1f %dl-5 -8h10z\" "
        "fill=\"%s\"/><text x=\"%.1f\" y=\"%d\" style=\"fill:%s\">%s</text></g>\n",
        name, HtmlSeconds(**when), x, L::kPlotBottom, kMilestoneColour, x + 6,
        L::kPlotBottom - 10 - row * 11, kMilestoneColour, name);
  }
  std::vector<const ClientOp*> writes;
  std::vector<const ClientOp*> reads;
  std::vector<const ClientOp*> failures;
  for (const ClientOp& op : round.ops) {
    if (!op.ok) {
      failures.push_back(&op);
    } else {
      (op.read ? reads : writes).push_back(&op);
    }
  }
  absl::StrAppendFormat(&svg,
                        "<path class=\"writes\" d=\"%s\" stroke=\"%s\" stroke-width=\"4\" "
                        "stroke-linecap=\"round\" fill=\"none\"/>\n",
                        Dots(Thin(writes, scale), scale), kWriteColour);
  if (!reads.empty()) {
    absl::StrAppendFormat(&svg,
                          "<path class=\"reads\" d=\"%s\" stroke=\"%s\" stroke-width=\"4\" "
                          "stroke-linecap=\"round\" fill=\"none\"/>\n",
                          Dots(Thin(reads, scale), scale), kReadColour);
  }
  if (!failures.empty()) {
    absl::StrAppendFormat(&svg,
                          "<path class=\"failures\" d=\"%s\" stroke=\"%s\" stroke-width=\"2\" "
                          "fill=\"none\"/>\n",
                          Crosses(Thin(failures, scale), scale), kFailureColour);
  }
  absl::StrAppend(&svg, "</svg>\n");
  return svg;
}

std::string Cell(const std::string& text, bool bad = false, bool left = false) {
  std::string cls = bad ? "bad" : (left ? "l" : "");
  return absl::StrCat("<td", cls.empty() ? "" : absl::StrCat(" class=\"", cls, "\""), ">",
                      HtmlEscape(text), "</td>");
}

std::string SummaryTable(const DrillResult& result) {
  std::string html =
      "<table class=\"summary\"><tr><th class=\"l\">fault</th><th>rounds</th><th>outage "
      "p50</th><th>p95</th><th>p99</th><th>max</th><th>worst writer</th><th>streaming again "
      "(median)</th><th>failed writes</th><th>clients with errors</th><th>of them with nothing in "
      "flight</th><th>acknowledged</th>"
      "<th>lost</th><th>split brains</th><th>not recovered</th></tr>\n";
  for (const SummaryRow& row : Summarize(result)) {
    absl::StrAppend(&html, "<tr>", Cell(row.fault, false, true), Cell(absl::StrCat(row.rounds)),
                    Cell(HtmlSeconds(row.median_outage)), Cell(HtmlSeconds(row.p95_outage)),
                    Cell(HtmlSeconds(row.p99_outage)), Cell(HtmlSeconds(row.max_outage)),
                    Cell(HtmlSeconds(row.max_writer_outage)),
                    Cell(HtmlSeconds(row.median_streaming)), Cell(absl::StrCat(row.writes_failed)),
                    Cell(absl::StrCat(row.clients_with_errors, " of ", row.client_rounds)),
                    Cell(absl::StrCat(row.clients_turned_away), row.clients_turned_away > 0),
                    Cell(absl::StrCat(row.acknowledged)),
                    Cell(absl::StrCat(row.lost), row.lost > 0),
                    Cell(absl::StrCat(row.split_brains), row.split_brains > 0),
                    Cell(absl::StrCat(row.not_recovered), row.not_recovered > 0), "</tr>\n");
  }
  html += "</table>\n";
  // Where a primary fault's outage went: the median time of each step after the fault.
  std::string steps;
  for (const SummaryRow& row : Summarize(result)) {
    if (!row.median_promoted && !row.median_repointed) continue;
    absl::StrAppend(&steps, "<tr>", Cell(row.fault, false, true),
                    Cell(HtmlSeconds(row.median_detected)), Cell(HtmlSeconds(row.median_promoted)),
                    Cell(HtmlSeconds(row.median_repointed)), Cell(HtmlSeconds(row.median_resumed)),
                    "</tr>\n");
  }
  if (!steps.empty()) {
    absl::StrAppend(&html,
                    "<table class=\"steps\"><tr><th class=\"l\">where it went (median after the "
                    "fault)</th><th>detected</th><th>promoted</th><th>repointed</th>"
                    "<th>resumed</th></tr>\n",
                    steps, "</table>\n");
  }
  return html;
}

// X position of an outage on the distribution's logarithmic axis.
double DistributionX(absl::Duration outage) {
  using D = DistributionLayout;
  const double s = std::clamp(absl::ToDoubleSeconds(outage), D::kMinSeconds, D::kMaxSeconds);
  return D::kPlotLeft + std::log10(s / D::kMinSeconds) /
                            std::log10(D::kMaxSeconds / D::kMinSeconds) *
                            (D::kPlotRight - D::kPlotLeft);
}

// The outages of every round, per fault (a row each; "all" too when there are several faults):
// a dot per round, the p50, p95 and p99 as ticks with their values.
std::string Distribution(const DrillResult& result) {
  using D = DistributionLayout;
  const std::vector<SummaryRow> rows = Summarize(result);
  if (rows.empty() || rows.front().rounds == 0) return "";
  const int height = D::kTop + static_cast<int>(rows.size()) * D::kRowHeight + D::kAxisHeight;
  std::string svg = absl::StrFormat(
      "<svg class=\"distribution\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
      "role=\"img\" aria-label=\"outage distribution\">\n<rect x=\"0\" y=\"0\" width=\"%d\" "
      "height=\"%d\" fill=\"#ffffff\"/>\n",
      D::kWidth, height, D::kWidth, height, D::kWidth, height);
  const int axis = D::kTop + static_cast<int>(rows.size()) * D::kRowHeight;
  const std::pair<double, const char*> ticks[] = {
      {0.01, "10 ms"}, {0.1, "100 ms"}, {1, "1 s"}, {10, "10 s"}, {100, "100 s"}};
  for (const auto& [seconds, label] : ticks) {
    const double x = DistributionX(absl::Seconds(seconds));
    absl::StrAppendFormat(&svg,
                          "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e3e3e3\"/>"
                          "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                          x, D::kTop - 4, x, axis + 4, x, axis + 16, label);
  }
  absl::StrAppendFormat(&svg,
                        "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">outage (the longest time "
                        "without an acknowledged write), one dot per round</text>\n",
                        (D::kPlotLeft + D::kPlotRight) / 2, axis + 30);
  for (size_t i = 0; i < rows.size(); ++i) {
    const SummaryRow& row = rows[i];
    const int mid = D::kTop + static_cast<int>(i) * D::kRowHeight + D::kRowHeight / 2;
    absl::StrAppendFormat(&svg,
                          "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#dadce0\"/>"
                          "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s (%d)</text>\n",
                          D::kPlotLeft, mid, D::kPlotRight, mid, D::kPlotLeft - 8, mid + 3,
                          HtmlEscape(row.fault), row.rounds);
    // Rounds with the same outage (to the pixel) are stacked, so that each stays visible.
    std::map<int, int> stacked;
    for (size_t r = 0; r < row.outages.size(); ++r) {
      const double x = DistributionX(row.outages[r]);
      const int n = stacked[static_cast<int>(x / 4)]++;
      const int step = (n + 1) / 2;  // 0, 1, 1, 2, 2, ...: alternately above and below
      const double y = mid + ((n % 2 == 0) ? -1 : 1) * 4.0 * step;
      absl::StrAppendFormat(&svg,
                            "<circle class=\"round-outage\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\" "
                            "fill=\"%s\"><title>%s</title></circle>\n",
                            x, std::clamp(y, mid - 14.0, mid + 14.0), kDistributionColour,
                            HtmlSeconds(row.outages[r]));
    }
    // Labels above the row, else below it, never over each other.
    const std::pair<const char*, absl::Duration> marks[] = {
        {"p50", row.median_outage}, {"p95", row.p95_outage}, {"p99", row.p99_outage}};
    LabelPlacer labels(3);
    for (const auto& [name, value] : marks) {
      const double x = DistributionX(value);
      const std::string text = absl::StrCat(name, " ", HtmlSeconds(value));
      const LabelPlacer::Spot spot = labels.Place(x - LabelWidth(text) / 2, LabelWidth(text));
      absl::StrAppendFormat(&svg,
                            "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" "
                            "stroke-width=\"2\"/><text x=\"%.1f\" y=\"%d\" style=\"fill:%s\">%s"
                            "</text>\n",
                            x, mid - 12, x, mid + 12, kMilestoneColour, spot.x,
                            spot.row == 0   ? mid - 14
                            : spot.row == 1 ? mid + 22
                                            : mid + 33,
                            kMilestoneColour, HtmlEscape(text));
    }
  }
  return svg + "</svg>\n";
}

// The user's command (--exec): what it was, how it ended, and everything it printed, with the
// time after the drill's start and, within a round, after its fault.
std::string ExecSection(const DrillResult& result) {
  if (!result.exec.has_value()) return "";
  const ExecRun& exec = *result.exec;
  std::string html =
      absl::StrCat("<h2>Your command</h2>\n<p class=\"facts\"><code>", HtmlEscape(exec.command),
                   "</code> · <span class=\"", exec.Passed() ? "pass" : "fail", "\">",
                   HtmlEscape(exec.Outcome()), "</span> · ", exec.lines.size() + exec.lines_dropped,
                   " lines of output", exec.Passed() ? "" : " · <b>the drill fails</b>", "</p>\n");
  constexpr size_t kShown = 2000;
  absl::StrAppend(&html,
                  "<details><summary>its output (stdout, <span style=\"color:", kExecErrorColour,
                  "\">stderr</span>)</summary><table class=\"exec\"><tr><th>after start</th>"
                  "<th class=\"l\">round</th><th class=\"l\">line</th></tr>\n");
  for (size_t i = 0; i < exec.lines.size() && i < kShown; ++i) {
    const ExecLine& line = exec.lines[i];
    std::string round_text;
    for (const RoundResult& round : result.rounds) {
      if (line.at >= round.window_start && line.at <= round.window_end) {
        round_text = absl::StrFormat("%d (%+.3f s)", round.number,
                                     absl::ToDoubleSeconds(line.at - round.fault_at));
      }
    }
    absl::StrAppend(&html, "<tr>",
                    Cell(absl::StrFormat("%.3f s", absl::ToDoubleSeconds(line.at - exec.start))),
                    Cell(round_text, false, true), "<td class=\"l mono\"",
                    line.from_stderr ? absl::StrCat(" style=\"color:", kExecErrorColour, "\"") : "",
                    ">", HtmlEscape(line.text), "</td></tr>\n");
  }
  absl::StrAppend(&html, "</table>");
  const int64_t more =
      static_cast<int64_t>(exec.lines.size() > kShown ? exec.lines.size() - kShown : 0) +
      exec.lines_dropped;
  if (more > 0) absl::StrAppend(&html, "<p class=\"facts\">… and ", more, " more lines</p>");
  return html + "</details>\n";
}

std::string RoundSection(const DrillResult& result, const RoundResult& round) {
  std::string html = absl::StrCat(
      "<section class=\"round\"><h2>Round ", round.number, ": ", HtmlEscape(FaultName(round.fault)),
      " ", HtmlEscape(absl::StrJoin(round.targets, " and ")), "</h2>\n<p class=\"facts\">",
      HtmlEscape(TimeOfDay(round.fault_at)), " · primary ", HtmlEscape(round.old_primary), " → ",
      HtmlEscape(round.new_primary.empty() ? "none" : round.new_primary), " · outage ",
      HtmlEscape(HtmlSeconds(round.outage)), " · ", round.writes_failed, " failed writes (",
      round.clients_with_errors, " of ", result.writers, " writers, ", round.clients_turned_away,
      " of them with nothing in flight) · ", round.lost, " of ", round.acknowledged,
      " acknowledged writes lost</p>\n");
  absl::StrAppend(
      &html,
      "<table><tr><th>detected</th><th>promoted</th><th>repointed</th><th>resumed</th>"
      "<th>all standbys streaming</th><th>worst writer gap</th></tr><tr>",
      Cell(HtmlSeconds(round.milestones.detected)), Cell(HtmlSeconds(round.milestones.promoted)),
      Cell(HtmlSeconds(round.milestones.repointed)), Cell(HtmlSeconds(round.milestones.resumed)),
      Cell(HtmlSeconds(round.milestones.streaming)));
  absl::Duration worst = absl::ZeroDuration();
  for (absl::Duration d : round.writer_outage) worst = std::max(worst, d);
  absl::StrAppend(&html, Cell(HtmlSeconds(worst)), "</tr></table>\n");
  absl::StrAppendFormat(
      &html,
      "<div class=\"legend\"><span><i class=\"swatch\" style=\"background:%s\"></i>write "
      "(latency)</span>%s<span><i class=\"swatch\" style=\"background:%s\"></i>failed</span>"
      "<span><i class=\"swatch\" style=\"background:%s\"></i>outage</span><span><i "
      "class=\"swatch\" style=\"background:%s\"></i>fault / drill</span><span><i class=\"swatch\" "
      "style=\"background:%s\"></i>radctl event</span><span><i class=\"swatch\" "
      "style=\"background:%s\"></i>seen by the drill's probes</span></div>\n",
      kWriteColour,
      result.readers > 0
          ? absl::StrFormat("<span><i class=\"swatch\" style=\"background:%s\"></i>read</span>",
                            kReadColour)
          : "",
      kFailureColour, kOutageColour, kFaultColour, kEventColour, kMilestoneColour);
  absl::StrAppend(&html, Timeline(round, result.exec ? &*result.exec : nullptr));
  std::vector<std::string> items;
  items.reserve(round.errors.size() + round.missing.size());
  std::vector<std::pair<std::string, int>> errors(round.errors.begin(), round.errors.end());
  std::sort(errors.begin(), errors.end(),
            [](const auto& a, const auto& b) { return a.second > b.second; });
  for (const auto& [message, count] : errors) {
    items.push_back(absl::StrCat(count, " × ", HtmlEscape(message)));
  }
  for (const auto& [node, count] : round.missing) {
    items.push_back(
        absl::StrCat("<b>lost</b>: ", HtmlEscape(node), " lacks ", count, " acknowledged writes"));
  }
  for (const SplitBrain& brain : round.split_brains) {
    items.push_back(absl::StrCat("<b>split brain</b>: ", HtmlEscape(brain.writable),
                                 " accepted a write while ", HtmlEscape(brain.other_primary),
                                 " was writable"));
  }
  for (const std::string& text : round.unchecked)
    items.push_back(HtmlEscape("not checked: " + text));
  for (const std::string& text : round.problems) items.push_back(HtmlEscape(text));
  if (!items.empty())
    absl::StrAppend(&html, "<ul><li>", absl::StrJoin(items, "</li><li>"), "</li></ul>\n");
  absl::StrAppend(&html, "<details><summary>", round.events.size(),
                  " events</summary><table><tr><th>after fault</th><th class=\"l\">source</th>"
                  "<th class=\"l\">object</th><th class=\"l\">reason</th><th "
                  "class=\"l\">message</th></tr>\n");
  for (const TimelineEvent& event : round.events) {
    absl::StrAppend(
        &html, "<tr>",
        Cell(absl::StrFormat("%+.3f s", absl::ToDoubleSeconds(event.at - round.fault_at))),
        Cell(event.source, false, true), Cell(event.object, false, true),
        Cell(event.reason, event.type == "Warning", true), Cell(event.message, false, true),
        "</tr>\n");
  }
  absl::StrAppend(&html, "</table></details></section>\n");
  return html;
}

}  // namespace

double LabelWidth(const std::string& label) {
  // Code points, not bytes: "…" is one glyph.
  double glyphs = 0;
  for (unsigned char c : label) glyphs += (c & 0xc0) != 0x80 ? 1 : 0;
  return 5.6 * glyphs;
}

LabelPlacer::Spot LabelPlacer::Place(double x, double width) {
  constexpr double kGap = 4;
  Spot best{0, std::max(x, ends_[0] + kGap)};
  for (int row = 1; row < static_cast<int>(ends_.size()); ++row) {
    const double start = std::max(x, ends_[row] + kGap);
    if (start < best.x) best = {row, start};
  }
  ends_[best.row] = best.x + width;
  return best;
}

std::string HtmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string DrillHtml(const DrillResult& result) {
  std::string html = absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>radctl drill: ",
      HtmlEscape(result.cluster), "</title>\n<style>", kStyle,
      "</style></head>\n<body>\n<h1>radctl drill: ", HtmlEscape(result.cluster),
      "</h1>\n<p class=\"facts\">", result.nodes, " nodes, ",
      result.synchronous ? "synchronous" : "asynchronous", " replication · ", result.writers,
      " writers", result.readers > 0 ? absl::StrCat(", ", result.readers, " readers") : "",
      absl::StrFormat(", %g writes/s", result.rate), " · ", HtmlEscape(TimeOfDay(result.started)),
      ", ", HtmlEscape(HtmlSeconds(result.finished - result.started)), "</p>\n");
  if (!result.notes.empty()) {
    std::vector<std::string> notes;
    for (const std::string& note : result.notes) notes.push_back(HtmlEscape(note));
    absl::StrAppend(&html, "<ul class=\"notes\"><li>", absl::StrJoin(notes, "</li><li>"),
                    "</li></ul>\n");
  }
  absl::StrAppend(&html, "<h2>Summary</h2>\n", SummaryTable(result), Distribution(result),
                  "<p class=\"facts\">Outage: the longest time without any acknowledged write, "
                  "from the last one before the fault. Promoted and repointed: first seen by the "
                  "drill's probes (nodes every 100 ms, the bouncer every 50 ms); detected: "
                  "radctl's stored Failover event. "
                  "Lost: acknowledged writes missing afterwards on the primary or a streaming "
                  "standby.</p>\n");
  absl::StrAppend(&html, ExecSection(result));
  for (const RoundResult& round : result.rounds)
    absl::StrAppend(&html, RoundSection(result, round));
  absl::StrAppend(&html, "</body></html>\n");
  return html;
}

}  // namespace radctl::drill
