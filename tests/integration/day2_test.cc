// Day-2 operations on the real engine, on one 2-node cluster shared by the checks (lean):
// TLS by default, as psql sees it (verify-full through the URI radctl prints, plaintext refused,
// replication over TLS), and a password change in the spec while a client stays connected.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/harness.h"
#include "tests/integration/watch_support.h"

namespace radctl::it {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int kPort = 16751;

// A client connected through the endpoint before a change, querying every 50 ms on that one
// connection until Stop(): what an application sees through the change.
class QueryingClient {
 public:
  explicit QueryingClient(std::unique_ptr<PgConnection> connection)
      : connection_(std::move(connection)), thread_([this] { Run(); }) {}
  ~QueryingClient() { Stop(); }

  // Waits (up to 30 s) until `count` more queries than now have succeeded.
  ::testing::AssertionResult WaitForMore(int count, const std::string& what) {
    const int from = succeeded_;
    return WaitFor(
        [&](std::string* observed) {
          *observed =
              absl::StrCat(succeeded_ - from, " queries ", what, ", ", failed_.load(), " failed");
          return succeeded_ - from >= count;
        },
        absl::Seconds(30));
  }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int failed() const { return failed_; }
  std::string first_error() const { return first_error_; }  // after Stop()

 private:
  void Run() {
    while (!stop_) {
      absl::Status status = connection_->Query("SELECT 1", absl::Seconds(5)).status();
      if (status.ok()) {
        ++succeeded_;
      } else if (failed_++ == 0) {
        first_error_ = std::string(status.message());
      }
      absl::SleepFor(absl::Milliseconds(50));
    }
  }

  std::unique_ptr<PgConnection> connection_;
  std::atomic<int> succeeded_{0};
  std::atomic<int> failed_{0};
  std::atomic<bool> stop_{false};
  std::string first_error_;
  std::thread thread_;  // last: started once the members it uses exist
};

class Day2Test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = new TestCluster("d2-day2", 2, kPort);
    CommandResult applied = cluster_->Apply();
    ASSERT_EQ(applied.exit_code, 0) << applied.err;
    ASSERT_TRUE(cluster_->WaitHealthy(1, absl::Seconds(60)));
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }
  // psql with the URI `status -o uri` gives (or `uri`): its exit code, output and error.
  static CommandResult Psql(const std::string& uri, const std::string& sql) {
    return Shell(absl::StrCat("psql -XAt ", ShellQuote(uri), " -c ", ShellQuote(sql)));
  }

  static TestCluster* cluster_;
};

TestCluster* Day2Test::cluster_ = nullptr;

TEST_F(Day2Test, PsqlVerifiesTheEndpointAndPlaintextIsRefused) {
  const std::string uri = cluster_->Uri();
  ASSERT_THAT(uri, HasSubstr("sslmode=verify-full"));
  ASSERT_THAT(uri, HasSubstr("sslrootcert="));

  // verify-full: the bouncer's certificate is signed by the cluster's CA and names 127.0.0.1;
  // the bouncer reaches Postgres over TLS as well (this backend's own connection).
  CommandResult verified = Psql(uri, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
  EXPECT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_EQ(verified.out, "t\n");

  CommandResult plaintext =
      Psql(absl::StrReplaceAll(uri, {{"sslmode=verify-full", "sslmode=disable"}}), "SELECT 1");
  EXPECT_NE(plaintext.exit_code, 0);
  EXPECT_THAT(plaintext.err, HasSubstr("SSL required"));

  // A node refuses plaintext from another container too (pg_hba: hostssl only).
  CommandResult node_plaintext =
      Shell(absl::StrCat("docker exec ", cluster_->Node(2), " psql -XAt ",
                         ShellQuote(absl::StrCat("host=", cluster_->Node(1),
                                                 " user=repmgr dbname=repmgr "
                                                 "sslmode=disable connect_timeout=5")),
                         " -c 'SELECT 1'"));
  EXPECT_NE(node_plaintext.exit_code, 0);
  EXPECT_THAT(node_plaintext.err, HasSubstr("no encryption"));

  // Replication streams over TLS.
  std::string primary;
  ASSERT_TRUE(cluster_->WaitHealthy(1, absl::Seconds(30), &primary));
  absl::StatusOr<std::string> replication = cluster_->QueryNode(
      OrdinalOf(primary),
      "SELECT count(*) || ' ' || bool_and(s.ssl) FROM pg_stat_replication r JOIN pg_stat_ssl s "
      "USING (pid)",
      "postgres");
  ASSERT_TRUE(replication.ok()) << replication.status();
  EXPECT_EQ(*replication, "1 true");

  // Every node and the bouncer served TLS with the cluster's certificate: apply recorded that the
  // controller's own connections never fall back to plaintext from now on, and said so.
  EXPECT_TRUE(std::filesystem::exists(cluster_->StateFile("tls/required")));
  CommandResult events = Radctl(absl::StrCat("events ", cluster_->name()));
  EXPECT_THAT(events.out, HasSubstr("RequireTls"));
  EXPECT_THAT(events.out, HasSubstr("never fall back to plaintext"));
}

TEST_F(Day2Test, PasswordChangeKeepsConnectedClientsAndTheOldPasswordStopsWorking) {
  const std::string old_uri = cluster_->Uri();
  // A client connected before the change, querying every 50 ms on the same connection.
  absl::StatusOr<std::unique_ptr<PgConnection>> client = cluster_->ConnectEndpoint();
  ASSERT_TRUE(client.ok()) << client.status();
  QueryingClient queries(std::move(*client));

  const std::string new_password = "Rotated-by-day2-test";
  cluster_->WriteSpec(2, absl::StrCat("  auth:\n    password: \"", new_password, "\"\n"));
  CommandResult applied = cluster_->Apply();
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_THAT(applied.err, HasSubstr("ApplyCredentials"));
  EXPECT_TRUE(WaitFor(
      [&](std::string* observed) {
        CommandResult old_login = Psql(old_uri, "SELECT 1");
        CommandResult new_login = Psql(cluster_->Uri(), "SELECT 1");
        *observed = absl::StrCat("old password: exit ", old_login.exit_code, " ", old_login.err,
                                 "; new password: exit ", new_login.exit_code, " ", new_login.err);
        return old_login.exit_code != 0 && new_login.exit_code == 0;
      },
      absl::Seconds(30)));
  EXPECT_THAT(cluster_->Uri(), HasSubstr(new_password));

  // The connected client's next server connection logs in with the new secret: the bouncer
  // closes its server connections as they are released (RECONNECT: no query is cut).
  std::ifstream secrets_file(cluster_->StateFile("secrets.json"));
  nlohmann::json secrets = nlohmann::json::parse(secrets_file);
  CommandResult reconnect =
      Psql(absl::StrCat("postgresql://radctl:", secrets["bouncer_password"].get<std::string>(),
                        "@127.0.0.1:", kPort, "/pgbouncer?sslmode=require"),
           "RECONNECT");
  ASSERT_EQ(reconnect.exit_code, 0) << reconnect.err;
  EXPECT_TRUE(queries.WaitForMore(20, "since the server connections ended"));
  queries.Stop();
  EXPECT_EQ(queries.failed(), 0) << "first error: " << queries.first_error();

  // The bouncer keeps SCRAM secrets, never the password.
  CommandResult userlist = Shell(absl::StrCat("docker exec ", cluster_->name(),
                                              "-bouncer sh -c 'cat /etc/pgbouncer/userlist*'"));
  ASSERT_EQ(userlist.exit_code, 0) << userlist.err;
  EXPECT_THAT(userlist.out, HasSubstr("\"app\" \"SCRAM-SHA-256$4096:"));
  EXPECT_THAT(userlist.out, Not(HasSubstr(new_password)));
}

// The SHA-256 fingerprint of the certificate a TLS server on 127.0.0.1:`port` presents (openssl
// s_client, STARTTLS as PostgreSQL and PgBouncer speak it); "" when it could not be read.
std::string PresentedFingerprint(int port) {
  CommandResult presented =
      Shell(absl::StrCat("openssl s_client -starttls postgres -connect 127.0.0.1:", port,
                         " </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256"));
  return presented.exit_code == 0 ? std::string(absl::StripAsciiWhitespace(presented.out)) : "";
}

// A kept server certificate that expires within 30 days is renewed from the cluster's CA and
// rolled out to the nodes and the bouncer while a client stays connected. The near expiry is made
// by hand: the kept certificate is replaced by one the cluster's CA signs for 10 days.
TEST_F(Day2Test, ACertificateNearItsExpiryIsRenewedWhileAClientStaysConnected) {
  const std::string tls = cluster_->StateFile("tls");
  CommandResult made = Shell(absl::StrCat(
      "set -e; cd ", tls, "; t=$(mktemp -d); ",
      "san=$(openssl x509 -in server.pem -noout -ext subjectAltName | tail -n 1 | "
      "sed 's/^ *//; s/IP Address/IP/g'); ",
      "printf 'subjectAltName=%s\n' \"$san\" > $t/ext; ",
      "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $t/key ",
      "-subj /CN=near-expiry -out $t/csr 2>/dev/null; ",
      "openssl x509 -req -in $t/csr -CA ca.crt -CAkey ca.key -CAserial $t/srl -CAcreateserial ",
      "-days 10 -extfile $t/ext -out $t/crt 2>/dev/null; ",
      "cat $t/crt $t/key > server.pem; rm -rf $t"));
  ASSERT_EQ(made.exit_code, 0) << made.err;
  absl::StatusOr<nlohmann::json> before = cluster_->Status();
  ASSERT_TRUE(before.ok()) << before.status();
  const std::string near = (*before)["tls"]["certificate_expires"].get<std::string>();

  absl::StatusOr<std::unique_ptr<PgConnection>> client = cluster_->ConnectEndpoint();
  ASSERT_TRUE(client.ok()) << client.status();
  QueryingClient queries(std::move(*client));

  CommandResult applied = cluster_->Apply();
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_THAT(applied.err, HasSubstr("RenewCertificate"));
  absl::StatusOr<nlohmann::json> after = cluster_->Status();
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_NE((*after)["tls"]["certificate_expires"], near) << "renewed";
  // The bouncer and both nodes present the renewed certificate, and new clients verify it
  // (verify-full against the cluster's CA).
  const std::string kept = std::string(absl::StripAsciiWhitespace(
      Shell(absl::StrCat("openssl x509 -noout -fingerprint -sha256 -in ", tls, "/server.pem"))
          .out));
  ASSERT_THAT(kept, HasSubstr("Fingerprint="));
  std::vector<int> ports = {kPort};
  for (int ordinal : {1, 2}) {
    CommandResult port = Shell(absl::StrCat("docker port ", cluster_->Node(ordinal),
                                            " 5432 | head -n 1 | "
                                            "sed 's/.*://'"));
    int number = 0;
    ASSERT_TRUE(absl::SimpleAtoi(absl::StripAsciiWhitespace(port.out), &number)) << port.out;
    ports.push_back(number);
  }
  for (int port : ports) {
    EXPECT_TRUE(WaitFor(
        [&](std::string* observed) {
          *observed = absl::StrCat("port ", port, " presents ", PresentedFingerprint(port),
                                   ", kept: ", kept);
          return PresentedFingerprint(port) == kept;
        },
        absl::Seconds(20)));
  }
  EXPECT_EQ(Psql(cluster_->Uri(), "SELECT 1").exit_code, 0);
  EXPECT_TRUE(queries.WaitForMore(5, "after the renewal")) << "the connected client still works";
  queries.Stop();
  EXPECT_EQ(queries.failed(), 0) << "first error: " << queries.first_error();
}

TEST_F(Day2Test, RotatePasswordGivesANewGeneratedOne) {
  cluster_->WriteSpec(2);  // no password in the spec: radctl generates it
  ASSERT_EQ(cluster_->Apply().exit_code, 0);
  const std::string old_uri = cluster_->Uri();

  CommandResult rotated = Radctl(absl::StrCat("rotate-password ", cluster_->name()));
  ASSERT_EQ(rotated.exit_code, 0) << rotated.err;
  const std::string new_uri = cluster_->Uri();
  EXPECT_NE(new_uri, old_uri);
  CommandResult new_login = Psql(new_uri, "SELECT current_user");
  EXPECT_EQ(new_login.exit_code, 0) << new_login.err;
  EXPECT_EQ(new_login.out, "app\n");
  CommandResult old_login = Psql(old_uri, "SELECT 1");
  EXPECT_NE(old_login.exit_code, 0);
  EXPECT_THAT(old_login.err, HasSubstr("authentication failed"));

  // A password the spec sets is changed there, not by the command.
  cluster_->WriteSpec(2, "  auth:\n    password: \"Set-in-the-spec-1\"\n");
  ASSERT_EQ(cluster_->Apply().exit_code, 0);
  CommandResult refused = Radctl(absl::StrCat("rotate-password ", cluster_->name()));
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("spec.auth.password"));
}

// The label the release of 2026-11-30 gave a bouncer it made for this suite's spec: FNV-1a 64 of
// the bouncer's fields (its reconcilers/spec_hash.cc), with the spec's defaults.
std::string ReleasedBouncerHash() {
  const std::string fields =
      absl::StrCat("bind=127.0.0.1\nport=", kPort, "\npool=transaction\nuser=app\ndb=app");
  uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : fields) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return absl::StrFormat("%016x", hash);
}

// A bouncer made by the release of 2026-11-30 (no login hold, no NET_ADMIN, PgBouncer started
// by tini as the pgbouncer user) is kept when this radctl takes the cluster over: re-creating
// it would drop every client. Its clients stay connected, and the hold's rules are added to it
// from outside. The old bouncer is made here by hand from the running one: its files (as they
// are, owners kept), its labels with the release's hash, the image's programs.
TEST_F(Day2Test, ABouncerAnOlderRadctlMadeIsKeptWithItsClientsAndGetsTheLoginHold) {
  ASSERT_EQ(cluster_->Apply().exit_code, 0);
  const std::string bouncer = absl::StrCat(cluster_->name(), "-bouncer");
  CommandResult labels_json =
      Shell(absl::StrCat("docker inspect -f '{{json .Config.Labels}}' ", bouncer));
  ASSERT_EQ(labels_json.exit_code, 0) << labels_json.err;
  const nlohmann::json made_with = nlohmann::json::parse(labels_json.out);
  std::string labels;
  for (const auto& [key, value] : made_with.items()) {
    const std::string label =
        key == "io.radctl.spec-hash" ? ReleasedBouncerHash() : value.get<std::string>();
    absl::StrAppend(&labels, " --label ", ShellQuote(absl::StrCat(key, "=", label)));
  }
  // Its files go out and back as a tar stream, which keeps their owner (pgbouncer) and modes.
  const std::string files = absl::StrCat("/tmp/", bouncer, "-files.tar");
  CommandResult made = Shell(absl::StrCat(
      "set -e; docker cp ", bouncer, ":/etc/pgbouncer - >", files, "; docker rm -f ", bouncer,
      " >/dev/null; docker create --name ", bouncer, " --hostname ", bouncer, " --network ",
      cluster_->name(), "-net --network-alias ", bouncer, " -p 127.0.0.1:", kPort, ":6432", labels,
      " --user pgbouncer --entrypoint /usr/bin/tini radctl/pgbouncer -- /usr/sbin/pgbouncer "
      "/etc/pgbouncer/pgbouncer.ini >/dev/null; docker cp - ",
      bouncer, ":/etc/ <", files, "; rm -f ", files, "; docker start ", bouncer));
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const std::string id_before = Shell(absl::StrCat("docker inspect -f '{{.Id}}' ", bouncer)).out;

  absl::StatusOr<std::unique_ptr<PgConnection>> client;
  ASSERT_TRUE(WaitFor(
      [&](std::string* observed) {
        client = cluster_->ConnectEndpoint();
        *observed = client.ok() ? "connected" : std::string(client.status().message());
        return client.ok();
      },
      absl::Seconds(10)));
  QueryingClient queries(std::move(*client));
  ASSERT_TRUE(queries.WaitForMore(5, "before the takeover"));

  CommandResult applied = cluster_->Apply();
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_THAT(applied.err, HasSubstr("AddLoginHold"));
  EXPECT_THAT(applied.err, Not(HasSubstr("RemoveBouncer")));
  EXPECT_EQ(Shell(absl::StrCat("docker inspect -f '{{.Id}}' ", bouncer)).out, id_before);
  EXPECT_TRUE(queries.WaitForMore(10, "since the takeover"));
  queries.Stop();
  EXPECT_EQ(queries.failed(), 0) << "first error: " << queries.first_error();

  // The rules are in the bouncer's network namespace, as its own entrypoint adds them, and the
  // server connection PgBouncer has open counts as answered (a reset under a statement fails it).
  CommandResult rules = Shell(absl::StrCat(
      "docker run --rm --network container:", bouncer,
      " --cap-add NET_ADMIN --entrypoint sh radctl/pgbouncer -c "
      "'nft list table inet radctl_hold && conntrack -L -p tcp --orig-port-dst 5432'"));
  ASSERT_EQ(rules.exit_code, 0) << rules.err;
  EXPECT_THAT(rules.out, HasSubstr("tcp flags & rst == rst ct mark < 0x00000006"));
  EXPECT_THAT(rules.out, HasSubstr("mark=6"));

  // Another controller (a new apply) finds the rules there and adds nothing.
  CommandResult again = cluster_->Apply();
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.err, HasSubstr("in place already"));
}

// Another tag of the node image stands for a new image; removed (untagged only) at the end.
class ImageTag {
 public:
  explicit ImageTag(std::string tag) : tag_(std::move(tag)) {
    EXPECT_EQ(Shell(absl::StrCat("docker tag radctl/postgres:15 ", tag_)).exit_code, 0);
  }
  ~ImageTag() { Shell(absl::StrCat("docker rmi ", tag_)); }

 private:
  std::string tag_;
};

TEST(ImageRolloutTest, StandbysFirstThenSwitchoverUnderWritesWithNothingFailedOrLost) {
  const std::string image = "radctl/postgres:15-d2roll";
  ImageTag tag(image);
  TestCluster cluster("d2-roll", 2, 16752);
  ASSERT_EQ(cluster.Apply().exit_code, 0);
  std::string first;
  ASSERT_TRUE(cluster.WaitHealthy(1, absl::Seconds(60), &first));
  std::unique_ptr<testsupport::Writer> writer = StartWriter(cluster);
  ASSERT_TRUE(WritesFlow(*writer, absl::Now()));

  cluster.WriteSpec(2, absl::StrCat("  postgres:\n    image: ", image, "\n"));
  CommandResult rolled = cluster.Apply();
  ASSERT_EQ(rolled.exit_code, 0) << rolled.err;
  std::string second;
  ASSERT_TRUE(cluster.WaitHealthy(1, absl::Seconds(60), &second));
  ASSERT_TRUE(WritesFlow(*writer, absl::Now()));
  writer->Stop();

  // The standby was replaced first, then the primary changed hands, then the old one replaced.
  const std::string standby = first == cluster.Node(1) ? cluster.Node(2) : cluster.Node(1);
  auto replaced = [&](const std::string& node) {
    return rolled.err.find(absl::StrCat("but ", node, " runs radctl/postgres:15: a new container"));
  };
  size_t replaced_standby = replaced(standby);
  size_t switched = rolled.err.find(absl::StrCat("switching over to ", standby));
  size_t replaced_old = replaced(first);
  ASSERT_NE(replaced_standby, std::string::npos) << rolled.err;
  ASSERT_NE(switched, std::string::npos) << rolled.err;
  ASSERT_NE(replaced_old, std::string::npos) << rolled.err;
  EXPECT_LT(replaced_standby, switched);
  EXPECT_LT(switched, replaced_old);
  EXPECT_EQ(second, standby);

  absl::StatusOr<nlohmann::json> status = cluster.Status();
  ASSERT_TRUE(status.ok()) << status.status();
  for (const nlohmann::json& node : (*status)["nodes"]) {
    EXPECT_EQ(node["image"], image) << node.dump();
  }
  EXPECT_EQ(writer->Failed(), 0) << "a rollout must hold clients, not fail them";
  EXPECT_TRUE(NoAcknowledgedRowLost(cluster, *writer));

  // The same tag rebuilt (as a new minor version would be): rolled the same way, on apply with
  // an unchanged spec.
  ASSERT_EQ(Shell(absl::StrCat("printf 'FROM radctl/postgres:15\nLABEL io.radctl.test.build=2\n' "
                               "| docker build -q -t ",
                               image, " -"))
                .exit_code,
            0);
  std::unique_ptr<testsupport::Writer> again = StartWriter(cluster);
  ASSERT_TRUE(WritesFlow(*again, absl::Now()));
  CommandResult rebuilt = cluster.Apply();
  ASSERT_EQ(rebuilt.exit_code, 0) << rebuilt.err;
  EXPECT_THAT(rebuilt.err, HasSubstr(absl::StrCat(image, " was rebuilt (now ")));
  EXPECT_THAT(rebuilt.err, HasSubstr("runs its earlier build"));
  EXPECT_THAT(rebuilt.err, HasSubstr("switching over to"));
  ASSERT_TRUE(cluster.WaitHealthy(1, absl::Seconds(60)));
  ASSERT_TRUE(WritesFlow(*again, absl::Now()));
  again->Stop();
  const std::string new_id = std::string(absl::StripAsciiWhitespace(
      Shell(absl::StrCat("docker image inspect -f '{{.Id}}' ", image)).out));
  for (int ordinal : {1, 2}) {
    EXPECT_EQ(
        std::string(absl::StripAsciiWhitespace(
            Shell(absl::StrCat("docker inspect -f '{{.Image}}' ", cluster.Node(ordinal))).out)),
        new_id)
        << cluster.Node(ordinal);
  }
  EXPECT_EQ(again->Failed(), 0) << "a rollout must hold clients, not fail them";
  EXPECT_TRUE(NoAcknowledgedRowLost(cluster, *again));
}

}  // namespace
}  // namespace radctl::it
