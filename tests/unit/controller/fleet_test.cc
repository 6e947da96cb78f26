// The fleet on a FakeWorld and its clock: a cluster that could not start is tried again on
// monotonic time, kStartRetryInterval (30 s) after it failed and not at any rescan before.
#include "controller/fleet/fleet.h"

#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "controller/state/cluster_lock.h"
#include "controller/state/cluster_store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/fakes/fake_world.h"

namespace radctl {
namespace {

using ::testing::ElementsAre;

// When the fleet called into the world: every attempt to start a worker begins with such calls
// (the images are looked at first).
class CallTimes : public testing::WorldHooks {
 public:
  explicit CallTimes(const Clock& clock) : clock_(clock) {}
  absl::Status BeforeCall() override {
    times_.insert(clock_.Monotonic());
    return absl::OkStatus();
  }
  absl::Duration ReplayTime() override { return absl::ZeroDuration(); }
  const std::set<absl::Time>& times() const { return times_; }

 private:
  const Clock& clock_;
  std::set<absl::Time> times_;
};

std::filesystem::path NewDirectory() {
  std::string path = (std::filesystem::temp_directory_path() / "radctl-fleet-XXXXXX").string();
  if (mkdtemp(path.data()) == nullptr) ADD_FAILURE() << "cannot make " << path;
  return path;
}

TEST(FleetTest, AClusterThatCouldNotStartIsTriedAgainAfterTheRetryIntervalAndNotBefore) {
  testing::FakeWorld world("demo");
  CallTimes calls(world.clock());
  world.set_hooks(&calls);
  const std::filesystem::path dir = NewDirectory();
  std::filesystem::create_directory(dir / "specs");
  std::ofstream(dir / "specs" / "demo.yaml")
      << "apiVersion: radctl.io/v1alpha1\nkind: PostgresCluster\n"
         "metadata:\n  name: demo\nspec:\n  nodes: 1\n  bouncer: {port: auto}\n";
  // Another radctl holds the cluster (this process's lock counts as another's): every start fails.
  ClusterStore store((dir / "state").string(), "demo", world.clock());
  absl::StatusOr<ClusterLock> other =
      ClusterLock::Acquire(world.clock(), store.dir(), "demo", "another radctl");
  ASSERT_TRUE(other.ok()) << other.status();

  FleetOptions options;
  options.sources = {(dir / "specs").string()};
  options.state_root = (dir / "state").string();
  options.watch = true;
  WatchedClusters watched;
  std::atomic<bool> stop{false};
  absl::Status ended;
  const absl::Time start = world.clock().Monotonic();
  {
    Fleet fleet(world.env(), options, watched);
    std::thread watching([&] { ended = fleet.Watch(stop); });
    // Only the fleet's own waits move the clock: two retry intervals pass in well under a
    // second of real time.
    for (int ms = 0; ms < 60'000 && world.clock().Monotonic() < start + absl::Seconds(65); ++ms) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    stop = true;
    watching.join();
  }
  std::filesystem::remove_all(dir);
  EXPECT_TRUE(ended.ok()) << ended;
  EXPECT_EQ(watched.Find("demo"), nullptr);

  // The first start, then the rescans every second found the spec unchanged and waited.
  std::vector<absl::Duration> attempts;
  for (absl::Time at : calls.times()) attempts.push_back(at - start);
  ASSERT_GE(attempts.size(), 3u) << "fewer than three attempts in 65 s of the fleet's clock";
  attempts.resize(3);
  EXPECT_THAT(attempts, ElementsAre(absl::ZeroDuration(), absl::Seconds(30), absl::Seconds(60)));
}

}  // namespace
}  // namespace radctl
