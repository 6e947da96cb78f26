// The verbs' own logic on a FakeWorld (a simulated engine with Postgres nodes and a bouncer) and
// a state directory of their own: what a user would check after each command — what it printed,
// what it kept, and that a refused or dry command changed nothing.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "controller/cli/commands.h"
#include "controller/state/cluster_lock.h"
#include "controller/state/cluster_store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/fakes/fake_world.h"

namespace radctl::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

std::string NewStateRoot() {
  std::string path = (std::filesystem::temp_directory_path() / "radctl-cli-test-XXXXXX").string();
  if (mkdtemp(path.data()) == nullptr) ADD_FAILURE() << "cannot make " << path;
  return path;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every file under `root` with its content: what "nothing changed" is checked against.
std::map<std::string, std::string> Snapshot(const std::string& root) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) files[entry.path().string()] = ReadFile(entry.path().string());
  }
  return files;
}

// The files added, removed or changed between two snapshots (names only: they hold passwords).
std::vector<std::string> Changed(const std::map<std::string, std::string>& before,
                                 const std::map<std::string, std::string>& after) {
  std::vector<std::string> changed;
  for (const auto& [file, content] : after) {
    auto was = before.find(file);
    if (was == before.end()) changed.push_back(file + " (added)");
    if (was != before.end() && was->second != content) changed.push_back(file + " (changed)");
  }
  for (const auto& [file, content] : before) {
    if (after.count(file) == 0) changed.push_back(file + " (removed)");
  }
  return changed;
}

class VerbsOnFakesTest : public ::testing::Test {
 protected:
  VerbsOnFakesTest() : world_("demo"), root_(NewStateRoot()) {}
  ~VerbsOnFakesTest() override { std::filesystem::remove_all(root_); }

  // Runs a verb as main() does, minus parsing: with this test's world and state directory.
  template <typename Options>
  absl::Status Run(absl::Status (*run)(const CliContext&, const Options&), const Options& options) {
    out_.str("");
    err_.str("");
    CliContext context{root_,
                       false,
                       out_,
                       err_,
                       stop_,
                       world_.clock(),
                       [this]() -> absl::StatusOr<const Env*> { return &world_.env(); },
                       [this](const std::string& container, int, bool,
                              const std::function<void(absl::string_view)>& on_text,
                              const std::atomic<bool>&) -> absl::Status {
                         for (int ordinal = 1; ordinal <= 9; ++ordinal) {
                           if (world_.NodeName(ordinal) == container) {
                             on_text(world_.Node(ordinal).log);
                             return absl::OkStatus();
                           }
                         }
                         if (container == "demo-bouncer" && world_.Bouncer().container) {
                           on_text("LOG listening\n");
                           return absl::OkStatus();
                         }
                         return absl::NotFoundError(container);
                       }};
    return run(context, options);
  }

  std::string WriteSpec(const std::string& spec_body) {
    const std::string path = root_ + "-demo.yaml";
    std::ofstream(path) << "apiVersion: radctl.io/v1alpha1\nkind: PostgresCluster\n"
                           "metadata:\n  name: demo\nspec:\n"
                        << spec_body;
    files_.push_back(path);
    return path;
  }

  absl::Status Apply(const std::string& spec_body) {
    ApplyOptions apply;
    apply.files = {WriteSpec(spec_body)};
    apply.http = "off";
    return Run(&RunApply, apply);
  }

  void TearDown() override {
    for (const std::string& file : files_) std::remove(file.c_str());
  }

  testing::FakeWorld world_;
  std::string root_;
  std::ostringstream out_;
  std::ostringstream err_;
  std::atomic<bool> stop_{false};
  std::vector<std::string> files_;
};

TEST_F(VerbsOnFakesTest, ApplyThenStatusListAndEnvShowTheCluster) {
  ASSERT_TRUE(Apply("  nodes: 3\n  bouncer: {port: auto}\n").ok()) << err_.str();
  ASSERT_EQ(world_.Primaries().size(), 1u);

  StatusOptions status;
  status.name = "demo";
  status.output = "json";
  ASSERT_TRUE(Run(&RunStatus, status).ok()) << err_.str();
  nlohmann::json json = nlohmann::json::parse(out_.str());
  EXPECT_EQ(json["name"], "demo");
  EXPECT_EQ(json["primary"], world_.NodeName(world_.Primaries()[0]));
  EXPECT_EQ(json["nodes"].size(), 3u);

  status.output = "yaml";
  ASSERT_TRUE(Run(&RunStatus, status).ok());
  EXPECT_THAT(out_.str(), HasSubstr("name: demo\n"));

  status.output = "env";
  ASSERT_TRUE(Run(&RunStatus, status).ok());
  ClusterStore store(root_, "demo", world_.clock());
  const int port = store.LoadSpec()->bouncer.port;
  EXPECT_THAT(out_.str(), HasSubstr(absl::StrCat("export PGPORT='", port, "'\n")));
  EXPECT_THAT(out_.str(), HasSubstr("export PGSSLMODE='verify-full'\n"));
  EXPECT_THAT(out_.str(), HasSubstr("export DATABASE_URL='postgresql://app:"));

  ListOptions list;
  list.output = "name";
  ASSERT_TRUE(Run(&RunList, list).ok());
  EXPECT_EQ(out_.str(), "demo\n");
}

TEST_F(VerbsOnFakesTest, DryRunLeavesTheStateDirectoryAsItWas) {
  ASSERT_TRUE(Apply("  nodes: 2\n  bouncer: {port: auto}\n").ok()) << err_.str();
  const std::map<std::string, std::string> before = Snapshot(root_);
  ApplyOptions dry;
  dry.files = {WriteSpec("  nodes: 3\n  bouncer: {port: auto}\n")};
  dry.dry_run = true;
  ASSERT_TRUE(Run(&RunApply, dry).ok()) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("DRY-RUN"));
  EXPECT_THAT(out_.str(), HasSubstr("demo-pg-3"));
  EXPECT_THAT(Changed(before, Snapshot(root_)), IsEmpty());
  EXPECT_FALSE(world_.Node(3).container) << "a dry run created a container";
}

// requests.json holding a switchover that is already done: a dry run leaves it too. Clearing a
// completed request is the loop's to do when it acts, not a dry run's, which promises no write.
TEST_F(VerbsOnFakesTest, DryRunLeavesACompletedRequestInPlace) {
  ASSERT_TRUE(Apply("  nodes: 2\n  bouncer: {port: auto}\n").ok()) << err_.str();
  ClusterStore store(root_, "demo", world_.clock());
  Requests done;
  done.switchover_to = world_.Primaries()[0];
  ASSERT_TRUE(store.SaveRequests(done).ok());
  const std::map<std::string, std::string> before = Snapshot(root_);
  ApplyOptions dry;
  dry.files = {WriteSpec("  nodes: 2\n  bouncer: {port: auto}\n")};
  dry.dry_run = true;
  ASSERT_TRUE(Run(&RunApply, dry).ok()) << err_.str();
  EXPECT_THAT(Changed(before, Snapshot(root_)), IsEmpty());
}

TEST_F(VerbsOnFakesTest, ScaleBelowTheSynchronousQuorumIsRefusedAndNothingChanges) {
  ASSERT_TRUE(
      Apply("  nodes: 3\n  bouncer: {port: auto}\n  replication: {synchronous: {number: 2}}\n")
          .ok())
      << err_.str();
  const std::map<std::string, std::string> before = Snapshot(root_);
  ScaleOptions scale;
  scale.name = "demo";
  scale.nodes = 2;
  absl::Status refused = Run(&RunScale, scale);
  EXPECT_TRUE(absl::IsInvalidArgument(refused)) << refused;  // exit 2
  EXPECT_THAT(refused.message(), HasSubstr("spec.replication.synchronous.number"));
  EXPECT_THAT(refused.message(), HasSubstr("Nothing was changed"));
  EXPECT_THAT(Changed(before, Snapshot(root_)), IsEmpty());
  EXPECT_TRUE(world_.Node(3).container);

  scale.nodes = 4;  // above the quorum: fine
  EXPECT_TRUE(Run(&RunScale, scale).ok()) << err_.str();
  EXPECT_TRUE(world_.Node(4).container);
}

TEST_F(VerbsOnFakesTest, ScaleStopsAtTheFirstSignalWhileWaitingForARunningController) {
  ASSERT_TRUE(Apply("  nodes: 2\n  bouncer: {port: auto}\n").ok()) << err_.str();
  ClusterStore store(root_, "demo", world_.clock());
  // Another controller holds the cluster (this process's lock counts as another's).
  absl::StatusOr<ClusterLock> watcher =
      ClusterLock::Acquire(world_.clock(), store.dir(), "demo", "a watcher");
  ASSERT_TRUE(watcher.ok()) << watcher.status();
  std::thread signal([this] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    stop_ = true;
  });
  ScaleOptions scale;
  scale.name = "demo";
  scale.nodes = 3;
  absl::Status stopped = Run(&RunScale, scale);
  signal.join();
  EXPECT_TRUE(absl::IsCancelled(stopped)) << stopped;
  EXPECT_THAT(err_.str(), HasSubstr("a controller is running"));
  // What was asked is kept: the running controller carries it out.
  EXPECT_EQ(store.LoadSpec()->nodes, 3);
}

TEST_F(VerbsOnFakesTest, EventsSinceATimeAsPsqlPrintsIt) {
  ASSERT_TRUE(Apply("  nodes: 1\n  bouncer: {port: auto}\n").ok()) << err_.str();
  EventsOptions events;
  events.name = "demo";
  events.output = "json";
  ASSERT_TRUE(Run(&RunEvents, events).ok());
  const size_t all = nlohmann::json::parse(out_.str()).size();
  ASSERT_GT(all, 0u);
  events.since = absl::FormatTime("%Y-%m-%d %H:%M:%E6S+00", world_.clock().Now() + absl::Hours(1),
                                  absl::UTCTimeZone());
  ASSERT_TRUE(Run(&RunEvents, events).ok());
  EXPECT_EQ(nlohmann::json::parse(out_.str()).size(), 0u);
  events.since = "2000-01-01 00:00:00+00";
  ASSERT_TRUE(Run(&RunEvents, events).ok());
  EXPECT_EQ(nlohmann::json::parse(out_.str()).size(), all);
}

TEST_F(VerbsOnFakesTest, LogsOfOneNodeOrOfEveryContainerWithItsName) {
  ASSERT_TRUE(Apply("  nodes: 2\n  bouncer: {port: auto}\n").ok()) << err_.str();
  world_.SetLog(1, "LOG:  one\nLOG:  two\n");
  world_.SetLog(2, "LOG:  standby\n");
  LogsOptions logs;
  logs.name = "demo";
  logs.source = "1";
  ASSERT_TRUE(Run(&RunLogs, logs).ok()) << err_.str();
  EXPECT_EQ(out_.str(), "LOG:  one\nLOG:  two\n");
  logs.source = "";
  ASSERT_TRUE(Run(&RunLogs, logs).ok()) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("demo-pg-1    | LOG:  two\n"));
  EXPECT_THAT(out_.str(), HasSubstr("demo-pg-2    | LOG:  standby\n"));
  EXPECT_THAT(out_.str(), HasSubstr("demo-bouncer | LOG listening\n"));
  logs.source = "events";
  ASSERT_TRUE(Run(&RunLogs, logs).ok());
  EXPECT_THAT(out_.str(), HasSubstr("demo-pg-1"));
}

TEST_F(VerbsOnFakesTest, ExportOfASpecFileNeedsNoClusterAndNoEngine) {
  ExportOptions export_options;
  export_options.file = WriteSpec("  nodes: 3\n  replication: {synchronous: {number: 2}}\n");
  export_options.format = "cnpg";
  ASSERT_TRUE(Run(&RunExport, export_options).ok()) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("kind: Cluster"));
  EXPECT_THAT(out_.str(), HasSubstr("number: 2"));
  EXPECT_FALSE(std::filesystem::exists(root_ + "/demo")) << "an export wrote state";
  EXPECT_EQ(world_.ContainerListings(), 0);
}

TEST_F(VerbsOnFakesTest, RestoreWritesNothingWhenTheNewSpecWouldBeInvalid) {
  ASSERT_TRUE(
      Apply("  nodes: 3\n  bouncer: {port: auto}\n  replication: {synchronous: {number: 2}}\n")
          .ok())
      << err_.str();
  RestoreOptions restore;
  restore.name = "copy";
  restore.from = "demo";
  restore.to_time = "2026-12-06T03:50:19.555224+00:00";
  restore.nodes = 2;  // two nodes cannot have two synchronous standbys
  restore.file = root_ + "-copy.yaml";
  absl::Status refused = Run(&RunRestore, restore);
  EXPECT_TRUE(absl::IsInvalidArgument(refused)) << refused;
  EXPECT_FALSE(std::filesystem::exists(restore.file));
  EXPECT_FALSE(std::filesystem::exists(root_ + "/copy"));
}

// A cluster an older radctl made and kept (state format 1: no format.json, passwords without
// SCRAM secrets, no TLS, a spec without tls): this radctl takes it over on apply, keeps its
// primary and its events, and turns TLS on.
TEST_F(VerbsOnFakesTest, AClusterAnOlderRadctlMadeIsTakenOver) {
  // The old cluster: nodes and a bouncer without TLS, as the old release ran them.
  ASSERT_TRUE(Apply("  nodes: 2\n  bouncer: {port: 29631}\n  tls: {enabled: false}\n").ok())
      << err_.str();
  ASSERT_EQ(world_.Primaries().size(), 1u);
  const int primary = world_.Primaries()[0];
  ASSERT_FALSE(world_.Node(primary).ssl);
  // Its state as the old release left it.
  const std::string dir = root_ + "/demo";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name != "primary.json" && name != "lock") std::filesystem::remove_all(entry.path());
  }
  const std::string fixture =
      std::string(RADCTL_SOURCE_DIR) + "/tests/unit/cli/fixtures/state-format-1/demo";
  for (const char* file : {"spec.yaml", "secrets.json", "events.jsonl"}) {
    std::filesystem::copy_file(fixture + "/" + file, dir + "/" + file);
    std::filesystem::permissions(
        dir + "/" + file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  }

  // The user applies the spec file of those days (no tls field: TLS is on by default now).
  ASSERT_TRUE(Apply("  nodes: 2\n  bouncer: {port: 29631}\n").ok()) << err_.str();
  EXPECT_THAT(err_.str(), HasSubstr("state format 1 (an older radctl's) taken over as format 2"));
  EXPECT_THAT(ReadFile(dir + "/format.json"), HasSubstr("\"format\": 2"));
  nlohmann::json secrets = nlohmann::json::parse(ReadFile(dir + "/secrets.json"));
  EXPECT_EQ(secrets["app_password"], "hq4RbTn2XwVf8KsL0pYd6ZcM");  // the cluster's, kept
  EXPECT_THAT(secrets["app_scram"].get<std::string>(), ::testing::StartsWith("SCRAM-SHA-256$"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/tls/ca.crt"));
  EXPECT_THAT(ReadFile(dir + "/spec.yaml"), HasSubstr("tls:\n    enabled: true"));
  // The same primary, now serving TLS; nothing lost from its history.
  EXPECT_EQ(world_.Primaries(), std::vector<int>{primary});
  EXPECT_TRUE(world_.Node(primary).ssl);
  EXPECT_THAT(ReadFile(dir + "/events.jsonl"), HasSubstr("2026-11-30T09:12:01.734002"));

  // Taken over once: applying again changes the format no more.
  ASSERT_TRUE(Apply("  nodes: 2\n  bouncer: {port: 29631}\n").ok()) << err_.str();
  EXPECT_THAT(err_.str(), Not(HasSubstr("taken over")));
}

TEST_F(VerbsOnFakesTest, StateANewerRadctlWroteIsRefusedAndLeftAlone) {
  ASSERT_TRUE(Apply("  nodes: 1\n  bouncer: {port: auto}\n").ok()) << err_.str();
  const std::string dir = root_ + "/demo";
  std::ofstream(dir + "/format.json") << "{\"format\": 99, \"written_by\": \"radctl 9.0\"}\n";
  const std::map<std::string, std::string> before = Snapshot(root_);
  absl::Status refused = Apply("  nodes: 2\n  bouncer: {port: auto}\n");
  EXPECT_TRUE(absl::IsFailedPrecondition(refused)) << refused;
  EXPECT_THAT(refused.message(), HasSubstr("has format 99, written by radctl 9.0"));
  EXPECT_THAT(Changed(before, Snapshot(root_)), IsEmpty());
  EXPECT_FALSE(world_.Node(2).container);
  StatusOptions status;
  status.name = "demo";
  EXPECT_TRUE(absl::IsFailedPrecondition(Run(&RunStatus, status)));
}

// radctl wait observes the cluster itself until the conditions are as asked, and says what it
// last saw when they are not within --timeout.
TEST_F(VerbsOnFakesTest, WaitReturnsOnceTheConditionsHoldAndOtherwiseSaysWhatItSaw) {
  ASSERT_TRUE(Apply("  nodes: 3\n  bouncer: {port: auto}\n").ok()) << err_.str();
  WaitOptions wait;
  wait.name = "demo";
  wait.wanted = {{"Ready", true}, {"Degraded", false}};
  wait.timeout = absl::Seconds(5);
  ASSERT_TRUE(Run(&RunWait, wait).ok()) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("Ready=True"));

  world_.Kill(3);  // a standby: the endpoint still reaches the primary, one standby short
  wait.wanted = {{"Ready", true}};
  EXPECT_TRUE(Run(&RunWait, wait).ok()) << err_.str();
  wait.wanted = {{"Degraded", false}};
  absl::Status degraded = Run(&RunWait, wait);
  EXPECT_TRUE(absl::IsDeadlineExceeded(degraded)) << degraded;
  EXPECT_THAT(degraded.message(), HasSubstr("Degraded=True (StandbysNotStreaming"));
}

TEST(ParseWaitTest, ConditionsAsKubectlWritesThemAndNothingElse) {
  const std::set<std::string> declared = {"--for", "--timeout"};
  absl::StatusOr<WaitOptions> parsed = ParseWait(ParsedArgs(
      {{"--for", {"condition=Ready", "condition=degraded=False"}}, {"--timeout", {"2m"}}}, {"demo"},
      declared));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->wanted.size(), 2u);
  EXPECT_EQ(parsed->wanted[0].type, "Ready");
  EXPECT_TRUE(parsed->wanted[0].status);
  EXPECT_EQ(parsed->wanted[1].type, "Degraded");
  EXPECT_FALSE(parsed->wanted[1].status);
  EXPECT_EQ(parsed->timeout, absl::Minutes(2));
  for (const char* bad :
       {"cond=Ready", "condition=Healthy", "condition=Ready=yes", "condition=Ready=true=1"}) {
    absl::Status refused = ParseWait(ParsedArgs({{"--for", {bad}}}, {"demo"}, declared)).status();
    EXPECT_TRUE(absl::IsInvalidArgument(refused)) << bad << ": " << refused;
  }
  EXPECT_TRUE(absl::IsInvalidArgument(
      ParseWait(ParsedArgs({{"--timeout", {"soon"}}}, {"demo"}, declared)).status()));
}

}  // namespace
}  // namespace radctl::cli
