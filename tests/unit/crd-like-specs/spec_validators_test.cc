// The value rules on their own, at and around their limits. How a failure is placed in a file
// is tested in spec_errors_test.cc.
#include "crd-like-specs/spec_validators.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace radctl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(CheckClusterNameTest, AcceptsLabelsUpTo40Characters) {
  EXPECT_TRUE(CheckClusterName("a").ok());
  EXPECT_TRUE(CheckClusterName("demo-2").ok());
  EXPECT_TRUE(CheckClusterName("9lives").ok());
  EXPECT_TRUE(CheckClusterName(std::string(40, 'x')).ok());
}

TEST(CheckClusterNameTest, RejectsWhatCannotPrefixAContainerName) {
  EXPECT_FALSE(CheckClusterName("").ok());
  EXPECT_FALSE(CheckClusterName("demo-").ok());
  EXPECT_FALSE(CheckClusterName("de.mo").ok());
  EXPECT_FALSE(CheckClusterName(std::string(41, 'x')).ok());
}

TEST(CheckBindAddressTest, AcceptsDottedQuads) {
  EXPECT_TRUE(CheckBindAddress("0.0.0.0").ok());
  EXPECT_TRUE(CheckBindAddress("127.0.0.1").ok());
  EXPECT_TRUE(CheckBindAddress("255.255.255.255").ok());
  EXPECT_TRUE(CheckBindAddress("10.20.0.5").ok());
}

TEST(CheckBindAddressTest, RejectsEverythingElse) {
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "1.2.3.", "01.2.3.4", "1.2.3.-4", " 1.2.3.4",
                          "1.2.3.4 ", "::1", "1.2.3.1000", "a.b.c.d"}) {
    EXPECT_FALSE(CheckBindAddress(bad).ok()) << bad;
  }
}

TEST(CheckParameterNameTest, RejectsEveryParameterRadctlManages) {
  for (const char* managed : {"listen_addresses",
                              "port",
                              "wal_level",
                              "hot_standby",
                              "max_wal_senders",
                              "max_replication_slots",
                              "primary_conninfo",
                              "primary_slot_name",
                              "synchronous_standby_names",
                              "unix_socket_directories",
                              "data_directory",
                              "hba_file",
                              "ident_file",
                              "config_file",
                              "restore_command",
                              "recovery_target_timeline",
                              "password_encryption",
                              "wal_log_hints",
                              "archive_mode",
                              "cluster_name"}) {
    absl::Status status = CheckParameterName(managed);
    EXPECT_FALSE(status.ok()) << managed;
    EXPECT_THAT(status.message(), HasSubstr("is managed by radctl: ")) << managed;
  }
}

TEST(CheckParameterNameTest, AcceptsOrdinaryAndExtensionParameters) {
  EXPECT_TRUE(CheckParameterName("max_connections").ok());
  EXPECT_TRUE(CheckParameterName("_private").ok());
  EXPECT_TRUE(CheckParameterName("pg_stat_statements.max").ok());
  EXPECT_FALSE(CheckParameterName("9lives").ok());
  EXPECT_FALSE(CheckParameterName("").ok());
}

TEST(CheckAuthNameTest, AllowsPostgresIdentifiersUpTo63Characters) {
  for (auto check : {CheckRoleName, CheckDatabaseName}) {
    EXPECT_TRUE(check("app_2").ok());
    EXPECT_TRUE(check(std::string(63, 'a')).ok());
    EXPECT_FALSE(check(std::string(64, 'a')).ok());
    EXPECT_FALSE(check("").ok());
    EXPECT_FALSE(check("2app").ok());
    EXPECT_FALSE(check("pgbouncer").ok());
  }
}

TEST(CheckPasswordTest, EmptyMeansGenerated) { EXPECT_TRUE(CheckPassword("").ok()); }

TEST(CheckPasswordTest, EightCharactersAreEnough) {
  EXPECT_TRUE(CheckPassword("12345678").ok());
  EXPECT_FALSE(CheckPassword("1234567").ok());
}

TEST(CheckPasswordTest, RejectsCharactersThatNeedQuotingWithoutEchoingThePassword) {
  for (const char* bad : {"secret'pass", "secret\"pass", "secret\\pass", "secret\npass"}) {
    absl::Status status = CheckPassword(bad);
    EXPECT_FALSE(status.ok()) << bad;
    EXPECT_THAT(status.message(), Not(HasSubstr("secret"))) << bad;
  }
}

TEST(CheckRangesTest, InclusiveLimits) {
  EXPECT_TRUE(CheckNodeCount(kMinNodes).ok());
  EXPECT_TRUE(CheckNodeCount(kMaxNodes).ok());
  EXPECT_TRUE(CheckPort(1).ok());
  EXPECT_TRUE(CheckPort(65535).ok());
  EXPECT_TRUE(CheckDetectionMs(100).ok());
  EXPECT_TRUE(CheckDetectionMs(60000).ok());
  EXPECT_FALSE(CheckPort(-1).ok());
}

}  // namespace
}  // namespace radctl
