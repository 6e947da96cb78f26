#include "controller/state/primary_record.h"

#include <filesystem>
#include <map>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/fakes/fake_clock.h"

namespace radctl {
namespace {

using ::testing::HasSubstr;

// The lease's volume on the engine: files in a map, readable and writable while held.
class MapLease : public EngineLease {
 public:
  bool Held() const override { return held; }
  absl::StatusOr<std::string> ReadFile(const std::string& name) const override {
    if (!engine_up) return absl::UnavailableError("the engine does not answer");
    if (!held) return absl::AbortedError("not held");
    auto file = files.find(name);
    if (file == files.end()) return absl::NotFoundError(name);
    return file->second;
  }
  absl::Status WriteFile(const std::string& name, const std::string& content) const override {
    if (!engine_up) return absl::UnavailableError("the engine does not answer");
    if (!held) return absl::AbortedError("not held");
    files[name] = content;
    return absl::OkStatus();
  }
  bool held = true;
  bool engine_up = true;
  mutable std::map<std::string, std::string> files;
};

// The state directory on the local filesystem, whose writes fail while `read_only`.
class StateDirectory : public StateFiles {
 public:
  absl::StatusOr<std::string> Read(const std::string& path) const override {
    return LocalStateFiles().Read(path);
  }
  bool Exists(const std::string& path) const override { return LocalStateFiles().Exists(path); }
  absl::Status Write(const std::string& path, const std::string& content, int mode) const override {
    if (read_only) return absl::PermissionDeniedError("Read-only file system");
    return LocalStateFiles().Write(path, content, mode);
  }
  absl::Status Append(const std::string& path, const std::string& line) const override {
    return LocalStateFiles().Append(path, line);
  }
  void Remove(const std::string& path) const override { LocalStateFiles().Remove(path); }
  absl::Status EnsureDirectory(const std::string& dir) const override {
    return LocalStateFiles().EnsureDirectory(dir);
  }
  bool read_only = false;
};

RecordedPrimary Primary(int ordinal, int timeline, int64_t generation = 0) {
  RecordedPrimary record{ordinal, timeline, 0};
  record.generation = generation;
  return record;
}

class PrimaryRecordTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ =
        std::filesystem::temp_directory_path() / ("radctl-record-test-" + std::to_string(getpid()));
    std::filesystem::remove_all(root_);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  // The engine's copy of the record, as a controller would have written it.
  void OnEngine(const RecordedPrimary& record) {
    lease_.files[kPrimaryRecordFile] = EncodeRecordedPrimary(record, clock_.Now());
  }
  RecordedPrimary EnginesCopy() const {
    return DecodeRecordedPrimary(lease_.files.at(kPrimaryRecordFile)).value();
  }

  std::filesystem::path root_;
  testing::FakeClock clock_;
  StateDirectory files_;
  MapLease lease_;
  std::string behind_;  // Save's state_directory_error
};

TEST_F(PrimaryRecordTest, AnEngineWithoutACopyIsGivenTheStateDirectorys) {
  ClusterStore store(root_.string(), "demo", clock_, files_);
  ASSERT_TRUE(store.SavePrimary(Primary(1, 1, 3)).ok());
  PrimaryRecord record(store);
  absl::StatusOr<PrimaryRecord::Attached> attached = record.Attach(lease_);
  ASSERT_TRUE(attached.ok()) << attached.status();
  EXPECT_FALSE(attached->adopted.has_value());
  EXPECT_EQ(EnginesCopy().generation, 3);
  EXPECT_EQ(EnginesCopy().ordinal, 1);
}

TEST_F(PrimaryRecordTest, ANewerCopyOnTheEngineIsTheRecordAndReplacesTheStateDirectorys) {
  ClusterStore store(root_.string(), "demo", clock_, files_);
  ASSERT_TRUE(store.SavePrimary(Primary(1, 1, 3)).ok());
  OnEngine(Primary(2, 2, 5));  // a controller from a copy of the state directory failed over
  PrimaryRecord record(store);
  EXPECT_EQ(record.Load()->ordinal, 1);  // before the lease: what this directory says
  absl::StatusOr<PrimaryRecord::Attached> attached = record.Attach(lease_);
  ASSERT_TRUE(attached.ok()) << attached.status();
  ASSERT_TRUE(attached->adopted.has_value());
  EXPECT_EQ(attached->adopted->ordinal, 2);
  EXPECT_EQ(attached->replaced.ordinal, 1);
  EXPECT_EQ(record.Load()->ordinal, 2);
  EXPECT_EQ(record.Load()->timeline, 2);
  EXPECT_EQ(store.LoadPrimary()->ordinal, 2);  // `status` reads it too
  EXPECT_EQ(store.LoadPrimary()->generation, 5);
}

TEST_F(PrimaryRecordTest, AnOlderCopyOnTheEngineIsReplaced) {
  ClusterStore store(root_.string(), "demo", clock_, files_);
  ASSERT_TRUE(store.SavePrimary(Primary(3, 3, 7)).ok());
  OnEngine(Primary(2, 2, 5));
  PrimaryRecord record(store);
  absl::StatusOr<PrimaryRecord::Attached> attached = record.Attach(lease_);
  ASSERT_TRUE(attached.ok()) << attached.status();
  EXPECT_FALSE(attached->adopted.has_value());
  EXPECT_EQ(EnginesCopy().ordinal, 3);
  EXPECT_EQ(record.Load()->ordinal, 3);
}

TEST_F(PrimaryRecordTest, ARecordIsWrittenToTheEngineFirstAsTheNextGeneration) {
  ClusterStore store(root_.string(), "demo", clock_, files_);
  OnEngine(Primary(2, 2, 5));
  PrimaryRecord record(store);
  ASSERT_TRUE(record.Attach(lease_).ok());
  ASSERT_TRUE(record.Save(Primary(3, 3), &behind_).ok());
  EXPECT_EQ(EnginesCopy().ordinal, 3);
  EXPECT_EQ(EnginesCopy().generation, 6);
  EXPECT_EQ(store.LoadPrimary()->generation, 6);

  // The engine refuses: nothing is written anywhere, and the record stays what it was.
  lease_.engine_up = false;
  EXPECT_FALSE(record.Save(Primary(1, 4), &behind_).ok());
  EXPECT_EQ(store.LoadPrimary()->ordinal, 3);
  EXPECT_EQ(record.Load()->ordinal, 3);
}

TEST_F(PrimaryRecordTest, OnTheEngineItIsTheRecordThoughTheStateDirectoryCannotBeWritten) {
  ClusterStore store(root_.string(), "demo", clock_, files_);
  ASSERT_TRUE(store.SavePrimary(Primary(1, 1, 1)).ok());
  PrimaryRecord record(store);
  ASSERT_TRUE(record.Attach(lease_).ok());
  files_.read_only = true;
  EXPECT_TRUE(record.Save(Primary(2, 2), &behind_).ok());
  EXPECT_THAT(behind_, HasSubstr("Read-only"));
  EXPECT_EQ(store.LoadPrimary()->ordinal, 1);
  EXPECT_EQ(record.Load()->ordinal, 2);  // the next holder of the lease reads it: so does this one
  EXPECT_EQ(EnginesCopy().generation, 2);

  // A controller started again on the same directory, still read-only: the engine's copy wins.
  PrimaryRecord restarted(store);
  absl::StatusOr<PrimaryRecord::Attached> attached = restarted.Attach(lease_);
  ASSERT_TRUE(attached.ok());
  EXPECT_THAT(attached->state_directory_error, HasSubstr("Read-only"));
  EXPECT_EQ(restarted.Load()->ordinal, 2);

  // Writable again: the state directory catches up (what `radctl status` reads).
  files_.read_only = false;
  EXPECT_EQ(restarted.Load()->ordinal, 2);
  EXPECT_EQ(store.LoadPrimary()->ordinal, 2);
  EXPECT_EQ(store.LoadPrimary()->generation, 2);
}

TEST_F(PrimaryRecordTest, NothingIsWrittenWithoutTheLease) {
  ClusterStore store(root_.string(), "demo", clock_, files_);
  ASSERT_TRUE(store.SavePrimary(Primary(1, 1, 1)).ok());
  PrimaryRecord record(store);
  EXPECT_TRUE(absl::IsAborted(record.Save(Primary(2, 2), &behind_)));  // never taken
  ASSERT_TRUE(record.Attach(lease_).ok());
  lease_.held = false;  // the engine ended it
  EXPECT_TRUE(absl::IsAborted(record.Save(Primary(2, 2), &behind_)));
  record.Detach();
  EXPECT_TRUE(absl::IsAborted(record.Save(Primary(2, 2), &behind_)));
  EXPECT_EQ(store.LoadPrimary()->ordinal, 1);
  EXPECT_EQ(EnginesCopy().ordinal, 1);
}

TEST_F(PrimaryRecordTest, ACopyOnTheEngineThatCannotBeReadStopsTheControllerAndSaysWhatToDo) {
  ClusterStore store(root_.string(), "demo", clock_, files_);
  PrimaryRecord record(store);
  lease_.files[kPrimaryRecordFile] = "{\"ordinal\": ";
  absl::StatusOr<PrimaryRecord::Attached> attached = record.Attach(lease_);
  EXPECT_TRUE(absl::IsDataLoss(attached.status()));
  EXPECT_THAT(std::string(attached.status().message()),
              HasSubstr("docker volume rm) to go on with the state directory's"));
  EXPECT_THAT(std::string(attached.status().message()), HasSubstr("demo-controller-state"));
  EXPECT_TRUE(absl::IsAborted(record.Save(Primary(2, 2), &behind_)));

  lease_.engine_up = false;  // unreadable: nothing is known of what another controller wrote
  EXPECT_TRUE(absl::IsUnavailable(record.Attach(lease_).status()));
  EXPECT_FALSE(record.attached());
}

// A cluster deleted by hand (its node volumes removed, the lease's left behind), then created
// again under the same name: the old record names a primary and timeline of data that is gone.
TEST_F(PrimaryRecordTest, TheRecordOfAnEarlierClusterOfTheSameNameIsNotTaken) {
  ClusterStore store(root_.string(), "demo", clock_, files_);
  lease_.files[kPrimaryRecordFile] =
      EncodeRecordedPrimary(Primary(3, 4, 9), clock_.Now(), "digest of another CA");
  PrimaryRecord record(store);
  absl::StatusOr<PrimaryRecord::Attached> attached = record.Attach(lease_);
  ASSERT_TRUE(attached.ok()) << attached.status();
  EXPECT_TRUE(attached->replaced_another_clusters);
  EXPECT_FALSE(attached->adopted.has_value());
  EXPECT_EQ(record.Load()->ordinal, 0);  // none yet: a new cluster
  ASSERT_TRUE(record.Save(Primary(1, 1), &behind_).ok());
  std::string cluster_ca;
  EXPECT_EQ(DecodeRecordedPrimary(lease_.files[kPrimaryRecordFile], &cluster_ca)->ordinal, 1);
  EXPECT_EQ(cluster_ca, "");  // this store keeps no CA
}

}  // namespace
}  // namespace radctl
