// radctl's own connections and the TLS requirement (tls/required, ClusterSecrets::tls_required):
// kept and read back with the cluster, turned into "no plaintext fallback" by the endpoints, and
// what that means on the wire against a listener that answers it serves no TLS, the way a
// program squatting on a node's port would.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <thread>

#include "controller/clients/postgres/pg_connection.h"
#include "controller/config/endpoints.h"
#include "controller/state/cluster_credentials.h"
#include "controller/state/cluster_store.h"
#include "controller/state/cluster_tls.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace radctl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

class TlsRequirementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("radctl-tls-requirement-test-" + std::to_string(getpid()));
    std::filesystem::remove_all(root_);
    spec_.name = "demo";
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  // The cluster's kept secrets after EnsureCredentials (a CA and server certificate made).
  ClusterSecrets Kept(ClusterStore& store) {
    absl::StatusOr<ClusterSecrets> secrets = EnsureCredentials(store, spec_, kNow);
    EXPECT_TRUE(secrets.ok()) << secrets.status();
    return secrets.ok() ? *secrets : ClusterSecrets{};
  }

  std::filesystem::path root_;
  ClusterSpec spec_;
};

TEST_F(TlsRequirementTest, IsKeptWithTheClusterAndDroppedAgain) {
  ClusterStore store(root_.string(), "demo", RealClock());
  EXPECT_FALSE(Kept(store).tls_required);
  ASSERT_TRUE(WriteTlsRequired(store.files(), store.dir(), true).ok());
  EXPECT_TRUE(store.LoadSecrets()->tls_required);
  EXPECT_TRUE(std::filesystem::exists(root_ / "demo" / "tls" / "required"));
  ASSERT_TRUE(WriteTlsRequired(store.files(), store.dir(), false).ok());
  EXPECT_FALSE(store.LoadSecrets()->tls_required);
}

TEST_F(TlsRequirementTest, EndpointsFallBackToPlaintextOnlyUntilItIsKept) {
  ClusterStore store(root_.string(), "demo", RealClock());
  ClusterSecrets secrets = Kept(store);
  EXPECT_TRUE(NodeEndpoint(spec_, secrets, 5432).plaintext_fallback);
  EXPECT_TRUE(BouncerAdminEndpoint(spec_, secrets, 6543).plaintext_fallback);
  secrets.tls_required = true;
  EXPECT_FALSE(NodeEndpoint(spec_, secrets, 5432).plaintext_fallback);
  EXPECT_FALSE(BouncerAdminEndpoint(spec_, secrets, 6543).plaintext_fallback);
  EXPECT_EQ(NodeEndpoint(spec_, secrets, 5432).sslrootcert, secrets.ca_file);
}

// Listens on 127.0.0.1 and answers every SSLRequest with 'N' (no TLS here), keeping every byte
// a client sends after that.
class NoTlsListener {
 public:
  NoTlsListener() {
    socket_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(socket_, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    EXPECT_EQ(::listen(socket_, 4), 0);
    socklen_t length = sizeof(address);
    ::getsockname(socket_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~NoTlsListener() {
    stop_ = true;
    thread_.join();
    ::close(socket_);
  }
  int port() const { return port_; }
  std::string received() {
    std::lock_guard<std::mutex> lock(mu_);
    return received_;
  }

 private:
  void Serve() {
    while (!stop_) {
      pollfd listening{socket_, POLLIN, 0};
      if (::poll(&listening, 1, 50) <= 0) continue;
      int client = ::accept(socket_, nullptr, nullptr);
      if (client < 0) continue;
      char buffer[512];
      for (;;) {
        pollfd readable{client, POLLIN, 0};
        if (::poll(&readable, 1, 500) <= 0) break;
        ssize_t n = ::read(client, buffer, sizeof(buffer));
        if (n <= 0) break;
        // SSLRequest: length 8, code 80877103.
        static const unsigned char kSslRequest[] = {0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f};
        if (n == 8 && std::memcmp(buffer, kSslRequest, 8) == 0) {
          EXPECT_EQ(::write(client, "N", 1), 1);
          continue;
        }
        std::lock_guard<std::mutex> lock(mu_);
        received_.append(buffer, static_cast<size_t>(n));
        break;  // a startup packet: hang up, as nothing here can authenticate
      }
      ::close(client);
    }
  }

  int socket_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::string received_;
};

TEST_F(TlsRequirementTest, AListenerWithoutTlsGetsNoLoginOnceItIsRequired) {
  ClusterStore store(root_.string(), "demo", RealClock());
  ClusterSecrets secrets = Kept(store);
  secrets.tls_required = true;
  NoTlsListener listener;
  absl::StatusOr<std::unique_ptr<PgConnection>> connection = PgConnection::Connect(
      RealClock(), NodeEndpoint(spec_, secrets, listener.port()), absl::Seconds(5));
  ASSERT_FALSE(connection.ok());
  EXPECT_THAT(connection.status().message(), HasSubstr("server does not support SSL"));
  EXPECT_THAT(listener.received(), Not(HasSubstr("repmgr")));
}

// The other side of the same listener: before the requirement is kept, the probe falls back and
// the listener learns who logs in (with SCRAM it would not learn the password, but a listener
// asking for a cleartext one would get it from libpq 15). What the test above rules out.
TEST_F(TlsRequirementTest, BeforeItIsRequiredTheProbeFallsBackToPlaintext) {
  ClusterStore store(root_.string(), "demo", RealClock());
  ClusterSecrets secrets = Kept(store);
  NoTlsListener listener;
  absl::StatusOr<std::unique_ptr<PgConnection>> connection = PgConnection::Connect(
      RealClock(), NodeEndpoint(spec_, secrets, listener.port()), absl::Seconds(5));
  ASSERT_FALSE(connection.ok());
  EXPECT_THAT(listener.received(), HasSubstr("repmgr"));
}

}  // namespace
}  // namespace radctl
