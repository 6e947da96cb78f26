// radctl export --format compose: a Compose file that docker-compose 1.29 reads, running the
// controller image with the cluster's spec inline (read back to the same spec).
#include "controller/export/compose_file.h"

#include "absl/strings/str_replace.h"
#include "crd-like-specs/spec_parser.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "yaml-cpp/yaml.h"

namespace radctl::exporting {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

ClusterSpec Spec(const std::string& body) {
  SpecParseResult parsed = ParseClusterSpec(
      "apiVersion: radctl.io/v1alpha1\nkind: PostgresCluster\nmetadata:\n  name: shop\nspec:\n" +
          body,
      "test.yaml");
  EXPECT_TRUE(parsed.ok());
  return parsed.spec;
}

// The inline spec as the container sees it: Compose turns "$$" back into "$".
ClusterSpec InlineSpec(const YAML::Node& file) {
  std::string text = absl::StrReplaceAll(
      file["services"]["radctl"]["environment"]["RADCTL_SPEC"].as<std::string>(), {{"$$", "$"}});
  SpecParseResult parsed = ParseClusterSpec(text, "RADCTL_SPEC");
  EXPECT_TRUE(parsed.ok()) << text;
  return parsed.spec;
}

TEST(ComposeFileTest, RunsTheControllerWithTheSpecInline) {
  ClusterSpec spec = Spec(
      "  nodes: 3\n  bouncer: {port: 7001}\n  postgres:\n    parameters: "
      "{search_path: \"\\\"$user\\\", public\"}\n");
  ComposeOptions options;
  options.image = "radctl/radctl:9.9.9";
  ComposeExport exported = RenderCompose(spec, options).value();
  YAML::Node file = YAML::Load(exported.yaml);
  const YAML::Node service = file["services"]["radctl"];
  EXPECT_EQ(service["image"].as<std::string>(), "radctl/radctl:9.9.9");
  // Made here, never pulled: a fresh machine without a registry must not look for it.
  EXPECT_EQ(service["pull_policy"].as<std::string>(), "never");
  // Services can wait for the cluster, not only for the controller to start.
  EXPECT_THAT(service["healthcheck"]["test"].as<std::vector<std::string>>(),
              ElementsAre("CMD", "radctl", "ready", "shop", "--http", "127.0.0.1:8433"));
  // The socket and nothing else.
  EXPECT_TRUE(service["read_only"].as<bool>());
  EXPECT_THAT(service["cap_drop"].as<std::vector<std::string>>(), ElementsAre("ALL"));
  EXPECT_THAT(exported.yaml, HasSubstr("root on this host"));
  EXPECT_THAT(service["command"].as<std::vector<std::string>>(),
              ElementsAre("apply", "-f", kInlineSpecPath, "--watch", "--http", "127.0.0.1:8433"));
  EXPECT_EQ(service["network_mode"].as<std::string>(), "host");
  EXPECT_EQ(service["restart"].as<std::string>(), "unless-stopped");
  EXPECT_THAT(
      service["volumes"].as<std::vector<std::string>>(),
      ElementsAre("/var/run/docker.sock:/var/run/docker.sock", "radctl-state:/var/lib/radctl"));
  EXPECT_TRUE(file["volumes"]["radctl-state"]);
  // The cluster's network, labelled so radctl adopts it, for services added to the file.
  EXPECT_EQ(file["networks"]["shop-net"]["name"].as<std::string>(), "shop-net");
  EXPECT_EQ(file["networks"]["shop-net"]["labels"]["io.radctl.cluster"].as<std::string>(), "shop");
  // "$user" would be a Compose variable: it is escaped, and the spec reads back unchanged.
  EXPECT_THAT(exported.yaml, HasSubstr("$$user"));
  EXPECT_TRUE(InlineSpec(file) == spec);
  EXPECT_THAT(exported.notes, IsEmpty());
  EXPECT_THAT(exported.yaml, HasSubstr("shop-bouncer:6432"));
}

TEST(ComposeFileTest, ASpecPasswordOnlyWithShowSecrets) {
  ClusterSpec spec = Spec("  nodes: 1\n  auth: {password: \"s3cret-Passw0rd\"}\n");
  ComposeOptions defaults;
  defaults.image = "radctl/radctl:9.9.9";
  ComposeExport masked = RenderCompose(spec, defaults).value();
  EXPECT_THAT(masked.yaml, Not(HasSubstr("s3cret-Passw0rd")));
  EXPECT_EQ(InlineSpec(YAML::Load(masked.yaml)).auth.password, "");
  EXPECT_THAT(masked.notes, ElementsAre(HasSubstr("--show-secrets")));

  ComposeOptions options;
  options.show_secrets = true;
  options.image = "registry.example/radctl:1";
  options.http = "127.0.0.1:9000";
  YAML::Node file = YAML::Load(RenderCompose(spec, options).value().yaml);
  EXPECT_TRUE(InlineSpec(file) == spec);
  EXPECT_EQ(file["services"]["radctl"]["image"].as<std::string>(), "registry.example/radctl:1");
  EXPECT_EQ(file["services"]["radctl"]["command"][5].as<std::string>(), "127.0.0.1:9000");
}

}  // namespace
}  // namespace radctl::exporting
