// Input that PostgreSQL (or radctl's own use of it) would refuse is refused when the spec is
// read, with file, line, field and what was expected, so that it never reaches a node (where the
// init would fail the same way every time) and no parameter is fought over by radctl and the user.
#include "crd-like-specs/spec_parser.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace radctl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<std::string> Errors(const std::string& spec_body) {
  SpecParseResult result = ParseClusterSpec(
      "apiVersion: radctl.io/v1alpha1\nkind: PostgresCluster\nmetadata:\n  name: demo\nspec:\n" +
          spec_body,
      "t.yaml");
  std::vector<std::string> texts;
  for (const FieldError& error : result.errors) texts.push_back(error.ToString());
  return texts;
}

TEST(PostgresRefusesTest, RoleNamesPostgresReserves) {
  EXPECT_THAT(Errors("  auth:\n    user: pg_monitor_x\n"),
              ElementsAre("t.yaml:7:11: spec.auth.user: \"pg_monitor_x\" is reserved: "
                          "PostgreSQL keeps role names starting with pg_ for its own roles"));
  EXPECT_THAT(Errors("  auth:\n    user: public\n"),
              ElementsAre(HasSubstr("spec.auth.user: \"public\" is reserved")));
  EXPECT_THAT(Errors("  auth:\n    user: none\n"),
              ElementsAre(HasSubstr("spec.auth.user: \"none\" is reserved")));
  EXPECT_THAT(Errors("  auth:\n    user: streaming_replica\n"),
              ElementsAre(HasSubstr("\"streaming_replica\" is reserved")));
  // Allowed as a role, since PostgreSQL takes it there.
  EXPECT_THAT(Errors("  auth:\n    user: left\n"), IsEmpty());
}

TEST(PostgresRefusesTest, DatabaseNamesEveryClusterHasOrSqlCannotName) {
  EXPECT_THAT(Errors("  auth:\n    database: template1\n"),
              ElementsAre("t.yaml:7:15: spec.auth.database: \"template1\" is reserved: every "
                          "PostgreSQL cluster has it as a template for new databases"));
  EXPECT_THAT(Errors("  auth:\n    database: template0\n"),
              ElementsAre(HasSubstr("\"template0\" is reserved")));
  EXPECT_THAT(Errors("  auth:\n    database: left\n"),
              ElementsAre(HasSubstr("\"left\" is an SQL keyword that PostgreSQL does not take as "
                                    "a database's name; expected another name (e.g. left_db)")));
  // A database may start with pg_ (only roles may not).
  EXPECT_THAT(Errors("  auth:\n    database: pg_app\n"), IsEmpty());
}

TEST(PostgresRefusesTest, ReservedKeywordsAreNoNames) {
  EXPECT_THAT(Errors("  auth:\n    user: user\n"),
              ElementsAre("t.yaml:7:11: spec.auth.user: \"user\" is an SQL reserved keyword, which "
                          "PostgreSQL does not take as a name; expected another name (e.g. "
                          "user_app)"));
  EXPECT_THAT(Errors("  auth:\n    database: select\n"),
              ElementsAre(HasSubstr("\"select\" is an SQL reserved keyword")));
}

TEST(PostgresRefusesTest, RadctlsOwnParameterNames) {
  EXPECT_THAT(Errors("  postgres:\n    parameters:\n      radctl.config_hash: abc\n"),
              ElementsAre(HasSubstr("t.yaml:8:7: spec.postgres.parameters.radctl.config_hash: "
                                    "\"radctl.config_hash\" is radctl's own")));
  EXPECT_THAT(Errors("  postgres:\n    parameters:\n      radctl.anything: x\n"),
              ElementsAre(HasSubstr("is radctl's own")));
  EXPECT_THAT(Errors("  postgres:\n    parameters:\n      myext.setting: x\n"), IsEmpty());
}

TEST(PostgresRefusesTest, TimesAsPsqlPrintsThemAreKeptAsRfc3339) {
  SpecParseResult result = ParseClusterSpec(
      "apiVersion: radctl.io/v1alpha1\nkind: PostgresCluster\nmetadata: {name: copy}\nspec:\n"
      "  bootstrap:\n    recovery:\n      fromCluster: shop\n"
      "      targetTime: \"2026-12-06 03:50:19.555224+00\"\n",
      "t.yaml");
  ASSERT_TRUE(result.ok()) << result.errors[0].ToString();
  EXPECT_EQ(result.spec.bootstrap.recovery->target_time, "2026-12-06T03:50:19.555224+00:00");
  // What is written back reads back the same.
  SpecParseResult again = ParseClusterSpec(ClusterSpecToYaml(result.spec), "again.yaml");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.spec.bootstrap.recovery->target_time, "2026-12-06T03:50:19.555224+00:00");
  EXPECT_THAT(Errors("  bootstrap:\n    recovery:\n      fromCluster: shop\n"
                     "      targetTime: \"2026-12-06 03:50:19+05:30\"\n"),
              IsEmpty());
}

}  // namespace
}  // namespace radctl
