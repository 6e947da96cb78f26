// Made-up drill rounds for the measurement and report tests: writers writing at a steady pace,
// a fault, an outage during which their writes fail, and radctl's events, on a fixed clock.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "controller/drill/drill_result.h"
#include "controller/drill/measure.h"

namespace radctl::drill::testing {

// 2026-01-01 00:00:00 UTC plus `seconds`.
inline absl::Time At(double seconds) {
  return absl::FromUnixSeconds(1767225600) + absl::Seconds(seconds);
}

// A probe of `node` lasting 5 ms from `at` s.
inline NodeProbe Probe(const std::string& node, double at, bool reachable, bool accepted_write,
                       bool in_recovery, const std::string& receiver_status = "",
                       const std::string& upstream = "", const std::string& error = "") {
  NodeProbe probe;
  probe.node = node;
  probe.start = At(at);
  probe.end = At(at + 0.005);
  probe.reachable = reachable;
  probe.accepted_write = accepted_write;
  probe.in_recovery = in_recovery;
  probe.receiver_status = receiver_status;
  probe.upstream = upstream;
  probe.error = error;
  return probe;
}

inline BouncerProbe Bouncer(double at, const std::string& target, bool paused = false) {
  BouncerProbe probe;
  probe.at = At(at);
  probe.reachable = true;
  probe.target = target;
  probe.paused = paused;
  return probe;
}

class RoundBuilder {
 public:
  // Round `number`: window [0 s, `length` s], fault at 1 s, `writers` writers writing every
  // `every` (latency 3 ms), all acknowledged.
  RoundBuilder(int number, int writers, double length,
               absl::Duration every = absl::Milliseconds(40))
      : writers_(writers), length_(length), every_(every) {
    round_.number = number;
    round_.old_primary = "demo-pg-1";
    round_.new_primary = "demo-pg-2";
    round_.targets = {"demo-pg-1"};
    round_.window_start = At(0);
    round_.fault_at = At(1);
    round_.window_end = At(length);
    round_.checked_nodes = {"demo-pg-2", "demo-pg-1", "demo-pg-3"};
  }
  // Between `from` and `to` s: writes fail with `error` after `latency`, except the first write
  // of each writer after `to`, which is acknowledged after `resume_latency` (held, then served).
  RoundBuilder& Outage(double from, double to, const std::string& error,
                       absl::Duration latency = absl::Milliseconds(8),
                       absl::Duration resume_latency = absl::Milliseconds(300)) {
    outage_from_ = from;
    outage_to_ = to;
    error_ = error;
    fail_latency_ = latency;
    resume_latency_ = resume_latency;
    return *this;
  }
  RoundBuilder& Event(double at, const std::string& reason,
                      const std::string& object = "demo-pg-2") {
    round_.events.push_back(
        TimelineEvent{At(at), "radctl", "Normal", object, reason, reason + " because"});
    return *this;
  }
  RoundBuilder& Lost(int64_t lost) {
    round_.lost = lost;
    round_.missing["demo-pg-2"] = lost;
    return *this;
  }

  RoundResult Build() {
    RoundResult round = round_;
    round.acknowledged = 0;
    for (int writer = 0; writer < writers_; ++writer) {
      int64_t seq = 0;
      bool resumed = false;
      absl::Time free = At(0);  // a client runs one statement at a time
      for (absl::Time tick = At(0) + every_ * writer / writers_; tick < At(length_);
           tick += every_) {
        ClientOp op;
        op.client = writer;
        op.round = round.number;
        op.seq = ++seq;
        op.start = std::max(tick, free);
        const double s = absl::ToDoubleSeconds(op.start - At(0));
        if (s >= outage_from_ && s < outage_to_) {
          op.end = op.start + fail_latency_;
          op.error = error_;
        } else if (s >= outage_to_ && !resumed && outage_to_ > outage_from_) {
          resumed = true;
          op.ok = true;
          op.end = op.start + resume_latency_;
        } else {
          op.ok = true;
          op.end = op.start + absl::Milliseconds(3);
        }
        if (op.end > At(length_)) break;
        free = op.end;
        round.acknowledged += op.ok ? 1 : 0;
        round.ops.push_back(op);
      }
    }
    MeasureClients(round, writers_);
    return round;
  }

 private:
  RoundResult round_;
  int writers_;
  double length_;
  absl::Duration every_;
  double outage_from_ = 0;
  double outage_to_ = 0;
  std::string error_;
  absl::Duration fail_latency_;
  absl::Duration resume_latency_;
};

inline DrillResult Result(std::vector<RoundResult> rounds, int writers = 4,
                          bool synchronous = true) {
  DrillResult result;
  result.cluster = "demo";
  result.nodes = 3;
  result.synchronous = synchronous;
  result.writers = writers;
  result.rate = 100;
  result.started = At(0);
  result.finished = At(60);
  result.rounds = std::move(rounds);
  return result;
}

}  // namespace radctl::drill::testing
