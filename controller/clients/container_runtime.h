// ContainerRuntime: everything radctl asks of the container engine, as one interface (leveldb's
// Env, google-cloud-cpp's stubs). The real implementation is docker::DockerClient (Engine API over
// libcurl); tests/ has a fake that scripts faults. Implementations decide nothing.
//
// Errors, the same for every implementation: NotFound (no such object), Aborted (the state
// changed under us, e.g. a name taken or the container not running: observe again), Unavailable
// (the engine does not answer: back off), FailedPrecondition (the engine refuses in this state,
// or a published port is taken: only the user can fix it), InvalidArgument (a bad request).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/clients/docker/docker_types.h"

namespace radctl {

// A lease on the engine that one process holds (ContainerRuntime::TakeLease); released when the
// object is destroyed, and by the engine when the process ends, however it ends.
class EngineLease {
 public:
  virtual ~EngineLease() = default;
  // False once the engine no longer holds it for this process (it restarted, the lease's
  // container was removed): whoever takes it next acts.
  [[nodiscard]] virtual bool Held() const = 0;

  // Small files kept on the engine with the lease, in a volume its container mounts (the first
  // of the config's mounts): whoever holds the lease next reads what the last holder wrote,
  // whatever state directory each runs from. Aborted once the lease is not held (only its
  // holder reads and writes). ReadFile: NotFound when never written.
  [[nodiscard]] virtual absl::StatusOr<std::string> ReadFile(const std::string& name) const = 0;
  [[nodiscard]] virtual absl::Status WriteFile(const std::string& name,
                                               const std::string& content) const = 0;
};

class ContainerRuntime {
 public:
  virtual ~ContainerRuntime() = default;

  // OK when the engine answers.
  [[nodiscard]] virtual absl::Status Ping() const = 0;

  // --- containers ---
  // All containers (running or not) carrying label `key=value`.
  [[nodiscard]] virtual absl::StatusOr<std::vector<docker::ContainerSummary>> ListContainers(
      const std::string& label_key, const std::string& label_value) const = 0;
  [[nodiscard]] virtual absl::StatusOr<docker::ContainerInfo> InspectContainer(
      const std::string& name) const = 0;
  // Creates (does not start) a container; returns its id. Aborted if the name is taken.
  [[nodiscard]] virtual absl::StatusOr<std::string> CreateContainer(
      const docker::ContainerConfig& config) const = 0;
  // OK also when already running.
  [[nodiscard]] virtual absl::Status StartContainer(const std::string& name) const = 0;
  // OK also when already stopped. The engine kills after `timeout`.
  [[nodiscard]] virtual absl::Status StopContainer(const std::string& name,
                                                   absl::Duration timeout) const = 0;
  // Aborted when the container is not running.
  [[nodiscard]] virtual absl::Status KillContainer(const std::string& name,
                                                   const std::string& signal) const = 0;
  // Force-removes; OK also when it does not exist. Named volumes are never removed here.
  [[nodiscard]] virtual absl::Status RemoveContainer(const std::string& name) const = 0;

  // Runs `cmd` in a running container as `user` and waits for it to end (or `timeout`, after
  // which DeadlineExceeded; the process may go on running). A non-zero exit code is not an
  // error: it is in the result. Aborted when the container is not running or is paused.
  [[nodiscard]] virtual absl::StatusOr<docker::ExecResult> Exec(const std::string& container,
                                                                const std::vector<std::string>& cmd,
                                                                const std::string& user,
                                                                absl::Duration timeout) const = 0;

  // The last `lines` lines the container's main process wrote (stdout and stderr together): the
  // node's Postgres server log, which goes there.
  [[nodiscard]] virtual absl::StatusOr<std::string> ContainerLogs(const std::string& name,
                                                                  int lines) const = 0;

  // Writes files into `dest_dir` of the container (running or only created) in one upload.
  // Directories named in the paths must already exist, or be listed with a trailing "/".
  [[nodiscard]] virtual absl::Status UploadFiles(
      const std::string& container, const std::string& dest_dir,
      const std::vector<docker::FileToUpload>& files) const = 0;

  // --- networks and volumes ---
  [[nodiscard]] virtual absl::StatusOr<std::vector<docker::NetworkSummary>> ListNetworks(
      const std::string& label_key, const std::string& label_value) const = 0;
  // Creates a user-defined bridge. Aborted if the name is taken.
  [[nodiscard]] virtual absl::Status CreateNetwork(const std::string& name,
                                                   const docker::Labels& labels) const = 0;
  // OK also when it does not exist. FailedPrecondition while a container is attached.
  [[nodiscard]] virtual absl::Status RemoveNetwork(const std::string& name) const = 0;

  [[nodiscard]] virtual absl::StatusOr<std::vector<docker::VolumeSummary>> ListVolumes(
      const std::string& label_key, const std::string& label_value) const = 0;
  // OK also when it exists already. The volume's labels: `labels` when it is made now, its own
  // when it existed (Docker keeps those).
  [[nodiscard]] virtual absl::StatusOr<docker::Labels> CreateVolume(
      const std::string& name, const docker::Labels& labels) const = 0;
  // OK also when it does not exist. Aborted while a container uses it.
  [[nodiscard]] virtual absl::Status RemoveVolume(const std::string& name) const = 0;

  // --- images ---
  // NotFound when the image is not present locally.
  [[nodiscard]] virtual absl::StatusOr<docker::ImageInfo> InspectImage(
      const std::string& name) const = 0;

  // --- the controller's lease ---
  // Takes the lease named `config.name` (the caller gives the image, labels, network and
  // mounts): a container whose one process, the runtime's own, reads a stdin held open by this
  // process's connection, so that the engine ends it when the connection closes, however this
  // process ends. One process at a time holds a name, whatever state directory it runs from.
  // FailedPrecondition while another holds it, naming the holder (config.labels of the
  // holder's lease). The lease's files (EngineLease::ReadFile) are kept in config.mounts[0], a
  // named volume that outlives the lease.
  [[nodiscard]] virtual absl::StatusOr<std::unique_ptr<EngineLease>> TakeLease(
      const docker::ContainerConfig& config) const = 0;
  // Returns once nobody holds the lease `name` and its container is gone (a holder that has just
  // ended leaves it running a moment longer; one that died before starting it leaves it
  // created). FailedPrecondition while another process holds it, naming the holder by its
  // container's labels, as TakeLease does.
  [[nodiscard]] virtual absl::Status AwaitLeaseEnd(const std::string& name) const = 0;

  // --- events ---
  // Streams container events for objects labelled `label_key=label_value`, calling `on_event`
  // for each, until `stop` becomes true (checked at least once a second) or the stream fails.
  // Returns OK when stopped, Unavailable when the stream broke. `on_event` must not throw.
  [[nodiscard]] virtual absl::Status StreamEvents(
      const std::string& label_key, const std::string& label_value,
      const std::function<void(const docker::Event&)>& on_event,
      const std::atomic<bool>& stop) const = 0;
};

}  // namespace radctl
