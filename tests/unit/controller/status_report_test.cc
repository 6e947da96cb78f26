#include "controller/reporting/status_report.h"

#include <nlohmann/json.hpp>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/reconcilers/observed_state_builder.h"

namespace radctl {
namespace {

using ::radctl::testing::DemoSpec;

using ::radctl::testing::ObservedStateBuilder;
using ::radctl::testing::Snapshot;
using ::testing::HasSubstr;
using ::testing::Not;

ClusterSecrets Secrets() {
  ClusterSecrets secrets;
  secrets.app_password = "s3cret";
  return secrets;
}
const ClusterSecrets kSecrets = Secrets();

TEST(StatusReportTest, JsonFollowsTheContract) {
  Snapshot observed = ObservedStateBuilder(DemoSpec())
                          .Primary(1, 0x5000100)
                          .Standby(2, 1, 0x5000000)
                          .Down(3, DataDir::kPrimary)
                          .BouncerTarget(1)
                          .Build();
  nlohmann::json json = nlohmann::json::parse(StatusJson(DemoSpec(), kSecrets, observed));
  EXPECT_EQ(json["name"], "demo");
  EXPECT_EQ(json["primary"], "demo-pg-1");
  EXPECT_EQ(json["endpoint"]["host"], "127.0.0.1");
  EXPECT_EQ(json["endpoint"]["port"], 6543);
  EXPECT_EQ(json["endpoint"]["uri"], "postgresql://app:s3cret@127.0.0.1:6543/app");
  EXPECT_EQ(json["bouncer"]["target"], "demo-pg-1");
  ASSERT_EQ(json["nodes"].size(), 3u);
  EXPECT_EQ(json["nodes"][0]["role"], "primary");
  EXPECT_EQ(json["nodes"][0]["upstream"], nullptr);
  EXPECT_EQ(json["nodes"][1]["role"], "standby");
  EXPECT_EQ(json["nodes"][1]["running"], true);
  EXPECT_EQ(json["nodes"][1]["upstream"], "demo-pg-1");
  EXPECT_EQ(json["nodes"][1]["lag_bytes"], 0x100);
  EXPECT_EQ(json["nodes"][2]["role"], "fenced");
  EXPECT_EQ(json["nodes"][2]["lag_bytes"], nullptr);
}

TEST(StatusReportTest, NoPrimaryIsNull) {
  Snapshot observed = ObservedStateBuilder(DemoSpec()).Stopped(1, 137).Standby(2, 0).Build();
  nlohmann::json json = nlohmann::json::parse(StatusJson(DemoSpec(), kSecrets, observed));
  EXPECT_EQ(json["primary"], nullptr);
  EXPECT_EQ(json["bouncer"]["target"], nullptr);
  EXPECT_EQ(json["nodes"][0]["role"], "down");
  EXPECT_EQ(json["nodes"][0]["running"], false);
}

TEST(StatusReportTest, TableMasksThePassword) {
  Snapshot observed = ObservedStateBuilder(DemoSpec()).Primary(1).BouncerTarget(1).Build();
  std::string table = StatusTable(DemoSpec(), kSecrets, observed);
  EXPECT_THAT(table, HasSubstr("postgresql://app:****@127.0.0.1:6543/app -> demo-pg-1"));
  EXPECT_THAT(table, Not(HasSubstr("s3cret")));
  EXPECT_THAT(table, HasSubstr("nodes 1/3 ready"));
}

TEST(StatusReportTest, MovedAsideCopiesAreCountedAndListed) {
  Snapshot observed = ObservedStateBuilder(DemoSpec())
                          .Primary(1)
                          .Standby(2, 1)
                          .Standby(3, 1)
                          .BouncerTarget(1)
                          .Build();
  observed.nodes[1].moved_aside = {"data.radctl-old-20261206T090000Z"};
  EXPECT_THAT(StatusTable(DemoSpec(), kSecrets, observed),
              HasSubstr("MOVED ASIDE demo-pg-2 1 (of at most 3 per node; radctl aside demo)"));
  nlohmann::json json = nlohmann::json::parse(StatusJson(DemoSpec(), kSecrets, observed));
  EXPECT_EQ(json["nodes"][1]["moved_aside"][0], "data.radctl-old-20261206T090000Z");
  EXPECT_TRUE(json["nodes"][0]["moved_aside"].empty());
}

TEST(StatusReportTest, ZeroBindIsReachedThroughLoopback) {
  ClusterSpec spec = DemoSpec();
  spec.bouncer.bind = "0.0.0.0";
  EXPECT_EQ(EndpointUri(spec, kSecrets, true), "postgresql://app:****@127.0.0.1:6543/app");
}

}  // namespace
}  // namespace radctl

namespace radctl {
namespace {

ClusterSpec ReadSpec() {
  ClusterSpec spec = ::radctl::testing::DemoSpec();
  spec.bouncer.read_port = 6544;
  return spec;
}

TEST(StatusReportReadTest, TheReadEndpointItsNodesAndItsFallback) {
  ClusterSpec spec = ReadSpec();
  ObservedState serving = ::radctl::testing::ObservedStateBuilder(spec)
                              .Primary(1)
                              .Standby(2, 1)
                              .Standby(3, 1)
                              .BouncerTarget(1)
                              .ReadBouncer({2, 3})
                              .Build();
  nlohmann::json json = nlohmann::json::parse(StatusJson(spec, kSecrets, serving));
  EXPECT_EQ(json["read_endpoint"]["port"], 6544);
  EXPECT_EQ(json["read_endpoint"]["uri"], "postgresql://app:s3cret@127.0.0.1:6544/app");
  EXPECT_EQ(json["read_endpoint"]["serves"], nlohmann::json({"demo-pg-2", "demo-pg-3"}));
  EXPECT_EQ(json["read_endpoint"]["fallback"], false);
  EXPECT_THAT(StatusTable(spec, kSecrets, serving),
              HasSubstr("READ     postgresql://app:****@127.0.0.1:6544/app -> demo-pg-2, "
                        "demo-pg-3\n"));

  ObservedState fallback = ::radctl::testing::ObservedStateBuilder(spec)
                               .Primary(1)
                               .BouncerTarget(1)
                               .ReadBouncer({1})
                               .Build();
  json = nlohmann::json::parse(StatusJson(spec, kSecrets, fallback));
  EXPECT_EQ(json["read_endpoint"]["fallback"], true);
  EXPECT_THAT(StatusTable(spec, kSecrets, fallback), HasSubstr("-> fallback: primary demo-pg-1"));
}

TEST(StatusReportReadTest, NoReadEndpointWithoutReadPort) {
  ObservedState observed = ::radctl::testing::ObservedStateBuilder(::radctl::testing::DemoSpec())
                               .Primary(1)
                               .BouncerTarget(1)
                               .Build();
  nlohmann::json json =
      nlohmann::json::parse(StatusJson(::radctl::testing::DemoSpec(), kSecrets, observed));
  EXPECT_EQ(json["read_endpoint"], nullptr);
  EXPECT_THAT(StatusTable(::radctl::testing::DemoSpec(), kSecrets, observed),
              Not(HasSubstr("READ")));
  EXPECT_EQ(ReadEndpointUri(::radctl::testing::DemoSpec(), kSecrets, false), "");
}

}  // namespace
}  // namespace radctl
