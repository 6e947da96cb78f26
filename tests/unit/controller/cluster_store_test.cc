#include "controller/state/cluster_store.h"

#include <sys/stat.h>

#include <filesystem>

#include "controller/state/cluster_lock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace radctl {
namespace {

using ::testing::HasSubstr;

class ClusterStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ =
        std::filesystem::temp_directory_path() / ("radctl-store-test-" + std::to_string(getpid()));
    std::filesystem::remove_all(root_);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  std::filesystem::path root_;
};

TEST_F(ClusterStoreTest, SecretsAreGeneratedOnceAndPrivate) {
  ClusterStore store(root_.string(), "demo", RealClock());
  ClusterSpec spec;
  spec.name = "demo";
  absl::StatusOr<ClusterSecrets> first = store.LoadOrCreateSecrets(spec);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->app_password.size(), 24u);
  EXPECT_NE(first->app_password, first->repmgr_password);
  absl::StatusOr<ClusterSecrets> second = store.LoadOrCreateSecrets(spec);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->repmgr_password, first->repmgr_password);
  struct stat st;
  ASSERT_EQ(stat((root_ / "demo" / "secrets.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
}

TEST_F(ClusterStoreTest, SpecPasswordIsUsedForTheApp) {
  ClusterStore store(root_.string(), "demo", RealClock());
  ClusterSpec spec;
  spec.name = "demo";
  spec.auth.password = "given-password";
  EXPECT_EQ(store.LoadOrCreateSecrets(spec)->app_password, "given-password");
}

// Every field a failover counts its quorum with survives a restart of the controller.
TEST_F(ClusterStoreTest, ThePrimaryRecordRoundTrips) {
  ClusterStore store(root_.string(), "demo", RealClock());
  EXPECT_EQ(store.LoadPrimary()->ordinal, 0);
  RecordedPrimary record{2, 3, 1, 0x5000000, 2, 0x2000000, 0x7000000};
  ASSERT_TRUE(store.SavePrimary(record).ok());
  absl::StatusOr<RecordedPrimary> loaded = store.LoadPrimary();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->ordinal, 2);
  EXPECT_EQ(loaded->timeline, 3);
  EXPECT_EQ(loaded->synchronous_number, 1);
  EXPECT_EQ(loaded->synchronous_since, 0x5000000u);
  EXPECT_EQ(loaded->earlier_number, 2);
  EXPECT_EQ(loaded->earlier_since, 0x2000000u);
  EXPECT_EQ(loaded->asynchronous_from, 0x7000000u);
}

TEST_F(ClusterStoreTest, SpecRoundTripsWithItsFileDigest) {
  ClusterStore store(root_.string(), "demo", RealClock());
  EXPECT_TRUE(absl::IsNotFound(store.LoadSpec().status()));
  ClusterSpec spec;
  spec.name = "demo";
  spec.nodes = 5;
  spec.postgres.image = "radctl/postgres:15";
  ASSERT_TRUE(store.SaveSpec(spec, "abc").ok());
  absl::StatusOr<ClusterSpec> loaded = store.LoadSpec();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(*loaded, spec);
  EXPECT_EQ(store.LoadFileDigest(), "abc");
  ASSERT_TRUE(store.SaveSpec(spec, "").ok());  // scale: digest unchanged
  EXPECT_EQ(store.LoadFileDigest(), "abc");
}

TEST_F(ClusterStoreTest, EventsAreKeptInOrder) {
  ClusterStore store(root_.string(), "demo", RealClock());
  ASSERT_TRUE(
      store.AppendEvent({absl::FromUnixSeconds(1), "Normal", "demo-pg-1", "A", "one"}).ok());
  ASSERT_TRUE(
      store.AppendEvent({absl::FromUnixSeconds(2), "Warning", "demo-pg-2", "B", "two"}).ok());
  absl::StatusOr<std::vector<EventRecord>> events = store.LoadEvents();
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[1].type, "Warning");
  EXPECT_EQ((*events)[1].message, "two");
  EXPECT_EQ((*events)[0].time, absl::FromUnixSeconds(1));
}

TEST_F(ClusterStoreTest, RemoveCanKeepSecrets) {
  ClusterStore store(root_.string(), "demo", RealClock());
  ClusterSpec spec;
  spec.name = "demo";
  spec.postgres.image = "radctl/postgres:15";
  ASSERT_TRUE(store.LoadOrCreateSecrets(spec).ok());
  ASSERT_TRUE(store.SaveSpec(spec, "x").ok());
  ASSERT_TRUE(store.Remove(/*keep_secrets=*/true).ok());
  EXPECT_TRUE(store.LoadSecrets().ok());
  EXPECT_TRUE(absl::IsNotFound(store.LoadSpec().status()));
  ASSERT_TRUE(store.Remove(/*keep_secrets=*/false).ok());
  EXPECT_FALSE(std::filesystem::exists(root_ / "demo"));
}

TEST_F(ClusterStoreTest, SecondLockHolderIsToldWhoHasIt) {
  std::string dir = (root_ / "demo").string();
  absl::StatusOr<ClusterLock> first =
      ClusterLock::Acquire(RealClock(), dir, "demo", "radctl apply --watch");
  ASSERT_TRUE(first.ok());
  absl::StatusOr<ClusterLock> second =
      ClusterLock::Acquire(RealClock(), dir, "demo", "radctl apply");
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(second.status()));
  EXPECT_THAT(std::string(second.status().message()), HasSubstr("radctl apply --watch"));
  EXPECT_THAT(std::string(second.status().message()), HasSubstr("already managed"));
}

}  // namespace
}  // namespace radctl
