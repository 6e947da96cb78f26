// DockerClient without an engine: where it looks for one and what it says when there is none.
// Its calls against a real engine are covered by tests/integration.
#include "controller/clients/docker/docker_client.h"

#include <cstdlib>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace radctl::docker {
namespace {

using ::testing::HasSubstr;

TEST(DockerClientTest, FromEnvironmentDefaultsToTheUsualSocket) {
  unsetenv("DOCKER_HOST");
  EXPECT_EQ(DockerClient::FromEnvironment(RealClock()).host(), "unix:///var/run/docker.sock");
  setenv("DOCKER_HOST", "", 1);
  EXPECT_EQ(DockerClient::FromEnvironment(RealClock()).host(), "unix:///var/run/docker.sock");
  setenv("DOCKER_HOST", "tcp://127.0.0.1:2375", 1);
  EXPECT_EQ(DockerClient::FromEnvironment(RealClock()).host(), "tcp://127.0.0.1:2375");
  unsetenv("DOCKER_HOST");
}

TEST(DockerClientTest, UnsupportedHostFailsEveryCallAsInvalidArgument) {
  const DockerClient docker(RealClock(), "ssh://me@build-host");
  const absl::Status ping = docker.Ping();
  EXPECT_EQ(ping.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ping.message(), HasSubstr("unsupported DOCKER_HOST \"ssh://me@build-host\""));
  EXPECT_EQ(docker.ListContainers("io.radctl.cluster", "demo").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(DockerClientTest, MissingEngineIsUnavailableAndSaysHowToStartIt) {
  const DockerClient docker(RealClock(), "unix://" + ::testing::TempDir() + "no-dockerd.sock");
  const absl::Status status = docker.StartContainer("demo-pg-1");
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(status.message(),
            "cannot reach the Docker engine at " + docker.host() +
                " (no such file or directory): is dockerd running? Start it (e.g. `dockerd &` or "
                "`systemctl start docker`) or set DOCKER_HOST.");
}

}  // namespace
}  // namespace radctl::docker
