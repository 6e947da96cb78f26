// Plain data exchanged with the Docker Engine API: what radctl asks to create and what it reads
// back. No I/O here; decoding from the API's JSON is in docker_json.h.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace radctl::docker {

using Labels = std::map<std::string, std::string>;

struct PortBinding {
  int container_port = 0;  // e.g. 5432 (tcp)
  std::string host_ip;     // "127.0.0.1"
  int host_port = 0;       // 0 when creating: let the engine pick an ephemeral port
};

struct VolumeMount {
  std::string volume;  // named volume
  std::string target;  // path in the container
  bool read_only = false;
  Labels labels = {};  // given to the volume when the engine creates it for this mount
};

struct ContainerConfig {
  std::string name;
  std::string image;
  std::string hostname;
  Labels labels;
  std::vector<std::string> env;         // "KEY=value"
  std::vector<std::string> entrypoint;  // empty: the image's
  std::vector<std::string> cmd;         // empty: the image's default
  std::string user;                     // empty: the image's
  std::string network;                  // attached at creation, container name is resolvable on it
  std::vector<std::string> network_aliases;
  // Joins the network namespace of that container (NetworkMode container:NAME) instead of a
  // network: no hostname, ports or network of its own.
  std::string network_of_container;
  std::vector<VolumeMount> mounts;
  std::vector<PortBinding> ports;
  std::vector<std::string> cap_add;  // capabilities beyond Docker's default set, e.g. NET_ADMIN
  int stop_timeout_s = 10;
  // Its process reads a stdin that the engine closes when the first client attached to it
  // disconnects (OpenStdin, StdinOnce), and answers on stdout: the controller's lease
  // (ContainerRuntime::TakeLease).
  bool stdin_once = false;
  bool auto_remove = false;  // the engine removes it once it has exited
};

// One row of GET /containers/json (all=true).
struct ContainerSummary {
  std::string id;
  std::string name;      // without the leading "/"
  std::string image;     // as named at creation
  std::string image_id;  // "sha256:...": what the container runs, whatever the name names now
  std::string state;     // created | running | paused | restarting | removing | exited | dead
  Labels labels;
  std::vector<PortBinding> ports;  // published ports, with the host port the engine chose
  bool running() const { return state == "running"; }
};

// The parts of GET /containers/{id}/json that radctl needs.
struct ContainerInfo {
  std::string id;
  std::string name;
  std::string image;
  std::string state;
  bool running = false;
  bool oom_killed = false;
  int exit_code = 0;
  std::string created_at;  // RFC 3339 as given by the engine
  std::string started_at;
  std::string finished_at;
  Labels labels;
  std::vector<PortBinding> ports;
  std::vector<std::string> networks;  // names of the networks it is attached to
};

struct NetworkSummary {
  std::string id;
  std::string name;
  Labels labels;
};

struct VolumeSummary {
  std::string name;
  Labels labels;
};

struct ImageInfo {
  std::string id;
  Labels labels;
};

struct ExecResult {
  int exit_code = -1;
  std::string stdout_text;
  std::string stderr_text;
};

struct FileToUpload {
  std::string path;  // relative to the destination directory, e.g. "data/pg_hba.conf"
  std::string content;
  int mode = 0644;
  int uid = 0;
  int gid = 0;
};

// One message of GET /events, reduced to what the controller reacts to.
struct Event {
  std::string type;    // "container"
  std::string action;  // "die", "start", "oom", "destroy", "kill", ...
  std::string id;
  std::string name;  // Actor.Attributes.name
  Labels labels;     // the other Actor.Attributes (labels of the object)
  int64_t time_nano = 0;
};

}  // namespace radctl::docker
