#include "reconcilers/naming.h"

#include "gtest/gtest.h"

namespace radctl {
namespace {

TEST(NamingTest, NamesFollowTheDesign) {
  EXPECT_EQ(NetworkName("demo"), "demo-net");
  EXPECT_EQ(NodeName("demo", 2), "demo-pg-2");
  EXPECT_EQ(VolumeName("demo", 2), "demo-pg-2-data");
  EXPECT_EQ(BouncerName("demo"), "demo-bouncer");
}

TEST(NamingTest, OrdinalOnlyFromThisClustersNodeNames) {
  EXPECT_EQ(OrdinalFromNodeName("demo", "demo-pg-3"), 3);
  EXPECT_EQ(OrdinalFromNodeName("demo", "demo-pg-0"), std::nullopt);
  EXPECT_EQ(OrdinalFromNodeName("demo", "demo-pg-03"), std::nullopt);
  EXPECT_EQ(OrdinalFromNodeName("demo", "demo2-pg-3"), std::nullopt);
  EXPECT_EQ(OrdinalFromNodeName("demo", "demo-bouncer"), std::nullopt);
  EXPECT_EQ(OrdinalFromNodeName("demo", "demo-pg-+3"), std::nullopt);
  EXPECT_EQ(OrdinalFromNodeName("demo", "demo-pg- 3"), std::nullopt);
  EXPECT_EQ(OrdinalFromNodeName("demo", "demo-pg-"), std::nullopt);
  EXPECT_EQ(OrdinalFromNodeName("demo", "demo-pg-99999999999"), std::nullopt);
}

TEST(NamingTest, LabelsCarryClusterOrdinalAndComposeProject) {
  LabelMap labels = NodeLabels("demo", 2, "abc");
  EXPECT_EQ(labels[kLabelCluster], "demo");
  EXPECT_EQ(labels[kLabelComponent], "postgres");
  EXPECT_EQ(labels[kLabelOrdinal], "2");
  EXPECT_EQ(labels[kLabelSpecHash], "abc");
  EXPECT_EQ(labels[kLabelComposeProject], "demo");
  EXPECT_EQ(labels[kLabelComposeNumber], "2");
  EXPECT_EQ(BouncerLabels("demo", "x")[kLabelComponent], "bouncer");
}

}  // namespace
}  // namespace radctl
