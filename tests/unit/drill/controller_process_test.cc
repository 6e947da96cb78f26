// Finding the controller that watches a cluster without disturbing it: the kernel's lock table
// and the holder's command line. The lock is taken for real here, by this test process.
#include "controller/drill/controller_process.h"

#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace radctl::drill {
namespace {

using ::testing::HasSubstr;

TEST(FlockHolderTest, FindsTheWriterOfThatInodeAndSkipsWaitersAndOthers) {
  const std::string locks =
      "1: FLOCK  ADVISORY  WRITE 2927 fe:00:1082297 0 EOF\n"
      "2: -> FLOCK  ADVISORY  WRITE 5000 fe:00:1082344 0 EOF\n"
      "3: FLOCK  ADVISORY  WRITE 2918 fe:00:1082344 0 EOF\n"
      "4: POSIX  ADVISORY  WRITE 77 fe:00:555 0 EOF\n"
      "5: OFDLCK ADVISORY  READ -1 00:06:3 0 EOF\n";
  EXPECT_EQ(FlockHolder(locks, 0xfe, 0, 1082344), 2918);
  EXPECT_EQ(FlockHolder(locks, 0xfe, 0, 1082297), 2927);
  EXPECT_EQ(FlockHolder(locks, 0xfe, 1, 1082297), std::nullopt) << "another device";
  EXPECT_EQ(FlockHolder(locks, 0xfe, 0, 555), std::nullopt) << "not a flock";
  EXPECT_EQ(FlockHolder("", 0, 0, 1), std::nullopt);
}

TEST(HttpAddressOfTest, WatchersServeTheDefaultUnlessTold) {
  EXPECT_EQ(HttpAddressOf({"radctl", "apply", "-f", "x.yaml", "--watch"}), "127.0.0.1:8433");
  EXPECT_EQ(HttpAddressOf({"radctl", "apply", "-f", "x.yaml", "-w", "--http", "0.0.0.0:9000"}),
            "0.0.0.0:9000");
  EXPECT_EQ(HttpAddressOf({"radctl", "apply", "--watch", "--http=off"}), "");
  EXPECT_EQ(HttpAddressOf({"radctl", "apply", "-f", "x.yaml"}), "") << "one-shot apply serves none";
}

class LockDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(::testing::TempDir(), "drill-lock-", getpid());
    std::filesystem::create_directories(dir_);
    std::filesystem::remove(dir_ + "/lock");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(LockDirTest, NobodyHoldingTheLockMeansNoWatcher) {
  absl::StatusOr<std::optional<ControllerInfo>> found = FindController(dir_);
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value()) << "no lock file at all";
  std::ofstream(dir_ + "/lock") << "pid 1, radctl apply --watch, since yesterday\n";
  found = FindController(dir_);
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value()) << "a lock file nobody holds (its holder died)";
  std::vector<std::string> notes;
  absl::Status status = RequireWatcher(dir_, "demo", &notes);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("no controller is watching cluster demo"));
  EXPECT_THAT(status.message(), HasSubstr("radctl apply -f FILE --watch"));
  EXPECT_THAT(status.message(), HasSubstr("--run-controller FILE"));
}

TEST_F(LockDirTest, TheHolderIsFoundAndAOneShotHolderIsNoWatcher) {
  const std::string path = dir_ + "/lock";
  std::ofstream(path) << "pid " << getpid() << ", radctl switchover, since now\n";
  const int fd = open(path.c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(flock(fd, LOCK_EX | LOCK_NB), 0);
  absl::StatusOr<std::optional<ControllerInfo>> found = FindController(dir_);
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->pid, getpid());
  EXPECT_FALSE((*found)->watching) << "this test binary is not `radctl apply --watch`";
  std::vector<std::string> notes;
  absl::Status status = RequireWatcher(dir_, "demo", &notes);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("radctl switchover"));
  EXPECT_THAT(status.message(), HasSubstr("not a watching controller"));
  close(fd);
}

}  // namespace
}  // namespace radctl::drill
