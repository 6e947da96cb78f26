// Backups in the loop, on a FakeWorld: apply creates the stanza; a watcher takes the first
// backup at once and the next when the schedule says, never two at a time; a failed backup is
// said and retried; a failover during watching moves backups to the new primary.
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reconcilers/naming.h"
#include "tests/unit/loop/controller_harness.h"

namespace radctl {
namespace {

using ::radctl::testing::ControllerHarness;
using ::radctl::testing::FakeSpec;
using ::testing::HasSubstr;

ClusterSpec BackupSpec(int nodes, const std::string& schedule) {
  ClusterSpec spec = FakeSpec(nodes);
  spec.backup.enabled = true;
  spec.backup.schedule = schedule;
  return spec;
}

// Watches until `done` or 20 s of real time; stops the watcher either way.
void WatchUntil(ControllerHarness& h, const std::function<bool()>& done) {
  std::atomic<bool> stop{false};
  std::thread watch([&] { h.loop().Watch([&] { return h.spec(); }, stop); });
  absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (!done() && absl::Now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  stop = true;
  watch.join();
}

TEST(BackupLoopTest, ApplyCreatesTheStanzaButTakesNoScheduledBackup) {
  ControllerHarness h(BackupSpec(2, "1h"));
  ASSERT_TRUE(h.Converge().ok()) << h.log();
  EXPECT_TRUE(h.world().Repository().stanza);
  EXPECT_TRUE(h.world().Repository().backups.empty());
  EXPECT_THAT(h.log(), HasSubstr("CreateStanza"));
  EXPECT_TRUE(h.world().Node(2).labels.count(kLabelBackupRepository) > 0)
      << "every node mounts the repository";
}

TEST(BackupLoopTest, WatchTakesTheFirstBackupAtOnceThenOnSchedule) {
  // A short interval: every simulated wait lets real threads run for a millisecond.
  ControllerHarness h(BackupSpec(1, "2m"));
  ASSERT_TRUE(h.Converge().ok()) << h.log();
  WatchUntil(h, [&] { return h.world().Repository().backups.size() >= 2; });
  std::vector<BackupRecord> backups = h.world().Repository().backups;
  ASSERT_GE(backups.size(), 2u) << h.log();
  // Never early, counted from the first one's end as pgBackRest records it (whole seconds, so
  // up to a second before its precise end). (No upper bound in simulated time: it runs while
  // real threads wait for CPU.)
  const absl::Time first_recorded = absl::FromUnixSeconds(absl::ToUnixSeconds(backups[0].stop));
  EXPECT_GE(backups[1].start - first_recorded, absl::Minutes(2)) << "the schedule is kept";
  EXPECT_THAT(h.log(), HasSubstr("no backup yet"));
  EXPECT_THAT(h.log(), HasSubstr("BackupDone"));
}

TEST(BackupLoopTest, AFailedBackupIsSaidAndRetried) {
  ControllerHarness h(BackupSpec(1, "1h"));
  ASSERT_TRUE(h.Converge().ok()) << h.log();
  h.world().FailStep("backup", 1, "ERROR: [047]: unable to create path: No space left on device");
  WatchUntil(h, [&] { return !h.world().Repository().backups.empty(); });
  EXPECT_EQ(h.world().Repository().backups.size(), 1u) << h.log();
  EXPECT_THAT(h.log(), HasSubstr("BackupFailed"));
  EXPECT_THAT(h.log(), HasSubstr("No space left on device"));
}

TEST(BackupLoopTest, AfterAFailoverTheNewPrimaryIsBackedUp) {
  ControllerHarness h(BackupSpec(2, "1h"));
  ASSERT_TRUE(h.Converge().ok()) << h.log();
  h.world().Kill(1);
  WatchUntil(h, [&] { return !h.world().Repository().backups.empty(); });
  ASSERT_EQ(h.world().Repository().backups.size(), 1u) << h.log();
  EXPECT_THAT(h.world().Steps(), ::testing::Contains("backup demo-pg-2"));
}

}  // namespace
}  // namespace radctl
