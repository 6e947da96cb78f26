// The cluster's credentials: SCRAM secrets as PostgreSQL stores them, the CA and the server
// certificate (names, validity), and what is kept with the cluster (0600, made once, adopted
// from the spec, rotated).
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "controller/config/scram_secret.h"
#include "controller/config/tls_certificates.h"
#include "controller/state/cluster_credentials.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reconcilers/tls_policy.h"

namespace radctl {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

TEST(ScramSecretTest, HasPostgresFormatAndMatchesOnlyItsPassword) {
  std::string secret = ScramSecret("pencil", "0123456789abcdef");
  EXPECT_THAT(secret, MatchesRegex("SCRAM-SHA-256\\$4096:[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]{44}:"
                                   "[A-Za-z0-9+/=]{44}"));
  EXPECT_TRUE(ScramSecretMatches(secret, "pencil"));
  EXPECT_FALSE(ScramSecretMatches(secret, "pencil2"));
  EXPECT_FALSE(ScramSecretMatches("", "pencil"));
  EXPECT_FALSE(ScramSecretMatches("md5abcdef", "pencil"));
  // A random salt: two secrets of one password differ, both match it.
  std::string a = NewScramSecret("pencil");
  std::string b = NewScramSecret("pencil");
  EXPECT_NE(a, b);
  EXPECT_TRUE(ScramSecretMatches(a, "pencil"));
  EXPECT_TRUE(ScramSecretMatches(b, "pencil"));
}

TEST(CertificatesTest, ServerCertificateNamesEveryHostAndExpiresWhenAsked) {
  absl::StatusOr<CertificateAndKey> ca =
      MakeCertificateAuthority("demo radctl CA", kNow, kCaValidity);
  ASSERT_TRUE(ca.ok()) << ca.status();
  absl::StatusOr<CertificateAndKey> server = IssueServerCertificate(
      *ca, {"localhost", "127.0.0.1", "demo-pg-1"}, kNow, kServerCertificateValidity);
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_THAT(server->key, HasSubstr("PRIVATE KEY"));
  absl::StatusOr<CertificateFacts> facts = ReadCertificate(server->cert);
  ASSERT_TRUE(facts.ok()) << facts.status();
  EXPECT_EQ(facts->names, (std::vector<std::string>{"localhost", "127.0.0.1", "demo-pg-1"}));
  EXPECT_EQ(facts->not_after, kNow + kServerCertificateValidity);
  EXPECT_THAT(facts->fingerprint, MatchesRegex("[0-9a-f]{16}"));
  EXPECT_FALSE(ReadCertificate("not a certificate").ok());
}

class ClusterCredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("radctl-credentials-test-" + std::to_string(getpid()));
    std::filesystem::remove_all(root_);
    spec_.name = "demo";
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  std::filesystem::path root_;
  ClusterSpec spec_;
};

TEST_F(ClusterCredentialsTest, MadeOnceKeptPrivateAndReadBack) {
  ClusterStore store(root_.string(), "demo", RealClock());
  bool changed = false;
  absl::StatusOr<ClusterSecrets> first = EnsureCredentials(store, spec_, kNow, &changed);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(changed);
  EXPECT_TRUE(ScramSecretMatches(first->app_scram, first->app_password));
  EXPECT_TRUE(ScramSecretMatches(first->bouncer_scram, first->bouncer_password));
  absl::StatusOr<CertificateFacts> facts = ReadCertificate(first->server.cert);
  ASSERT_TRUE(facts.ok()) << facts.status();
  EXPECT_THAT(facts->names, Contains("demo-bouncer"));
  for (const char* file : {"secrets.json", "tls/ca.key", "tls/ca.crt", "tls/server.pem"}) {
    struct stat st;
    ASSERT_EQ(stat((root_ / "demo" / file).c_str(), &st), 0) << file;
    EXPECT_EQ(st.st_mode & 0777, 0600) << file;
  }
  EXPECT_EQ(first->ca_file, (root_ / "demo" / "tls" / "ca.crt").string());

  absl::StatusOr<ClusterSecrets> second = EnsureCredentials(store, spec_, kNow, &changed);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(changed);
  EXPECT_EQ(second->server.cert, first->server.cert);
  EXPECT_EQ(second->app_scram, first->app_scram);
}

TEST_F(ClusterCredentialsTest, SpecPasswordIsAdoptedAndRotationIsRefusedForIt) {
  ClusterStore store(root_.string(), "demo", RealClock());
  ASSERT_TRUE(EnsureCredentials(store, spec_, kNow).ok());
  absl::StatusOr<ClusterSecrets> rotated = RotateAppPassword(store, spec_);
  ASSERT_TRUE(rotated.ok()) << rotated.status();
  EXPECT_TRUE(ScramSecretMatches(rotated->app_scram, rotated->app_password));
  absl::StatusOr<ClusterSecrets> kept = store.LoadSecrets();
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->app_password, rotated->app_password);

  spec_.auth.password = "From-the-spec-1";
  absl::StatusOr<ClusterSecrets> adopted = EnsureCredentials(store, spec_, kNow);
  ASSERT_TRUE(adopted.ok());
  EXPECT_EQ(adopted->app_password, "From-the-spec-1");
  EXPECT_TRUE(ScramSecretMatches(adopted->app_scram, "From-the-spec-1"));
  absl::StatusOr<ClusterSecrets> refused = RotateAppPassword(store, spec_);
  EXPECT_TRUE(absl::IsFailedPrecondition(refused.status()));
  EXPECT_THAT(refused.status().message(), HasSubstr("spec.auth.password"));
}

}  // namespace
}  // namespace radctl
