#include "controller/config/bouncer_config.h"

#include "absl/strings/str_cat.h"
#include "controller/config/scram_secret.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/reconcilers/observed_state_builder.h"

namespace radctl {
namespace {

using ::radctl::testing::DemoSpec;

using ::testing::HasSubstr;
using ::testing::Not;

TEST(BouncerConfigTest, TargetsThePrimaryForTheAppDatabaseAndAnyOther) {
  std::string ini = RenderPgbouncerIni(DemoSpec(), "demo-pg-2");
  EXPECT_THAT(ini, HasSubstr("[databases]\napp = host=demo-pg-2 port=5432 dbname=app\n"
                             "* = host=demo-pg-2 port=5432\n"));
}

TEST(BouncerConfigTest, UntargetedBeforeThereIsAPrimary) {
  std::string ini = RenderPgbouncerIni(DemoSpec(), "");
  EXPECT_THAT(ini, HasSubstr("[databases]\n\n[pgbouncer]"));
  EXPECT_THAT(ini, Not(HasSubstr("host=")));
}

TEST(BouncerConfigTest, SafeRepointSettings) {
  ClusterSpec spec = DemoSpec();
  spec.bouncer.pool_mode = "session";
  std::string ini = RenderPgbouncerIni(spec, "demo-pg-1");
  EXPECT_THAT(ini, HasSubstr("server_login_retry = 0\n"));  // rule 3: no 15 s refusal window
  EXPECT_THAT(ini, HasSubstr("auth_type = scram-sha-256\n"));
  EXPECT_THAT(ini, HasSubstr("pool_mode = session\n"));
  EXPECT_THAT(ini, HasSubstr("admin_users = radctl\n"));
  EXPECT_THAT(ini, HasSubstr("listen_port = 6432\n"));
}

ClusterSecrets Secrets() {
  ClusterSecrets secrets;
  secrets.app_password = "app-password";
  secrets.bouncer_password = "admin-password";
  secrets.app_scram = ScramSecret("app-password", "salt-of-16-bytes");
  secrets.bouncer_scram = ScramSecret("admin-password", "another-salt-16b");
  return secrets;
}

TEST(BouncerConfigTest, UserlistHoldsScramSecretsNotPasswords) {
  ClusterSecrets secrets = Secrets();
  std::string userlist = RenderUserlist(DemoSpec(), secrets);
  EXPECT_EQ(userlist, absl::StrCat("\"app\" \"", secrets.app_scram, "\"\n\"radctl\" \"",
                                   secrets.bouncer_scram, "\"\n"));
  EXPECT_THAT(userlist, Not(HasSubstr("password")));
}

TEST(BouncerConfigTest, FilesAreNamedByTheirGenerationAndTheIniRequiresTls) {
  ClusterSpec spec = DemoSpec();
  ClusterSecrets secrets = Secrets();
  secrets.ca = {"CA CERT", "CA KEY"};
  secrets.server = {"SERVER CERT", "SERVER KEY"};
  const std::string generation = BouncerFilesGeneration(spec, secrets);
  std::vector<docker::FileToUpload> files = BouncerFiles(spec, secrets, "demo-pg-1");
  std::vector<std::string> paths;
  for (const docker::FileToUpload& file : files) {
    paths.push_back(file.path);
    EXPECT_EQ(file.mode, 0600) << file.path;
  }
  EXPECT_THAT(paths,
              ::testing::ElementsAre(absl::StrCat("userlist-", generation, ".txt"),
                                     absl::StrCat("server-", generation, ".crt"),
                                     absl::StrCat("server-", generation, ".key"),
                                     absl::StrCat("ca-", generation, ".crt"), "pgbouncer.ini"));
  const std::string& ini = files.back().content;
  EXPECT_THAT(ini, HasSubstr(absl::StrCat("auth_file = ", BouncerAuthFile(generation), "\n")));
  EXPECT_THAT(ini, HasSubstr("client_tls_sslmode = require\n"));
  EXPECT_THAT(ini, HasSubstr("server_tls_sslmode = verify-full\n"));

  // Another password or certificate: another generation.
  ClusterSecrets rotated = secrets;
  rotated.app_scram = ScramSecret("new-password", "salt-of-16-bytes");
  EXPECT_NE(BouncerFilesGeneration(spec, rotated), generation);
  rotated = secrets;
  rotated.server.cert = "RENEWED CERT";
  EXPECT_NE(BouncerFilesGeneration(spec, rotated), generation);

  // TLS off: no certificate files, plaintext clients.
  spec.tls.enabled = false;
  files = BouncerFiles(spec, secrets, "demo-pg-1");
  EXPECT_EQ(files.size(), 2u);
  EXPECT_THAT(files.back().content, HasSubstr("client_tls_sslmode = disable\n"));
}

}  // namespace
}  // namespace radctl
