#include "tests/integration/watch_support.h"

#include <signal.h>

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "httplib.h"

namespace radctl::it {

using ::radctl::testsupport::Process;
using ::radctl::testsupport::Writer;

Watcher::Watcher(const TestCluster& cluster, int http_port)
    : cluster_(cluster),
      http_port_(http_port),
      log_path_(absl::StrCat("/tmp/radctl-it-", cluster.name(), ".log")) {
  std::remove(log_path_.c_str());
  Start();
}

Watcher::~Watcher() {
  if (::testing::Test::HasFailure()) {
    std::cerr << "---- watcher log ----\n" << process_->Log() << "---------------------\n";
  }
  process_->Signal(SIGKILL);
}

void Watcher::Start() {
  const std::string http = http_port_ == 0 ? "off" : absl::StrCat("127.0.0.1:", http_port_);
  process_ = std::make_unique<Process>(
      std::vector<std::string>{"apply", "-f", cluster_.spec_path(), "--watch", "--http", http},
      log_path_);
}

int64_t Watcher::Passes() const {
  httplib::Client client("127.0.0.1", http_port_);
  client.set_connection_timeout(1);
  client.set_read_timeout(2);
  httplib::Result result = client.Get("/metrics");
  if (!result || result->status != 200) return -1;
  // radctl_reconcile_runs_total{cluster="NAME"} N
  for (absl::string_view line : absl::StrSplit(result->body, '\n')) {
    if (!absl::StartsWith(line, "radctl_reconcile_runs_total{")) continue;
    int64_t passes = -1;
    if (!absl::SimpleAtoi(line.substr(line.rfind(' ') + 1), &passes)) return -1;
    return passes;
  }
  return -1;
}

::testing::AssertionResult Watcher::WaitPasses(int passes, absl::Duration timeout) const {
  if (http_port_ == 0) return ::testing::AssertionFailure() << "the watcher serves no /metrics";
  int64_t from = -1;
  return WaitFor(
      [&](std::string* observed) {
        const int64_t now = Passes();
        if (now < 0) {
          *observed = absl::StrCat("no radctl_reconcile_runs_total on :", http_port_, "/metrics");
          return false;
        }
        if (from < 0) from = now;
        *observed = absl::StrCat(now - from, " passes of ", passes);
        return now - from >= passes;
      },
      timeout);
}

std::unique_ptr<Writer> StartWriter(const TestCluster& cluster) {
  EXPECT_TRUE(cluster.QueryEndpoint(Writer::kCreateTable).ok());
  absl::StatusOr<PgEndpoint> endpoint = cluster.Endpoint();
  EXPECT_TRUE(endpoint.ok());
  auto writer = std::make_unique<Writer>(*endpoint, absl::Milliseconds(50));
  writer->Start();
  return writer;
}

::testing::AssertionResult NoAcknowledgedRowLost(const TestCluster& cluster, const Writer& writer) {
  absl::StatusOr<std::vector<std::vector<std::string>>> rows =
      cluster.QueryEndpoint("SELECT id FROM writer_rows");
  if (!rows.ok()) return ::testing::AssertionFailure() << rows.status().message();
  std::set<int64_t> present;
  for (const auto& row : *rows) present.insert(std::stoll(row[0]));
  std::vector<std::string> lost;
  for (int64_t id : writer.AcknowledgedIds()) {
    if (present.count(id) == 0) lost.push_back(std::to_string(id));
  }
  if (lost.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << lost.size() << " acknowledged rows lost: " << absl::StrJoin(lost, ",");
}

::testing::AssertionResult WritesResume(const Writer& writer, absl::Time since) {
  return WritesFlow(writer, since, 5, kHealTimeout);
}

::testing::AssertionResult WaitNewPrimary(const TestCluster& cluster,
                                          const std::string& old_primary,
                                          std::string* new_primary) {
  return WaitFor(
      [&](std::string* observed) {
        absl::StatusOr<nlohmann::json> status = cluster.Status();
        if (!status.ok() || (*status)["primary"].is_null()) return false;
        *observed = status->dump();
        *new_primary = (*status)["primary"];
        return *new_primary != old_primary && (*status)["bouncer"]["target"] == *new_primary;
      },
      kHealTimeout);
}

}  // namespace radctl::it
