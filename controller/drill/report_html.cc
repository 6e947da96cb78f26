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

std::string Secs(absl::Duration d) { return absl::StrFormat("%.2f s", absl::ToDoubleSeconds(d)); }
std::string Secs(const std::optional<absl::Duration>& d) { return d ? Secs(*d) : "–"; }

std::string Clock(absl::Time t) {
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

// Rows of labels along a time axis: each label goes to the first row where it starts after the
// previous label of that row ends (or, when none is free, the row that ends soonest).
class LabelRows {
 public:
  explicit LabelRows(int rows) : ends_(rows, -1e9) {}
  int Place(double x, const std::string& label) {
    int row = 0;
    for (int i = 0; i < static_cast<int>(ends_.size()); ++i) {
      if (ends_[i] + 4 < x) {
        row = i;
        break;
      }
      if (ends_[i] < ends_[row]) row = i;
    }
    ends_[row] = x + 3 + 5.6 * static_cast<double>(label.size());  // 10 px sans: ~5.6 px a glyph
    return row;
  }

 private:
  std::vector<double> ends_;
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

std::string Timeline(const RoundResult& round) {
  const Scale scale(round.window_start, round.window_end);
  std::string svg = absl::StrFormat(
      "<svg class=\"timeline\" width=\"%d\" height=\"%d\" "
      "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"round %d timeline\">\n",
      L::kWidth, L::kHeight, L::kWidth, L::kHeight, round.number);
  absl::StrAppendFormat(&svg,
                        "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n",
                        L::kWidth, L::kHeight);
  // The outage first, so that everything else is drawn over it.
  if (round.outage > absl::ZeroDuration()) {
    const double x0 = scale.X(round.outage_from);
    const double x1 = scale.X(round.outage_to);
    absl::StrAppendFormat(
        &svg,
        "<rect class=\"outage\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" "
        "shape-rendering=\"crispEdges\"><title>outage %s: no write acknowledged</title></rect>\n",
        x0, L::kPlotTop, std::max(x1 - x0, 1.0), L::kPlotBottom - L::kPlotTop, kOutageColour,
        Secs(round.outage));
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
  // Events: radctl's dashed, the drill's own (the fault, healing) solid. Labels go to the first
  // of four rows above the plot where they do not run into the previous label.
  LabelRows top(4);
  for (const TimelineEvent& event : round.events) {
    const double x = scale.X(event.at);
    const bool drill = event.source == "drill";
    const std::string colour = drill ? kFaultColour : kEventColour;
    const std::string label = drill ? absl::StrCat(event.reason, " ", event.object) : event.reason;
    const int row = top.Place(x, label);
    absl::StrAppendFormat(
        &svg,
        "<g><title>%s %s %s %s (%+.3f s)</title><line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
        "stroke=\"%s\" stroke-width=\"%s\"%s/><text x=\"%.1f\" y=\"%d\" "
        "style=\"fill:%s\">%s</text></g>\n",
        HtmlEscape(event.source), HtmlEscape(event.object), HtmlEscape(event.reason),
        HtmlEscape(event.message), absl::ToDoubleSeconds(event.at - round.fault_at), x,
        11 + row * 11 - 8, x, L::kPlotBottom, colour, drill ? "2" : "1",
        drill ? "" : " stroke-dasharray=\"4 3\"", x + 3, 11 + row * 11, colour, HtmlEscape(label));
  }
  // The drill's own observations of the failover, labelled upwards from the plot's bottom.
  const std::pair<const char*, const std::optional<absl::Duration>*> marks[] = {
      {"promoted", &round.milestones.promoted}, {"repointed", &round.milestones.repointed}};
  LabelRows bottom(2);
  for (const auto& [name, when] : marks) {
    if (!when->has_value()) continue;
    const double x = scale.X(round.fault_at + **when);
    const int row = bottom.Place(x + 3, name);
    absl::StrAppendFormat(
        &svg,
        "<g><title>%s at +%s (drill's probe)</title><path d=\"M%.1f %dl-5 -8h10z\" "
        "fill=\"%s\"/><text x=\"%.1f\" y=\"%d\" style=\"fill:%s\">%s</text></g>\n",
        name, Secs(**when), x, L::kPlotBottom, kMilestoneColour, x + 6,
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
      "<table class=\"summary\"><tr><th class=\"l\">fault</th><th>rounds</th><th>median "
      "outage</th><th>max outage</th><th>worst writer</th><th>streaming again "
      "(median)</th><th>failed writes</th><th>clients with errors</th><th>of them with nothing in "
      "flight</th><th>acknowledged</th>"
      "<th>lost</th><th>split brains</th><th>not recovered</th></tr>\n";
  for (const SummaryRow& row : Summarize(result)) {
    absl::StrAppend(&html, "<tr>", Cell(row.fault, false, true), Cell(absl::StrCat(row.rounds)),
                    Cell(Secs(row.median_outage)), Cell(Secs(row.max_outage)),
                    Cell(Secs(row.max_writer_outage)), Cell(Secs(row.median_streaming)),
                    Cell(absl::StrCat(row.writes_failed)),
                    Cell(absl::StrCat(row.clients_with_errors, " of ", row.client_rounds)),
                    Cell(absl::StrCat(row.clients_turned_away), row.clients_turned_away > 0),
                    Cell(absl::StrCat(row.acknowledged)),
                    Cell(absl::StrCat(row.lost), row.lost > 0),
                    Cell(absl::StrCat(row.split_brains), row.split_brains > 0),
                    Cell(absl::StrCat(row.not_recovered), row.not_recovered > 0), "</tr>\n");
  }
  return html + "</table>\n";
}

std::string RoundSection(const DrillResult& result, const RoundResult& round) {
  std::string html = absl::StrCat(
      "<section class=\"round\"><h2>Round ", round.number, ": ", HtmlEscape(FaultName(round.fault)),
      " ", HtmlEscape(absl::StrJoin(round.targets, " and ")), "</h2>\n<p class=\"facts\">",
      HtmlEscape(Clock(round.fault_at)), " · primary ", HtmlEscape(round.old_primary), " → ",
      HtmlEscape(round.new_primary.empty() ? "none" : round.new_primary), " · outage ",
      HtmlEscape(Secs(round.outage)), " · ", round.writes_failed, " failed writes (",
      round.clients_with_errors, " of ", result.writers, " writers, ", round.clients_turned_away,
      " of them with nothing in flight) · ", round.lost, " of ", round.acknowledged,
      " acknowledged writes lost</p>\n");
  absl::StrAppend(&html,
                  "<table><tr><th>detected</th><th>promoted</th><th>repointed</th><th>resumed</th>"
                  "<th>all standbys streaming</th><th>worst writer gap</th></tr><tr>",
                  Cell(Secs(round.milestones.detected)), Cell(Secs(round.milestones.promoted)),
                  Cell(Secs(round.milestones.repointed)), Cell(Secs(round.milestones.resumed)),
                  Cell(Secs(round.milestones.streaming)));
  absl::Duration worst = absl::ZeroDuration();
  for (absl::Duration d : round.writer_outage) worst = std::max(worst, d);
  absl::StrAppend(&html, Cell(Secs(worst)), "</tr></table>\n");
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
  absl::StrAppend(&html, Timeline(round));
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
      absl::StrFormat(", %g writes/s", result.rate), " · ", HtmlEscape(Clock(result.started)), ", ",
      HtmlEscape(Secs(result.finished - result.started)), "</p>\n");
  if (!result.notes.empty()) {
    std::vector<std::string> notes;
    for (const std::string& note : result.notes) notes.push_back(HtmlEscape(note));
    absl::StrAppend(&html, "<ul class=\"notes\"><li>", absl::StrJoin(notes, "</li><li>"),
                    "</li></ul>\n");
  }
  absl::StrAppend(&html, "<h2>Summary</h2>\n", SummaryTable(result),
                  "<p class=\"facts\">Outage: the longest time without any acknowledged write, "
                  "from the last one before the fault. Promoted and repointed: first seen by the "
                  "drill's probes (nodes every 100 ms, the bouncer every 50 ms); detected: "
                  "radctl's stored Failover event. "
                  "Lost: acknowledged writes missing afterwards on the primary or a streaming "
                  "standby.</p>\n");
  for (const RoundResult& round : result.rounds)
    absl::StrAppend(&html, RoundSection(result, round));
  absl::StrAppend(&html, "</body></html>\n");
  return html;
}

}  // namespace radctl::drill
