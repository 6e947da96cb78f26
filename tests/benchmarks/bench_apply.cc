// Cold `radctl apply` of an N-node cluster (default 3; several sizes may be given), images
// already built and nothing else present: time to the first successful write through the
// endpoint, and time until apply returns with every standby streaming. Median of RUNS runs
// (default 3) per size, printed as JSON, with where the time went in each run: how long each
// step took, when it was done, the first node's init phases, and the run's log.
//   bench_apply [RUNS] [NODES...]
// RADCTL_BENCH_SETTLE_S=N waits N seconds after removing the previous run's cluster: on a disk
// whose ext4 has no journal (this machine's), the kernel skips inodes freed in the last 60-300 s
// when it allocates new ones, so creating the thousands of files of a data directory right after
// deleting another is several times slower than on a machine where nothing was just deleted.
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "tests/benchmarks/bench_util.h"
#include "tests/support/process.h"

namespace radctl::bench {
namespace {

constexpr char kCluster[] = "bench-apply";
constexpr int kPort = 16600;

// Where the time went, from apply's progress lines: how long each step took ("steps_s", the
// slowest instance of each: "demo-pg-1 create-node: done in 0.71s"), when it was done counted
// from the start ("done_at_s", the latest instance), and the first node's init phases
// ("demo-pg-1 init: made at +0.15s, bootstrapped at +0.24s, ...").
nlohmann::json StepReport(const std::string& log_path, absl::Time start) {
  std::ifstream in(log_path);
  std::map<std::string, double> took;
  std::map<std::string, double> done_at;
  std::map<std::string, double> init_phases;
  std::regex done(R"(^(\d\d):(\d\d):(\d\d\.\d+)\s+(\S+) ([a-z-]+): done in ([0-9.]+)s)");
  std::regex phase(R"(([a-z]+) at \+([0-9.]+)s)");
  const absl::CivilSecond day_start =
      absl::ToCivilDay(start, absl::LocalTimeZone());  // the log's times are local
  const double start_s =
      absl::ToDoubleSeconds(start - absl::FromCivil(day_start, absl::LocalTimeZone()));
  std::string line;
  while (std::getline(in, line)) {
    std::smatch match;
    if (std::regex_search(line, match, done)) {
      const std::string step = match[5];
      took[step] = std::max(took[step], std::stod(match[6]));
      double at =
          std::stoi(match[1]) * 3600 + std::stoi(match[2]) * 60 + std::stod(match[3]) - start_s;
      done_at[step] = std::max(done_at[step], std::round(at * 100) / 100);
    } else if (line.find(" init: ") != std::string::npos) {
      for (std::sregex_iterator it(line.begin(), line.end(), phase), end; it != end; ++it) {
        init_phases[(*it)[1]] = std::stod((*it)[2]);
      }
    }
  }
  return {{"steps_s", took}, {"done_at_s", done_at}, {"init_phases_s", init_phases}};
}

nlohmann::json ColdApply(int nodes, int runs) {
  std::string spec = WriteSpec(kCluster, nodes, kPort);
  std::vector<double> first_write;
  std::vector<double> all_streaming;
  nlohmann::json trials = nlohmann::json::array();
  int settle_s = 0;
  if (const char* settle = std::getenv("RADCTL_BENCH_SETTLE_S"); settle != nullptr) {
    (void)absl::SimpleAtoi(settle, &settle_s);
  }
  for (int run = 0; run < runs; ++run) {
    RemoveCluster(kCluster);
    if (settle_s > 0) {
      std::cerr << "waiting " << settle_s << " s for the disk to settle after the removal\n";
      absl::SleepFor(absl::Seconds(settle_s));
    }
    // Each run's own log: the one whose figures stand out can be read afterwards.
    std::string log = absl::StrCat("/tmp/radctl-bench-apply-", nodes, "n-", run + 1, ".log");
    absl::Time start = absl::Now();
    std::remove(log.c_str());
    testsupport::Process apply({"apply", "-f", spec}, log);
    // Try a write every 20 ms until one succeeds.
    double first = -1;
    while (first < 0) {
      auto conn = PgConnection::Connect(RealClock(), AppEndpoint(kPort), absl::Seconds(2));
      if (conn.ok() && (*conn)
                           ->Execute("CREATE TABLE IF NOT EXISTS first_write (x int); "
                                     "INSERT INTO first_write VALUES (1)",
                                     absl::Seconds(5))
                           .ok()) {
        first = absl::ToDoubleSeconds(absl::Now() - start);
        break;
      }
      if (absl::Now() - start > absl::Minutes(5)) break;
      absl::SleepFor(absl::Milliseconds(20));
    }
    int exit_code = apply.Wait();
    double streaming = absl::ToDoubleSeconds(absl::Now() - start);
    if (exit_code != 0) {
      return {{"nodes", nodes}, {"error", absl::StrCat("apply failed, see ", log)}};
    }
    first_write.push_back(first);
    all_streaming.push_back(streaming);
    nlohmann::json trial = StepReport(log, start);
    trial["first_write_s"] = first;
    trial["all_streaming_s"] = streaming;
    trial["log"] = log;
    trials.push_back(trial);
  }
  RemoveCluster(kCluster);
  return {{"nodes", nodes},
          {"runs", runs},
          {"median_first_write_s", Median(first_write)},
          {"median_all_streaming_s", Median(all_streaming)},
          {"trials", trials}};
}

int Main(int argc, char** argv) {
  int runs = 3;
  if (argc > 1 && !absl::SimpleAtoi(argv[1], &runs)) runs = 3;
  std::vector<int> sizes;
  for (int i = 2; i < argc; ++i) {
    int nodes = 0;
    if (absl::SimpleAtoi(argv[i], &nodes) && nodes > 0) sizes.push_back(nodes);
  }
  if (sizes.empty()) sizes.push_back(3);
  nlohmann::json results = nlohmann::json::array();
  for (int nodes : sizes) {
    results.push_back(ColdApply(nodes, runs));
    std::cerr << results.back().dump() << "\n";
  }
  std::cout << nlohmann::json({{"benchmark", "cold_apply"}, {"results", results}}).dump(2) << "\n";
  return 0;
}

}  // namespace
}  // namespace radctl::bench

int main(int argc, char** argv) { return radctl::bench::Main(argc, argv); }
