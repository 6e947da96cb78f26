// Turning what a drill recorded into figures: outages, grouped errors, milestones, split brains
// and the summary over rounds. Pure functions of recorded data, so each rule is unit-tested on
// made-up timelines (tests/unit/drill/measure_test.cc).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "controller/drill/drill_result.h"

namespace radctl::drill {

struct Interval {
  absl::Time from;
  absl::Time to;
  absl::Duration length() const { return to - from; }
};

// The longest interval without an acknowledgement after `from` and up to `to`. It starts at the
// last acknowledgement at or before `from` (what a client last saw succeed before the fault),
// or at `from` when there was none. `acks` need not be sorted.
Interval LongestGap(std::vector<absl::Time> acks, absl::Time from, absl::Time to);

// "1.23s": a duration as the text report and the drill's progress lines show it ("-": none).
std::string SecondsText(absl::Duration d);
std::string SecondsText(const std::optional<absl::Duration>& d);

// A client error without what varies between occurrences (the endpoint in PgConnection's
// messages), so equal causes group together: "app@127.0.0.1:6543/app: server conn crashed?"
// -> "server conn crashed?"; "connecting to app@...: no answer within 5s" -> "connect: no
// answer within 5s".
std::string NormaliseError(const std::string& message);

// From round.ops (and round.fault_at, window_end): outage overall and per writer, counts,
// grouped errors, writers that saw an error, and milestones.resumed (primary faults only).
void MeasureClients(RoundResult& round, int writers);

// milestones.detected from radctl's events in round.events (its Failover event, else its first
// event about a node the fault hit); promoted and repointed from the drill's probes (primary
// faults only: a standby fault changes no primary).
void MeasureMilestones(RoundResult& round, const std::vector<NodeProbe>& nodes,
                       const std::vector<BouncerProbe>& bouncer);

// The error says the statement's server connection broke under it: it was in flight on a node
// that died (PgBouncer's "server conn crashed?", or libpq's when a direct connection broke).
bool CutInFlight(const std::string& error);

// Two writable primaries: a node accepted a write between two consecutive accepted writes of
// another node, at most `max_spacing` apart. The other node was writable before and after it (a
// node is not demoted and promoted again within that time), so both were at once.
std::vector<SplitBrain> FindSplitBrains(std::vector<NodeProbe> probes, absl::Duration max_spacing);

absl::Duration Median(std::vector<absl::Duration> values);
// The p-th percentile (0 < p <= 100) by the nearest rank: the smallest value that at least p % of
// the values do not exceed (so p100 is the max, and with fewer than 100 values p99 is the max).
// Zero for no values.
absl::Duration Percentile(std::vector<absl::Duration> values, double p);

// Figures over rounds, for all rounds and per fault.
struct SummaryRow {
  std::string fault;  // "all" or a fault name
  int rounds = 0;
  absl::Duration median_outage;  // p50
  absl::Duration p95_outage;
  absl::Duration p99_outage;
  absl::Duration max_outage;
  std::vector<absl::Duration> outages;  // every round's, in round order (the distribution)
  // Where a primary fault's outage went: the median of each milestone over the rounds where it
  // happened (unset when it happened in none).
  std::optional<absl::Duration> median_detected;
  std::optional<absl::Duration> median_promoted;
  std::optional<absl::Duration> median_repointed;
  std::optional<absl::Duration> median_resumed;
  absl::Duration max_writer_outage;
  absl::Duration median_streaming;  // of the rounds where every standby streamed again
  int writes_ok = 0;
  int writes_failed = 0;
  int clients_with_errors = 0;
  int clients_turned_away = 0;
  int client_rounds = 0;  // writers x rounds: the most clients that could have seen errors
  int64_t acknowledged = 0;
  int64_t lost = 0;
  int split_brains = 0;
  int not_recovered = 0;
};
std::vector<SummaryRow> Summarize(const DrillResult& result);

}  // namespace radctl::drill
