// A watched directory's spec files are parsed again only when they changed, and a change is
// never missed: not a rewrite (new inode), not an edit in place, not a removal.
#include "controller/fleet/spec_file_cache.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/fakes/fake_clock.h"

namespace radctl {
namespace {

class SpecFileCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "radctl-specs-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = (dir_ / "demo.yaml").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes a spec with `nodes`, dated `age` ago (so the cache may trust it).
  void Write(int nodes, absl::Duration age = absl::Minutes(1)) {
    std::ofstream(path_) << "apiVersion: radctl.io/v1alpha1\nkind: PostgresCluster\n"
                         << "metadata:\n  name: demo\nspec:\n  nodes: " << nodes << "\n";
    Date(age);
  }
  void Date(absl::Duration age) {
    const auto when = std::filesystem::file_time_type::clock::now() -
                      std::chrono::nanoseconds(absl::ToInt64Nanoseconds(age));
    std::filesystem::last_write_time(path_, when);
  }
  // Nodes of what the cache returns, or -1 for an error.
  int NodesRead() {
    absl::StatusOr<SpecFile> file = cache_.Read(path_);
    return file.ok() ? file->spec.nodes : -1;
  }

  std::filesystem::path dir_;
  std::string path_;
  int reads_ = 0;
  // The change time cannot be set back: the clock's wall time is a minute ahead of the file
  // system's, so a file just written counts as settled unless a test says otherwise.
  testing::FakeClock clock_{absl::Now() + absl::Minutes(1), /*real_pause=*/false};
  SpecFileCache cache_{clock_, [this](const std::string& path) {
                         ++reads_;
                         return ReadSpecFile(path);
                       }};
};

TEST_F(SpecFileCacheTest, AnUnchangedFileIsParsedOnce) {
  Write(3);
  EXPECT_EQ(NodesRead(), 3);
  EXPECT_EQ(NodesRead(), 3);
  EXPECT_EQ(NodesRead(), 3);
  EXPECT_EQ(reads_, 1);
}

TEST_F(SpecFileCacheTest, AFileReplacedByAnotherIsReadAgain) {
  Write(3);
  EXPECT_EQ(NodesRead(), 3);
  const std::string other = (dir_ / "new.yaml").string();
  std::filesystem::rename(path_, other);
  std::filesystem::copy_file(other, path_);  // a new inode, the same size
  Date(absl::Minutes(1));
  EXPECT_EQ(NodesRead(), 3);
  EXPECT_EQ(reads_, 2);
}

TEST_F(SpecFileCacheTest, AnEditInPlaceOfTheSameSizeIsReadAgain) {
  Write(3);
  EXPECT_EQ(NodesRead(), 3);
  Write(5, absl::Minutes(2));  // same size, same inode; only its times differ
  EXPECT_EQ(NodesRead(), 5);
}

TEST_F(SpecFileCacheTest, AFileChangedWithinTheLastTwoSecondsIsAlwaysReadAgain) {
  clock_.StepWall(-absl::Minutes(1));
  Write(3, absl::ZeroDuration());
  EXPECT_EQ(NodesRead(), 3);
  EXPECT_EQ(NodesRead(), 3);
  EXPECT_EQ(reads_, 2) << "a second write within one tick of the clock would look unchanged";
}

TEST_F(SpecFileCacheTest, ARemovedFileIsAnErrorNotItsLastSpec) {
  Write(3);
  EXPECT_EQ(NodesRead(), 3);
  std::filesystem::remove(path_);
  EXPECT_EQ(NodesRead(), -1);
}

TEST_F(SpecFileCacheTest, AnInvalidFileIsReportedUntilItIsFixed) {
  std::ofstream(path_) << "spec: [\n";
  Date(absl::Minutes(1));
  EXPECT_EQ(NodesRead(), -1);
  EXPECT_EQ(NodesRead(), -1);
  EXPECT_EQ(reads_, 1);
  Write(3, absl::Minutes(2));
  EXPECT_EQ(NodesRead(), 3);
}

}  // namespace
}  // namespace radctl
