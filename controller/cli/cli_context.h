// What every verb runs with: the global options, where its output goes, the stop flag set by
// SIGINT/SIGTERM, the clock, and the outside world. The binary connects the real world (Docker,
// libpq, the system clock) on first use, so verbs that only read the state directory never need
// Docker; unit tests pass FakeWorld's Env instead and run the same verbs.
#pragma once

#include <atomic>
#include <functional>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "controller/clients/env.h"

namespace radctl::cli {

// Streams a container's log: the last `tail` lines, then (with `follow`) what it writes until
// `stop`. `on_text` gets the text as it comes, stdout and stderr in the order written.
using LogStreamer = std::function<absl::Status(
    const std::string& container, int tail, bool follow,
    const std::function<void(absl::string_view)>& on_text, const std::atomic<bool>& stop)>;

struct CliContext {
  std::string state_dir;   // ClusterStore root (--state-dir, $RADCTL_STATE_DIR, or the default)
  bool json_logs = false;  // --log-format json
  std::ostream& out;       // results
  std::ostream& err;       // progress, events, notes
  const std::atomic<bool>& stop;
  // Time for what needs no engine (the state directory's records and locks, events --since,
  // following events); the engine's own Env carries the same clock.
  const Clock& clock;
  // The outside world; Unavailable (with how to start it) when the engine does not answer.
  std::function<absl::StatusOr<const Env*>()> connect;
  LogStreamer logs;
};

}  // namespace radctl::cli
