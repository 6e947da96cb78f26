// The user's own workload during a drill (`radctl drill --exec CMD`): `/bin/sh -c CMD` in a
// process group of its own, with the endpoint in its environment (PGHOST, PGPORT, PGUSER,
// PGPASSWORD, PGDATABASE, PGSSLMODE, PGSSLROOTCERT, DATABASE_URL). Every line it prints on
// stdout or stderr is kept with the time the drill read it (for the report's timeline) and
// echoed to the drill's progress; its exit status decides, with the drill's own checks,
// whether the drill passed.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "controller/clients/clock.h"
#include "controller/config/secrets.h"
#include "controller/drill/drill_result.h"
#include "crd-like-specs/cluster_spec.h"

namespace radctl::drill {

using Environment = std::vector<std::pair<std::string, std::string>>;

// The endpoint as libpq's environment variables and as a URL, for the user's command: the write
// endpoint (and DATABASE_READ_URL for the read one, when the spec has one). With TLS, clients
// verify the bouncer against the cluster's CA (`ca_file`), as `radctl status -o uri` does.
Environment EndpointEnvironment(const ClusterSpec& spec, const ClusterSecrets& secrets);

// At most this many lines are kept (the rest are counted).
inline constexpr int kMaxExecLines = 20000;

class ExecRunner {
 public:
  // `extra` is added to (and overrides) the drill's own environment. Lines are echoed to
  // `echo` (may be null), prefixed.
  ExecRunner(const Clock& clock, std::string command, Environment extra, std::ostream* echo);
  ~ExecRunner();  // stops it if it still runs
  ExecRunner(const ExecRunner&) = delete;
  ExecRunner& operator=(const ExecRunner&) = delete;

  // Starts it; an error when it could not be started (no /bin/sh, no pipes, fork failed).
  [[nodiscard]] absl::Status Start();
  bool Ended() const;
  // Until it ended (true), `timeout` passed or `stop` was set (false).
  bool WaitEnded(absl::Duration timeout, const std::atomic<bool>& stop);
  // SIGTERM to its process group, SIGKILL after `grace`; then waits for its output to end.
  void Stop(absl::Duration grace = absl::Seconds(10));
  ExecRun Snapshot() const;

 private:
  void ReadOutput();  // thread: both pipes, line by line, until both are closed
  void Reap();        // thread: waits for the shell's exit
  void AddLine(bool from_stderr, std::string text);

  const Clock& clock_;
  Environment extra_;
  std::ostream* echo_;
  int pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::thread reader_;
  std::thread reaper_;
  std::atomic<bool> output_done_{false};
  std::atomic<bool> stop_reading_{false};
  mutable std::mutex mu_;
  ExecRun run_;
};

}  // namespace radctl::drill
