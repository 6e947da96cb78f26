// The Compose example (crd-like-specs/examples/compose/) as a user runs it on a fresh clone:
// the secret made as its header says, then Debian's docker-compose brings up radctl's controller
// image (never pulled: made by hack/) and, once the controller reports the cluster healthy, an
// app that writes through <name>-bouncer:6432; the primary is killed; the app's writes must go
// on and every write the app saw acknowledged must be in the table afterwards (the example
// replicates synchronously). The example is copied with its names and ports changed to this
// test's own (cmp-*).
#include <httplib.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "tests/integration/harness.h"

namespace radctl::it {
namespace {

constexpr char kCluster[] = "cmp-compose";
constexpr char kProject[] = "cmp-app";
constexpr char kDir[] = "/tmp/radctl-it-compose";
constexpr int kBouncerPort = 16583;
constexpr int kHttpPort = 18483;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The example with this test's names: the cluster, its network and bouncer, and its ports.
void CopyExample() {
  const std::string source = absl::StrCat(RADCTL_SOURCE_DIR, "/crd-like-specs/examples/compose");
  ASSERT_EQ(Shell(absl::StrCat("rm -rf ", kDir, " && mkdir -p ", kDir, "/cluster")).exit_code, 0);
  const std::vector<std::pair<std::string, std::string>> renames = {
      {"shop", kCluster}, {"6543", absl::StrCat(kBouncerPort)}, {"8433", absl::StrCat(kHttpPort)}};
  for (const char* file : {"docker-compose.yml", "writer.sh", "cluster/shop.yaml"}) {
    std::string text = absl::StrReplaceAll(ReadFile(absl::StrCat(source, "/", file)), renames);
    ASSERT_FALSE(text.empty()) << "cannot read " << source << "/" << file;
    std::string target = absl::StrReplaceAll(absl::StrCat(kDir, "/", file), renames);
    std::ofstream(target) << text;
  }
  // The secret, made as the example's header says.
  ASSERT_EQ(Shell(absl::StrCat("cd ", kDir,
                               " && mkdir -m 700 -p secrets && head -c 18 "
                               "/dev/urandom | base64 > secrets/",
                               kCluster, "_password"))
                .exit_code,
            0);
}

CommandResult Compose(const std::string& args) {
  return Shell(absl::StrCat("cd ", kDir, " && docker-compose -p ", kProject, " ", args));
}

// What the app printed: the ids of acknowledged writes, and how many failed.
struct AppLog {
  std::vector<int64_t> acked;
  int failed = 0;
  std::string last_failure;
};

// The app's container, asked of docker-compose once it exists (each docker-compose run costs
// about half a second of CPU, taken from the failover being tested).
std::string AppContainer() {
  static std::string id;
  if (id.empty()) id = std::string(absl::StripAsciiWhitespace(Compose("ps -q app").out));
  return id;
}

AppLog ReadAppLog() {
  AppLog log;
  const std::string id = AppContainer();
  if (id.empty()) return log;
  CommandResult logs = Shell(absl::StrCat("docker logs ", id));
  for (absl::string_view line : absl::StrSplit(logs.out, '\n', absl::SkipEmpty())) {
    int64_t ack = 0;
    if (absl::ConsumePrefix(&line, "ack ") && absl::SimpleAtoi(line, &ack)) {
      log.acked.push_back(ack);
    } else if (absl::ConsumePrefix(&line, "fail ")) {
      ++log.failed;
      log.last_failure = std::string(line);
    }
  }
  return log;
}

// The last lines the controller and the app logged: what a user would look at first.
std::string RecentLogs() {
  return absl::StrCat("\ncontroller:\n", Compose("logs --no-color --tail 8 radctl").out, "app:\n",
                      Compose("logs --no-color --tail 4 app").out);
}

// The controller's status, from its HTTP endpoint on the host's loopback.
std::optional<nlohmann::json> ControllerStatus() {
  httplib::Client client("127.0.0.1", kHttpPort);
  client.set_connection_timeout(2);
  client.set_read_timeout(5);
  httplib::Result result = client.Get("/api/v1/status");
  if (!result || result->status != 200) return std::nullopt;
  try {
    return nlohmann::json::parse(result->body);
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

// Removes what this test (or an interrupted run of it) created: the controller and app, then
// the cluster with the controller's own `radctl delete`, then the network and state volume.
void TearDownAll() {
  Compose("stop");
  Compose(absl::StrCat("run --rm radctl delete ", kCluster));
  Compose("down -v");
  // Whatever a half-started run left behind (the controller may never have run).
  Radctl(absl::StrCat("delete ", kCluster));
  Shell(absl::StrCat("docker network rm ", kCluster, "-net"));
}

class ComposeExample : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(Shell("docker-compose version").exit_code, 0)
        << "docker-compose is not installed (hack/lib.sh installs it)";
    // The image the example names must hold the radctl under test, or this would test another
    // build.
    CommandResult local = Radctl("version -o json");
    ASSERT_EQ(local.exit_code, 0) << local.err;
    const std::string tag = nlohmann::json::parse(local.out)["version"].get<std::string>();
    CommandResult image =
        Shell(absl::StrCat("docker run --rm radctl/radctl:", tag, " version -o json"));
    ASSERT_EQ(image.exit_code, 0) << "no radctl/radctl image: hack/lib.sh ensure_radctl_image "
                                  << "builds it\n"
                                  << image.err;
    ASSERT_EQ(nlohmann::json::parse(image.out)["gitDescribe"],
              nlohmann::json::parse(local.out)["gitDescribe"])
        << "radctl/radctl holds another build than the radctl under test; rebuild it "
           "(hack/lib.sh ensure_radctl_image)";
    CopyExample();
    // What an interrupted earlier run left (each docker-compose run costs half a CPU-second).
    if (!Shell(absl::StrCat("docker ps -aq --filter label=com.docker.compose.project=", kProject,
                            "; docker ps -aq --filter label=io.radctl.cluster=", kCluster,
                            "; docker volume ls -q --filter label=com.docker.compose.project=",
                            kProject, "; docker network ls -q --filter name=", kCluster, "-net"))
             .out.empty()) {
      TearDownAll();
    }
  }
  void TearDown() override {
    TearDownAll();
    EXPECT_EQ(Shell(absl::StrCat("docker ps -aq --filter label=io.radctl.cluster=", kCluster)).out,
              "")
        << "containers of " << kCluster << " are left";
  }
};

TEST_F(ComposeExample, AppWritesThroughTheBouncerAcrossAPrimaryKill) {
  // Compose starts the app only once the controller's healthcheck (radctl ready) passes.
  CommandResult up = Compose("up -d");
  ASSERT_EQ(up.exit_code, 0) << up.err << RecentLogs();
  CommandResult health =
      Shell(absl::StrCat("docker inspect -f '{{.State.Health.Status}}' $(docker-compose -f ", kDir,
                         "/docker-compose.yml -p ", kProject, " ps -q radctl)"));
  EXPECT_EQ(std::string(absl::StripAsciiWhitespace(health.out)), "healthy") << health.err;

  // The controller creates the cluster; the app, waiting on the cluster network, starts writing.
  ASSERT_TRUE(WaitFor(
      [](std::string* observed) {
        AppLog log = ReadAppLog();
        *observed = absl::StrCat(log.acked.size(), " writes acknowledged, ", log.failed,
                                 " failed; last failure: ", log.last_failure);
        return log.acked.size() >= 20;
      },
      absl::Seconds(180)))
      << RecentLogs();
  std::string primary;
  ASSERT_TRUE(WaitFor(
      [&](std::string* observed) {
        std::optional<nlohmann::json> status = ControllerStatus();
        *observed = status ? status->dump() : "no answer on the controller's endpoint";
        if (!status || !(*status)["primary"].is_string()) return false;
        primary = (*status)["primary"].get<std::string>();
        return !primary.empty();
      },
      absl::Seconds(30)));

  // The radctl in the controller's container answers for the cluster (its state is there).
  CommandResult in_container =
      Compose(absl::StrCat("exec -T radctl radctl status ", kCluster, " -o json"));
  ASSERT_EQ(in_container.exit_code, 0) << in_container.err;
  EXPECT_EQ(nlohmann::json::parse(in_container.out)["primary"], primary);

  const size_t acked_before_kill = ReadAppLog().acked.size();
  ASSERT_EQ(Shell(absl::StrCat("docker kill ", primary)).exit_code, 0);

  // Writes go on: well after the kill, the app keeps getting acknowledgements.
  ASSERT_TRUE(WaitFor(
      [&](std::string* observed) {
        AppLog log = ReadAppLog();
        *observed = absl::StrCat(log.acked.size() - acked_before_kill,
                                 " writes acknowledged since the kill, ", log.failed,
                                 " failed; last failure: ", log.last_failure);
        return log.acked.size() >= acked_before_kill + 20;
      },
      absl::Seconds(90)))
      << RecentLogs();
  std::string new_primary;
  ASSERT_TRUE(WaitFor(
      [&](std::string* observed) {
        std::optional<nlohmann::json> status = ControllerStatus();
        *observed = status ? status->dump() : "no answer on the controller's endpoint";
        if (!status || !(*status)["primary"].is_string()) return false;
        new_primary = (*status)["primary"].get<std::string>();
        return !new_primary.empty() && new_primary != primary;
      },
      absl::Seconds(30)));

  // Nothing acknowledged is lost: every id the app saw acknowledged is on the new primary.
  ASSERT_EQ(Compose("stop app").exit_code, 0);
  AppLog log = ReadAppLog();
  CommandResult rows = Shell(absl::StrCat("docker exec ", new_primary,
                                          " psql -X -At -U postgres -d app -c "
                                          "'SELECT id FROM app_writes'"));
  ASSERT_EQ(rows.exit_code, 0) << rows.err;
  std::set<int64_t> stored;
  for (absl::string_view line : absl::StrSplit(rows.out, '\n', absl::SkipEmpty())) {
    int64_t id = 0;
    if (absl::SimpleAtoi(line, &id)) stored.insert(id);
  }
  std::vector<int64_t> lost;
  for (int64_t id : log.acked) {
    if (stored.count(id) == 0) lost.push_back(id);
  }
  EXPECT_TRUE(lost.empty()) << lost.size() << " acknowledged writes are not on " << new_primary
                            << ", e.g. id " << lost.front();
  std::cerr << "compose example: " << log.acked.size() << " writes acknowledged ("
            << log.acked.size() - acked_before_kill << " after killing " << primary << "), "
            << log.failed << " failed, " << lost.size() << " lost; new primary " << new_primary
            << "\n";
}

}  // namespace
}  // namespace radctl::it
