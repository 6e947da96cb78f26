#include "reconcilers/naming.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "reconcilers/spec_hash.h"
#include "tests/unit/reconcilers/observed_state_builder.h"

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

// A bouncer made by the release of 2026-11-30 is labelled with the hash of these fields alone
// (its reconcilers/spec_hash.cc); radctl knows it as made for the spec, without the login hold.
TEST(BouncerSpecHashTest, KnowsTheHashOfABouncerMadeWithoutTheLoginHold) {
  const ClusterSpec spec = testing::DemoSpec();
  const std::string released = Fnv1a64Hex(absl::StrCat(
      "bind=", spec.bouncer.bind, "\nport=", spec.bouncer.port, "\npool=", spec.bouncer.pool_mode,
      "\nuser=", spec.auth.user, "\ndb=", spec.auth.database));
  EXPECT_EQ(BouncerSpecHashWithoutLoginHold(spec), released);
  EXPECT_NE(BouncerSpecHash(spec), released);
  EXPECT_TRUE(BouncerMadeFor(spec, released));
  EXPECT_TRUE(BouncerMadeFor(spec, BouncerSpecHash(spec)));
  ClusterSpec other_port = spec;
  other_port.bouncer.port += 1;
  EXPECT_FALSE(BouncerMadeFor(other_port, released));
}

}  // namespace
}  // namespace radctl
