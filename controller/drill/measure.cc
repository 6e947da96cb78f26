#include "controller/drill/measure.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"

namespace radctl::drill {
namespace {

// "app@127.0.0.1:6543/app: rest" -> "rest": PgEndpoint::ToString() followed by ": ".
absl::string_view StripEndpoint(absl::string_view text) {
  const size_t colon = text.find(": ");
  if (colon == absl::string_view::npos) return text;
  absl::string_view head = text.substr(0, colon);
  if (absl::StrContains(head, "@") && absl::StrContains(head, "/") &&
      !absl::StrContains(head, " ")) {
    return text.substr(colon + 2);
  }
  return text;
}

}  // namespace

bool CutInFlight(const std::string& error) {
  return absl::StrContains(error, "server conn crashed") ||
         absl::StrContains(error, "server closed the connection unexpectedly") ||
         absl::StrContains(error, "SSL SYSCALL error: EOF detected");
}

Interval LongestGap(std::vector<absl::Time> acks, absl::Time from, absl::Time to) {
  std::sort(acks.begin(), acks.end());
  absl::Time previous = from;
  for (absl::Time ack : acks) {
    if (ack <= from) previous = ack;
  }
  Interval longest{previous, previous};
  for (absl::Time ack : acks) {
    if (ack <= from || ack > to) continue;
    if (ack - previous > longest.length()) longest = {previous, ack};
    previous = ack;
  }
  if (to - previous > longest.length()) longest = {previous, to};
  return longest;
}

std::string SecondsText(absl::Duration d) {
  return absl::StrFormat("%.2fs", absl::ToDoubleSeconds(d));
}

std::string SecondsText(const std::optional<absl::Duration>& d) {
  return d ? SecondsText(*d) : "-";
}

std::string NormaliseError(const std::string& message) {
  absl::string_view text = absl::StripAsciiWhitespace(message);
  if (absl::ConsumePrefix(&text, "connecting to ")) {
    return absl::StrCat("connect: ", StripEndpoint(text));
  }
  return std::string(StripEndpoint(text));
}

void MeasureClients(RoundResult& round, int writers) {
  std::vector<std::vector<absl::Time>> acks(writers);
  std::vector<absl::Time> all_acks;
  std::vector<bool> saw_error(writers, false);
  std::vector<const ClientOp*> first_error(writers, nullptr);
  round.writes_ok = round.writes_failed = round.reads_ok = round.reads_failed = 0;
  round.errors.clear();
  for (const ClientOp& op : round.ops) {
    if (!op.ok) ++round.errors[op.error];
    if (op.read) {
      ++(op.ok ? round.reads_ok : round.reads_failed);
      continue;
    }
    ++(op.ok ? round.writes_ok : round.writes_failed);
    if (op.client < 0 || op.client >= writers) continue;
    if (op.ok) {
      acks[op.client].push_back(op.end);
      all_acks.push_back(op.end);
    } else {
      saw_error[op.client] = true;
      const ClientOp*& first = first_error[op.client];
      if (first == nullptr || op.start < first->start) first = &op;
    }
  }
  round.clients_with_errors =
      static_cast<int>(std::count(saw_error.begin(), saw_error.end(), true));
  round.clients_turned_away = static_cast<int>(
      std::count_if(first_error.begin(), first_error.end(),
                    [](const ClientOp* op) { return op != nullptr && !CutInFlight(op->error); }));
  round.writer_outage.clear();
  for (int writer = 0; writer < writers; ++writer) {
    round.writer_outage.push_back(
        LongestGap(acks[writer], round.fault_at, round.window_end).length());
  }
  Interval outage = LongestGap(all_acks, round.fault_at, round.window_end);
  round.outage = outage.length();
  round.outage_from = outage.from;
  round.outage_to = outage.to;
  round.milestones.resumed.reset();
  // A standby fault interrupts nothing: its longest gap is the writers' pace, not a resumption.
  if (HitsPrimary(round.fault) && outage.to < round.window_end) {
    round.milestones.resumed = outage.to - round.fault_at;
  }
}

void MeasureMilestones(RoundResult& round, const std::vector<NodeProbe>& nodes,
                       const std::vector<BouncerProbe>& bouncer) {
  Milestones& m = round.milestones;
  m.detected.reset();
  m.promoted.reset();
  m.repointed.reset();
  const bool primary_fault = HitsPrimary(round.fault);
  std::set<std::string> targets(round.targets.begin(), round.targets.end());
  // A failover is radctl's reaction to a primary fault; without one (a cleanly stopped primary
  // is restarted in place, a standby fault), its first event about a node that was hit.
  for (const bool failover : {true, false}) {
    for (const TimelineEvent& event : round.events) {
      if (m.detected || event.source != "radctl" || event.at < round.fault_at) continue;
      if (failover ? (primary_fault && event.reason == "Failover")
                   : targets.count(event.object) > 0) {
        m.detected = event.at - round.fault_at;
      }
    }
  }
  if (!primary_fault) return;
  for (const NodeProbe& probe : nodes) {
    if (probe.start < round.fault_at || !probe.accepted_write || probe.node == round.old_primary) {
      continue;
    }
    if (!m.promoted || probe.end - round.fault_at < *m.promoted) {
      m.promoted = probe.end - round.fault_at;
    }
  }
  if (round.new_primary.empty() || round.new_primary == round.old_primary) return;
  for (const BouncerProbe& probe : bouncer) {
    if (probe.at < round.fault_at || probe.target != round.new_primary) continue;
    if (!m.repointed || probe.at - round.fault_at < *m.repointed) {
      m.repointed = probe.at - round.fault_at;
    }
  }
}

std::vector<SplitBrain> FindSplitBrains(std::vector<NodeProbe> probes, absl::Duration max_spacing) {
  std::sort(probes.begin(), probes.end(),
            [](const NodeProbe& a, const NodeProbe& b) { return a.start < b.start; });
  std::map<std::string, std::vector<const NodeProbe*>> by_node;
  for (const NodeProbe& probe : probes) by_node[probe.node].push_back(&probe);
  std::vector<SplitBrain> candidates;
  for (const auto& [primary, own] : by_node) {
    for (size_t i = 0; i + 1 < own.size(); ++i) {
      const NodeProbe& before = *own[i];
      const NodeProbe& after = *own[i + 1];
      if (!before.accepted_write || !after.accepted_write) continue;
      if (after.start - before.end > max_spacing) continue;
      for (const NodeProbe& other : probes) {
        if (other.node == primary || !other.accepted_write) continue;
        if (other.start <= before.end || other.end >= after.start) continue;
        candidates.push_back(SplitBrain{other.start, other.node, primary});
      }
    }
  }
  // Each pair of primaries once, at the first moment both were seen writable.
  std::sort(candidates.begin(), candidates.end(),
            [](const SplitBrain& a, const SplitBrain& b) { return a.at < b.at; });
  std::vector<SplitBrain> found;
  std::set<std::pair<std::string, std::string>> pairs;
  for (const SplitBrain& brain : candidates) {
    auto key = std::minmax(brain.writable, brain.other_primary);
    if (pairs.insert({key.first, key.second}).second) found.push_back(brain);
  }
  return found;
}

absl::Duration Median(std::vector<absl::Duration> values) {
  if (values.empty()) return absl::ZeroDuration();
  std::sort(values.begin(), values.end());
  const size_t mid = values.size() / 2;
  if (values.size() % 2 == 1) return values[mid];
  return (values[mid - 1] + values[mid]) / 2;
}

absl::Duration Percentile(std::vector<absl::Duration> values, double p) {
  if (values.empty()) return absl::ZeroDuration();
  std::sort(values.begin(), values.end());
  const double rank = std::ceil(p / 100.0 * static_cast<double>(values.size()));
  const size_t index = static_cast<size_t>(std::clamp(rank, 1.0, double(values.size()))) - 1;
  return values[index];
}

std::vector<SummaryRow> Summarize(const DrillResult& result) {
  std::vector<std::string> order = {"all"};
  for (const RoundResult& round : result.rounds) {
    const std::string name = FaultName(round.fault);
    if (std::find(order.begin(), order.end(), name) == order.end()) order.push_back(name);
  }
  if (order.size() == 2) order.pop_back();  // one fault: its row would repeat "all"
  std::vector<SummaryRow> rows;
  for (const std::string& fault : order) {
    SummaryRow row;
    row.fault = fault;
    std::vector<absl::Duration> outages;
    std::vector<absl::Duration> streaming;
    std::vector<absl::Duration> detected, promoted, repointed, resumed;
    for (const RoundResult& round : result.rounds) {
      if (fault != "all" && FaultName(round.fault) != fault) continue;
      ++row.rounds;
      outages.push_back(round.outage);
      row.max_outage = std::max(row.max_outage, round.outage);
      for (absl::Duration writer : round.writer_outage) {
        row.max_writer_outage = std::max(row.max_writer_outage, writer);
      }
      if (round.milestones.streaming) streaming.push_back(*round.milestones.streaming);
      const Milestones& m = round.milestones;
      if (m.detected) detected.push_back(*m.detected);
      if (m.promoted) promoted.push_back(*m.promoted);
      if (m.repointed) repointed.push_back(*m.repointed);
      if (m.resumed) resumed.push_back(*m.resumed);
      row.writes_ok += round.writes_ok;
      row.writes_failed += round.writes_failed;
      row.clients_with_errors += round.clients_with_errors;
      row.clients_turned_away += round.clients_turned_away;
      row.client_rounds += result.writers;
      row.acknowledged += round.acknowledged;
      row.lost += round.lost;
      row.split_brains += static_cast<int>(round.split_brains.size());
      row.not_recovered += round.recovered ? 0 : 1;
    }
    row.median_outage = Median(outages);
    row.p95_outage = Percentile(outages, 95);
    row.p99_outage = Percentile(outages, 99);
    row.outages = outages;
    row.median_streaming = Median(streaming);
    auto median = [](const std::vector<absl::Duration>& values) {
      return values.empty() ? std::nullopt : std::optional<absl::Duration>(Median(values));
    };
    row.median_detected = median(detected);
    row.median_promoted = median(promoted);
    row.median_repointed = median(repointed);
    row.median_resumed = median(resumed);
    rows.push_back(row);
  }
  return rows;
}

}  // namespace radctl::drill
