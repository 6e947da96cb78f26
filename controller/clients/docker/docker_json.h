// Pure translations between the Docker Engine API's JSON (v1.41) and the structs of
// docker_types.h: decoders for the engine's answers, encoders for request bodies and filters.
// No I/O, no exceptions: a decoder that meets an answer it does not expect returns Internal
// ("unexpected answer from the Docker engine for ..."). Tested on literal JSON.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "controller/clients/docker/docker_types.h"

namespace radctl::docker {

// --- decoders ---

// GET /containers/json: names lose their leading "/"; ports keep the published tcp ones, one
// row per port (the IPv4 one when the engine reports both an IPv4 and an IPv6 binding).
[[nodiscard]] absl::StatusOr<std::vector<ContainerSummary>> DecodeContainerList(
    absl::string_view json);
// GET /containers/{id}/json.
[[nodiscard]] absl::StatusOr<ContainerInfo> DecodeContainerInfo(absl::string_view json);
// GET /networks.
[[nodiscard]] absl::StatusOr<std::vector<NetworkSummary>> DecodeNetworkList(absl::string_view json);
// POST /volumes/create: the volume, made now or as it existed.
[[nodiscard]] absl::StatusOr<VolumeSummary> DecodeVolume(absl::string_view json);
// GET /volumes: {"Volumes": [...], "Warnings": ...}.
[[nodiscard]] absl::StatusOr<std::vector<VolumeSummary>> DecodeVolumeList(absl::string_view json);
// GET /images/{name}/json.
[[nodiscard]] absl::StatusOr<ImageInfo> DecodeImageInfo(absl::string_view json);
// One line of GET /events.
[[nodiscard]] absl::StatusOr<Event> DecodeEvent(absl::string_view json);
// {"Id": "..."}, the answer of POST /containers/create and POST /containers/{id}/exec.
[[nodiscard]] absl::StatusOr<std::string> DecodeCreatedId(absl::string_view json);

// The parts of GET /exec/{id}/json that tell whether and how the process ended.
struct ExecState {
  bool running = false;
  int exit_code = -1;  // -1 while the engine has none
};
[[nodiscard]] absl::StatusOr<ExecState> DecodeExecState(absl::string_view json);

// The engine's explanation in an error answer, {"message": "..."}; the trimmed body itself when
// it is not that shape (some routes answer plain text).
std::string ErrorMessage(absl::string_view body);

// --- encoders ---

// The body of POST /containers/create?name=...: ports published on their host_ip (host_port 0:
// ephemeral), named volumes mounted, attached to `network` with its aliases, no restart policy
// (the controller restarts, never the engine), no init (the images bring tini).
std::string EncodeCreateContainer(const ContainerConfig& config);
// The body of POST /containers/{id}/exec, output attached, no stdin, no tty.
std::string EncodeCreateExec(const std::vector<std::string>& cmd, const std::string& user);
// The body of POST /networks/create: a user-defined bridge, refused when the name exists.
std::string EncodeCreateNetwork(const std::string& name, const Labels& labels);
// The body of POST /networks/{id}/connect: attach `container` with its `aliases` (the names the
// other containers reach it by).
std::string EncodeNetworkConnect(const std::string& container,
                                 const std::vector<std::string>& aliases);
// The body of POST /networks/{id}/disconnect. `force` also detaches a container that is not
// running.
std::string EncodeNetworkDisconnect(const std::string& container, bool force);
// The body of POST /volumes/create.
std::string EncodeCreateVolume(const std::string& name, const Labels& labels);
// The `filters` query value of list and event calls: {"label": ["key=value"], ...}, not yet
// URL-encoded.
std::string EncodeFilters(const std::map<std::string, std::vector<std::string>>& filters);

}  // namespace radctl::docker
