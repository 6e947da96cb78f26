#include "controller/drill/report_text.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "controller/drill/measure.h"

namespace radctl::drill {
namespace {

using Json = nlohmann::json;

double Rounded(absl::Duration d) {
  return static_cast<double>(absl::ToInt64Milliseconds(d)) / 1000.0;
}
Json Seconds(const std::optional<absl::Duration>& d) {
  return d ? Json(Rounded(*d)) : Json(nullptr);
}

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3S%Ez", t, absl::UTCTimeZone());
}

absl::Duration WorstWriter(const RoundResult& round) {
  absl::Duration worst = absl::ZeroDuration();
  for (absl::Duration d : round.writer_outage) worst = std::max(worst, d);
  return worst;
}

}  // namespace

std::string DrillTable(const DrillResult& result) {
  std::string out = absl::StrFormat(
      "%-5s %-24s %-28s %-16s %7s %7s %7s %7s %9s %7s %7s %6s %7s %4s %7s %5s %5s\n", "ROUND",
      "FAULT", "TARGET", "PRIMARY AFTER", "DETECT", "PROMOTE", "REPOINT", "RESUME", "STREAMING",
      "OUTAGE", "WORST", "FAILED", "CLIENTS", "AWAY", "ACKED", "LOST", "SPLIT");
  for (const RoundResult& round : result.rounds) {
    absl::StrAppendFormat(
        &out, "%-5d %-24s %-28s %-16s %7s %7s %7s %7s %9s %7s %7s %6d %7s %4d %7d %5s %5d\n",
        round.number, FaultName(round.fault), absl::StrJoin(round.targets, ","),
        round.new_primary.empty() ? "-" : round.new_primary, SecondsText(round.milestones.detected),
        SecondsText(round.milestones.promoted), SecondsText(round.milestones.repointed),
        SecondsText(round.milestones.resumed), SecondsText(round.milestones.streaming),
        SecondsText(round.outage), SecondsText(WorstWriter(round)), round.writes_failed,
        absl::StrCat(round.clients_with_errors, "/", result.writers), round.clients_turned_away,
        round.acknowledged, round.checked_nodes.empty() ? "-" : absl::StrCat(round.lost),
        static_cast<int>(round.split_brains.size()));
  }
  bool any_detail = false;
  for (const RoundResult& round : result.rounds) {
    std::vector<std::pair<std::string, int>> errors(round.errors.begin(), round.errors.end());
    std::sort(errors.begin(), errors.end(),
              [](const auto& a, const auto& b) { return a.second > b.second; });
    std::vector<std::string> lines;
    lines.reserve(errors.size() + round.missing.size());
    for (const auto& [message, count] : errors) lines.push_back(absl::StrCat(count, "x ", message));
    for (const auto& [node, count] : round.missing) {
      lines.push_back(absl::StrCat("LOST: ", node, " lacks ", count, " acknowledged writes"));
    }
    for (const SplitBrain& brain : round.split_brains) {
      lines.push_back(absl::StrCat("SPLIT BRAIN: ", brain.writable, " accepted a write while ",
                                   brain.other_primary, " was writable"));
    }
    for (const std::string& node : round.unchecked)
      lines.push_back(absl::StrCat("not checked: ", node));
    for (const std::string& problem : round.problems) lines.push_back(problem);
    if (lines.empty()) continue;
    if (!any_detail) absl::StrAppend(&out, "\n");
    any_detail = true;
    absl::StrAppend(&out, "round ", round.number, ":\n");
    for (const std::string& line : lines) absl::StrAppend(&out, "  ", line, "\n");
  }
  if (result.exec.has_value()) {
    const ExecRun& exec = *result.exec;
    absl::StrAppend(&out, "\ncommand (--exec): ", exec.command, "\n  ", exec.Outcome(), "; ",
                    exec.lines.size() + exec.lines_dropped,
                    " lines of output (with their times in -o json and the HTML report)",
                    exec.Passed() ? "" : "; the drill fails", "\n");
  }
  absl::StrAppend(&out, "\n");
  absl::StrAppendFormat(&out, "%-24s %6s %7s %7s %7s %7s %8s %9s %8s %14s %5s %9s %5s %6s %9s\n",
                        "SUMMARY", "ROUNDS", "P50", "P95", "P99", "MAX", "WORST^", "STREAM~",
                        "FAILED", "CLIENTS W/ERR", "AWAY", "ACKED", "LOST", "SPLIT", "UNHEALED");
  const std::vector<SummaryRow> rows = Summarize(result);
  for (const SummaryRow& row : rows) {
    absl::StrAppendFormat(
        &out, "%-24s %6d %7s %7s %7s %7s %8s %9s %8d %14s %5d %9d %5d %6d %9d\n", row.fault,
        row.rounds, SecondsText(row.median_outage), SecondsText(row.p95_outage),
        SecondsText(row.p99_outage), SecondsText(row.max_outage),
        SecondsText(row.max_writer_outage), SecondsText(row.median_streaming), row.writes_failed,
        absl::StrCat(row.clients_with_errors, "/", row.client_rounds), row.clients_turned_away,
        row.acknowledged, row.lost, row.split_brains, row.not_recovered);
  }
  bool any_milestone = false;
  for (const SummaryRow& row : rows) {
    if (!row.median_promoted && !row.median_repointed) continue;
    if (!any_milestone) {
      absl::StrAppendFormat(&out, "\n%-24s %8s %8s %8s %8s\n", "WHERE IT WENT (MEDIAN)", "DETECT",
                            "PROMOTE", "REPOINT", "RESUME");
    }
    any_milestone = true;
    absl::StrAppendFormat(&out, "%-24s %8s %8s %8s %8s\n", row.fault,
                          SecondsText(row.median_detected), SecondsText(row.median_promoted),
                          SecondsText(row.median_repointed), SecondsText(row.median_resumed));
  }
  absl::StrAppend(
      &out,
      "\nP50, P95, P99, MAX: percentiles of the rounds' outages (nearest rank: with fewer than "
      "100 rounds P99 is the max). ~ median, ^ max. Times are after the fault. DETECT: radctl's "
      "stored Failover event (its "
      "decision; for a standby, its first event about it). PROMOTE, REPOINT: the drill's probes "
      "(nodes every 100 ms, the bouncer every 50 ms) saw another node accept a write, the bouncer "
      "point to it. RESUME: the "
      "first acknowledged write after the longest gap. OUTAGE: longest time without any "
      "acknowledged write; WORST: the longest for one writer. CLIENTS: writers that saw an "
      "error (pgbench would have aborted them); AWAY: those whose first error was not their "
      "statement's server connection breaking under it (nothing of theirs was in flight on the "
      "failed node, yet they were turned away). LOST: acknowledged writes missing on the primary "
      "or a streaming standby afterwards (-: no healthy primary to check on).\n");
  return out;
}

std::string DrillJson(const DrillResult& result) {
  Json rounds = Json::array();
  for (const RoundResult& round : result.rounds) {
    Json writer_outage = Json::array();
    for (absl::Duration d : round.writer_outage) writer_outage.push_back(Rounded(d));
    Json split = Json::array();
    for (const SplitBrain& brain : round.split_brains) {
      split.push_back({{"at", Rfc3339(brain.at)},
                       {"writable", brain.writable},
                       {"other_primary", brain.other_primary}});
    }
    Json events = Json::array();
    for (const TimelineEvent& event : round.events) {
      events.push_back({{"after_fault_s", Rounded(event.at - round.fault_at)},
                        {"source", event.source},
                        {"type", event.type},
                        {"object", event.object},
                        {"reason", event.reason},
                        {"message", event.message}});
    }
    rounds.push_back({
        {"round", round.number},
        {"fault", FaultName(round.fault)},
        {"targets", round.targets},
        {"old_primary", round.old_primary},
        {"new_primary", round.new_primary.empty() ? Json(nullptr) : Json(round.new_primary)},
        {"fault_at", Rfc3339(round.fault_at)},
        {"detected_s", Seconds(round.milestones.detected)},
        {"promoted_s", Seconds(round.milestones.promoted)},
        {"repointed_s", Seconds(round.milestones.repointed)},
        {"resumed_s", Seconds(round.milestones.resumed)},
        {"streaming_s", Seconds(round.milestones.streaming)},
        {"outage_s", Rounded(round.outage)},
        {"writer_outage_s", writer_outage},
        {"writes_ok", round.writes_ok},
        {"writes_failed", round.writes_failed},
        {"reads_ok", round.reads_ok},
        {"reads_failed", round.reads_failed},
        {"errors", round.errors},
        {"clients_with_errors", round.clients_with_errors},
        {"clients_turned_away", round.clients_turned_away},
        {"acknowledged", round.acknowledged},
        {"lost", round.checked_nodes.empty() ? Json(nullptr) : Json(round.lost)},
        {"missing", round.missing},
        {"checked_nodes", round.checked_nodes},
        {"unchecked", round.unchecked},
        {"split_brains", split},
        {"recovered", round.recovered},
        {"problems", round.problems},
        {"events", events},
    });
  }
  Json summary = Json::array();
  for (const SummaryRow& row : Summarize(result)) {
    Json outages = Json::array();
    for (absl::Duration d : row.outages) outages.push_back(Rounded(d));
    summary.push_back({{"fault", row.fault},
                       {"rounds", row.rounds},
                       {"median_outage_s", Rounded(row.median_outage)},
                       {"p50_outage_s", Rounded(row.median_outage)},
                       {"p95_outage_s", Rounded(row.p95_outage)},
                       {"p99_outage_s", Rounded(row.p99_outage)},
                       {"max_outage_s", Rounded(row.max_outage)},
                       {"outages_s", outages},
                       {"median_detected_s", Seconds(row.median_detected)},
                       {"median_promoted_s", Seconds(row.median_promoted)},
                       {"median_repointed_s", Seconds(row.median_repointed)},
                       {"median_resumed_s", Seconds(row.median_resumed)},
                       {"max_writer_outage_s", Rounded(row.max_writer_outage)},
                       {"median_streaming_s", Rounded(row.median_streaming)},
                       {"writes_ok", row.writes_ok},
                       {"writes_failed", row.writes_failed},
                       {"clients_with_errors", row.clients_with_errors},
                       {"clients_turned_away", row.clients_turned_away},
                       {"client_rounds", row.client_rounds},
                       {"acknowledged", row.acknowledged},
                       {"lost", row.lost},
                       {"split_brains", row.split_brains},
                       {"not_recovered", row.not_recovered}});
  }
  Json json = {{"cluster", result.cluster},
               {"nodes", result.nodes},
               {"synchronous", result.synchronous},
               {"writers", result.writers},
               {"readers", result.readers},
               {"rate", result.rate},
               {"started", Rfc3339(result.started)},
               {"finished", Rfc3339(result.finished)},
               {"notes", result.notes},
               {"rounds", rounds},
               {"summary", summary}};
  if (result.exec.has_value()) {
    const ExecRun& exec = *result.exec;
    Json lines = Json::array();
    for (const ExecLine& line : exec.lines) {
      lines.push_back({{"at", Rfc3339(line.at)},
                       {"stream", line.from_stderr ? "stderr" : "stdout"},
                       {"text", line.text}});
    }
    json["exec"] = {
        {"command", exec.command},
        {"started", exec.started ? Json(Rfc3339(exec.start)) : Json(nullptr)},
        {"ended", exec.ended() ? Json(Rfc3339(exec.end)) : Json(nullptr)},
        {"exit_code", exec.ended() && exec.signal == 0 ? Json(exec.exit_code) : Json(nullptr)},
        {"signal", exec.signal != 0 ? Json(exec.signal) : Json(nullptr)},
        {"stopped_by_drill", exec.stopped_by_drill},
        {"passed", exec.Passed()},
        {"outcome", exec.Outcome()},
        {"lines", lines},
        {"lines_dropped", exec.lines_dropped},
    };
  }
  // Error messages come from servers and may hold invalid UTF-8: replace, never throw.
  return json.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace radctl::drill
