// A switchover as a client sees it: a client writes one row every 50 ms through the endpoint
// while `radctl switchover` runs N times (default 5); the longest gap between two acknowledged
// writes, failed writes, rows lost; median.
#include <iostream>
#include <nlohmann/json.hpp>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tests/benchmarks/bench_util.h"
#include "tests/support/process.h"
#include "tests/support/writer.h"

namespace radctl::bench {
namespace {

const std::string kCluster = BenchCluster("bench-switch");
const int kPort = BenchPort(16620);

nlohmann::json SwitchoverPause(int runs) {
  RemoveCluster(kCluster);
  std::string spec = WriteSpec(kCluster, 3, kPort);
  if (testsupport::Process({"apply", "-f", spec}, "/dev/null").Wait() != 0) {
    return {{"error", "apply failed"}};
  }
  auto conn = PgConnection::Connect(RealClock(), AppEndpoint(kPort), absl::Seconds(10));
  if (!conn.ok() || !(*conn)->Execute(testsupport::Writer::kCreateTable, absl::Seconds(10)).ok()) {
    return {{"error", "cannot create the writer's table"}};
  }
  testsupport::Writer writer(AppEndpoint(kPort), absl::Milliseconds(50));
  writer.Start();
  std::vector<double> pauses, failed, took;
  for (int run = 0; run < runs; ++run) {
    absl::SleepFor(absl::Seconds(2));
    int failed_before = writer.Failed();
    absl::Time start = absl::Now();
    int code =
        testsupport::Process({"switchover", kCluster}, "/tmp/radctl-bench-switchover.log").Wait();
    absl::Time end = absl::Now();
    absl::SleepFor(absl::Seconds(1));
    if (code != 0) return {{"error", "switchover failed, see /tmp/radctl-bench-switchover.log"}};
    pauses.push_back(absl::ToDoubleSeconds(writer.LongestGap(start, end)));
    failed.push_back(writer.Failed() - failed_before);
    took.push_back(absl::ToDoubleSeconds(end - start));
  }
  writer.Stop();
  auto check = PgConnection::Connect(RealClock(), AppEndpoint(kPort), absl::Seconds(10));
  int64_t rows = -1;
  if (check.ok()) {
    auto result = (*check)->Query("SELECT count(*) FROM writer_rows", absl::Seconds(10));
    if (result.ok()) rows = std::stoll((*result)[0][0].value_or("-1"));
  }
  RemoveCluster(kCluster);
  return {{"runs", runs},
          {"median_client_pause_s", Median(pauses)},
          {"p95_client_pause_s", Percentile(pauses, 0.95)},
          {"max_client_pause_s", *std::max_element(pauses.begin(), pauses.end())},
          {"median_failed_writes", Median(failed)},
          {"median_command_s", Median(took)},
          {"acknowledged_rows", writer.AcknowledgedIds().size()},
          {"rows_in_table", rows},
          {"pauses_s", pauses}};
}

int Main(int argc, char** argv) {
  int runs = 5;
  if (argc > 1 && !absl::SimpleAtoi(argv[1], &runs)) runs = 5;
  std::cout << nlohmann::json({{"benchmark", "switchover"}, {"switchover", SwitchoverPause(runs)}})
                   .dump(2)
            << "\n";
  return 0;
}

}  // namespace
}  // namespace radctl::bench

int main(int argc, char** argv) { return radctl::bench::Main(argc, argv); }
