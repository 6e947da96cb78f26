// The desired state for apply, watch and scale: the file, the kept spec and their merge.
#include "controller/state/desired_state_loader.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace radctl {
namespace {

using ::testing::HasSubstr;

class DesiredStateLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / absl::StrCat("radctl-desired-", getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "demo.yaml").string();
    Write(3);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(int nodes, const std::string& name = "demo") {
    // mtime must change even within one clock tick of the file system.
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::ofstream(path_) << "apiVersion: radctl.io/v1alpha1\nkind: PostgresCluster\n"
                         << "metadata:\n  name: " << name << "\nspec:\n  nodes: " << nodes << "\n";
  }

  std::filesystem::path dir_;
  std::string path_;
  std::ostringstream log_;
  EventLog events_{log_, nullptr, /*json_lines=*/false, RealClock()};
};

TEST_F(DesiredStateLoaderTest, ApplyWatchAndScaleAgreeOnWhatIsDesired) {
  ClusterStore store((dir_ / "state").string(), "demo", RealClock());
  absl::StatusOr<SpecFile> file = ReadSpecFile(path_);
  ASSERT_TRUE(file.ok()) << file.status();
  DesiredStateLoader loader(path_, store, events_);
  ASSERT_EQ(loader.Apply(*file)->nodes, 3);
  EXPECT_EQ(loader.Refresh().nodes, 3);

  int before = 0;
  ASSERT_TRUE(SetDesiredNodes(store, 5, &before).ok());  // radctl scale
  EXPECT_EQ(before, 3);
  EXPECT_EQ(loader.Refresh().nodes, 5);
  EXPECT_THAT(log_.str(), HasSubstr("desired state changed (radctl scale): nodes 3 -> 5"));

  // A restarted watcher keeps the scale while the file is unchanged.
  DesiredStateLoader restarted(path_, store, events_);
  EXPECT_EQ(restarted.Apply(*file)->nodes, 5);
  EXPECT_THAT(log_.str(), HasSubstr("keeping nodes: 5 set by radctl scale"));

  // Writing the file is the user's latest word.
  Write(2);
  EXPECT_EQ(restarted.Refresh().nodes, 2);
  EXPECT_EQ(store.LoadSpec()->nodes, 2);
}

TEST_F(DesiredStateLoaderTest, AnInvalidEditIsReportedAndTheLastValidSpecKept) {
  ClusterStore store((dir_ / "state").string(), "demo", RealClock());
  DesiredStateLoader loader(path_, store, events_);
  ASSERT_TRUE(loader.Apply(*ReadSpecFile(path_)).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::ofstream(path_) << "spec:\n  nodez: 4\n";
  EXPECT_EQ(loader.Refresh().nodes, 3);
  EXPECT_THAT(log_.str(), HasSubstr("SpecInvalid"));
  Write(4, "other");
  EXPECT_EQ(loader.Refresh().name, "demo");
  EXPECT_THAT(log_.str(), HasSubstr("a watcher serves one cluster"));
}

TEST_F(DesiredStateLoaderTest, AnUnreadableFileIsBadInput) {
  absl::StatusOr<SpecFile> file = ReadSpecFile((dir_ / "missing.yaml").string());
  EXPECT_TRUE(absl::IsInvalidArgument(file.status()));
  EXPECT_THAT(std::string(file.status().message()), HasSubstr("missing.yaml"));
}

TEST_F(DesiredStateLoaderTest, AnAutoReadPortIsPickedOnceAndKept) {
  std::ofstream(path_) << "apiVersion: radctl.io/v1alpha1\nkind: PostgresCluster\n"
                       << "metadata:\n  name: demo\nspec:\n  nodes: 3\n"
                       << "  bouncer:\n    port: auto\n    readPort: auto\n";
  ClusterStore store((dir_ / "state").string(), "demo", RealClock());
  absl::StatusOr<SpecFile> file = ReadSpecFile(path_);
  ASSERT_TRUE(file.ok()) << file.status();
  ASSERT_EQ(file->spec.bouncer.read_port, kAutoReadPort);
  DesiredStateLoader loader(path_, store, events_);
  absl::StatusOr<ClusterSpec> applied = loader.Apply(*file);
  ASSERT_TRUE(applied.ok()) << applied.status();
  const int read_port = applied->bouncer.read_port;
  EXPECT_GT(read_port, kNoReadPort);
  EXPECT_NE(read_port, applied->bouncer.port);
  EXPECT_THAT(log_.str(), HasSubstr(absl::StrCat("bouncer.readPort: auto -> 127.0.0.1:", read_port,
                                                 " (kept with the cluster)")));
  // Applied again (a restarted watcher): the same port.
  DesiredStateLoader restarted(path_, store, events_);
  EXPECT_EQ(restarted.Apply(*file)->bouncer.read_port, read_port);
}

}  // namespace
}  // namespace radctl
