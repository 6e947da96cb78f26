// Shared by the benchmarks: running radctl in the background, a client writing through the
// endpoint at a fixed interval, and small statistics. Figures are printed, never asserted.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "controller/postgres/pg_connection.h"

namespace radctl::bench {

inline constexpr char kPassword[] = "benchmark-password";

// Writes a spec file for cluster `name` with a known app password (so a client can connect
// before apply has finished) and returns its path.
std::string WriteSpec(const std::string& name, int nodes, int port, const std::string& extra = "");

// Runs `radctl ARGS` (stderr to `log_path`), in the background.
pid_t StartRadctl(const std::vector<std::string>& args, const std::string& log_path);
int WaitExit(pid_t pid);
int RunRadctl(const std::vector<std::string>& args);  // in the foreground, output discarded

// Removes every Docker object labelled as cluster `name`, and its state.
void RemoveCluster(const std::string& name);

PgEndpoint AppEndpoint(int port);

// Inserts one row every `interval` through the endpoint, each on a fresh connection (like a
// short-lived client behind a pooler), recording which attempts succeeded and when.
class Writer {
 public:
  Writer(int port, absl::Duration interval) : endpoint_(AppEndpoint(port)), interval_(interval) {}
  void Start();
  void Stop();

  struct Attempt {
    absl::Time start;
    absl::Time end;
    bool ok;
    int64_t id;  // the row id acknowledged, when ok
  };
  std::vector<Attempt> attempts() const;
  // Longest time between two successful writes' acknowledgements inside [from, to].
  absl::Duration LongestGap(absl::Time from, absl::Time to) const;

 private:
  PgEndpoint endpoint_;
  absl::Duration interval_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<Attempt> attempts_;
};

double Median(std::vector<double> values);
std::string Seconds3(double seconds);  // "1.234"

}  // namespace radctl::bench
