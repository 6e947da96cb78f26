// Small helpers of the benchmark programs: a spec with a known password (so a client can
// connect before apply has finished), removing a cluster, medians. Figures are printed, never
// asserted.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "controller/clients/postgres/pg_connection.h"

namespace radctl::bench {

inline constexpr char kPassword[] = "benchmark-password";

// A spec of `nodes` nodes with the bench password; port 0 is `auto`; `extra` is appended under
// spec (indented by two).
std::string SpecText(const std::string& name, int nodes, int port, const std::string& extra = "");
// Writes SpecText to /tmp/radctl-bench-NAME.yaml and returns its path.
std::string WriteSpec(const std::string& name, int nodes, int port, const std::string& extra = "");
// Removes every Docker object labelled as cluster `name`, and its state.
void RemoveCluster(const std::string& name);
// The benchmark's cluster name and bouncer port, unless RADCTL_BENCH_CLUSTER and RADCTL_BENCH_PORT
// name others (on a machine shared with other clusters).
std::string BenchCluster(const std::string& name);
int BenchPort(int port);
// The app user through the bouncer on 127.0.0.1:port.
PgEndpoint AppEndpoint(int port);
double Median(std::vector<double> values);
// The nearest-rank percentile `p` (0 < p <= 1) of `values`; 0 when empty.
double Percentile(std::vector<double> values, double p);

}  // namespace radctl::bench

namespace radctl::bench {

// `radctl status NAME -o json`, parsed; an empty object when it fails.
std::string StatusField(const std::string& name, const std::string& field);
// The standbys the read endpoint serves, as status names them (none when it fails).
std::vector<std::string> ReadEndpointServes(const std::string& name);
// The endpoint's port from status; -1 when status fails.
int EndpointPort(const std::string& name);
// True when the cluster has one primary the bouncer points to and `standbys` streaming standbys.
bool Healthy(const std::string& name, int standbys);
// Waits (looking every 200 ms) until Healthy, at most `timeout`.
bool WaitHealthy(const std::string& name, int standbys, absl::Duration timeout);
// Runs a shell command, output discarded; returns its exit code.
int Sh(const std::string& command);

}  // namespace radctl::bench

namespace radctl::bench {

// utime + stime of `pid`, in seconds.
double CpuSeconds(pid_t pid);
// A "VmRSS"/"VmHWM"-style field of /proc/PID/status, in kB; -1 when missing.
int64_t StatusKilobytes(pid_t pid, const std::string& key);
// Memory in use per container (docker stats, page cache excluded), in MiB, by container name.
std::map<std::string, double> ContainerMemoryMiB();
// The sum over the containers named NAME-* (a cluster's nodes and bouncer).
double ClusterMemoryMiB(const std::map<std::string, double>& memory, const std::string& name);
std::string ReadFile(const std::string& path);
// Seconds since midnight (local time) of an event line "HH:MM:SS.mmm ..."; -1 if it has none.
double LineClock(const std::string& line);

}  // namespace radctl::bench
