// When the drill calls a cluster healthy (one writable primary, the bouncer on it, every desired
// standby streaming from it), and which writes it finds missing.
#include "controller/drill/cluster_probe.h"
#include "controller/drill/write_check.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/drill/round_builder.h"

namespace radctl::drill {
namespace {

using ::radctl::drill::testing::At;
using ::radctl::drill::testing::Bouncer;
using ::radctl::drill::testing::Probe;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

NodeProbe Primary(const std::string& name) { return Probe(name, 9.9, true, true, false); }
NodeProbe Standby(const std::string& name, const std::string& upstream,
                  const std::string& status = "streaming") {
  return Probe(name, 9.9, true, false, true, status, upstream);
}

ClusterView Healthy() {
  ClusterView view;
  view.at = At(10.2);
  view.nodes = {{"d-pg-1", Primary("d-pg-1")},
                {"d-pg-2", Standby("d-pg-2", "d-pg-1")},
                {"d-pg-3", Standby("d-pg-3", "d-pg-1")}};
  view.bouncer = Bouncer(10.1, "d-pg-1");
  return view;
}

TEST(ClusterViewTest, HealthyWhenEverythingPointsAtOnePrimary) {
  EXPECT_EQ(Healthy().HealthyPrimary(2, absl::Seconds(1)), "d-pg-1");
  EXPECT_THAT(Healthy().StreamingFrom("d-pg-1", absl::Seconds(1)), ElementsAre("d-pg-2", "d-pg-3"));
}

TEST(ClusterViewTest, EachMissingPieceMakesItUnhealthy) {
  ClusterView view = Healthy();
  view.nodes["d-pg-3"] = Standby("d-pg-3", "d-pg-1", "catchup");
  EXPECT_EQ(view.HealthyPrimary(2, absl::Seconds(1)), std::nullopt) << "a standby not streaming";
  EXPECT_EQ(view.HealthyPrimary(1, absl::Seconds(1)), "d-pg-1");

  view = Healthy();
  view.bouncer.paused = true;
  EXPECT_EQ(view.HealthyPrimary(2, absl::Seconds(1)), std::nullopt) << "bouncer paused";

  view = Healthy();
  view.bouncer.target = "d-pg-2";
  EXPECT_EQ(view.HealthyPrimary(2, absl::Seconds(1)), std::nullopt) << "bouncer elsewhere";

  view = Healthy();
  view.nodes["d-pg-2"] = Primary("d-pg-2");
  EXPECT_EQ(view.HealthyPrimary(1, absl::Seconds(1)), std::nullopt) << "two writable nodes";

  view = Healthy();
  view.at = At(15);
  EXPECT_EQ(view.HealthyPrimary(2, absl::Seconds(1)), std::nullopt) << "old probes say nothing";
}

TEST(ClusterViewTest, DescribeSaysWhatEachNodeIsDoing) {
  ClusterView view = Healthy();
  view.nodes["d-pg-3"] = Probe("d-pg-3", 9.9, false, false, false, "", "", "connect: refused");
  const std::string text = view.Describe();
  EXPECT_THAT(text, HasSubstr("d-pg-1: accepts writes"));
  EXPECT_THAT(text, HasSubstr("d-pg-2: standby, WAL receiver streaming from d-pg-1"));
  EXPECT_THAT(text, HasSubstr("d-pg-3: not reachable (connect: refused)"));
  EXPECT_THAT(text, HasSubstr("bouncer: points to d-pg-1"));
}

TEST(ParseShowDatabasesTest, TheAppDatabasesTargetAndPause) {
  auto row = [](const std::string& name, const std::string& host, const std::string& paused) {
    PgRow values(13, std::string("0"));
    values[0] = name;
    values[1] = host;
    values[11] = paused;
    return values;
  };
  BouncerProbe probe =
      ParseShowDatabases({row("pgbouncer", "", "0"), row("app", "d-pg-2", "1")}, "app");
  EXPECT_TRUE(probe.reachable);
  EXPECT_EQ(probe.target, "d-pg-2");
  EXPECT_TRUE(probe.paused);
  probe = ParseShowDatabases({row("pgbouncer", "", "0")}, "app");
  EXPECT_TRUE(probe.reachable) << "it answered";
  EXPECT_EQ(probe.target, "") << "but points nowhere yet";
}

TEST(MissingKeysTest, AcknowledgedButAbsent) {
  EXPECT_THAT(MissingKeys({{0, 1}, {0, 2}, {1, 1}}, {{0, 1}, {1, 1}, {1, 2}}),
              ElementsAre(WriteKey{0, 2}));
  EXPECT_TRUE(MissingKeys({}, {{0, 1}}).empty());
}

}  // namespace
}  // namespace radctl::drill
