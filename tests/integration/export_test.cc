// radctl export against a running cluster: the CloudNativePG manifests say how much storage the
// volumes need and print no password unless asked; --create-replication-user makes a role that
// really can take the pg_basebackup CloudNativePG's bootstrap takes, with the pg_hba.conf radctl
// already writes; the Compose export brings the same cluster up from that one file.
#include <fstream>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/harness.h"
#include "yaml-cpp/yaml.h"

namespace radctl::it {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kBackupDir[] = "/tmp/radctl-it-export-basebackup";

// The password in the Secret named `name` of an export; "" when there is none.
std::string SecretPassword(const std::string& yaml, const std::string& name) {
  for (const YAML::Node& doc : YAML::LoadAll(yaml)) {
    if (doc.IsMap() && doc["kind"].as<std::string>() == "Secret" &&
        doc["metadata"]["name"].as<std::string>() == name) {
      return doc["stringData"]["password"].as<std::string>();
    }
  }
  return "";
}

TEST(ExportTest, MigrationUserTakesABaseBackupAndComposeFileBringsTheClusterBack) {
  TestCluster cluster("cmp-export", 2, 16584);
  CommandResult applied = cluster.Apply();
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  std::string primary;
  ASSERT_TRUE(cluster.WaitHealthy(1, absl::Seconds(90), &primary));
  absl::StatusOr<PgEndpoint> endpoint = cluster.Endpoint();
  ASSERT_TRUE(endpoint.ok());
  const std::string app_password = endpoint->password;

  CommandResult plain = Radctl("export cmp-export --format cnpg");
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_THAT(plain.out, Not(HasSubstr(app_password)));
  EXPECT_THAT(plain.out, HasSubstr("MiB the fullest node volume uses"));  // measured, not guessed
  EXPECT_THAT(plain.out, HasSubstr("size: 1Gi"));

  // The primary's published port stands in for the address Kubernetes would reach it at.
  CommandResult port = Shell(absl::StrCat("docker port ", primary, " 5432 | head -1"));
  std::string address(absl::StripAsciiWhitespace(port.out));
  ASSERT_FALSE(address.empty()) << port.err;
  CommandResult migrate =
      Radctl(absl::StrCat("export cmp-export --format cnpg --migrate-from ", address,
                          " --create-replication-user --show-secrets"));
  ASSERT_EQ(migrate.exit_code, 0) << migrate.err;
  EXPECT_EQ(SecretPassword(migrate.out, "cmp-export-app-user"), app_password);
  const std::string replication_password =
      SecretPassword(migrate.out, "cmp-export-source-replication");
  ASSERT_FALSE(replication_password.empty()) << migrate.out;
  // Replication and login, nothing more.
  absl::StatusOr<std::string> role =
      cluster.QueryNode(OrdinalOf(primary),
                        "SELECT rolsuper, rolreplication, rolcanlogin FROM pg_roles "
                        "WHERE rolname = 'streaming_replica'");
  ASSERT_TRUE(role.ok()) << role.status();
  EXPECT_EQ(*role, "f|t|t");

  // What CloudNativePG's pg_basebackup bootstrap does, with that role and radctl's pg_hba.conf.
  Shell(absl::StrCat("rm -rf ", kBackupDir));
  CommandResult backup = Shell(absl::StrCat(
      "PGPASSWORD='", replication_password,
      "' pg_basebackup -d 'host=127.0.0.1 port=", address.substr(address.rfind(':') + 1),
      " user=streaming_replica' -D ", kBackupDir, " -X stream -c fast"));
  EXPECT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_EQ(std::string(absl::StripAsciiWhitespace(
                Shell(absl::StrCat("cat ", kBackupDir, "/PG_VERSION")).out)),
            "15");
  Shell(absl::StrCat("rm -rf ", kBackupDir));

  // The Compose export shares the cluster as one file: removed here, brought up from the file
  // alone by the controller image, the same cluster comes back.
  CommandResult compose = Radctl("export cmp-export --format compose");
  ASSERT_EQ(compose.exit_code, 0) << compose.err;
  const std::string file = "/tmp/radctl-it-export-compose.yml";
  std::ofstream(file) << compose.out;
  const std::string project = absl::StrCat("docker-compose -p cmp-exported -f ", file, " ");
  CommandResult config = Shell(project + "config -q");
  ASSERT_EQ(config.exit_code, 0) << config.err << compose.out;
  ASSERT_EQ(Radctl("delete cmp-export").exit_code, 0);
  CommandResult up = Shell(project + "up -d");
  ASSERT_EQ(up.exit_code, 0) << up.err;
  // The controller's container, asked of docker-compose once: each docker-compose run costs
  // about half a second of CPU, taken from the cluster coming up.
  const std::string controller =
      std::string(absl::StripAsciiWhitespace(Shell(project + "ps -q radctl").out));
  ASSERT_FALSE(controller.empty()) << Shell(project + "ps").out;
  EXPECT_TRUE(WaitFor(
      [&](std::string* observed) {
        CommandResult status =
            Shell(absl::StrCat("docker exec ", controller, " radctl status cmp-export -o json"));
        *observed = status.out + status.err;
        if (status.exit_code != 0) return false;
        nlohmann::json json =
            nlohmann::json::parse(status.out, nullptr, /*allow_exceptions=*/false);
        if (!json.is_object() || !json["nodes"].is_array()) return false;
        int primaries = 0, standbys = 0;
        for (const nlohmann::json& node : json["nodes"]) {
          primaries += node["role"] == "primary";
          standbys += node["role"] == "standby";
        }
        return primaries == 1 && standbys == 1;
      },
      absl::Seconds(120)))
      << Shell(project + "logs --tail 5 radctl").out;
  Shell(project + "stop");
  EXPECT_EQ(Shell(project + "run --rm radctl delete cmp-export").exit_code, 0);
  Shell(project + "down -v");
  std::remove(file.c_str());
}

}  // namespace
}  // namespace radctl::it
