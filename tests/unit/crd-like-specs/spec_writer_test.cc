// ClusterSpecToYaml: a stable, readable text that reads back to an equal spec.
#include <string>

#include "crd-like-specs/spec_parser.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace radctl {
namespace {

using ::testing::IsEmpty;

// Every field away from its default; parameter values that look like other YAML types.
ClusterSpec FullyPopulatedSpec() {
  ClusterSpec spec;
  spec.name = "shop-db";
  spec.nodes = 5;
  spec.postgres.version = 15;
  spec.postgres.image = "registry.local:5000/pg:15-custom";
  spec.postgres.parameters = {{"max_connections", "200"},
                              {"fsync", "on"},
                              {"jit", "false"},
                              {"random_page_cost", "1.10"},
                              {"log_line_prefix", "'%m [%p] # '"},
                              {"search_path", "null"},
                              {"pg_stat_statements.max", "10000"}};
  spec.bouncer.port = 7001;
  spec.bouncer.bind = "0.0.0.0";
  spec.bouncer.pool_mode = "session";
  spec.bouncer.read_port = 7002;
  spec.bouncer.read_max_lag = "64MB";
  spec.replication.synchronous = true;
  spec.failover.enabled = false;
  spec.failover.detection_ms = 2500;
  spec.auth.user = "shop";
  spec.auth.database = "orders";
  spec.auth.password = "p@ss: #{word} - 1";
  return spec;
}

TEST(ClusterSpecToYamlTest, FullyPopulatedSpecRoundTrips) {
  ClusterSpec original = FullyPopulatedSpec();
  std::string yaml = ClusterSpecToYaml(original);
  SpecParseResult result = ParseClusterSpec(yaml, "written.yaml");
  std::vector<std::string> errors;
  for (const FieldError& error : result.errors) errors.push_back(error.ToString());
  ASSERT_THAT(errors, IsEmpty()) << yaml;
  EXPECT_EQ(result.spec, original) << yaml;
  EXPECT_EQ(result.spec.postgres.parameters, original.postgres.parameters) << yaml;
}

TEST(ClusterSpecToYamlTest, AutoPortsRoundTrip) {
  ClusterSpec original;
  original.name = "demo";
  ApplyDefaults(original);
  original.bouncer.read_port = kAutoReadPort;
  SpecParseResult result = ParseClusterSpec(ClusterSpecToYaml(original), "written.yaml");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.spec, original);
}

TEST(ClusterSpecToYamlTest, DefaultSpecRoundTrips) {
  ClusterSpec original;
  original.name = "demo";
  ApplyDefaults(original);
  SpecParseResult result = ParseClusterSpec(ClusterSpecToYaml(original), "written.yaml");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.spec, original);
}

TEST(ClusterSpecToYamlTest, WritesFieldsInAStableReadableOrder) {
  ClusterSpec spec;
  spec.name = "demo";
  spec.postgres.parameters["max_connections"] = "200";
  spec.auth.password = "s3cret-pass";
  ApplyDefaults(spec);
  EXPECT_EQ(ClusterSpecToYaml(spec),
            "apiVersion: radctl.io/v1alpha1\n"
            "kind: PostgresCluster\n"
            "metadata:\n"
            "  name: demo\n"
            "spec:\n"
            "  nodes: 3\n"
            "  postgres:\n"
            "    version: 15\n"
            "    image: radctl/postgres:15\n"
            "    parameters:\n"
            "      max_connections: \"200\"\n"
            "  bouncer:\n"
            "    port: auto\n"
            "    bind: 127.0.0.1\n"
            "    poolMode: transaction\n"
            "  replication:\n"
            "    synchronous: false\n"
            "    maxSlotWalKeepSize: 1GB\n"
            "    maxMovedAside: 3\n"
            "  failover:\n"
            "    enabled: true\n"
            "    detectionMs: 1000\n"
            "  auth:\n"
            "    user: app\n"
            "    database: app\n"
            "    password: \"s3cret-pass\"\n"
            "  tls:\n"
            "    enabled: true\n");
}

TEST(ClusterSpecToYamlTest, NoParametersIsAnEmptyFlowMapping) {
  ClusterSpec spec;
  spec.name = "demo";
  EXPECT_THAT(ClusterSpecToYaml(spec), ::testing::HasSubstr("    parameters: {}\n"));
}

}  // namespace
}  // namespace radctl
