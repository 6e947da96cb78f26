// The schema check itself: it must reject what the API server rejects, or the manifest tests
// that rely on it could not fail.
#include "tests/unit/export/crd_schema.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace radctl::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const YAML::Node& Schema() {
  static const YAML::Node schema =
      LoadCrdSchema(std::string(CNPG_REFERENCE_DIR) + "/postgresql.cnpg.io_clusters.yaml");
  return schema;
}

std::vector<std::string> Check(const std::string& manifest) {
  return ValidateAgainstSchema(Schema(), YAML::Load(manifest));
}

constexpr char kValid[] =
    "apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata: {name: demo}\n"
    "spec:\n  instances: 3\n  postgresql:\n    parameters: {max_connections: \"200\"}\n";

TEST(CrdSchemaTest, AcceptsAValidCluster) { EXPECT_THAT(Check(kValid), IsEmpty()); }

TEST(CrdSchemaTest, RejectsWhatTheApiServerRejects) {
  struct Row {
    const char* name;
    std::string manifest;
    std::string error;
  };
  const std::string head = "apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata: {}\n";
  const Row rows[] = {
      {"unknown field", head + "spec: {instances: 3, instancez: 2}",
       "spec.instancez: unknown field"},
      {"quoted integer", head + "spec: {instances: \"3\"}",
       "spec.instances: want integer, got string \"3\""},
      {"unquoted number as a parameter",
       head + "spec: {instances: 1, postgresql: {parameters: "
              "{max_connections: 200}}}",
       "spec.postgresql.parameters.max_connections: want string, got integer \"200\""},
      {"YAML 1.1 boolean as a parameter",
       head + "spec: {instances: 1, postgresql: {parameters: {jit: off}}}",
       "spec.postgresql.parameters.jit: want string, got boolean \"off\""},
      {"below minimum", head + "spec: {instances: 0}", "spec.instances: 0 is below the minimum"},
      {"enum", head + "spec: {instances: 1, primaryUpdateMethod: rolling}",
       "spec.primaryUpdateMethod: \"rolling\" is not allowed"},
      {"required", head + "spec: {storage: {size: 1Gi}}", "spec.instances: required"},
      {"deprecated", head + "spec: {instances: 1, monitoring: {enablePodMonitor: true}}",
       "spec.monitoring.enablePodMonitor: deprecated"},
      {"CEL self > 0",
       head + "spec: {instances: 2, postgresql: {synchronous: {method: any, number: 0}}}",
       "spec.postgresql.synchronous.number: The number of synchronous replicas should be "
       "greater than zero"},
  };
  for (const Row& row : rows) {
    EXPECT_THAT(Check(row.manifest), ElementsAre(row.error)) << row.name;
  }
}

}  // namespace
}  // namespace radctl::testing
