// Parsing valid specs: the example files, defaults, parameter text, positions and FieldError's
// text form. Invalid specs are in spec_errors_test.cc.
#include "crd-like-specs/spec_parser.h"

#include <string>

#include "crd-like-specs/cluster_spec.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace radctl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

std::string ExamplePath(const std::string& name) {
  return std::string(RADCTL_SOURCE_DIR) + "/crd-like-specs/examples/" + name;
}

// Every error as text, so a failing test shows what the parser said.
std::vector<std::string> ErrorTexts(const SpecParseResult& result) {
  std::vector<std::string> texts;
  for (const FieldError& error : result.errors) texts.push_back(error.ToString());
  return texts;
}

SpecParseResult Parse(const std::string& yaml) { return ParseClusterSpec(yaml, "t.yaml"); }

constexpr char kHeader[] =
    "apiVersion: radctl.io/v1alpha1\n"
    "kind: PostgresCluster\n"
    "metadata:\n"
    "  name: demo\n";

// The documented defaults, spelled out rather than taken from ClusterSpec's initializers.
void ExpectDefaultsExceptNameAndNodes(const ClusterSpec& spec) {
  EXPECT_EQ(spec.postgres.version, 15);
  EXPECT_EQ(spec.postgres.image, "radctl/postgres:15");
  EXPECT_THAT(spec.postgres.parameters, IsEmpty());
  EXPECT_EQ(spec.bouncer.bind, "127.0.0.1");
  EXPECT_EQ(spec.bouncer.pool_mode, "transaction");
  EXPECT_FALSE(spec.replication.synchronous);
  EXPECT_TRUE(spec.failover.enabled);
  EXPECT_EQ(spec.failover.detection_ms, 1000);
  EXPECT_EQ(spec.auth.user, "app");
  EXPECT_EQ(spec.auth.database, "app");
  EXPECT_EQ(spec.auth.password, "");
}

TEST(SpecExamplesTest, MinimalGetsEveryDefault) {
  absl::StatusOr<ClusterSpec> spec = LoadClusterSpecFile(ExamplePath("minimal.yaml"));
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->name, "minimal");
  EXPECT_EQ(spec->nodes, 3);
  EXPECT_EQ(spec->bouncer.port, kAutoPort);  // picked on the first apply
  ExpectDefaultsExceptNameAndNodes(*spec);
}

TEST(SpecExamplesTest, DemoWritesOutTheDefaults) {
  absl::StatusOr<ClusterSpec> demo = LoadClusterSpecFile(ExamplePath("demo.yaml"));
  ASSERT_TRUE(demo.ok()) << demo.status();
  EXPECT_EQ(demo->name, "demo");
  EXPECT_EQ(demo->nodes, 3);
  EXPECT_EQ(demo->bouncer.port, 6543);
  ExpectDefaultsExceptNameAndNodes(*demo);
}

TEST(SpecExamplesTest, DemoAndMinimalDifferOnlyInName) {
  absl::StatusOr<ClusterSpec> demo = LoadClusterSpecFile(ExamplePath("demo.yaml"));
  absl::StatusOr<ClusterSpec> minimal = LoadClusterSpecFile(ExamplePath("minimal.yaml"));
  ASSERT_TRUE(demo.ok()) << demo.status();
  ASSERT_TRUE(minimal.ok()) << minimal.status();
  minimal->name = "demo";
  minimal->bouncer.port = 6543;  // demo.yaml names the port that minimal.yaml leaves to auto
  EXPECT_EQ(*demo, *minimal);
}

TEST(SpecExamplesTest, SingleHasOneNodeAndItsOwnBouncerPort) {
  absl::StatusOr<ClusterSpec> spec = LoadClusterSpecFile(ExamplePath("single.yaml"));
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->name, "solo");
  EXPECT_EQ(spec->nodes, 1);
  EXPECT_EQ(spec->bouncer.port, 6544);
  ExpectDefaultsExceptNameAndNodes(*spec);
}

TEST(SpecParserTest, ReadsEveryField) {
  SpecParseResult result = Parse(std::string(kHeader) +
                                 "spec:\n"
                                 "  nodes: 5\n"
                                 "  postgres:\n"
                                 "    version: 15\n"
                                 "    image: registry.local/pg:15-custom\n"
                                 "  bouncer: {port: 7000, bind: 0.0.0.0, poolMode: session}\n"
                                 "  replication:\n"
                                 "    synchronous: true\n"
                                 "  failover:\n"
                                 "    enabled: false\n"
                                 "    detectionMs: 250\n"
                                 "  auth:\n"
                                 "    user: shop\n"
                                 "    database: orders\n"
                                 "    password: 'correct horse'\n");
  ASSERT_THAT(ErrorTexts(result), IsEmpty());
  const ClusterSpec& spec = result.spec;
  EXPECT_EQ(spec.nodes, 5);
  EXPECT_EQ(spec.postgres.image, "registry.local/pg:15-custom");
  EXPECT_EQ(spec.bouncer.port, 7000);
  EXPECT_EQ(spec.bouncer.bind, "0.0.0.0");
  EXPECT_EQ(spec.bouncer.pool_mode, "session");
  EXPECT_TRUE(spec.replication.synchronous);
  EXPECT_FALSE(spec.failover.enabled);
  EXPECT_EQ(spec.failover.detection_ms, 250);
  EXPECT_EQ(spec.auth.user, "shop");
  EXPECT_EQ(spec.auth.database, "orders");
  EXPECT_EQ(spec.auth.password, "correct horse");
}

TEST(SpecParserTest, ParameterValuesKeepTheTextWritten) {
  SpecParseResult result = Parse(std::string(kHeader) +
                                 "spec:\n"
                                 "  postgres:\n"
                                 "    parameters:\n"
                                 "      max_connections: 200\n"
                                 "      shared_buffers: \"128MB\"\n"
                                 "      synchronous_commit: off\n"
                                 "      jit: false\n"
                                 "      random_page_cost: 1.10\n"
                                 "      auto_explain.log_min_duration: '250ms'\n");
  ASSERT_THAT(ErrorTexts(result), IsEmpty());
  EXPECT_THAT(result.spec.postgres.parameters,
              ElementsAre(Pair("auto_explain.log_min_duration", "250ms"), Pair("jit", "false"),
                          Pair("max_connections", "200"), Pair("random_page_cost", "1.10"),
                          Pair("shared_buffers", "128MB"), Pair("synchronous_commit", "off")));
}

TEST(SpecParserTest, SectionsWithEveryFieldCommentedOutTakeDefaults) {
  SpecParseResult result = Parse(std::string(kHeader) +
                                 "spec:\n"
                                 "  bouncer:\n"
                                 "    # port: 7000\n"
                                 "  auth:\n");
  ASSERT_THAT(ErrorTexts(result), IsEmpty());
  EXPECT_EQ(result.spec.bouncer.port, kAutoPort);
  EXPECT_EQ(result.spec.auth.user, "app");
}

TEST(SpecParserTest, BouncerPortMayBeAuto) {
  SpecParseResult result = Parse(std::string(kHeader) +
                                 "spec:\n"
                                 "  bouncer: {port: auto}\n");
  ASSERT_THAT(ErrorTexts(result), IsEmpty());
  EXPECT_EQ(result.spec.bouncer.port, kAutoPort);
}

TEST(SpecParserTest, BouncerPortThatIsNeitherANumberNorAutoIsAnError) {
  SpecParseResult result = Parse(std::string(kHeader) +
                                 "spec:\n"
                                 "  bouncer: {port: automatic}\n");
  EXPECT_THAT(ErrorTexts(result),
              ElementsAre(HasSubstr("spec.bouncer.port: expected a port number (1-65535) or "
                                    "auto, got \"automatic\"")));
}

TEST(SpecParserTest, ProfileIsStandardOrSmall) {
  SpecParseResult small = Parse(std::string(kHeader) + "spec:\n  profile: small\n");
  ASSERT_THAT(ErrorTexts(small), IsEmpty());
  EXPECT_EQ(small.spec.profile, kProfileSmall);
  SpecParseResult tiny = Parse(std::string(kHeader) + "spec:\n  profile: tiny\n");
  EXPECT_THAT(ErrorTexts(tiny),
              ElementsAre(HasSubstr("spec.profile: must be standard or small; got \"tiny\"")));
}

TEST(SpecParserTest, EmptyImageIsDefaultedFromVersion) {
  SpecParseResult result = Parse(std::string(kHeader) +
                                 "spec:\n"
                                 "  postgres:\n"
                                 "    image: \"\"\n");
  ASSERT_THAT(ErrorTexts(result), IsEmpty());
  EXPECT_EQ(result.spec.postgres.image, "radctl/postgres:15");
}

TEST(SpecParserTest, ExplicitYamlTagsAreHonoured) {
  SpecParseResult result = Parse(std::string(kHeader) +
                                 "spec:\n"
                                 "  nodes: !!int 4\n"
                                 "  replication: {synchronous: !!bool true}\n"
                                 "  auth: {password: !!str 123456789}\n");
  ASSERT_THAT(ErrorTexts(result), IsEmpty());
  EXPECT_EQ(result.spec.nodes, 4);
  EXPECT_TRUE(result.spec.replication.synchronous);
  EXPECT_EQ(result.spec.auth.password, "123456789");
}

TEST(SpecParserTest, RecordsSourceAndThePositionOfEveryValue) {
  SpecParseResult result = Parse(std::string(kHeader) +
                                 "spec:\n"
                                 "  bouncer:\n"
                                 "    port: 7000\n"
                                 "  postgres:\n"
                                 "    parameters: {work_mem: 8MB}\n");
  ASSERT_THAT(ErrorTexts(result), IsEmpty());
  EXPECT_EQ(result.spec.source, "t.yaml");
  std::vector<std::string> positions;
  for (const auto& [path, at] : result.spec.positions) {
    positions.push_back(path + " " + std::to_string(at.line) + ":" + std::to_string(at.column));
  }
  EXPECT_THAT(
      positions,
      ElementsAre("apiVersion 1:13", "kind 2:7", "metadata 4:3", "metadata.name 4:9", "spec 6:3",
                  "spec.bouncer 7:5", "spec.bouncer.port 7:11", "spec.postgres 9:5",
                  "spec.postgres.parameters 9:17", "spec.postgres.parameters.work_mem 9:28"));
}

TEST(SpecParserTest, EqualityIgnoresWhereASpecCameFrom) {
  ClusterSpec a;
  ClusterSpec b;
  b.source = "demo.yaml";
  b.positions["spec.nodes"] = {6, 10};
  EXPECT_EQ(a, b);
  b.postgres.parameters["work_mem"] = "8MB";
  EXPECT_FALSE(a == b);
}

TEST(ApplyDefaultsTest, KeepsAnImageThatIsSet) {
  ClusterSpec spec;
  spec.postgres.image = "mine:1";
  ApplyDefaults(spec);
  EXPECT_EQ(spec.postgres.image, "mine:1");
}

TEST(ApplyDefaultsTest, DerivesTheImageFromTheVersion) {
  ClusterSpec spec;
  spec.postgres.version = 16;  // not accepted by the parser yet, but the rule is the same
  ApplyDefaults(spec);
  EXPECT_EQ(spec.postgres.image, "radctl/postgres:16");
}

TEST(FieldErrorTest, ToStringWithPlacePathAndMessage) {
  FieldError error{"demo.yaml", 12, 11, "spec.bouncer.port",
                   "must be between 1 and 65535, got 70000"};
  EXPECT_EQ(error.ToString(),
            "demo.yaml:12:11: spec.bouncer.port: must be between 1 and 65535, got 70000");
}

TEST(FieldErrorTest, ToStringOmitsLineAndColumnWhenThereIsNoPlace) {
  FieldError error{"demo.yaml", 0, 0, "metadata.name", "required field is missing"};
  EXPECT_EQ(error.ToString(), "demo.yaml: metadata.name: required field is missing");
}

TEST(FieldErrorTest, ToStringOmitsAnEmptyPath) {
  FieldError error{"demo.yaml", 3, 1, "", "invalid YAML: illegal map value"};
  EXPECT_EQ(error.ToString(), "demo.yaml:3:1: invalid YAML: illegal map value");
}

}  // namespace
}  // namespace radctl
