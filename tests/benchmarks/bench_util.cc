#include "tests/benchmarks/bench_util.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "tests/support/process.h"

namespace radctl::bench {

std::string WriteSpec(const std::string& name, int nodes, int port, const std::string& extra) {
  std::string path = absl::StrCat("/tmp/radctl-bench-", name, ".yaml");
  std::ofstream(path) << "apiVersion: radctl.io/v1alpha1\nkind: PostgresCluster\nmetadata:\n"
                      << "  name: " << name << "\nspec:\n  nodes: " << nodes
                      << "\n  bouncer:\n    port: " << port
                      << "\n  auth:\n    password: " << kPassword << "\n"
                      << extra;
  return path;
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

int Sh(const std::string& command) {
  return std::system(absl::StrCat("{ ", command, "\n} >/dev/null 2>&1").c_str());
}

}  // namespace radctl::bench
