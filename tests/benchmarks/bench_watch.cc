// The controller's own cost while it watches a healthy 3-node cluster: CPU as a share of one
// core and peak memory (VmHWM) over a window (default 60 s), with the reconcile passes it made
// (it observes Docker and every node several times a second).
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tests/benchmarks/bench_util.h"
#include "tests/support/process.h"

namespace radctl::bench {
namespace {

constexpr char kCluster[] = "bench-watch";
constexpr int kPort = 16640;

int Main(int argc, char** argv) {
  int seconds = 60;
  if (argc > 1 && !absl::SimpleAtoi(argv[1], &seconds)) seconds = 60;
  RemoveCluster(kCluster);
  std::string spec = WriteSpec(kCluster, 3, kPort);
  if (testsupport::Process({"apply", "-f", spec}, "/dev/null").Wait() != 0) {
    std::cerr << "apply failed\n";
    return 1;
  }
  testsupport::Process watcher({"apply", "-f", spec, "--watch", "--http", "127.0.0.1:18440"},
                               "/tmp/radctl-bench-watch.log");
  absl::SleepFor(absl::Seconds(5));  // settled: converged, connections open
  if (!Healthy(kCluster, 2)) {
    std::cerr << "cluster not healthy\n";
    return 1;
  }
  double cpu_before = CpuSeconds(watcher.pid());
  absl::Time start = absl::Now();
  absl::SleepFor(absl::Seconds(seconds));
  double cpu = CpuSeconds(watcher.pid()) - cpu_before;
  double wall = absl::ToDoubleSeconds(absl::Now() - start);
  int64_t peak_kb = StatusKilobytes(watcher.pid(), "VmHWM");
  int64_t rss_kb = StatusKilobytes(watcher.pid(), "VmRSS");
  watcher.Signal(SIGTERM);
  RemoveCluster(kCluster);
  std::cout << nlohmann::json({{"benchmark", "watch_healthy_3_nodes"},
                               {"window_s", wall},
                               {"cpu_share_of_one_core_percent", 100.0 * cpu / wall},
                               {"peak_memory_mb", peak_kb / 1024.0},
                               {"rss_at_end_mb", rss_kb / 1024.0}})
                   .dump(2)
            << "\n";
  return 0;
}

}  // namespace
}  // namespace radctl::bench

int main(int argc, char** argv) { return radctl::bench::Main(argc, argv); }
