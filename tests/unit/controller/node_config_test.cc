#include "controller/config/node_config.h"

#include "absl/strings/str_split.h"
#include "controller/config/scram_secret.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reconcilers/spec_hash.h"
#include "tests/unit/reconcilers/observed_state_builder.h"

namespace radctl {
namespace {

using ::radctl::testing::DemoSpec;

using ::testing::HasSubstr;
using ::testing::Not;

TEST(NodeConfigTest, PostgresqlConfHasReplicationSettingsThenUserParameters) {
  ClusterSpec spec = DemoSpec();
  spec.postgres.parameters = {{"max_connections", "200"}, {"work_mem", "8MB"}};
  std::string conf = RenderPostgresqlConf(spec);
  EXPECT_THAT(conf, HasSubstr("listen_addresses = '*'\n"));
  EXPECT_THAT(conf, HasSubstr("wal_level = replica\n"));
  EXPECT_THAT(conf, HasSubstr("password_encryption = scram-sha-256\n"));
  EXPECT_THAT(conf, HasSubstr("synchronous_standby_names = ''\n"));
  EXPECT_THAT(conf, HasSubstr("max_connections = '200'\nwork_mem = '8MB'\n"));
  EXPECT_LT(conf.find("wal_level"), conf.find("max_connections"));
}

TEST(NodeConfigTest, SmallProfileShrinksMemoryAndUserParametersStillWin) {
  ClusterSpec spec = DemoSpec();
  EXPECT_THAT(RenderPostgresqlConf(spec), Not(HasSubstr("shared_buffers")));
  spec.profile = kProfileSmall;
  spec.postgres.parameters = {{"work_mem", "8MB"}};
  std::string conf = RenderPostgresqlConf(spec);
  EXPECT_THAT(conf, HasSubstr("shared_buffers = '16MB'\n"));
  // postgresql.conf takes the last setting of a name: the user's comes after the profile's.
  EXPECT_LT(conf.find("work_mem = '2MB'"), conf.find("work_mem = '8MB'"));
  // Applying a profile is a configuration change, rolled out like any other.
  EXPECT_NE(ConfigHash(spec), ConfigHash(DemoSpec()));
}

TEST(NodeConfigTest, ParameterValuesAreQuoted) {
  ClusterSpec spec = DemoSpec();
  spec.postgres.parameters = {{"application_name", "it's"}};
  EXPECT_THAT(RenderPostgresqlConf(spec), HasSubstr("application_name = 'it''s'\n"));
}

TEST(NodeConfigTest, SynchronousNamesListEveryNodeOnlyWhenThereIsAStandby) {
  ClusterSpec spec = DemoSpec();
  spec.replication.synchronous = true;
  EXPECT_EQ(SynchronousStandbyNames(spec),
            "ANY 1 (\"demo-pg-1\", \"demo-pg-2\", \"demo-pg-3\", \"demo-pg-4\", \"demo-pg-5\", "
            "\"demo-pg-6\", \"demo-pg-7\", \"demo-pg-8\", \"demo-pg-9\")");
  spec.nodes = 1;
  EXPECT_EQ(SynchronousStandbyNames(spec), "");  // a lone primary must not wait for anyone
  spec.nodes = 3;
  spec.replication.synchronous = false;
  EXPECT_EQ(SynchronousStandbyNames(spec), "");
}

TEST(NodeConfigTest, HbaTrustsOnlyTheLocalSocket) {
  std::string hba = RenderPgHbaConf(/*require_tls=*/false);
  EXPECT_THAT(hba, HasSubstr("local   all          all            trust"));
  EXPECT_THAT(hba, HasSubstr("host    all          all   all      scram-sha-256"));
  EXPECT_THAT(hba, HasSubstr("host    replication  all   all      scram-sha-256"));
  // With TLS on, only TLS connections match a line: plaintext ones are refused.
  hba = RenderPgHbaConf(/*require_tls=*/true);
  EXPECT_THAT(hba, HasSubstr("hostssl all          all   all      scram-sha-256"));
  EXPECT_THAT(hba, HasSubstr("hostssl replication  all   all      scram-sha-256"));
  EXPECT_THAT(hba, ::testing::Not(HasSubstr("host    ")));
  EXPECT_THAT(hba, Not(HasSubstr("host    all          all   all      trust")));
}

TEST(NodeConfigTest, RepmgrConfNamesTheNodeAndUsesSlots) {
  std::string conf = RenderRepmgrConf(DemoSpec(), 2);
  EXPECT_THAT(conf, HasSubstr("node_id=2\n"));
  EXPECT_THAT(conf, HasSubstr("node_name='demo-pg-2'\n"));
  EXPECT_THAT(
      conf,
      HasSubstr("conninfo='host=demo-pg-2 port=5432 user=repmgr dbname=repmgr connect_timeout=2 "
                "sslmode=verify-full sslrootcert=/var/lib/postgresql/tls/ca.crt'\n"));
  EXPECT_THAT(conf, HasSubstr("use_replication_slots=yes\n"));
  EXPECT_THAT(conf, HasSubstr("failover=manual\n"));
  EXPECT_THAT(conf, Not(HasSubstr("password")));  // passwords live in .pgpass only
}

TEST(NodeConfigTest, PgpassEscapesSeparators) {
  ClusterSecrets secrets;
  secrets.repmgr_password = "a:b\\c";
  EXPECT_EQ(RenderPgpass(secrets), "*:*:*:repmgr:a\\:b\\\\c\n");
}

TEST(NodeConfigTest, BootstrapSqlCreatesRolesWithScramSecretsNeverPasswords) {
  ClusterSpec spec = DemoSpec();
  spec.auth.user = "shop";
  spec.auth.database = "orders";
  ClusterSecrets secrets{"app'pw\\", "repmgr;\n\npw", "bouncerpw"};
  std::string sql = RenderBootstrapSql(spec, secrets);
  // No password in plain text: the single-user backend's log (log_statement = all) is kept in
  // the container.
  EXPECT_THAT(sql, Not(HasSubstr("repmgr;")));
  EXPECT_THAT(sql, Not(HasSubstr("app''pw")));
  // Statements end with ";" and an empty line (a single-user backend's -j input).
  std::vector<std::string> statements = absl::StrSplit(sql, "\n\n", absl::SkipEmpty());
  ASSERT_EQ(statements.size(), 5u) << sql;
  auto secret_of = [](const std::string& statement) {
    size_t begin = statement.find("E'") + 2;
    return statement.substr(begin, statement.rfind('\'') - begin);
  };
  EXPECT_THAT(statements[0], HasSubstr("CREATE ROLE repmgr SUPERUSER REPLICATION LOGIN PASSWORD"));
  EXPECT_TRUE(ScramSecretMatches(secret_of(statements[0]), "repmgr;\n\npw")) << statements[0];
  EXPECT_EQ(statements[1], "CREATE DATABASE repmgr OWNER repmgr STRATEGY FILE_COPY;");
  EXPECT_EQ(statements[2], "ALTER ROLE repmgr SET search_path TO repmgr, \"$user\", public;");
  EXPECT_THAT(statements[3], HasSubstr("CREATE ROLE shop LOGIN PASSWORD"));
  EXPECT_TRUE(ScramSecretMatches(secret_of(statements[3]), "app'pw\\")) << statements[3];
  EXPECT_EQ(statements[4], "CREATE DATABASE orders OWNER shop STRATEGY FILE_COPY;");
  // With a SCRAM secret kept, the app role gets it (what the bouncer's userlist holds), not the
  // password.
  secrets.app_scram = "SCRAM-SHA-256$4096:c2FsdA==$a:b";
  EXPECT_THAT(RenderBootstrapSql(spec, secrets),
              HasSubstr("CREATE ROLE shop LOGIN PASSWORD E'SCRAM-SHA-256$4096:c2FsdA==$a:b';"));
}

}  // namespace
}  // namespace radctl
