#include "tests/integration/harness.h"

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "controller/clients/postgres/pg_connection.h"
#include "gtest/gtest.h"

namespace radctl::it {
namespace {

constexpr char kStateDir[] = "/tmp/radctl-integration-state";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::string ShellQuote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

CommandResult Shell(const std::string& command) {
  // radctl run here, or in the background by the tests, keeps its state in the tests' own dir.
  setenv("RADCTL_STATE_DIR", kStateDir, 1);
  static int counter = 0;
  std::string base = absl::StrCat("/tmp/radctl-it-", getpid(), "-", counter++);
  std::string full = absl::StrCat("export RADCTL_STATE_DIR=", kStateDir, "; { ", command, "\n} >",
                                  base, ".out 2>", base, ".err");
  int raw = std::system(full.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  result.out = ReadAll(base + ".out");
  result.err = ReadAll(base + ".err");
  std::remove((base + ".out").c_str());
  std::remove((base + ".err").c_str());
  return result;
}

CommandResult Radctl(const std::string& args) {
  return Shell(absl::StrCat(RADCTL_BINARY, " ", args));
}

::testing::AssertionResult WaitFor(const std::function<bool(std::string*)>& condition,
                                   absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  std::string observed;
  while (true) {
    observed.clear();
    const absl::Time asked = absl::Now();
    if (condition(&observed)) return ::testing::AssertionSuccess();
    const absl::Time answered = absl::Now();
    if (answered > deadline) {
      return ::testing::AssertionFailure()
             << "condition not met within " << absl::FormatDuration(timeout)
             << "; last observed: " << observed;
    }
    // A costly question (`radctl status` starts a process and logs into every node) is asked at
    // most a third of the time: on two cores, polling must not slow down what it waits for.
    absl::SleepFor(std::max(absl::Milliseconds(100), 2 * (answered - asked)));
  }
}

int OrdinalOf(const std::string& node_name) { return node_name.back() - '0'; }

::testing::AssertionResult WritesFlow(const testsupport::Writer& writer, absl::Time since,
                                      int count, absl::Duration timeout) {
  return WaitFor(
      [&](std::string* observed) {
        *observed = absl::StrCat(writer.Succeeded(since), " writes acknowledged since then, ",
                                 writer.Failed(since), " failed");
        return writer.Succeeded(since) >= count;
      },
      timeout);
}

TestCluster::TestCluster(std::string name, int nodes, int port, std::string extra_spec)
    : name_(std::move(name)), port_(port) {
  setenv("RADCTL_STATE_DIR", kStateDir, 1);
  spec_path_ = absl::StrCat("/tmp/radctl-it-", name_, ".yaml");
  RemoveEverything();  // what an interrupted earlier run may have left
  WriteSpec(nodes, extra_spec);
}

TestCluster::~TestCluster() {
  CommandResult deleted = Radctl(absl::StrCat("delete ", name_));
  if (deleted.exit_code != 0) {
    ADD_FAILURE() << "radctl delete " << name_ << " failed: " << deleted.err;
    RemoveEverything();  // so that the next run of the test does not start on what is left
  }
  std::remove(spec_path_.c_str());
}

void TestCluster::WriteSpec(int nodes, const std::string& extra_spec) {
  std::ofstream out(spec_path_);
  out << "apiVersion: radctl.io/v1alpha1\nkind: PostgresCluster\nmetadata:\n  name: " << name_
      << "\nspec:\n  nodes: " << nodes
      << "\n  bouncer:\n    port: " << (port_ == 0 ? std::string("auto") : std::to_string(port_))
      << "\n"
      << extra_spec;
}

std::string TestCluster::StateFile(const std::string& file) const {
  return absl::StrCat(kStateDir, "/", name_, "/", file);
}

CommandResult TestCluster::Apply(const std::string& extra_args) const {
  return Radctl(absl::StrCat("apply -f ", spec_path_, " ", extra_args));
}

absl::StatusOr<nlohmann::json> TestCluster::Status() const {
  CommandResult result = Radctl(absl::StrCat("status ", name_, " -o json"));
  if (result.exit_code != 0) {
    return absl::InternalError(absl::StrCat("radctl status failed: ", result.err));
  }
  try {
    return nlohmann::json::parse(result.out);
  } catch (const nlohmann::json::exception& e) {
    return absl::InternalError(absl::StrCat("status -o json is not JSON: ", e.what()));
  }
}

std::string TestCluster::Uri() const {
  return std::string(
      absl::StripAsciiWhitespace(Radctl(absl::StrCat("status ", name_, " -o uri")).out));
}

absl::StatusOr<PgEndpoint> TestCluster::Endpoint() const {
  // Parse the URI radctl gives (postgresql://user:password@host:port/db) as a client would.
  std::string uri = Uri();
  absl::string_view rest = uri;
  if (!absl::ConsumePrefix(&rest, "postgresql://")) {
    return absl::InternalError(absl::StrCat("unexpected endpoint URI: ", uri));
  }
  // With TLS: ?sslmode=verify-full&sslrootcert=FILE (the CA the client verifies against).
  std::string sslrootcert;
  if (size_t query = rest.find('?'); query != absl::string_view::npos) {
    for (absl::string_view option : absl::StrSplit(rest.substr(query + 1), '&')) {
      if (absl::ConsumePrefix(&option, "sslrootcert=")) sslrootcert = std::string(option);
    }
    rest = rest.substr(0, query);
  }
  std::vector<std::string> at = absl::StrSplit(rest, '@');
  std::vector<std::string> credentials = absl::StrSplit(at[0], ':');
  std::vector<std::string> host_db = absl::StrSplit(at[1], '/');
  std::vector<std::string> host_port = absl::StrSplit(host_db[0], ':');
  PgEndpoint endpoint;
  endpoint.user = credentials[0];
  endpoint.password = credentials[1];
  endpoint.host = host_port[0];
  endpoint.port = std::stoi(host_port[1]);
  endpoint.dbname = host_db[1];
  endpoint.application_name = "radctl-integration-test";
  endpoint.sslrootcert = sslrootcert;
  return endpoint;
}

absl::StatusOr<std::unique_ptr<PgConnection>> TestCluster::ConnectEndpoint() const {
  absl::StatusOr<PgEndpoint> endpoint = Endpoint();
  if (!endpoint.ok()) return endpoint.status();
  return PgConnection::Connect(RealClock(), *endpoint, absl::Seconds(5));
}

absl::StatusOr<std::unique_ptr<PgConnection>> TestCluster::BouncerConsole() const {
  absl::StatusOr<PgEndpoint> endpoint = Endpoint();
  if (!endpoint.ok()) return endpoint.status();
  std::ifstream in(StateFile("secrets.json"));
  nlohmann::json secrets = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (secrets.is_discarded()) return absl::InternalError("cannot read the cluster's secrets");
  PgEndpoint console{endpoint->host, endpoint->port, "radctl",
                     secrets.value("bouncer_password", ""), "pgbouncer"};
  return PgConnection::Connect(RealClock(), console, absl::Seconds(3));
}

absl::StatusOr<std::vector<std::vector<std::string>>> TestCluster::QueryEndpoint(
    const std::string& sql) const {
  auto conn = ConnectEndpoint();
  if (!conn.ok()) return conn.status();
  auto rows = (*conn)->Query(sql, absl::Seconds(10));
  if (!rows.ok()) return rows.status();
  std::vector<std::vector<std::string>> result;
  for (const PgRow& row : *rows) {
    std::vector<std::string> values;
    for (const auto& value : row) values.push_back(value.value_or("NULL"));
    result.push_back(values);
  }
  return result;
}

absl::StatusOr<std::string> TestCluster::QueryNode(int ordinal, const std::string& sql,
                                                   const std::string& db) const {
  CommandResult result = Shell(absl::StrCat(
      "docker exec ", Node(ordinal), " psql -X -At -U postgres -d ", db, " -c ", ShellQuote(sql)));
  if (result.exit_code != 0) {
    return absl::InternalError(absl::StrCat("psql in ", Node(ordinal), ": ", result.err));
  }
  return std::string(absl::StripAsciiWhitespace(result.out));
}

bool TestCluster::Healthy(int standbys, std::string* observed, std::string* primary) const {
  absl::StatusOr<nlohmann::json> status = Status();
  if (!status.ok()) {
    *observed = std::string(status.status().message());
    return false;
  }
  *observed = status->dump();
  if ((*status)["primary"].is_null()) return false;
  std::string name = (*status)["primary"];
  if (primary != nullptr) *primary = name;
  int primaries = 0;
  int streaming = 0;
  for (const nlohmann::json& node : (*status)["nodes"]) {
    if (node["role"] == "primary") ++primaries;
    if (node["role"] == "standby" && node["streaming"] == true && node["upstream"] == name) {
      ++streaming;
    }
  }
  return primaries == 1 && streaming == standbys && (*status)["bouncer"]["target"] == name &&
         (*status)["bouncer"]["paused"] == false;
}

::testing::AssertionResult TestCluster::WaitHealthy(int standbys, absl::Duration timeout,
                                                    std::string* primary) const {
  // radctl wait watches in one process on kept sessions, where each radctl status starts a
  // process and logs into every node: the CPU stays with what is awaited. What a user sees in
  // radctl status then decides (polled on if it still differs, within what is left).
  const absl::Time deadline = absl::Now() + timeout;
  Radctl(absl::StrCat("wait ", name_,
                      " --for condition=Ready --for condition=Degraded=false --timeout ",
                      absl::ToInt64Milliseconds(timeout), "ms"));
  return WaitFor([&](std::string* observed) { return Healthy(standbys, observed, primary); },
                 std::max(deadline - absl::Now(), absl::ZeroDuration()));
}

::testing::AssertionResult TestCluster::WaitNodeQuery(int ordinal, const std::string& sql,
                                                      const std::string& expected,
                                                      absl::Duration timeout) const {
  return WaitFor(
      [&](std::string* observed) {
        absl::StatusOr<std::string> result = QueryNode(ordinal, sql);
        *observed = result.ok() ? *result : std::string(result.status().message());
        return result.ok() && *result == expected;
      },
      timeout);
}

std::vector<std::string> TestCluster::LabelledObjects(const std::string& kind) const {
  std::string filter = absl::StrCat("--filter label=io.radctl.cluster=", name_);
  std::string command;
  if (kind == "containers") command = absl::StrCat("docker ps -a -q ", filter);
  if (kind == "networks") command = absl::StrCat("docker network ls -q ", filter);
  if (kind == "volumes") command = absl::StrCat("docker volume ls -q ", filter);
  CommandResult result = Shell(command);
  return absl::StrSplit(result.out, '\n', absl::SkipWhitespace());
}

void TestCluster::RemoveEverything() const {
  std::string filter = absl::StrCat("--filter label=io.radctl.cluster=", name_);
  Shell(absl::StrCat("docker ps -a -q ", filter, " | xargs -r docker rm -f"));
  Shell(absl::StrCat("docker network ls -q ", filter, " | xargs -r docker network rm"));
  Shell(absl::StrCat("docker volume ls -q ", filter, " | xargs -r docker volume rm -f"));
  // Volumes of the cluster's names without its label too: Docker makes one, unlabelled, for a
  // container created after its volume was removed (a controller left running by an aborted
  // run, racing this clean-up), and radctl would find another cluster's data in it.
  Shell(absl::StrCat("docker volume ls -q | grep -E '^", name_,
                     "-(pg-[0-9]+-data|controller-state|backup)$' | xargs -r docker volume rm -f"));
  Shell(absl::StrCat("rm -rf ", kStateDir, "/", name_));
}

namespace {

struct Shared {
  std::unique_ptr<TestCluster> cluster;
  int nodes = 0;
  std::string extra_spec;
};

// The shared clusters of this process, deleted after its last test (by the environment, so that
// a failing delete fails the run).
std::map<std::string, Shared>* shared_clusters = nullptr;

class SharedClusters : public ::testing::Environment {
 public:
  void TearDown() override { shared_clusters->clear(); }
};

}  // namespace

TestCluster& SharedCluster(const std::string& name, int nodes, int port,
                           const std::string& extra_spec) {
  if (shared_clusters == nullptr) {
    shared_clusters = new std::map<std::string, Shared>();
    ::testing::AddGlobalTestEnvironment(new SharedClusters);
  }
  // One at a time: a suite's other shared cluster is deleted first (idle, it would still take
  // CPU from the tests).
  for (auto it = shared_clusters->begin(); it != shared_clusters->end();) {
    it = it->first == name ? std::next(it) : shared_clusters->erase(it);
  }
  Shared& shared = (*shared_clusters)[name];
  if (shared.cluster != nullptr) {
    shared.cluster->WriteSpec(shared.nodes, shared.extra_spec);  // a test may have edited it
    if (shared.cluster->Apply().exit_code == 0 &&
        shared.cluster->WaitHealthy(shared.nodes - 1, absl::Seconds(60))) {
      return *shared.cluster;
    }
    std::cerr << "the shared cluster " << name
              << " is not healthy after the last test: bringing it up afresh\n";
    shared.cluster.reset();
  }
  shared.cluster = std::make_unique<TestCluster>(name, nodes, port, extra_spec);
  shared.nodes = nodes;
  shared.extra_spec = extra_spec;
  CommandResult applied = shared.cluster->Apply();
  EXPECT_EQ(applied.exit_code, 0) << applied.err;
  return *shared.cluster;
}

}  // namespace radctl::it
