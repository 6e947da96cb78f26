// Many clusters on one host, one controller for all.
//   bench_scale fleet [CLUSTERS] [WINDOW_S]
//     CLUSTERS (default 10) 3-node clusters with `profile: small` and `port: auto`, in one
//     directory, applied at once by one `radctl apply -f DIR`: time until it returns with all
//     of them ready, their memory (docker stats) against one 3-node cluster of the standard
//     profile, then the CPU share and memory of one `apply -f DIR --watch` watching them all
//     over WINDOW_S seconds (default 60).
//   bench_scale isolation [MEGABYTES]
//     One controller watching two clusters: the outage of a primary kill in cluster A, alone and
//     while cluster B clones a standby from MEGABYTES of data (default 1000). A slow action in
//     one cluster should not delay another's failover.
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tests/benchmarks/bench_util.h"
#include "tests/support/process.h"
#include "tests/support/writer.h"

namespace radctl::bench {
namespace {

constexpr char kFleetDir[] = "/tmp/radctl-bench-fleet";
constexpr char kIsolationDir[] = "/tmp/radctl-bench-isolation";

bool WaitUntil(const std::function<bool()>& condition, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (condition()) return true;
    absl::SleepFor(absl::Milliseconds(200));
  }
  return false;
}

// Seconds since midnight of the first line of `log` from `from` on that holds `text` ("HH:MM:SS.mmm
// ..."); -1 when there is none.
double LineTime(const std::string& log, const std::string& text, size_t from = 0) {
  size_t at = log.find(text, from);
  if (at == std::string::npos) return -1;
  size_t line = log.rfind('\n', at);
  return LineClock(log.substr(line == std::string::npos ? 0 : line + 1));
}

void ResetDir(const std::string& dir) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
}

nlohmann::json Fleet(int clusters, int window_s) {
  ResetDir(kFleetDir);
  std::vector<std::string> names;
  for (int i = 1; i <= clusters; ++i) {
    names.push_back(absl::StrCat("bench-fleet-", i));
    RemoveCluster(names.back());
    std::ofstream(absl::StrCat(kFleetDir, "/", names.back(), ".yaml"))
        << SpecText(names.back(), 3, 0, "  profile: small\n");
  }
  // All at once, by one controller.
  absl::Time start = absl::Now();
  int code = testsupport::Process({"apply", "-f", kFleetDir}, "/tmp/radctl-bench-fleet.log").Wait();
  double took = absl::ToDoubleSeconds(absl::Now() - start);
  if (code != 0) return {{"error", "apply failed, see /tmp/radctl-bench-fleet.log"}};
  int healthy = 0;
  for (const std::string& name : names) healthy += Healthy(name, 2);

  // Idle memory once settled, against one standard 3-node cluster.
  const std::string standard = "bench-fleet-standard";
  RemoveCluster(standard);
  if (testsupport::Process({"apply", "-f", WriteSpec(standard, 3, 0)}, "/dev/null").Wait() != 0) {
    return {{"error", "apply of the standard cluster failed"}};
  }
  absl::SleepFor(absl::Seconds(10));
  std::map<std::string, double> memory = ContainerMemoryMiB();
  std::vector<double> small;
  for (const std::string& name : names) small.push_back(ClusterMemoryMiB(memory, name));
  double standard_mib = ClusterMemoryMiB(memory, standard);
  RemoveCluster(standard);

  // One controller watching them all.
  testsupport::Process watcher({"apply", "-f", kFleetDir, "--watch", "--http", "127.0.0.1:18441"},
                               "/tmp/radctl-bench-fleet-watch.log");
  absl::SleepFor(absl::Seconds(10));  // settled: every cluster observed, connections open
  double cpu_before = CpuSeconds(watcher.pid());
  absl::Time window_start = absl::Now();
  absl::SleepFor(absl::Seconds(window_s));
  double cpu = CpuSeconds(watcher.pid()) - cpu_before;
  double wall = absl::ToDoubleSeconds(absl::Now() - window_start);
  int64_t peak_kb = StatusKilobytes(watcher.pid(), "VmHWM");
  int64_t rss_kb = StatusKilobytes(watcher.pid(), "VmRSS");
  watcher.Signal(SIGTERM);
  for (const std::string& name : names) RemoveCluster(name);
  double small_total = 0;
  for (double mib : small) small_total += mib;
  return {{"clusters", clusters},
          {"nodes_per_cluster", 3},
          {"apply_all_at_once_s", took},
          {"clusters_healthy_after_apply", healthy},
          {"idle_memory_mib_per_small_cluster_median", Median(small)},
          {"idle_memory_mib_all_small_clusters", small_total},
          {"idle_memory_mib_standard_cluster", standard_mib},
          {"watcher_window_s", wall},
          {"watcher_cpu_share_of_one_core_percent", 100.0 * cpu / wall},
          {"watcher_peak_memory_mb", peak_kb / 1024.0},
          {"watcher_rss_at_end_mb", rss_kb / 1024.0}};
}

// The longest gap between acknowledged writes to cluster A after its primary is killed, until
// A is healthy again.
double KillPrimaryAndMeasure(const std::string& cluster, testsupport::Writer& writer) {
  std::string primary = StatusField(cluster, "primary");
  absl::Time at = absl::Now();
  Sh(absl::StrCat("docker kill ", primary));
  if (!WaitUntil([&] { return Healthy(cluster, 2); }, absl::Minutes(2))) return -1;
  absl::SleepFor(absl::Seconds(1));
  return absl::ToDoubleSeconds(writer.LongestGap(at - absl::Milliseconds(50), absl::Now()));
}

nlohmann::json Isolation(int megabytes) {
  const std::string a = "bench-iso-a";
  const std::string b = "bench-iso-b";
  constexpr int kPortA = 16630;
  constexpr int kPortB = 16631;
  ResetDir(kIsolationDir);
  RemoveCluster(a);
  RemoveCluster(b);
  std::ofstream(absl::StrCat(kIsolationDir, "/", a, ".yaml")) << SpecText(a, 3, kPortA);
  const std::string b_path = absl::StrCat(kIsolationDir, "/", b, ".yaml");
  std::ofstream(b_path) << SpecText(b, 2, kPortB);
  if (testsupport::Process({"apply", "-f", kIsolationDir}, "/dev/null").Wait() != 0) {
    return {{"error", "apply failed"}};
  }
  std::string b_primary = StatusField(b, "primary");
  Sh(absl::StrCat("docker exec ", b_primary,
                  " psql -U postgres -d app -qc \"CREATE TABLE big AS "
                  "SELECT g AS id, repeat('x', 1000) AS pad FROM generate_series(1, ",
                  megabytes * 1000, ") g; CHECKPOINT\""));
  const std::string log = "/tmp/radctl-bench-isolation-watch.log";
  std::remove(log.c_str());
  testsupport::Process watcher(
      {"apply", "-f", kIsolationDir, "--watch", "--http", "127.0.0.1:18442"}, log);
  auto conn = PgConnection::Connect(RealClock(), AppEndpoint(kPortA), absl::Seconds(10));
  if (!conn.ok() || !(*conn)->Execute(testsupport::Writer::kCreateTable, absl::Seconds(10)).ok()) {
    return {{"error", "cannot create the writer's table"}};
  }
  testsupport::Writer writer(AppEndpoint(kPortA), absl::Milliseconds(50));
  writer.Start();
  absl::SleepFor(absl::Seconds(3));
  double alone = KillPrimaryAndMeasure(a, writer);

  // B grows by one standby: the watcher clones it while A's primary is killed.
  std::ofstream(b_path) << SpecText(b, 3, kPortB);
  absl::Time edited = absl::Now();
  bool cloning = WaitUntil(
      [&] { return absl::StrContains(ReadFile(log), absl::StrCat(b, "-pg-3 CloneStandby")); },
      absl::Minutes(1));
  absl::SleepFor(absl::Seconds(1));
  const size_t offset = ReadFile(log).size();
  double during_clone = KillPrimaryAndMeasure(a, writer);
  // Overlap, from the watcher's own lines: A's failover was decided and done while B's clone
  // still ran.
  const std::string text = ReadFile(log);
  double failover_done = LineTime(text, " failover: done", offset);  // only A fails over
  bool b_healthy = WaitUntil([&] { return Healthy(b, 2); }, absl::Minutes(10));
  double clone_done = LineTime(ReadFile(log), absl::StrCat(b, "-pg-3 clone-standby: done"));
  bool overlapped = failover_done > 0 && clone_done > failover_done;
  double b_clone_s = absl::ToDoubleSeconds(absl::Now() - edited);
  writer.Stop();
  watcher.Signal(SIGTERM);
  RemoveCluster(a);
  RemoveCluster(b);
  return {{"megabytes_cloned_in_b", megabytes},
          {"a_outage_alone_s", alone},
          {"a_outage_while_b_clones_s", during_clone},
          {"b_clone_started", cloning},
          {"a_failover_done_while_b_cloned", overlapped},
          {"b_healthy_with_3_nodes_after_s", b_healthy ? b_clone_s : -1},
          {"a_failed_writes", writer.Failed()}};
}

int Main(int argc, char** argv) {
  std::string part = argc > 1 ? argv[1] : "fleet";
  nlohmann::json result;
  if (part == "fleet") {
    int clusters = 10, window_s = 60;
    if (argc > 2 && !absl::SimpleAtoi(argv[2], &clusters)) clusters = 10;
    if (argc > 3 && !absl::SimpleAtoi(argv[3], &window_s)) window_s = 60;
    result = Fleet(clusters, window_s);
  } else if (part == "isolation") {
    int megabytes = 1000;
    if (argc > 2 && !absl::SimpleAtoi(argv[2], &megabytes)) megabytes = 1000;
    result = Isolation(megabytes);
  } else {
    std::cerr << "usage: bench_scale fleet [CLUSTERS] [WINDOW_S] | isolation [MEGABYTES]\n";
    return 2;
  }
  std::cout
      << nlohmann::json({{"benchmark", absl::StrCat("scale_", part)}, {"result", result}}).dump(2)
      << "\n";
  return 0;
}

}  // namespace
}  // namespace radctl::bench

int main(int argc, char** argv) { return radctl::bench::Main(argc, argv); }
