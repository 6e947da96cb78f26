// What pooled clients lose when the primary is `docker kill`ed: pgbench through the endpoint
// (8 clients, 200 tps, simple protocol; it aborts a client on its first error) on a 3-node
// synchronous cluster watched by `radctl apply --watch`, the primary killed 3 s into each run.
// Per kill: clients aborted, split by why — in flight on the dead primary ("server conn
// crashed?"), turned away with nothing in flight ("server_login_retry"), other. pgbench runs
// from the radctl/postgres image (PostgreSQL 15's own) on the host's network.
#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tests/benchmarks/bench_util.h"
#include "tests/support/process.h"

namespace radctl::bench {
namespace {

const std::string kCluster = BenchCluster("bench-pgbench");
const int kPort = BenchPort(16612);
constexpr int kClients = 8;

std::string Pgbench(const std::string& args, const std::string& output) {
  // hack/bench.sh sets RADCTL_STATE_DIR.
  const std::string ca =
      absl::StrCat(std::getenv("RADCTL_STATE_DIR"), "/", kCluster, "/tls/ca.crt");
  return absl::StrCat("docker run --rm --network host --user root -v ", ca, ":", ca,
                      ":ro --entrypoint /usr/lib/postgresql/15/bin/pgbench radctl/postgres:15 "
                      "'postgresql://app:",
                      kPassword, "@127.0.0.1:", kPort, "/app?sslmode=verify-full&sslrootcert=", ca,
                      "' ", args, " >", output, " 2>&1");
}

int Main(int argc, char** argv) {
  int kills = 10;
  if (argc > 1 && (!absl::SimpleAtoi(argv[1], &kills) || kills < 1)) kills = 10;
  RemoveCluster(kCluster);
  const std::string spec = WriteSpec(kCluster, 3, kPort, "  replication:\n    synchronous: true\n");
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
  nlohmann::json per_kill = nlohmann::json::array();
  int in_flight = 0, turned_away = 0, other = 0;
  for (int kill = 0; kill < kills; ++kill) {
    if (!WaitHealthy(kCluster, 2, absl::Minutes(2))) {
      std::cerr << "cluster not healthy before kill " << kill + 1 << "\n";
      break;
    }
    const std::string primary = StatusField(kCluster, "primary");
    std::thread load([&] {
      Sh(Pgbench(absl::StrCat("-n -c ", kClients, " -j 2 -R 200 -T 10 -M simple"), output));
    });
    absl::SleepFor(absl::Seconds(3));  // the container's start and every client connected
    Sh(absl::StrCat("docker kill ", primary));
    load.join();
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
    per_kill.push_back({{"killed", primary},
                        {"aborted_in_flight", flight},
                        {"turned_away", away},
                        {"aborted_other", rest}});
    std::cerr << per_kill.back().dump() << "\n";
  }
  watcher.Signal(SIGTERM);
  RemoveCluster(kCluster);
  std::cout << nlohmann::json({{"benchmark", "pgbench_clients_through_a_primary_kill"},
                               {"clients", kClients},
                               {"rate_tps", 200},
                               {"kills", per_kill.size()},
                               {"aborted_in_flight", in_flight},
                               {"turned_away", turned_away},
                               {"aborted_other", other},
                               {"per_kill", per_kill}})
                   .dump(2)
            << "\n";
  return 0;
}

}  // namespace
}  // namespace radctl::bench

int main(int argc, char** argv) { return radctl::bench::Main(argc, argv); }
