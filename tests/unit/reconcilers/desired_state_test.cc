// What is desired when the file and `radctl scale` disagree.
#include "reconcilers/desired_state.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/reconcilers/observed_state_builder.h"

namespace radctl {
namespace {

using ::radctl::testing::DemoSpec;
using ::testing::HasSubstr;

TEST(MergeDesiredTest, NothingKeptYieldsTheFile) {
  DesiredState desired = MergeDesired(DemoSpec(3), "abc", nullptr, "");
  EXPECT_EQ(desired.spec, DemoSpec(3));
  EXPECT_EQ(desired.note, "");
}

TEST(MergeDesiredTest, AScaleSurvivesWhileTheFileIsUnchanged) {
  ClusterSpec stored = DemoSpec(5);
  DesiredState desired = MergeDesired(DemoSpec(3), "abc", &stored, "abc");
  EXPECT_EQ(desired.spec.nodes, 5);
  EXPECT_THAT(desired.note, HasSubstr("keeping nodes: 5 set by radctl scale"));
}

TEST(MergeDesiredTest, AChangedFileWins) {
  ClusterSpec stored = DemoSpec(5);
  EXPECT_EQ(MergeDesired(DemoSpec(3), "new", &stored, "abc").spec.nodes, 3);
}

TEST(MergeDesiredTest, AFileWrittenWhileWatchingWinsEvenWithTheSameContent) {
  ClusterSpec stored = DemoSpec(1);
  EXPECT_EQ(MergeDesired(DemoSpec(3), "abc", &stored, "abc", /*file_written=*/true).spec.nodes, 3);
}

TEST(MergeDesiredTest, AnAutoPortKeepsThePortPickedAtTheFirstApply) {
  ClusterSpec file = DemoSpec(3);
  file.bouncer.port = kAutoPort;
  ClusterSpec stored = DemoSpec(3);
  stored.bouncer.port = 24571;
  EXPECT_EQ(MergeDesired(file, "new", &stored, "abc").spec.bouncer.port, 24571);
  EXPECT_EQ(MergeDesired(file, "abc", &stored, "abc", /*file_written=*/true).spec.bouncer.port,
            24571);
  // Nothing kept yet: still to be picked (by the loader, which can look at the host).
  EXPECT_EQ(MergeDesired(file, "new", nullptr, "").spec.bouncer.port, kAutoPort);
}

TEST(MergeDesiredTest, AnAutoReadPortKeepsThePortPickedAtTheFirstApply) {
  ClusterSpec file = DemoSpec(3);
  file.bouncer.read_port = kAutoReadPort;
  ClusterSpec stored = DemoSpec(3);
  stored.bouncer.read_port = 24572;
  EXPECT_EQ(MergeDesired(file, "new", &stored, "abc").spec.bouncer.read_port, 24572);
  EXPECT_EQ(MergeDesired(file, "new", nullptr, "").spec.bouncer.read_port, kAutoReadPort);
  // A cluster that had no read endpoint gets one picked (by the loader).
  stored.bouncer.read_port = kNoReadPort;
  EXPECT_EQ(MergeDesired(file, "new", &stored, "abc").spec.bouncer.read_port, kAutoReadPort);
}

TEST(MergeDesiredTest, AFileNamingAPortWinsOverTheKeptOne) {
  ClusterSpec stored = DemoSpec(3);
  stored.bouncer.port = 24571;
  EXPECT_EQ(MergeDesired(DemoSpec(3), "new", &stored, "abc").spec.bouncer.port, 6543);
}

TEST(MergeDesiredTest, AnotherClustersStoredSpecIsIgnored) {
  ClusterSpec stored = DemoSpec(5);
  stored.name = "other";
  EXPECT_EQ(MergeDesired(DemoSpec(3), "abc", &stored, "abc").spec.nodes, 3);
}

}  // namespace
}  // namespace radctl
