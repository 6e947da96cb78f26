// `radctl status -o env`: the variables a CI job evaluates, quoted so that the shell reads them
// back exactly, whatever the password holds.
#include "controller/cli/connection_env.h"

#include <unistd.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace radctl::cli {
namespace {

using ::testing::Contains;
using ::testing::Pair;

ClusterSpec Spec() {
  ClusterSpec spec;
  spec.name = "shop";
  spec.bouncer.port = 7000;
  spec.bouncer.read_port = 7001;
  spec.auth.user = "shopper";
  spec.auth.database = "orders";
  return spec;
}

TEST(ConnectionEnvTest, LibpqVariablesAndDatabaseUrl) {
  ClusterSecrets secrets;
  secrets.app_password = "pw";
  secrets.ca_file = "/state/shop/tls/ca.crt";
  auto env = ConnectionEnvironment(Spec(), secrets, /*read=*/false);
  EXPECT_THAT(env, Contains(Pair("PGHOST", "127.0.0.1")));
  EXPECT_THAT(env, Contains(Pair("PGPORT", "7000")));
  EXPECT_THAT(env, Contains(Pair("PGDATABASE", "orders")));
  EXPECT_THAT(env, Contains(Pair("PGUSER", "shopper")));
  EXPECT_THAT(env, Contains(Pair("PGPASSWORD", "pw")));
  EXPECT_THAT(env, Contains(Pair("PGSSLMODE", "verify-full")));
  EXPECT_THAT(env, Contains(Pair("PGSSLROOTCERT", "/state/shop/tls/ca.crt")));
  EXPECT_THAT(env, Contains(Pair("DATABASE_URL",
                                 "postgresql://shopper:pw@127.0.0.1:7000/orders?sslmode=verify-"
                                 "full&sslrootcert=/state/shop/tls/ca.crt")));
  EXPECT_THAT(ConnectionEnvironment(Spec(), secrets, /*read=*/true),
              Contains(Pair("PGPORT", "7001")));
}

TEST(ConnectionEnvTest, TheShellReadsEveryValueBackUnchanged) {
  ClusterSecrets secrets;
  secrets.app_password = "a 'quoted' $HOME & pass";
  secrets.ca_file = "/state/ca.crt";
  const std::string exports = ShellExports(ConnectionEnvironment(Spec(), secrets, false));
  const std::string script = absl::StrCat(::testing::TempDir(), "radctl-env-", getpid(), ".sh");
  FILE* file = std::fopen(script.c_str(), "w");
  ASSERT_NE(file, nullptr);
  std::fputs(exports.c_str(), file);
  std::fclose(file);
  FILE* shell = popen(
      absl::StrCat("bash -c '. ", script, "; printf %s \"$PGPASSWORD|$DATABASE_URL\"'").c_str(),
      "r");
  char buffer[512] = {};
  ASSERT_NE(fgets(buffer, sizeof(buffer), shell), nullptr);
  pclose(shell);
  EXPECT_EQ(std::string(buffer),
            "a 'quoted' $HOME & pass|postgresql://shopper:a 'quoted' $HOME & "
            "pass@127.0.0.1:7000/orders?sslmode=verify-full&sslrootcert=/state/ca.crt");
}

}  // namespace
}  // namespace radctl::cli
