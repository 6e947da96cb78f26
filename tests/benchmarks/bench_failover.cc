// Failover as a client sees it. A client writes one row every 50 ms through the endpoint while
// `radctl apply --watch` runs; the primary is then (a) killed (`docker kill`: Docker reports the
// death at once) or (b) frozen (`docker pause`: Postgres stops answering, found by probing).
// Per fault and per replication mode (asynchronous, synchronous), median of N runs (default 5)
// on a cluster of NODES nodes (default 3):
// the longest gap between two acknowledged writes (the outage), failed writes, acknowledged
// rows lost, and where the time went (detection, the failover steps) from the watcher's events.
#include <signal.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tests/benchmarks/bench_util.h"
#include "tests/support/process.h"
#include "tests/support/writer.h"

namespace radctl::bench {
namespace {

const std::string kCluster = BenchCluster("bench-failover");
const int kPort = BenchPort(16610);

double ClockOf(absl::Time t) {
  absl::CivilSecond civil = absl::ToCivilSecond(t, absl::LocalTimeZone());
  double subsecond = absl::ToDoubleSeconds(t - absl::FromCivil(civil, absl::LocalTimeZone()));
  return civil.hour() * 3600 + civil.minute() * 60 + civil.second() + subsecond;
}

// From the watcher log after `from_line`: when the failover was decided (seconds after the
// fault) and the "+X.XXs" of each failover step.
nlohmann::json Phases(const std::string& log, size_t from_offset, absl::Time fault) {
  nlohmann::json phases = nlohmann::json::object();
  std::istringstream in(log.substr(from_offset));
  std::string line;
  std::regex step(R"(failover: (.*) at \+([0-9.]+)s)");
  while (std::getline(in, line)) {
    if (line.find(" Failover ") != std::string::npos && !phases.contains("decided_after_s")) {
      phases["decided_after_s"] = LineClock(line) - ClockOf(fault);
    }
    std::smatch match;
    if (std::regex_search(line, match, step)) {
      std::string what = match[1];
      std::string name = what.find("points to") != std::string::npos
                             ? "repointed"
                             : what.substr(what.rfind(' ') + 1);
      phases[absl::StrCat(name, "_at_s")] = std::stod(match[2]);
    }
  }
  return phases;
}

struct Trial {
  double outage_s;
  int failed;
  int lost;
  nlohmann::json phases;
};

int LostRows(const testsupport::Writer& writer) {
  auto conn = PgConnection::Connect(RealClock(), AppEndpoint(kPort), absl::Seconds(10));
  if (!conn.ok()) return -1;
  auto rows = (*conn)->Query("SELECT id FROM writer_rows", absl::Seconds(30));
  if (!rows.ok()) return -1;
  std::set<int64_t> present;
  for (const auto& row : *rows) present.insert(std::stoll(row[0].value_or("0")));
  int lost = 0;
  for (int64_t id : writer.AcknowledgedIds()) lost += present.count(id) == 0;
  return lost;
}

// One cluster per (mode, fault); `runs` faults in a row on it, each after it healed.
nlohmann::json RunMode(bool synchronous, const std::string& fault, int runs, int nodes) {
  RemoveCluster(kCluster);
  std::string spec = WriteSpec(kCluster, nodes, kPort,
                               synchronous ? "  replication:\n    synchronous: true\n" : "");
  if (testsupport::Process({"apply", "-f", spec}, "/dev/null").Wait() != 0) {
    return {{"error", "apply failed"}};
  }
  std::string log = "/tmp/radctl-bench-failover-watch.log";
  std::remove(log.c_str());
  testsupport::Process watcher({"apply", "-f", spec, "--watch"}, log);
  auto conn = PgConnection::Connect(RealClock(), AppEndpoint(kPort), absl::Seconds(10));
  if (!conn.ok() || !(*conn)->Execute(testsupport::Writer::kCreateTable, absl::Seconds(10)).ok()) {
    return {{"error", "cannot create the writer's table"}};
  }
  testsupport::Writer writer(AppEndpoint(kPort), absl::Milliseconds(50));
  writer.Start();
  std::vector<double> outages, failed, lost;
  nlohmann::json trials = nlohmann::json::array();
  for (int run = 0; run < runs; ++run) {
    if (!WaitHealthy(kCluster, nodes - 1, absl::Minutes(2)))
      return {{"error", "cluster not healthy before a run"}};
    absl::SleepFor(absl::Seconds(2));  // steady writes before the fault
    std::string primary = StatusField(kCluster, "primary");
    size_t offset = ReadFile(log).size();
    int failed_before = writer.Failed();
    absl::Time at = absl::Now();
    Sh(absl::StrCat("docker ", fault == "kill" ? "kill " : "pause ", primary));
    // Healed: writes flow again and every node streams from the new primary.
    bool healed = WaitHealthy(kCluster, nodes - 1, absl::Minutes(2));
    absl::SleepFor(absl::Seconds(1));
    absl::Time end = absl::Now();
    Trial trial{absl::ToDoubleSeconds(writer.LongestGap(at - absl::Milliseconds(50), end)),
                writer.Failed() - failed_before, LostRows(writer),
                Phases(ReadFile(log), offset, at)};
    outages.push_back(trial.outage_s);
    failed.push_back(trial.failed);
    lost.push_back(trial.lost);
    trials.push_back({{"old_primary", primary},
                      {"healed", healed},
                      {"outage_s", trial.outage_s},
                      {"failed_writes", trial.failed},
                      {"acknowledged_rows_lost", trial.lost},
                      {"phases", trial.phases}});
  }
  writer.Stop();
  watcher.Signal(SIGTERM);
  RemoveCluster(kCluster);
  return {{"fault", fault == "kill" ? "docker kill (container dies)"
                                    : "docker pause (Postgres stops answering)"},
          {"synchronous", synchronous},
          {"runs", runs},
          {"median_outage_s", Median(outages)},
          {"outage_s",
           {{"p50", Percentile(outages, 0.5)},
            {"p95", Percentile(outages, 0.95)},
            {"p99", Percentile(outages, 0.99)},
            {"max", Percentile(outages, 1.0)}}},
          {"median_failed_writes", Median(failed)},
          {"median_acknowledged_rows_lost", Median(lost)},
          {"max_acknowledged_rows_lost",
           lost.empty() ? 0 : *std::max_element(lost.begin(), lost.end())},
          {"total_writes", writer.attempts().size()},
          {"trials", trials}};
}

int Main(int argc, char** argv) {
  int runs = 5;
  if (argc > 1 && !absl::SimpleAtoi(argv[1], &runs)) runs = 5;
  int nodes = 3;
  if (argc > 2 && (!absl::SimpleAtoi(argv[2], &nodes) || nodes < 2)) nodes = 3;
  nlohmann::json results = nlohmann::json::array();
  for (const std::string fault : {"kill", "pause"}) {
    for (bool synchronous : {false, true}) {
      results.push_back(RunMode(synchronous, fault, runs, nodes));
      std::cerr << results.back().dump() << "\n";
    }
  }
  std::cout << nlohmann::json({{"benchmark", "failover_under_writes"},
                               {"nodes", nodes},
                               {"writer_interval_ms", 50},
                               {"detection_ms", 1000},
                               {"results", results}})
                   .dump(2)
            << "\n";
  return 0;
}

}  // namespace
}  // namespace radctl::bench

int main(int argc, char** argv) { return radctl::bench::Main(argc, argv); }
