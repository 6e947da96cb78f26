#include "controller/config/bouncer_config.h"

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

TEST(BouncerConfigTest, UserlistQuotesPasswords) {
  ClusterSecrets secrets{"p\"w", "r", "admin"};
  EXPECT_EQ(RenderUserlist(DemoSpec(), secrets), "\"app\" \"p\"\"w\"\n\"radctl\" \"admin\"\n");
}

}  // namespace
}  // namespace radctl
