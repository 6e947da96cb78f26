// Which containers the observer reports as killed before the engine lists them as exited.
#include "controller/loop/killed_containers.h"

#include "gtest/gtest.h"

namespace radctl {
namespace {

docker::Event Event(const std::string& action, const std::string& name,
                    docker::Labels attributes = {}) {
  docker::Event event;
  event.type = "container";
  event.action = action;
  event.name = name;
  event.labels = std::move(attributes);
  return event;
}

const absl::Time kT0 = absl::FromUnixSeconds(1000);

TEST(KilledContainersTest, ASigkillMarksTheContainerUntilItsDeathIsReported) {
  KilledContainers killed;
  killed.Note(Event("kill", "demo-pg-1", {{"signal", "9"}}), kT0);
  EXPECT_TRUE(killed.Killed("demo-pg-1", kT0 + absl::Milliseconds(1)));
  EXPECT_FALSE(killed.Killed("demo-pg-2", kT0));
  killed.Note(Event("die", "demo-pg-1", {{"exitCode", "137"}}), kT0 + absl::Milliseconds(200));
  EXPECT_FALSE(killed.Killed("demo-pg-1", kT0 + absl::Milliseconds(200)));
}

TEST(KilledContainersTest, OtherSignalsLeaveTheContainerToTheEngine) {
  KilledContainers killed;
  // docker stop's SIGTERM: the entrypoint may keep Postgres running (planned_stop.h).
  killed.Note(Event("kill", "demo-pg-1", {{"signal", "15"}}), kT0);
  killed.Note(Event("kill", "demo-pg-2"), kT0);  // no signal named
  EXPECT_FALSE(killed.Killed("demo-pg-1", kT0));
  EXPECT_FALSE(killed.Killed("demo-pg-2", kT0));
}

TEST(KilledContainersTest, AContainerStartedOrMadeAgainIsNotKilled) {
  KilledContainers killed;
  killed.Note(Event("kill", "demo-pg-1", {{"signal", "9"}}), kT0);
  killed.Note(Event("start", "demo-pg-1"), kT0);
  EXPECT_FALSE(killed.Killed("demo-pg-1", kT0));
  killed.Note(Event("kill", "demo-pg-2", {{"signal", "9"}}), kT0);
  killed.Note(Event("destroy", "demo-pg-2"), kT0);
  EXPECT_FALSE(killed.Killed("demo-pg-2", kT0));
}

TEST(KilledContainersTest, TheEnginesListingIsTrustedAgainWhenNoDeathIsReported) {
  KilledContainers killed;
  killed.Note(Event("kill", "demo-pg-1", {{"signal", "9"}}), kT0);
  EXPECT_TRUE(killed.Killed("demo-pg-1", kT0 + absl::Seconds(9)));
  EXPECT_FALSE(killed.Killed("demo-pg-1", kT0 + absl::Seconds(10)));
  killed.Note(Event("kill", "demo-pg-2", {{"signal", "9"}}), kT0);
  killed.Forget();  // the event stream broke: a `die` may have been missed
  EXPECT_FALSE(killed.Killed("demo-pg-2", kT0));
}

}  // namespace
}  // namespace radctl
