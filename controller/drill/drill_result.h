// What a drill saw: every client operation, every probe of a node, the faults and radctl's
// events, and per round the figures computed from them. Plain data shared by the measuring
// code (measure.h), the renderers (report_text.h, report_html.h) and the round runner.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "controller/drill/fault.h"

namespace radctl::drill {

// One statement a drill client ran through the endpoint.
struct ClientOp {
  int client = 0;     // writer or reader index, from 0
  bool read = false;  // a reader's SELECT rather than a writer's INSERT
  int round = 0;      // the round the row was written in
  int64_t seq = 0;    // per writer: (round, client, seq) is the row's unique key
  absl::Time start;
  absl::Time end;  // for a write that succeeded: when it was acknowledged
  bool ok = false;
  std::string error;  // normalised (see NormaliseError), "" when ok
};

// One attempt to write (rolled back) directly on a node's published port: who accepts writes.
struct NodeProbe {
  std::string node;  // demo-pg-2
  absl::Time start;
  absl::Time end;
  bool reachable = false;
  bool accepted_write = false;  // the INSERT succeeded (then rolled back)
  bool in_recovery = false;
  std::string receiver_status;  // pg_stat_wal_receiver.status ("streaming"), "" when none
  std::string upstream;         // pg_stat_wal_receiver.sender_host
  std::string error;
};

// What the bouncer's admin console said at one moment.
struct BouncerProbe {
  absl::Time at;
  bool reachable = false;
  std::string target;  // node the app database points to
  bool paused = false;
};

// A mark on a round's timeline: one of radctl's stored events, or a step of the drill itself.
struct TimelineEvent {
  absl::Time at;
  std::string source;  // "radctl" | "drill"
  std::string type;    // radctl: "Normal" | "Warning"; drill: "fault" | "heal" | "step"
  std::string object;
  std::string reason;
  std::string message;
};

// Two nodes accepting writes at the same time.
struct SplitBrain {
  absl::Time at;
  std::string writable;       // the node that accepted a write...
  std::string other_primary;  // ...while this one accepted writes before and after it
};

// Relative to the fault; unset when it did not happen (or does not apply to the fault).
struct Milestones {
  std::optional<absl::Duration> detected;   // radctl's Failover event (its decision) was stored
  std::optional<absl::Duration> promoted;   // another node accepted a write (drill's probe)
  std::optional<absl::Duration> repointed;  // the bouncer pointed to it (drill's probe)
  std::optional<absl::Duration> resumed;  // end of the longest time without any acknowledged write
  std::optional<absl::Duration> streaming;  // every desired standby streams from the primary again
};

struct RoundResult {
  int number = 0;
  Fault fault = Fault::kKillPrimary;
  std::vector<std::string> targets;  // containers the fault hit
  std::string old_primary;
  std::string new_primary;  // after the round ("" when none)
  absl::Time window_start;  // baseline before the fault
  absl::Time fault_at;
  absl::Time window_end;  // the round's writes were all answered
  Milestones milestones;

  // Client-visible outage: the longest interval without an acknowledged write, counting from the
  // last acknowledgement before the fault. Over all writers, and per writer.
  absl::Duration outage;
  absl::Time outage_from;
  absl::Time outage_to;
  std::vector<absl::Duration> writer_outage;  // by writer index

  int writes_ok = 0;
  int writes_failed = 0;
  int reads_ok = 0;
  int reads_failed = 0;
  std::map<std::string, int> errors;  // normalised message -> count (writes and reads)
  int clients_with_errors = 0;        // writers that saw an error: what pgbench would abort
  // Of those, the writers whose first error was not their statement's server connection breaking
  // under it (in flight on a node that died): clients turned away though nothing of theirs was
  // in flight, e.g. PgBouncer's server_login_retry. What radctl's hold is there to prevent.
  int clients_turned_away = 0;

  // Acknowledged writes of this round missing after it, checked on the primary and on every
  // standby once it had replayed past the primary's position.
  int64_t acknowledged = 0;
  int64_t lost = 0;                        // missing on at least one checked node
  std::map<std::string, int64_t> missing;  // node -> acknowledged rows it lacks
  std::vector<std::string> checked_nodes;
  std::vector<std::string> unchecked;  // "demo-pg-3: not streaming" and the like

  std::vector<SplitBrain> split_brains;
  std::vector<TimelineEvent> events;
  std::vector<ClientOp> ops;  // this round's window, for the report
  bool recovered = true;
  std::vector<std::string> problems;  // what went wrong beyond the figures
};

// One line the user's command (--exec) printed, stamped when the drill read it.
struct ExecLine {
  absl::Time at;
  bool from_stderr = false;
  std::string text;
};

// The user's command, run while the rounds ran (--exec).
struct ExecRun {
  std::string command;
  bool started = false;     // it was started (start_error says why not)
  std::string start_error;  // "" when it started
  absl::Time start;
  absl::Time end = absl::InfinitePast();  // when it ended; InfinitePast while it runs
  int exit_code = -1;                     // when it exited
  int signal = 0;                         // when a signal ended it
  bool stopped_by_drill = false;          // still running after the rounds (or interrupted)
  std::vector<ExecLine> lines;
  int64_t lines_dropped = 0;  // beyond the most lines kept

  bool ended() const { return end != absl::InfinitePast(); }
  // It ended on its own with exit status 0, or the drill stopped it when its rounds were done.
  bool Passed() const;
  // "exit status 0 after 12.30s", "killed by signal 9 after 3.10s", "stopped by the drill ...".
  std::string Outcome() const;
};

struct DrillResult {
  std::string cluster;
  int nodes = 0;
  bool synchronous = false;
  int writers = 0;
  int readers = 0;
  double rate = 0;  // writes per second over all writers
  absl::Time started;
  absl::Time finished;
  std::vector<RoundResult> rounds;
  std::vector<std::string> notes;  // set-up facts worth printing (controller, schema)
  std::optional<ExecRun> exec;     // --exec: the user's command
};

}  // namespace radctl::drill
