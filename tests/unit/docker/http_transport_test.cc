#include "controller/clients/docker/http_transport.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace radctl::docker {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// Answers one connection on a unix socket with canned bytes, written piece by piece with a pause
// between pieces, then keeps the connection open until the client closes it. Stands in for the
// engine so the transport's own behaviour (streaming, stop, timeouts) is tested without Docker.
class FakeEngine {
 public:
  explicit FakeEngine(std::vector<std::string> pieces,
                      std::chrono::milliseconds pause = std::chrono::milliseconds(20))
      : path_(absl::StrCat(::testing::TempDir(), "fake-engine-", getpid(), "-", next_id_++,
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
    server_ = std::thread([this, pieces = std::move(pieces), pause] {
      const int connection = accept(listener_, nullptr, nullptr);
      if (connection < 0) return;
      request_ = ReadRequest(connection);
      for (const std::string& piece : pieces) {
        // MSG_NOSIGNAL: the client may have hung up, which must not kill the test with SIGPIPE.
        if (send(connection, piece.data(), piece.size(), MSG_NOSIGNAL) < 0) break;
        std::this_thread::sleep_for(pause);
      }
      char byte;
      while (read(connection, &byte, 1) > 0) {
      }
      close(connection);
    });
  }

  ~FakeEngine() {
    if (server_.joinable()) server_.join();
    close(listener_);
    unlink(path_.c_str());
  }

  Endpoint endpoint() const { return Endpoint{path_, "http://localhost"}; }

  // What the client sent; complete once the transport call returned.
  const std::string& request() const { return request_; }

 private:
  // Reads the head and, if announced by Content-Length, the body.
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

std::string Answer(const std::string& status_line, const std::string& body) {
  return absl::StrCat("HTTP/1.1 ", status_line, "\r\nContent-Type: application/json\r\n",
                      "Content-Length: ", body.size(), "\r\nConnection: close\r\n\r\n", body);
}

constexpr char kChunkedHead[] =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";

std::string Chunk(const std::string& data) {
  return absl::StrCat(absl::Hex(data.size()), "\r\n", data, "\r\n");
}

TEST(HttpTransportTest, GetReturnsStatusAndBody) {
  FakeEngine engine({Answer("200 OK", "OK")});
  HttpRequest request;
  request.path = "/v1.41/_ping";
  absl::StatusOr<HttpResponse> response = HttpTransport(engine.endpoint()).Do(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "OK");
  EXPECT_THAT(engine.request(), StartsWith("GET /v1.41/_ping HTTP/1.1\r\n"));
}

TEST(HttpTransportTest, PutSendsBinaryBodyWithItsContentType) {
  FakeEngine engine({Answer("200 OK", "")});
  HttpRequest request;
  request.method = "PUT";
  request.path = "/v1.41/containers/demo-pg-1/archive?path=%2Fetc";
  request.body = std::string("tar\0data", 8);
  request.content_type = "application/x-tar";
  absl::StatusOr<HttpResponse> response = HttpTransport(engine.endpoint()).Do(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_THAT(engine.request(),
              StartsWith("PUT /v1.41/containers/demo-pg-1/archive?path=%2Fetc HTTP/1.1\r\n"));
  EXPECT_THAT(engine.request(), HasSubstr("Content-Type: application/x-tar\r\n"));
  EXPECT_THAT(engine.request(), HasSubstr("Content-Length: 8\r\n"));
  EXPECT_THAT(engine.request(), Not(HasSubstr("Expect:")));
  EXPECT_THAT(engine.request(), HasSubstr(std::string("\r\n\r\ntar\0data", 12)));
}

TEST(HttpTransportTest, ErrorAnswersAreResponsesNotFailures) {
  FakeEngine engine({Answer("409 Conflict", R"({"message":"name in use"})")});
  HttpRequest request;
  request.method = "POST";
  request.path = "/v1.41/containers/create?name=demo-pg-1";
  request.body = "{}";
  absl::StatusOr<HttpResponse> response = HttpTransport(engine.endpoint()).Do(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 409);
  EXPECT_EQ(response->body, R"({"message":"name in use"})");
  EXPECT_THAT(engine.request(), HasSubstr("Content-Type: application/json\r\n"));
}

TEST(HttpTransportTest, StreamDeliversPiecesSplitAnywhere) {
  // One chunk split inside a message, another inside the chunk framing itself.
  const std::string second = Chunk(R"({"Action":"start"})"
                                   "\n");
  FakeEngine engine({kChunkedHead, Chunk(R"({"Action":"di)"), Chunk("e\"}\n"), second.substr(0, 3),
                     second.substr(3), "0\r\n\r\n"});
  std::string received;
  const BodyCallback on_data = [&](absl::string_view piece) {
    received.append(piece.data(), piece.size());
    return true;
  };
  HttpRequest request;
  request.path = "/v1.41/events";
  absl::StatusOr<HttpResponse> response =
      HttpTransport(engine.endpoint()).Stream(request, on_data, nullptr);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "");
  EXPECT_EQ(received, "{\"Action\":\"die\"}\n{\"Action\":\"start\"}\n");
}

TEST(HttpTransportTest, StreamKeepsAnErrorBodyForTheReport) {
  FakeEngine engine({Answer("409 Conflict", R"({"message":"Container x is not running"})")});
  bool called = false;
  const BodyCallback on_data = [&](absl::string_view) {
    called = true;
    return true;
  };
  HttpRequest request;
  request.method = "POST";
  request.path = "/v1.41/exec/abc/start";
  absl::StatusOr<HttpResponse> response =
      HttpTransport(engine.endpoint()).Stream(request, on_data, nullptr);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 409);
  EXPECT_EQ(response->body, R"({"message":"Container x is not running"})");
  EXPECT_FALSE(called);
}

TEST(HttpTransportTest, StopEndsAnIdleStreamPromptly) {
  FakeEngine engine({kChunkedHead});  // then silence, as the event stream between events
  std::atomic<bool> stop{false};
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    stop = true;
  });
  HttpRequest request;
  request.path = "/v1.41/events";
  request.timeout = absl::InfiniteDuration();
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<HttpResponse> response =
      HttpTransport(engine.endpoint())
          .Stream(
              request, [](absl::string_view) { return true; }, &stop);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  stopper.join();
  EXPECT_EQ(response.status().code(), absl::StatusCode::kCancelled);
  EXPECT_LT(elapsed, std::chrono::milliseconds(300 + 200));  // the contract: checked every 200 ms
}

TEST(HttpTransportTest, ReceiverCanEndTheStream) {
  FakeEngine engine({kChunkedHead, Chunk("one\n"), Chunk("two\n")});
  HttpRequest request;
  request.path = "/v1.41/events";
  absl::StatusOr<HttpResponse> response =
      HttpTransport(engine.endpoint())
          .Stream(
              request, [](absl::string_view) { return false; }, nullptr);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kCancelled);
}

TEST(HttpTransportTest, TimeoutIsDeadlineExceeded) {
  FakeEngine engine({});  // accepts, never answers
  HttpRequest request;
  request.path = "/v1.41/containers/json";
  request.timeout = absl::Milliseconds(200);
  absl::StatusOr<HttpResponse> response = HttpTransport(engine.endpoint()).Do(request);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(response.status().message(), HasSubstr("no complete answer within 200ms"));
}

TEST(HttpTransportTest, MissingSocketIsUnavailableWithTheReason) {
  HttpRequest request;
  request.path = "/v1.41/_ping";
  absl::StatusOr<HttpResponse> response =
      HttpTransport(Endpoint{::testing::TempDir() + "no-such.sock", "http://localhost"})
          .Do(request);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(response.status().message(), "no such file or directory");
}

TEST(ParseDockerHostTest, UnixAndTcp) {
  absl::StatusOr<Endpoint> endpoint = ParseDockerHost("unix:///var/run/docker.sock");
  ASSERT_TRUE(endpoint.ok()) << endpoint.status();
  EXPECT_EQ(endpoint->unix_socket, "/var/run/docker.sock");
  EXPECT_EQ(endpoint->base_url, "http://localhost");

  const struct {
    const char* docker_host;
    const char* base_url;
  } tcp_rows[] = {
      {"tcp://127.0.0.1:2375", "http://127.0.0.1:2375"},
      {"tcp://docker.example:2376/", "http://docker.example:2376"},
      {"tcp://docker.example", "http://docker.example:2375"},
      {"tcp://[::1]:2375", "http://[::1]:2375"},
      {"tcp://[::1]", "http://[::1]:2375"},
  };
  for (const auto& row : tcp_rows) {
    endpoint = ParseDockerHost(row.docker_host);
    ASSERT_TRUE(endpoint.ok()) << row.docker_host << ": " << endpoint.status();
    EXPECT_EQ(endpoint->unix_socket, "") << row.docker_host;
    EXPECT_EQ(endpoint->base_url, row.base_url) << row.docker_host;
  }
}

TEST(ParseDockerHostTest, OtherSchemesAreInvalidArguments) {
  for (const char* docker_host :
       {"ssh://me@host", "npipe:////./pipe/docker_engine", "http://localhost:2375",
        "/var/run/docker.sock", "", "unix://", "tcp://"}) {
    absl::StatusOr<Endpoint> endpoint = ParseDockerHost(docker_host);
    EXPECT_EQ(endpoint.status().code(), absl::StatusCode::kInvalidArgument) << docker_host;
    EXPECT_THAT(endpoint.status().message(), HasSubstr("DOCKER_HOST")) << docker_host;
  }
}

TEST(UrlEncodeTest, KeepsUnreservedAndEncodesTheRest) {
  EXPECT_EQ(UrlEncode("demo-pg_1.x~"), "demo-pg_1.x~");
  EXPECT_EQ(UrlEncode("radctl/postgres:15"), "radctl%2Fpostgres%3A15");
  EXPECT_EQ(UrlEncode(R"({"label":["a=b c"]})"), "%7B%22label%22%3A%5B%22a%3Db%20c%22%5D%7D");
  EXPECT_EQ(UrlEncode("x?y#z&\xc3\xa9"), "x%3Fy%23z%26%C3%A9");
}

}  // namespace
}  // namespace radctl::docker
