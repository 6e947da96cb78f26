// The Compose example (crd-like-specs/examples/compose) as a fresh machine reads it: images named
// with the tag this build makes and never pulled, the app waiting for a healthy cluster, the
// password a secret kept out of every committed file, and a file Compose itself accepts.
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "controller/cli/build_info.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "yaml-cpp/yaml.h"

namespace radctl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kExample = std::string(RADCTL_SOURCE_DIR) + "/crd-like-specs/examples/compose";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ComposeExampleTest, NamesTheImagesThisBuildMakesAndNeverPulls) {
  const YAML::Node file = YAML::LoadFile(kExample + "/docker-compose.yml");
  EXPECT_EQ(file["services"]["radctl"]["image"].as<std::string>(),
            std::string("radctl/radctl:") + GetBuildInfo().version)
      << "hack/lib.sh tags radctl/radctl with radctl's version; the example must name it";
  for (const auto& service : file["services"]) {
    const std::string name = service.first.as<std::string>();
    const std::string image = service.second["image"].as<std::string>();
    EXPECT_NE(image.find(':', image.rfind('/')), std::string::npos) << name << ": no tag";
    EXPECT_EQ(service.second["pull_policy"].as<std::string>(), "never") << name;
  }
}

TEST(ComposeExampleTest, TheAppWaitsForAHealthyCluster) {
  const YAML::Node file = YAML::LoadFile(kExample + "/docker-compose.yml");
  const YAML::Node radctl = file["services"]["radctl"];
  EXPECT_THAT(radctl["healthcheck"]["test"].as<std::vector<std::string>>(),
              ElementsAre("CMD", "radctl", "ready", "shop", "--http", "127.0.0.1:8433"));
  EXPECT_EQ(file["services"]["app"]["depends_on"]["radctl"]["condition"].as<std::string>(),
            "service_healthy");
  // The controller gets the socket and nothing more.
  EXPECT_TRUE(radctl["read_only"].as<bool>());
  EXPECT_THAT(radctl["cap_drop"].as<std::vector<std::string>>(), ElementsAre("ALL"));
  EXPECT_THAT(ReadFile(kExample + "/docker-compose.yml"), HasSubstr("root on this host"));
}

TEST(ComposeExampleTest, ThePasswordIsASecretNoCommittedFileHolds) {
  const YAML::Node file = YAML::LoadFile(kExample + "/docker-compose.yml");
  EXPECT_EQ(file["secrets"]["shop_password"]["file"].as<std::string>(), "./secrets/shop_password");
  EXPECT_THAT(ReadFile(kExample + "/.gitignore"), HasSubstr("secrets/"));
  const YAML::Node spec = YAML::LoadFile(kExample + "/cluster/shop.yaml");
  EXPECT_FALSE(spec["spec"]["auth"]["password"]);
  EXPECT_EQ(spec["spec"]["auth"]["passwordFile"].as<std::string>(), "/run/secrets/shop_password");
  for (const auto& service : file["services"]) {
    const YAML::Node environment = service.second["environment"];
    if (!environment) continue;
    EXPECT_FALSE(environment["PGPASSWORD"]) << service.first.as<std::string>();
  }
}

TEST(ComposeExampleTest, ComposeAcceptsTheFile) {
  if (std::system("command -v docker-compose >/dev/null") != 0) {
    GTEST_SKIP() << "docker-compose is not installed (hack/lib.sh installs it)";
  }
  // `config` reads and checks the file; it does not talk to the engine.
  EXPECT_EQ(std::system(("cd " + kExample + " && docker-compose config -q").c_str()), 0);
}

}  // namespace
}  // namespace radctl
