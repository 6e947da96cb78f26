// What pooled clients lose when a node's container is killed or stopped: pgbench (8 clients,
// simple protocol; it aborts a client on its first error) on a 3-node synchronous cluster with a
// read endpoint, watched by `radctl apply --watch`, the fault 3 s into each run.
//   bench_pgbench_kill [RUNS] [kill|stop|read-kill|read-stop]
// kill, stop: `docker kill`/`docker stop` of the primary, pgbench's TPC-B-like transactions at
// 200 tps through the endpoint, and a client writing on a fresh connection every 50 ms (its
// longest gap is the pause a stop's switchover holds clients for). read-kill, read-stop: of a
// standby the read endpoint serves, pgbench -S at 400 tps through the read endpoint.
// Per fault: clients aborted, split by why — their statement's server connection broke under it
// ("server conn crashed?": in flight on the node that went), turned away with nothing in flight
// ("server_login_retry"), other. pgbench runs from the radctl/postgres image (PostgreSQL 15's
// own) on the host's network.
#include <signal.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "tests/benchmarks/bench_util.h"
#include "tests/support/process.h"
#include "tests/support/writer.h"

namespace radctl::bench {
namespace {

const std::string kCluster = BenchCluster("bench-pgbench");
const int kPort = BenchPort(16612);
const int kReadPort = kPort + 1;
constexpr int kClients = 8;

std::string Pgbench(const std::string& args, const std::string& output, int port = kPort) {
  // hack/bench.sh sets RADCTL_STATE_DIR.
  const std::string ca =
      absl::StrCat(std::getenv("RADCTL_STATE_DIR"), "/", kCluster, "/tls/ca.crt");
  return absl::StrCat("docker run --rm --network host --user root -v ", ca, ":", ca,
                      ":ro --entrypoint /usr/lib/postgresql/15/bin/pgbench radctl/postgres:15 "
                      "'postgresql://app:",
                      kPassword, "@127.0.0.1:", port, "/app?sslmode=verify-full&sslrootcert=", ca,
                      "' ", args, " >", output, " 2>&1");
}

int Main(int argc, char** argv) {
  int kills = 10;
  if (argc > 1 && (!absl::SimpleAtoi(argv[1], &kills) || kills < 1)) kills = 10;
  const std::string fault = argc > 2 ? argv[2] : "kill";
  if (fault != "kill" && fault != "stop" && fault != "read-kill" && fault != "read-stop") {
    std::cerr << "unknown fault " << fault << " (kill, stop, read-kill, read-stop)\n";
    return 2;
  }
  const bool reads = absl::StartsWith(fault, "read-");
  const std::string verb = absl::EndsWith(fault, "kill") ? "kill" : "stop";
  RemoveCluster(kCluster);
  // WriteSpec's, with a read endpoint.
  const std::string spec = WriteSpec(kCluster, 3, kPort, "  replication:\n    synchronous: true\n");
  const std::string with_read = absl::StrReplaceAll(
      ReadFile(spec), {{absl::StrCat("    port: ", kPort, "\n"),
                        absl::StrCat("    port: ", kPort, "\n    readPort: ", kReadPort, "\n")}});
  std::ofstream(spec) << with_read;
  if (testsupport::Process({"apply", "-f", spec}, "/dev/null").Wait() != 0) {
    std::cerr << "apply failed\n";
    return 1;
  }
  testsupport::Process watcher({"apply", "-f", spec, "--watch"},
                               "/tmp/radctl-bench-pgbench-watch.log");
  const std::string output = "/tmp/radctl-bench-pgbench.out";
  if (Sh(Pgbench("-i -q -s 1", output)) != 0) {
    std::cerr << "pgbench -i failed: " << ReadFile(output) << "\n";
    return 1;
  }
  auto conn = PgConnection::Connect(RealClock(), AppEndpoint(kPort), absl::Seconds(10));
  if (!conn.ok() || !(*conn)->Execute(testsupport::Writer::kCreateTable, absl::Seconds(10)).ok()) {
    std::cerr << "cannot create the writer's table\n";
    return 1;
  }
  nlohmann::json per_kill = nlohmann::json::array();
  std::vector<double> pauses;
  int in_flight = 0, turned_away = 0, other = 0, writes_failed = 0;
  for (int kill = 0; kill < kills; ++kill) {
    if (!WaitHealthy(kCluster, 2, absl::Minutes(2))) {
      std::cerr << "cluster not healthy before kill " << kill + 1 << "\n";
      break;
    }
    std::string target = StatusField(kCluster, "primary");
    if (reads) {
      // A standby the read endpoint serves (its first), as status names it.
      const std::vector<std::string> serves = ReadEndpointServes(kCluster);
      if (serves.empty()) {
        std::cerr << "the read endpoint serves no standby\n";
        break;
      }
      target = serves.front();
    }
    testsupport::Writer writer(AppEndpoint(kPort), absl::Milliseconds(50));
    if (!reads) writer.Start();
    std::thread load([&] {
      Sh(Pgbench(reads ? absl::StrCat("-S -n -c ", kClients, " -j 2 -R 400 -T 10 -M simple")
                       : absl::StrCat("-n -c ", kClients, " -j 2 -R 200 -T 10 -M simple"),
                 output, reads ? kReadPort : kPort));
    });
    absl::SleepFor(absl::Seconds(3));  // the container's start and every client connected
    const absl::Time at = absl::Now();
    Sh(absl::StrCat("docker ", verb, " ", target));
    load.join();
    writer.Stop();
    int flight = 0, away = 0, rest = 0;
    std::istringstream lines(ReadFile(output));
    for (std::string line; std::getline(lines, line);) {
      if (!absl::StrContains(line, "aborted in command")) continue;
      if (absl::StrContains(line, "server conn crashed?")) {
        ++flight;
      } else if (absl::StrContains(line, "server_login_retry")) {
        ++away;
      } else {
        ++rest;
        std::cerr << line << "\n";
      }
    }
    in_flight += flight;
    turned_away += away;
    other += rest;
    nlohmann::json one = {{"target", target},
                          {"aborted_in_flight", flight},
                          {"turned_away", away},
                          {"aborted_other", rest}};
    if (!reads) {
      const double pause = absl::ToDoubleSeconds(writer.LongestGap(at, absl::Now()));
      pauses.push_back(pause);
      writes_failed += writer.Failed(at);
      one["writer_longest_gap_s"] = pause;
      one["writer_failed"] = writer.Failed(at);
    }
    per_kill.push_back(one);
    std::cerr << per_kill.back().dump() << "\n";
  }
  watcher.Signal(SIGTERM);
  RemoveCluster(kCluster);
  nlohmann::json result = {
      {"benchmark", absl::StrCat("pgbench_clients_through_", fault)},
      {"clients", kClients},
      {"pgbench", reads ? "-S (select only) through the read endpoint" : "TPC-B-like"},
      {"rate_tps", reads ? 400 : 200},
      {"faults", per_kill.size()},
      {"aborted_in_flight", in_flight},
      {"turned_away", turned_away},
      {"aborted_other", other},
      {"per_fault", per_kill}};
  if (!reads) {
    result["writer_failed"] = writes_failed;
    result["writer_longest_gap_s"] = {{"p50", Median(pauses)},
                                      {"p95", Percentile(pauses, 0.95)},
                                      {"max", Percentile(pauses, 1.0)}};
  }
  std::cout << result.dump(2) << "\n";
  return 0;
}

}  // namespace
}  // namespace radctl::bench

int main(int argc, char** argv) { return radctl::bench::Main(argc, argv); }
