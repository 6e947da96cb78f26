#include "tests/integration/watch_support.h"

#include <signal.h>

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace radctl::it {

using ::radctl::testsupport::Process;
using ::radctl::testsupport::Writer;

Watcher::Watcher(const TestCluster& cluster)
    : cluster_(cluster), log_path_(absl::StrCat("/tmp/radctl-it-", cluster.name(), ".log")) {
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
  process_ = std::make_unique<Process>(
      std::vector<std::string>{"apply", "-f", cluster_.spec_path(), "--watch", "--http", "off"},
      log_path_);
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
