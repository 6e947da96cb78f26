// DockerClient: the one way radctl talks to the Docker Engine (API pinned to kApiVersion), over
// the unix socket or TCP named by DOCKER_HOST. Thin: it never decides anything. Every method is
// safe to call from several threads at once (one libcurl handle per request).
//
// Errors, mapped once (docker_errors.h): 404 -> NotFound, 409 -> Aborted (the state changed,
// re-observe), 304 -> OK (already in the wanted state), 5xx -> Internal, engine not reachable ->
// Unavailable with a message that says how to start it; also 400 -> InvalidArgument and 403 (the
// engine refuses in this state, e.g. removing a network still in use) -> FailedPrecondition.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "controller/clients/clock.h"
#include "controller/clients/container_runtime.h"
#include "controller/clients/docker/docker_types.h"
#include "controller/clients/docker/http_transport.h"

namespace radctl::docker {

inline constexpr char kApiVersion[] = "v1.41";  // Docker Engine 20.10, as in Debian 12

class DockerClient : public ContainerRuntime {
 public:
  // `docker_host` as in DOCKER_HOST: "unix:///var/run/docker.sock" or "tcp://host:2375". An
  // exec's deadline is kept on `clock`.
  DockerClient(const Clock& clock, std::string docker_host);
  // Reads DOCKER_HOST, defaulting to unix:///var/run/docker.sock.
  static DockerClient FromEnvironment(const Clock& clock);

  const std::string& host() const { return host_; }

  // OK when the engine answers GET /_ping.
  [[nodiscard]] absl::Status Ping() const override;

  // --- containers ---
  // All containers (running or not) carrying label `key=value`.
  [[nodiscard]] absl::StatusOr<std::vector<ContainerSummary>> ListContainers(
      const std::string& label_key, const std::string& label_value) const override;
  [[nodiscard]] absl::StatusOr<ContainerInfo> InspectContainer(
      const std::string& name) const override;
  // Creates (does not start) a container; returns its id. Aborted if the name is taken.
  [[nodiscard]] absl::StatusOr<std::string> CreateContainer(
      const ContainerConfig& config) const override;
  // OK also when already running.
  [[nodiscard]] absl::Status StartContainer(const std::string& name) const override;
  // OK also when already stopped. The engine kills after `timeout`.
  [[nodiscard]] absl::Status StopContainer(const std::string& name,
                                           absl::Duration timeout) const override;
  [[nodiscard]] absl::Status KillContainer(const std::string& name,
                                           const std::string& signal) const override;
  // Force-removes; OK also when it does not exist. Named volumes are never removed here.
  [[nodiscard]] absl::Status RemoveContainer(const std::string& name) const override;

  // Runs `cmd` in a running container as `user` and waits for it to end (or `timeout`, after which
  // DeadlineExceeded; the process may go on running). A non-zero exit code is not an error: it is
  // in the result.
  [[nodiscard]] absl::StatusOr<ExecResult> Exec(const std::string& container,
                                                const std::vector<std::string>& cmd,
                                                const std::string& user,
                                                absl::Duration timeout) const override;

  [[nodiscard]] absl::StatusOr<std::string> ContainerLogs(const std::string& name,
                                                          int lines) const override;

  // Writes files into `dest_dir` of the container (running or only created) in one tar upload.
  // Directories named in the paths must already exist, or be listed with a trailing "/".
  [[nodiscard]] absl::Status UploadFiles(const std::string& container, const std::string& dest_dir,
                                         const std::vector<FileToUpload>& files) const override;

  // --- networks and volumes ---
  [[nodiscard]] absl::StatusOr<std::vector<NetworkSummary>> ListNetworks(
      const std::string& label_key, const std::string& label_value) const override;
  // Creates a user-defined bridge. Aborted if the name is taken.
  [[nodiscard]] absl::Status CreateNetwork(const std::string& name,
                                           const Labels& labels) const override;
  // OK also when it does not exist. FailedPrecondition while a container is attached.
  [[nodiscard]] absl::Status RemoveNetwork(const std::string& name) const override;

  [[nodiscard]] absl::StatusOr<std::vector<VolumeSummary>> ListVolumes(
      const std::string& label_key, const std::string& label_value) const override;
  // OK also when it exists already (the engine's create is idempotent).
  [[nodiscard]] absl::StatusOr<Labels> CreateVolume(const std::string& name,
                                                    const Labels& labels) const override;
  // OK also when it does not exist. Aborted while a container uses it.
  [[nodiscard]] absl::Status RemoveVolume(const std::string& name) const override;

  // --- images ---
  // NotFound when the image is not present locally.
  [[nodiscard]] absl::StatusOr<ImageInfo> InspectImage(const std::string& name) const override;

  // --- the controller's lease ---
  // Creates the lease's container with radctl's own process in it (a shell loop that keeps the
  // lease's files), attaches to its stdin and stdout (AttachedStream), then starts it. A
  // lease found running (or just created) belongs to another process; one found exited, dead
  // or created long ago by a process that died before starting it is removed and taken.
  [[nodiscard]] absl::StatusOr<std::unique_ptr<EngineLease>> TakeLease(
      const ContainerConfig& config) const override;
  [[nodiscard]] absl::Status AwaitLeaseEnd(const std::string& name) const override;

  // --- faults, for `radctl drill` (the controller never injects them) ---
  // Freezes every process of the container (cgroup freezer), as `docker pause`; the container
  // still counts as running. Unpause thaws it. Each fails (Aborted or Internal, as the engine
  // answers) when the container is not in the state it expects.
  [[nodiscard]] absl::Status PauseContainer(const std::string& name) const;
  [[nodiscard]] absl::Status UnpauseContainer(const std::string& name) const;
  // Detaches a container from a network (a network partition, as `docker network disconnect`).
  [[nodiscard]] absl::Status DisconnectNetwork(const std::string& network,
                                               const std::string& container) const;
  // Attaches it again under `aliases`, as `docker network connect --alias`.
  [[nodiscard]] absl::Status ConnectNetwork(const std::string& network,
                                            const std::string& container,
                                            const std::vector<std::string>& aliases) const;

  // --- events ---
  // Streams container events for objects labelled `label_key=label_value`, calling `on_event`
  // for each, until `stop` becomes true (checked at least once a second) or the stream fails.
  // Returns OK when stopped, Unavailable when the stream broke, Internal when a message could not
  // be decoded. Exec events come too (action "exec_start: <command line>"). `on_event` runs on
  // the calling thread, inside libcurl's callback: it must not throw.
  [[nodiscard]] absl::Status StreamEvents(const std::string& label_key,
                                          const std::string& label_value,
                                          const std::function<void(const Event&)>& on_event,
                                          const std::atomic<bool>& stop) const override;

 private:
  // Sends `request`, its path taken below /kApiVersion, and maps the outcome (docker_errors.h);
  // `what` names the attempt in errors ("start container demo-pg-1"). Returns only successful
  // answers. With `on_data`, a successful body streams to it (see HttpTransport::Stream).
  absl::StatusOr<HttpResponse> Call(absl::string_view what, HttpRequest request,
                                    const BodyCallback* on_data = nullptr,
                                    const std::atomic<bool>* stop = nullptr) const;
  // Whether a lease's container found in place belongs to a live holder.
  bool LeaseIsLive(const ContainerInfo& lease) const;

  const Clock& clock_;
  std::string host_;
  // InvalidArgument when host_ names no supported endpoint; every call then returns it.
  absl::StatusOr<HttpTransport> transport_;
};

}  // namespace radctl::docker
