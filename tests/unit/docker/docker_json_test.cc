#include "controller/clients/docker/docker_json.h"

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace radctl::docker {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;
using Json = nlohmann::json;

MATCHER_P3(Port, container_port, host_ip, host_port, "") {
  return arg.container_port == container_port && arg.host_ip == host_ip &&
         arg.host_port == host_port;
}

// Shapes as Docker 20.10 (API v1.41) answers them, trimmed to what matters.
constexpr char kContainerList[] = R"([
  {
    "Id": "72df6d5d6a99",
    "Names": ["/demo-pg-1"],
    "Image": "radctl/postgres:15",
    "ImageID": "sha256:d7e1be887a10",
    "State": "running",
    "Status": "Up 3 minutes",
    "Labels": {"io.radctl.cluster": "demo", "io.radctl.ordinal": "1"},
    "Ports": [
      {"IP": "127.0.0.1", "PrivatePort": 5432, "PublicPort": 32770, "Type": "tcp"},
      {"PrivatePort": 8008, "Type": "tcp"},
      {"IP": "0.0.0.0", "PrivatePort": 53, "PublicPort": 5353, "Type": "udp"}
    ]
  },
  {
    "Id": "e95accda592e",
    "Names": ["/demo-bouncer"],
    "Image": "radctl/pgbouncer",
    "State": "exited",
    "Labels": null,
    "Ports": [
      {"IP": "::", "PrivatePort": 6432, "PublicPort": 6543, "Type": "tcp"},
      {"IP": "0.0.0.0", "PrivatePort": 6432, "PublicPort": 6543, "Type": "tcp"}
    ]
  },
  {
    "Id": "a6a52252d001",
    "Names": ["/other/alias", "/demo-pg-2"],
    "Image": "radctl/postgres:15",
    "State": "created",
    "Labels": {},
    "Ports": []
  }
])";

TEST(DecodeContainerListTest, ReadsRowsStripsSlashesAndKeepsPublishedTcpPorts) {
  absl::StatusOr<std::vector<ContainerSummary>> containers = DecodeContainerList(kContainerList);
  ASSERT_TRUE(containers.ok()) << containers.status();
  ASSERT_EQ(containers->size(), 3u);

  const ContainerSummary& pg = (*containers)[0];
  EXPECT_EQ(pg.id, "72df6d5d6a99");
  EXPECT_EQ(pg.name, "demo-pg-1");
  EXPECT_EQ(pg.image, "radctl/postgres:15");
  EXPECT_EQ(pg.image_id, "sha256:d7e1be887a10");
  EXPECT_EQ(pg.state, "running");
  EXPECT_TRUE(pg.running());
  EXPECT_THAT(pg.labels, UnorderedElementsAre(Pair("io.radctl.cluster", "demo"),
                                              Pair("io.radctl.ordinal", "1")));
  // Not the exposed-only 8008 nor the udp port.
  EXPECT_THAT(pg.ports, ElementsAre(Port(5432, "127.0.0.1", 32770)));

  const ContainerSummary& bouncer = (*containers)[1];
  EXPECT_EQ(bouncer.name, "demo-bouncer");
  EXPECT_FALSE(bouncer.running());
  EXPECT_THAT(bouncer.labels, IsEmpty());
  // Both address families reported for one binding: the IPv4 row wins, whatever the order.
  EXPECT_THAT(bouncer.ports, ElementsAre(Port(6432, "0.0.0.0", 6543)));

  // Legacy links add "/other/alias" names; the container's own is the one without a slash.
  EXPECT_EQ((*containers)[2].name, "demo-pg-2");
  EXPECT_THAT((*containers)[2].ports, IsEmpty());
}

TEST(DecodeContainerListTest, EmptyList) {
  absl::StatusOr<std::vector<ContainerSummary>> containers = DecodeContainerList("[]");
  ASSERT_TRUE(containers.ok()) << containers.status();
  EXPECT_THAT(*containers, IsEmpty());
}

TEST(DecodeContainerListTest, UnexpectedShapesAreInternalErrors) {
  for (const char* json : {"", "not json", R"({"message": "oops"})",
                           R"([{"Id": "x", "Labels": {"a": 1}}])", R"([{"Id": 7}])"}) {
    absl::StatusOr<std::vector<ContainerSummary>> containers = DecodeContainerList(json);
    EXPECT_EQ(containers.status().code(), absl::StatusCode::kInternal) << json;
    EXPECT_THAT(containers.status().message(),
                HasSubstr("unexpected answer from the Docker engine for the container list: "))
        << json;
  }
}

constexpr char kInspectKilled[] = R"({
  "Id": "a6a52252d0010d22",
  "Created": "2026-11-25T23:32:14.1Z",
  "Name": "/demo-pg-1",
  "Image": "sha256:d7e1be887a10",
  "State": {
    "Status": "exited", "Running": false, "Paused": false, "Restarting": false,
    "OOMKilled": true, "Dead": false, "Pid": 0, "ExitCode": 137, "Error": "",
    "StartedAt": "2026-11-25T23:32:29.777965768Z", "FinishedAt": "2026-11-25T23:40:01.5Z"
  },
  "Config": {
    "Hostname": "demo-pg-1",
    "Image": "radctl/postgres:15",
    "Labels": {"io.radctl.cluster": "demo"}
  },
  "NetworkSettings": {
    "Ports": {},
    "Networks": {"demo-net": {"Aliases": ["demo-pg-1"], "IPAddress": ""}}
  }
})";

TEST(DecodeContainerInfoTest, ReadsStateOfAKilledContainer) {
  absl::StatusOr<ContainerInfo> info = DecodeContainerInfo(kInspectKilled);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->id, "a6a52252d0010d22");
  EXPECT_EQ(info->name, "demo-pg-1");
  EXPECT_EQ(info->image, "radctl/postgres:15");  // the name it was created from, not the id
  EXPECT_EQ(info->state, "exited");
  EXPECT_FALSE(info->running);
  EXPECT_TRUE(info->oom_killed);
  EXPECT_EQ(info->exit_code, 137);
  EXPECT_EQ(info->started_at, "2026-11-25T23:32:29.777965768Z");
  EXPECT_EQ(info->finished_at, "2026-11-25T23:40:01.5Z");
  EXPECT_THAT(info->labels, ElementsAre(Pair("io.radctl.cluster", "demo")));
  EXPECT_THAT(info->ports, IsEmpty());
  EXPECT_THAT(info->networks, ElementsAre("demo-net"));
}

TEST(DecodeContainerInfoTest, ReadsPublishedPortsAndNetworksOfARunningContainer) {
  absl::StatusOr<ContainerInfo> info = DecodeContainerInfo(R"({
    "Id": "72df", "Name": "/demo-bouncer",
    "State": {"Status": "running", "Running": true, "OOMKilled": false, "ExitCode": 0},
    "Config": {"Image": "radctl/pgbouncer", "Labels": null},
    "NetworkSettings": {
      "Ports": {
        "6432/tcp": [{"HostIp": "::", "HostPort": "6543"}, {"HostIp": "0.0.0.0", "HostPort": "6543"}],
        "5432/tcp": [{"HostIp": "127.0.0.1", "HostPort": "49153"}],
        "8008/tcp": null,
        "53/udp": [{"HostIp": "0.0.0.0", "HostPort": "5353"}]
      },
      "Networks": {"demo-net": {}, "bridge": {}}
    }
  })");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_TRUE(info->running);
  EXPECT_FALSE(info->oom_killed);
  EXPECT_EQ(info->state, "running");
  EXPECT_THAT(info->labels, IsEmpty());
  EXPECT_THAT(info->ports,
              UnorderedElementsAre(Port(6432, "0.0.0.0", 6543), Port(5432, "127.0.0.1", 49153)));
  EXPECT_THAT(info->networks, UnorderedElementsAre("demo-net", "bridge"));
}

TEST(DecodeContainerInfoTest, BadHostPortIsAnInternalError) {
  absl::StatusOr<ContainerInfo> info = DecodeContainerInfo(R"({
    "NetworkSettings": {"Ports": {"5432/tcp": [{"HostIp": "127.0.0.1", "HostPort": "x"}]}}
  })");
  EXPECT_EQ(info.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(info.status().message(), HasSubstr("for a container: port \"x\" is not a number"));
}

TEST(DecodeNetworkListTest, ReadsNamesIdsAndLabels) {
  absl::StatusOr<std::vector<NetworkSummary>> networks = DecodeNetworkList(R"([
    {"Name": "demo-net", "Id": "db41e5dd1db2", "Driver": "bridge",
     "Labels": {"io.radctl.cluster": "demo"}, "Containers": {}},
    {"Name": "bridge", "Id": "b53bf110232b", "Driver": "bridge", "Labels": {}}
  ])");
  ASSERT_TRUE(networks.ok()) << networks.status();
  ASSERT_EQ(networks->size(), 2u);
  EXPECT_EQ((*networks)[0].name, "demo-net");
  EXPECT_EQ((*networks)[0].id, "db41e5dd1db2");
  EXPECT_THAT((*networks)[0].labels, ElementsAre(Pair("io.radctl.cluster", "demo")));
  EXPECT_THAT((*networks)[1].labels, IsEmpty());
}

TEST(DecodeVolumeListTest, ReadsTheVolumesMember) {
  absl::StatusOr<std::vector<VolumeSummary>> volumes = DecodeVolumeList(R"({
    "Volumes": [
      {"Name": "demo-pg-1-data", "Driver": "local", "Labels": {"io.radctl.ordinal": "1"},
       "Mountpoint": "/var/lib/docker/volumes/demo-pg-1-data/_data", "Scope": "local"},
      {"Name": "demo-pg-2-data", "Driver": "local", "Labels": null}
    ],
    "Warnings": null
  })");
  ASSERT_TRUE(volumes.ok()) << volumes.status();
  ASSERT_EQ(volumes->size(), 2u);
  EXPECT_EQ((*volumes)[0].name, "demo-pg-1-data");
  EXPECT_THAT((*volumes)[0].labels, ElementsAre(Pair("io.radctl.ordinal", "1")));
  EXPECT_EQ((*volumes)[1].name, "demo-pg-2-data");
  EXPECT_THAT((*volumes)[1].labels, IsEmpty());
}

TEST(DecodeVolumeListTest, NoVolumes) {
  for (const char* json : {R"({"Volumes": [], "Warnings": null})", R"({"Volumes": null})"}) {
    absl::StatusOr<std::vector<VolumeSummary>> volumes = DecodeVolumeList(json);
    ASSERT_TRUE(volumes.ok()) << volumes.status();
    EXPECT_THAT(*volumes, IsEmpty()) << json;
  }
  // A bare list is not this API's answer.
  EXPECT_EQ(DecodeVolumeList("[]").status().code(), absl::StatusCode::kInternal);
}

// POST /volumes/create answers with the volume: an existing one keeps its own labels (here,
// made by `docker volume create` without any), which is how radctl tells one it did not make.
TEST(DecodeVolumeTest, ReadsTheLabelsTheVolumeHas) {
  absl::StatusOr<VolumeSummary> made = DecodeVolume(
      R"({"CreatedAt": "2026-12-07T17:05:35Z", "Driver": "local", "Labels": {"io.radctl.cluster":
          "demo"}, "Mountpoint": "/var/lib/docker/volumes/demo-pg-2-data/_data",
          "Name": "demo-pg-2-data", "Options": null, "Scope": "local"})");
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(made->name, "demo-pg-2-data");
  EXPECT_THAT(made->labels, ElementsAre(Pair("io.radctl.cluster", "demo")));
  absl::StatusOr<VolumeSummary> existing =
      DecodeVolume(R"({"Driver": "local", "Labels": null, "Name": "demo-pg-2-data"})");
  ASSERT_TRUE(existing.ok()) << existing.status();
  EXPECT_THAT(existing->labels, IsEmpty());
}

TEST(DecodeImageInfoTest, ReadsIdAndLabels) {
  absl::StatusOr<ImageInfo> image = DecodeImageInfo(R"({
    "Id": "sha256:d7e1be887a10", "RepoTags": ["radctl/postgres:15"],
    "Config": {"User": "postgres", "Labels": {"org.opencontainers.image.title": "postgres"}}
  })");
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(image->id, "sha256:d7e1be887a10");
  EXPECT_THAT(image->labels, ElementsAre(Pair("org.opencontainers.image.title", "postgres")));

  image = DecodeImageInfo(R"({"Id": "sha256:77587f6f0f99", "Config": {"Labels": null}})");
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_THAT(image->labels, IsEmpty());
}

TEST(DecodeEventTest, ReadsAContainerDeath) {
  absl::StatusOr<Event> event = DecodeEvent(
      R"({"status":"die","id":"32a18068666b","from":"radctl/postgres:15","Type":"container",)"
      R"("Action":"die","Actor":{"ID":"32a18068666b","Attributes":{"exitCode":"137",)"
      R"("image":"radctl/postgres:15","io.radctl.cluster":"demo","name":"demo-pg-1"}},)"
      R"("scope":"local","time":1795649967,"timeNano":1795649967574482237})");
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->type, "container");
  EXPECT_EQ(event->action, "die");
  EXPECT_EQ(event->id, "32a18068666b");
  EXPECT_EQ(event->name, "demo-pg-1");
  EXPECT_THAT(event->labels,
              UnorderedElementsAre(Pair("exitCode", "137"), Pair("image", "radctl/postgres:15"),
                                   Pair("io.radctl.cluster", "demo")));
  EXPECT_EQ(event->time_nano, 1795649967574482237);
}

TEST(DecodeEventTest, MalformedLineIsAnInternalError) {
  absl::StatusOr<Event> event = DecodeEvent(R"({"Type":"container","Action":"di)");
  EXPECT_EQ(event.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(event.status().message(),
              HasSubstr("unexpected answer from the Docker engine for an event"));
}

TEST(DecodeCreatedIdTest, ReadsTheId) {
  absl::StatusOr<std::string> id = DecodeCreatedId(R"({"Id": "9edec4ab374b", "Warnings": []})");
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, "9edec4ab374b");
  EXPECT_EQ(DecodeCreatedId(R"({"Warnings": []})").status().code(), absl::StatusCode::kInternal);
}

TEST(DecodeExecStateTest, RunningAndFinished) {
  absl::StatusOr<ExecState> state = DecodeExecState(R"({"ID": "364b", "Running": true,
                                                       "ExitCode": null, "Pid": 1234})");
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_TRUE(state->running);
  EXPECT_EQ(state->exit_code, -1);

  state = DecodeExecState(R"({"ID": "364b", "Running": false, "ExitCode": 3, "Pid": 1234})");
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_FALSE(state->running);
  EXPECT_EQ(state->exit_code, 3);
}

TEST(ErrorMessageTest, ReadsTheEngineMessageOrKeepsTheText) {
  EXPECT_EQ(ErrorMessage(R"({"message":"No such container: demo-pg-9"})"),
            "No such container: demo-pg-9");
  EXPECT_EQ(ErrorMessage("404 page not found\n"), "404 page not found");
  EXPECT_EQ(ErrorMessage(R"({"error": "other shape"})"), R"({"error": "other shape"})");
  EXPECT_EQ(ErrorMessage(""), "");
}

ContainerConfig NodeConfig() {
  ContainerConfig config;
  config.name = "demo-pg-1";
  config.image = "radctl/postgres:15";
  config.hostname = "demo-pg-1";
  config.labels = {{"io.radctl.cluster", "demo"}, {"io.radctl.ordinal", "1"}};
  config.env = {"PGDATA=/var/lib/postgresql/data"};
  config.network = "demo-net";
  config.network_aliases = {"pg1"};
  config.mounts = {{"demo-pg-1-data", "/var/lib/postgresql"}};
  config.ports = {{5432, "127.0.0.1", 0}};
  config.stop_timeout_s = 30;
  return config;
}

TEST(EncodeCreateContainerTest, NodeContainer) {
  const Json expected = Json::parse(R"({
    "Image": "radctl/postgres:15",
    "Hostname": "demo-pg-1",
    "Labels": {"io.radctl.cluster": "demo", "io.radctl.ordinal": "1"},
    "Env": ["PGDATA=/var/lib/postgresql/data"],
    "ExposedPorts": {"5432/tcp": {}},
    "StopTimeout": 30,
    "HostConfig": {
      "PortBindings": {"5432/tcp": [{"HostIp": "127.0.0.1", "HostPort": ""}]},
      "Mounts": [{"Type": "volume", "Source": "demo-pg-1-data", "Target": "/var/lib/postgresql"}],
      "NetworkMode": "demo-net",
      "RestartPolicy": {"Name": "no"},
      "Init": false
    },
    "NetworkingConfig": {"EndpointsConfig": {"demo-net": {"Aliases": ["pg1"]}}}
  })");
  EXPECT_EQ(Json::parse(EncodeCreateContainer(NodeConfig())), expected);
}

TEST(EncodeCreateContainerTest, FixedPortCommandAndNoNetwork) {
  ContainerConfig config;
  config.name = "demo-bouncer";
  config.image = "radctl/pgbouncer";
  config.cmd = {"pgbouncer", "/etc/pgbouncer/pgbouncer.ini"};
  config.ports = {{6432, "0.0.0.0", 6543}};
  const Json body = Json::parse(EncodeCreateContainer(config));
  EXPECT_EQ(body["Cmd"], Json({"pgbouncer", "/etc/pgbouncer/pgbouncer.ini"}));
  EXPECT_EQ(body["HostConfig"]["PortBindings"],
            Json::parse(R"({"6432/tcp": [{"HostIp": "0.0.0.0", "HostPort": "6543"}]})"));
  EXPECT_FALSE(body.contains("Hostname"));
  EXPECT_FALSE(body.contains("NetworkingConfig"));
  EXPECT_FALSE(body["HostConfig"].contains("NetworkMode"));
  EXPECT_FALSE(body["HostConfig"].contains("CapAdd"));  // Docker's default set
}

TEST(EncodeCreateContainerTest, AddedCapabilities) {
  ContainerConfig config = NodeConfig();
  config.cap_add = {"NET_ADMIN"};
  EXPECT_EQ(Json::parse(EncodeCreateContainer(config))["HostConfig"]["CapAdd"],
            Json({"NET_ADMIN"}));
}

// A helper that works in a running container's network namespace (radctl adds the login hold's
// rules to a bouncer an older radctl made): no network, hostname or aliases of its own.
TEST(EncodeCreateContainerTest, JoinsTheNetworkNamespaceOfAnotherContainer) {
  ContainerConfig config;
  config.name = "demo-bouncer-hold-setup";
  config.image = "radctl/pgbouncer";
  config.network_of_container = "demo-bouncer";
  config.cap_add = {"NET_ADMIN"};
  const Json body = Json::parse(EncodeCreateContainer(config));
  EXPECT_EQ(body["HostConfig"]["NetworkMode"], "container:demo-bouncer");
  EXPECT_FALSE(body.contains("NetworkingConfig"));
  EXPECT_FALSE(body.contains("Hostname"));
}

// The controller's lease: its own process (not the image's entrypoint) reads a stdin the engine
// closes when the attached client goes, and the engine removes the container once it exited.
TEST(EncodeCreateContainerTest, LeaseReadsAStdinClosedWithItsClientAndAnswersOnStdout) {
  ContainerConfig config;
  config.name = "demo-controller-lease";
  config.image = "radctl/postgres:15";
  config.entrypoint = {"sh", "-c", "script", "radctl-lease"};
  config.cmd = {"/var/lib/radctl-lease"};
  config.user = "root";
  config.network = "none";
  config.stdin_once = true;
  config.auto_remove = true;
  config.mounts = {
      {"demo-controller-state", "/var/lib/radctl-lease", false, {{"io.radctl.cluster", "demo"}}}};
  const Json body = Json::parse(EncodeCreateContainer(config));
  EXPECT_EQ(body["Entrypoint"], Json({"sh", "-c", "script", "radctl-lease"}));
  EXPECT_EQ(body["Cmd"], Json({"/var/lib/radctl-lease"}));
  EXPECT_EQ(body["User"], "root");
  EXPECT_EQ(body["OpenStdin"], true);
  EXPECT_EQ(body["StdinOnce"], true);
  EXPECT_EQ(body["AttachStdin"], true);
  EXPECT_EQ(body["AttachStdout"], true);
  EXPECT_EQ(body["HostConfig"]["AutoRemove"], true);
  EXPECT_EQ(body["HostConfig"]["NetworkMode"], "none");
  // The volume is made by the engine for the mount, labelled as the cluster's.
  EXPECT_EQ(body["HostConfig"]["Mounts"][0]["VolumeOptions"]["Labels"]["io.radctl.cluster"],
            "demo");
  const Json node = Json::parse(EncodeCreateContainer(NodeConfig()));
  EXPECT_FALSE(node.contains("Entrypoint"));
  EXPECT_FALSE(node.contains("OpenStdin"));
  EXPECT_FALSE(node.contains("User"));
  EXPECT_FALSE(node["HostConfig"].contains("AutoRemove"));
  EXPECT_FALSE(node["HostConfig"]["Mounts"][0].contains("VolumeOptions"));
}

TEST(EncodeCreateContainerTest, EmptyCmdKeepsTheImageDefault) {
  EXPECT_FALSE(Json::parse(EncodeCreateContainer(NodeConfig())).contains("Cmd"));
}

TEST(EncodeCreateContainerTest, InvalidUtf8DoesNotThrow) {
  ContainerConfig config = NodeConfig();
  config.labels["bad"] = "\xff";
  const Json body = Json::parse(EncodeCreateContainer(config));
  EXPECT_EQ(body["Labels"]["bad"], "\xef\xbf\xbd");  // U+FFFD REPLACEMENT CHARACTER
}

TEST(EncodeOtherBodiesTest, ExecNetworkVolumeAndFilters) {
  EXPECT_EQ(Json::parse(EncodeCreateExec({"psql", "-c", "select 1"}, "postgres")),
            Json::parse(R"({"AttachStdin": false, "AttachStdout": true, "AttachStderr": true,
                            "Tty": false, "Cmd": ["psql", "-c", "select 1"],
                            "User": "postgres"})"));
  EXPECT_EQ(Json::parse(EncodeCreateNetwork("demo-net", {{"io.radctl.cluster", "demo"}})),
            Json::parse(R"({"Name": "demo-net", "Driver": "bridge", "CheckDuplicate": true,
                            "Labels": {"io.radctl.cluster": "demo"}})"));
  EXPECT_EQ(Json::parse(EncodeCreateVolume("demo-pg-1-data", {})),
            Json::parse(R"({"Name": "demo-pg-1-data", "Labels": {}})"));
  EXPECT_EQ(EncodeFilters({{"type", {"container"}}, {"label", {"io.radctl.cluster=demo"}}}),
            R"({"label":["io.radctl.cluster=demo"],"type":["container"]})");
}

}  // namespace
}  // namespace radctl::docker
