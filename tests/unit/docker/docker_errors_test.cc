#include "controller/clients/docker/docker_errors.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace radctl::docker {
namespace {

constexpr char kHost[] = "unix:///var/run/docker.sock";

struct Row {
  long http_status;
  std::string body;
  absl::StatusCode code;
  std::string message;  // empty when OK
};

TEST(DockerStatusTest, MapsHttpAnswers) {
  const Row rows[] = {
      {200, "[]", absl::StatusCode::kOk, ""},
      {201, R"({"Id":"9edec4ab374b"})", absl::StatusCode::kOk, ""},
      {204, "", absl::StatusCode::kOk, ""},
      {304, "", absl::StatusCode::kOk, ""},  // already started / stopped
      {400, R"({"message":"invalid reference format"})", absl::StatusCode::kInvalidArgument,
       "create container demo-pg-1: invalid reference format"},
      {403, R"({"message":"network demo-net has active endpoints"})",
       absl::StatusCode::kFailedPrecondition,
       "create container demo-pg-1: network demo-net has active endpoints"},
      {404, R"({"message":"No such image: radctl/postgres:15"})", absl::StatusCode::kNotFound,
       "create container demo-pg-1: No such image: radctl/postgres:15"},
      {409,
       R"({"message":"Conflict. The container name \"/demo-pg-1\" is already in use by container \"9edec4ab374b\"."})",
       absl::StatusCode::kAborted,
       "create container demo-pg-1: Conflict. The container name \"/demo-pg-1\" is already in "
       "use by container \"9edec4ab374b\"."},
      {500, R"({"message":"driver failed programming external connectivity"})",
       absl::StatusCode::kInternal,
       "create container demo-pg-1: driver failed programming external connectivity"},
      // A taken host port: only the user can free it.
      {500,
       R"({"message":"driver failed programming external connectivity on endpoint demo-bouncer: Error starting userland proxy: listen tcp4 127.0.0.1:6543: bind: address already in use"})",
       absl::StatusCode::kFailedPrecondition,
       "create container demo-pg-1: driver failed programming external connectivity on endpoint "
       "demo-bouncer: Error starting userland proxy: listen tcp4 127.0.0.1:6543: bind: address "
       "already in use"},
      {503, "", absl::StatusCode::kInternal, "create container demo-pg-1: HTTP status 503"},
      {418, "I'm a teapot\n", absl::StatusCode::kUnknown,
       "create container demo-pg-1: I'm a teapot"},
  };
  for (const Row& row : rows) {
    const absl::Status status =
        DockerStatus("create container demo-pg-1", kHost, HttpResponse{row.http_status, row.body});
    EXPECT_EQ(status.code(), row.code) << row.http_status;
    EXPECT_EQ(status.message(), row.message) << row.http_status;
  }
}

TEST(DockerStatusTest, UnreachableEngineSaysHowToStartIt) {
  const absl::Status status =
      DockerStatus("list containers", kHost, absl::UnavailableError("connection refused"));
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(status.message(),
            "cannot reach the Docker engine at unix:///var/run/docker.sock (connection refused): "
            "is dockerd running? Start it (e.g. `dockerd &` or `systemctl start docker`) or set "
            "DOCKER_HOST.");
}

TEST(DockerStatusTest, OtherTransportFailuresKeepTheirCodeAndSayWhatWasAttempted) {
  absl::Status status = DockerStatus("stop container demo-pg-1", kHost,
                                     absl::DeadlineExceededError("no complete answer within 40s"));
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(status.message(), "stop container demo-pg-1: no complete answer within 40s");

  status = DockerStatus("ping the Docker engine", "ssh://host",
                        absl::InvalidArgumentError("unsupported DOCKER_HOST \"ssh://host\""));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "ping the Docker engine: unsupported DOCKER_HOST \"ssh://host\"");

  status = DockerStatus("watch events", kHost, absl::CancelledError("stopped"));
  EXPECT_EQ(status.code(), absl::StatusCode::kCancelled);
}

}  // namespace
}  // namespace radctl::docker
