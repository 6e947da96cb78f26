#include "tests/benchmarks/bench_util.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tests/support/process.h"

namespace radctl::bench {

std::string SpecText(const std::string& name, int nodes, int port, const std::string& extra) {
  return absl::StrCat("apiVersion: radctl.io/v1alpha1\nkind: PostgresCluster\nmetadata:\n",
                      "  name: ", name, "\nspec:\n  nodes: ", nodes,
                      "\n  bouncer:\n    port: ", port == 0 ? "auto" : absl::StrCat(port),
                      "\n  auth:\n    password: ", kPassword, "\n", extra);
}

std::string WriteSpec(const std::string& name, int nodes, int port, const std::string& extra) {
  std::string path = absl::StrCat("/tmp/radctl-bench-", name, ".yaml");
  std::ofstream(path) << SpecText(name, nodes, port, extra);
  return path;
}

std::string BenchCluster(const std::string& name) {
  const char* chosen = std::getenv("RADCTL_BENCH_CLUSTER");
  return chosen != nullptr && *chosen != '\0' ? std::string(chosen) : name;
}

int BenchPort(int port) {
  const char* chosen = std::getenv("RADCTL_BENCH_PORT");
  int value = 0;
  return chosen != nullptr && absl::SimpleAtoi(chosen, &value) ? value : port;
}

void RemoveCluster(const std::string& name) {
  testsupport::Process({"delete", name}, "/dev/null").Wait();
  std::string filter = absl::StrCat("--filter label=io.radctl.cluster=", name);
  int ignored = std::system(
      absl::StrCat("docker ps -aq ", filter, " | xargs -r docker rm -f >/dev/null 2>&1; ",
                   "docker network ls -q ", filter,
                   " | xargs -r docker network rm >/dev/null 2>&1; ", "docker volume ls -q ",
                   filter, " | xargs -r docker volume rm -f >/dev/null 2>&1")
          .c_str());
  (void)ignored;  // leftovers that cannot be removed show up as a failing apply
}

PgEndpoint AppEndpoint(int port) {
  PgEndpoint endpoint;
  endpoint.host = "127.0.0.1";
  endpoint.port = port;
  endpoint.user = "app";
  endpoint.password = kPassword;
  endpoint.dbname = "app";
  endpoint.application_name = "radctl-bench";
  return endpoint;
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(values.size())));
  return values[std::min(values.size(), std::max<size_t>(rank, 1)) - 1];
}

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace radctl::bench

#include <nlohmann/json.hpp>
#include <sstream>

namespace radctl::bench {
namespace {

nlohmann::json Status(const std::string& name) {
  std::string path = absl::StrCat("/tmp/radctl-bench-status-", name, ".json");
  testsupport::Process({"status", name, "-o", "json"}, path + ".log").Wait();
  std::ifstream in(path + ".log");
  std::stringstream text;
  text << in.rdbuf();
  std::remove((path + ".log").c_str());
  try {
    return nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::exception&) {
    return nlohmann::json::object();
  }
}

}  // namespace

std::string StatusField(const std::string& name, const std::string& field) {
  nlohmann::json status = Status(name);
  if (!status.contains(field) || !status[field].is_string()) return "";
  return status[field];
}

std::vector<std::string> ReadEndpointServes(const std::string& name) {
  nlohmann::json status = Status(name);
  std::vector<std::string> serves;
  if (!status.contains("read_endpoint") || !status["read_endpoint"].is_object()) return serves;
  for (const auto& node : status["read_endpoint"]["serves"]) {
    if (node.is_string()) serves.push_back(node);
  }
  return serves;
}

int EndpointPort(const std::string& name) {
  nlohmann::json status = Status(name);
  if (!status.contains("endpoint") || !status["endpoint"]["port"].is_number()) return -1;
  return status["endpoint"]["port"];
}

bool Healthy(const std::string& name, int standbys) {
  nlohmann::json status = Status(name);
  if (!status.contains("primary") || !status["primary"].is_string()) return false;
  int streaming = 0;
  for (const auto& node : status["nodes"]) {
    if (node["role"] == "standby" && node["streaming"] == true &&
        node["upstream"] == status["primary"]) {
      ++streaming;
    }
  }
  return streaming == standbys && status["bouncer"]["target"] == status["primary"] &&
         status["bouncer"]["paused"] == false;
}

bool WaitHealthy(const std::string& name, int standbys, absl::Duration timeout) {
  for (absl::Time deadline = absl::Now() + timeout; absl::Now() < deadline;) {
    if (Healthy(name, standbys)) return true;
    absl::SleepFor(absl::Milliseconds(200));
  }
  return false;
}

int Sh(const std::string& command) {
  return std::system(absl::StrCat("{ ", command, "\n} >/dev/null 2>&1").c_str());
}

}  // namespace radctl::bench

namespace radctl::bench {

double CpuSeconds(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; fields >> field; ++i) {  // field 3 is the state, after "pid (comm)"
    if (i == 14) utime = std::stod(field);
    if (i == 15) {
      stime = std::stod(field);
      break;
    }
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

int64_t StatusKilobytes(pid_t pid, const std::string& key) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) == 0) {
      int64_t kb = 0;
      std::istringstream(line.substr(key.size() + 1)) >> kb;
      return kb;
    }
  }
  return -1;
}

double LineClock(const std::string& line) {
  int h = 0, m = 0;
  double s = 0;
  if (std::sscanf(line.c_str(), "%d:%d:%lf", &h, &m, &s) != 3) return -1;
  return h * 3600 + m * 60 + s;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::map<std::string, double> ContainerMemoryMiB() {
  const std::string path = "/tmp/radctl-bench-docker-stats.txt";
  Sh(absl::StrCat("docker stats --no-stream --format '{{.Name}} {{.MemUsage}}' > ", path));
  std::map<std::string, double> memory;
  std::istringstream lines(ReadFile(path));
  std::string name, usage;
  // "demo-pg-1 31.2MiB / 23.4GiB"
  while (lines >> name >> usage) {
    std::string rest;
    std::getline(lines, rest);
    double value = 0;
    size_t unit = usage.find_first_not_of("0123456789.");
    if (unit == std::string::npos) continue;
    value = std::stod(usage.substr(0, unit));
    std::string suffix = usage.substr(unit);
    if (suffix == "GiB") value *= 1024;
    if (suffix == "KiB" || suffix == "kB") value /= 1024;
    if (suffix == "B") value /= 1024 * 1024;
    memory[name] = value;
  }
  return memory;
}

double ClusterMemoryMiB(const std::map<std::string, double>& memory, const std::string& name) {
  double total = 0;
  for (const auto& [container, mib] : memory) {
    if (container.rfind(name + "-", 0) == 0) total += mib;
  }
  return total;
}

}  // namespace radctl::bench
