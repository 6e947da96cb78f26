// The DockerClient calls that inject faults (network disconnect/connect, pause/unpause), checked
// on the request they send: a stand-in engine on a unix socket records it and answers like the
// engine. Their effect on a real engine is covered by the drill's chaos test.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "controller/clients/docker/docker_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace radctl::docker {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// Accepts one connection, reads one request (head and Content-Length body), answers `answer`.
class RecordingEngine {
 public:
  explicit RecordingEngine(std::string answer)
      : path_(absl::StrCat(::testing::TempDir(), "recording-engine-", getpid(), "-", next_id_++,
                           ".sock")) {
    listener_ = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path_.c_str(), sizeof(address.sun_path) - 1);
    unlink(path_.c_str());
    if (bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
        listen(listener_, 1) != 0) {
      ADD_FAILURE() << "cannot listen on " << path_ << ": " << std::strerror(errno);
      return;
    }
    server_ = std::thread([this, answer = std::move(answer)] {
      const int connection = accept(listener_, nullptr, nullptr);
      if (connection < 0) return;
      request_ = ReadRequest(connection);
      (void)!send(connection, answer.data(), answer.size(), MSG_NOSIGNAL);
      close(connection);
    });
  }
  ~RecordingEngine() {
    if (server_.joinable()) server_.join();
    close(listener_);
    unlink(path_.c_str());
  }

  std::string host() const { return "unix://" + path_; }
  // Complete once the client call returned.
  std::string request_line() const { return request_.substr(0, request_.find("\r\n")); }
  nlohmann::json body() const {
    const size_t start = request_.find("\r\n\r\n");
    if (start == std::string::npos || start + 4 == request_.size()) return nullptr;
    return nlohmann::json::parse(request_.substr(start + 4), nullptr, /*allow_exceptions=*/false);
  }

 private:
  static std::string ReadRequest(int connection) {
    std::string request;
    char buffer[4096];
    size_t body_start = std::string::npos;
    size_t length = 0;
    while (body_start == std::string::npos || request.size() < body_start + length) {
      const ssize_t got = read(connection, buffer, sizeof(buffer));
      if (got <= 0) break;
      request.append(buffer, got);
      if (body_start == std::string::npos && request.find("\r\n\r\n") != std::string::npos) {
        body_start = request.find("\r\n\r\n") + 4;
        const size_t header = request.find("Content-Length: ");
        if (header != std::string::npos && header < body_start) {
          const size_t end = request.find("\r\n", header);
          (void)absl::SimpleAtoi(request.substr(header + 16, end - header - 16), &length);
        }
      }
    }
    return request;
  }

  static inline std::atomic<int> next_id_{0};
  std::string path_;
  int listener_ = -1;
  std::thread server_;
  std::string request_;
};

std::string Answer(const std::string& status_line, const std::string& body = "") {
  return absl::StrCat("HTTP/1.1 ", status_line, "\r\nContent-Type: application/json\r\n",
                      "Content-Length: ", body.size(), "\r\nConnection: close\r\n\r\n", body);
}

TEST(DockerFaultCallsTest, DisconnectNetworkPostsTheContainerToTheNetworksDisconnect) {
  RecordingEngine engine(Answer("200 OK"));
  EXPECT_TRUE(
      DockerClient(RealClock(), engine.host()).DisconnectNetwork("demo-net", "demo-pg-1").ok());
  EXPECT_EQ(engine.request_line(), "POST /v1.41/networks/demo-net/disconnect HTTP/1.1");
  EXPECT_EQ(engine.body(), nlohmann::json::parse(R"({"Container": "demo-pg-1", "Force": false})"));
}

TEST(DockerFaultCallsTest, ConnectNetworkRestoresTheAliasesOthersResolve) {
  RecordingEngine engine(Answer("200 OK"));
  EXPECT_TRUE(DockerClient(RealClock(), engine.host())
                  .ConnectNetwork("demo-net", "demo-pg-1", {"demo-pg-1"})
                  .ok());
  EXPECT_EQ(engine.request_line(), "POST /v1.41/networks/demo-net/connect HTTP/1.1");
  EXPECT_EQ(engine.body(), nlohmann::json::parse(
                               R"({"Container": "demo-pg-1",
                                   "EndpointConfig": {"Aliases": ["demo-pg-1"]}})"));
}

TEST(DockerFaultCallsTest, NetworkNamesAreEncodedIntoThePath) {
  RecordingEngine engine(Answer("200 OK"));
  EXPECT_TRUE(
      DockerClient(RealClock(), engine.host()).DisconnectNetwork("a/../b", "demo-pg-1").ok());
  EXPECT_EQ(engine.request_line(), "POST /v1.41/networks/a%2F..%2Fb/disconnect HTTP/1.1");
}

TEST(DockerFaultCallsTest, PauseAndUnpauseHitTheirRoutes) {
  {
    RecordingEngine engine(Answer("204 No Content"));
    EXPECT_TRUE(DockerClient(RealClock(), engine.host()).PauseContainer("demo-pg-2").ok());
    EXPECT_EQ(engine.request_line(), "POST /v1.41/containers/demo-pg-2/pause HTTP/1.1");
  }
  {
    RecordingEngine engine(Answer("204 No Content"));
    EXPECT_TRUE(DockerClient(RealClock(), engine.host()).UnpauseContainer("demo-pg-2").ok());
    EXPECT_EQ(engine.request_line(), "POST /v1.41/containers/demo-pg-2/unpause HTTP/1.1");
  }
}

TEST(DockerFaultCallsTest, EngineRefusalIsReportedWithWhatWasAttempted) {
  RecordingEngine engine(
      Answer("409 Conflict", R"({"message": "Container demo-pg-2 is not paused"})"));
  const absl::Status status =
      DockerClient(RealClock(), engine.host()).UnpauseContainer("demo-pg-2");
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_THAT(status.message(), HasSubstr("unpause container demo-pg-2"));
  EXPECT_THAT(status.message(), HasSubstr("is not paused"));
}

}  // namespace
}  // namespace radctl::docker
