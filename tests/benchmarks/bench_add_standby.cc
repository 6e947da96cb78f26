// Adding a standby to a cluster holding MEGABYTES of data (default 1000): `radctl scale` from 2
// to 3 nodes (until the new standby streams), against `pg_basebackup` alone copying the same
// primary over the same network into a fresh volume. Alternated three times; medians.
//   bench_add_standby [MEGABYTES]
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tests/benchmarks/bench_util.h"
#include "tests/support/process.h"

namespace radctl::bench {
namespace {

constexpr char kCluster[] = "bench-add";
constexpr int kPort = 16625;

nlohmann::json AddStandbyWithData(int megabytes) {
  RemoveCluster(kCluster);
  std::string spec = WriteSpec(kCluster, 2, kPort);
  if (testsupport::Process({"apply", "-f", spec}, "/dev/null").Wait() != 0) {
    return {{"error", "apply failed"}};
  }
  std::string primary = StatusField(kCluster, "primary");
  // ~1 KB rows, written inside the primary (fast, local).
  Sh(absl::StrCat("docker exec ", primary,
                  " psql -U postgres -d app -qc \"CREATE TABLE big AS "
                  "SELECT g AS id, repeat('x', 1000) AS pad FROM generate_series(1, ",
                  megabytes * 1000, ") g; CHECKPOINT\""));
  std::string size_text;
  {
    std::string path = "/tmp/radctl-bench-size.txt";
    Sh(absl::StrCat("docker exec ", primary,
                    " psql -U postgres -Atc \"SELECT pg_database_size('app')\" > ", path));
    std::ifstream(path) >> size_text;
  }
  // Baseline: pg_basebackup alone, from a container on the same network into a fresh volume.
  std::string secrets =
      absl::StrCat(std::getenv("RADCTL_STATE_DIR"), "/", kCluster, "/secrets.json");
  nlohmann::json secret_json = nlohmann::json::parse(std::ifstream(secrets));
  std::string password = secret_json["repmgr_password"];
  // Alternated three times, medians compared: the disk's speed varies from run to run. A first,
  // untimed pg_basebackup warms the primary's page cache for both.
  // Removing a 1 GB volume leaves the disk busy for a while: both measurements start from a
  // settled disk.
  auto settle = [] {
    Sh("sync");
    absl::SleepFor(absl::Seconds(3));
  };
  auto basebackup = [&]() -> double {
    Sh("docker rm -f -v bench-basebackup; docker volume rm -f bench-basebackup");
    Sh(absl::StrCat("docker run -d --name bench-basebackup --network ", kCluster,
                    "-net -v bench-basebackup:/backup --entrypoint sleep radctl/postgres:15 3600"));
    settle();
    absl::Time start = absl::Now();
    int code = Sh(absl::StrCat("docker exec -u root -e PGPASSWORD=", password,
                               " bench-basebackup pg_basebackup -h ", primary,
                               " -U repmgr -D /backup/data -X stream -c fast"));
    double took = absl::ToDoubleSeconds(absl::Now() - start);
    Sh("docker rm -f -v bench-basebackup; docker volume rm -f bench-basebackup");
    return code == 0 ? took : -1;
  };
  if (basebackup() < 0) return {{"error", "pg_basebackup failed"}};
  std::vector<double> basebackups, scales;
  for (int i = 0; i < 3; ++i) {
    basebackups.push_back(basebackup());
    settle();
    absl::Time start = absl::Now();
    int code =
        testsupport::Process({"scale", kCluster, "--nodes", "3"}, "/tmp/radctl-bench-scale.log")
            .Wait();
    scales.push_back(absl::ToDoubleSeconds(absl::Now() - start));
    if (code != 0) return {{"error", "scale failed, see /tmp/radctl-bench-scale.log"}};
    testsupport::Process({"scale", kCluster, "--nodes", "2"}, "/dev/null").Wait();
  }
  RemoveCluster(kCluster);
  int64_t bytes = 0;
  (void)absl::SimpleAtoi(size_text, &bytes);
  return {{"database_bytes", bytes},
          {"median_pg_basebackup_alone_s", Median(basebackups)},
          {"median_radctl_scale_add_one_standby_s", Median(scales)},
          {"ratio", Median(scales) / Median(basebackups)},
          {"pg_basebackup_s", basebackups},
          {"radctl_scale_s", scales}};
}

int Main(int argc, char** argv) {
  int megabytes = 1000;
  if (argc > 1 && !absl::SimpleAtoi(argv[1], &megabytes)) megabytes = 1000;
  std::cout << nlohmann::json({{"benchmark", "add_standby"},
                               {"megabytes", megabytes},
                               {"result", AddStandbyWithData(megabytes)}})
                   .dump(2)
            << "\n";
  return 0;
}

}  // namespace
}  // namespace radctl::bench

int main(int argc, char** argv) { return radctl::bench::Main(argc, argv); }
