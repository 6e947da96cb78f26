#include "controller/fleet/apply_checks.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "absl/strings/str_cat.h"
#include "controller/operations/configuration_check.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/naming.h"
#include "reconcilers/spec_hash.h"

namespace radctl {
namespace {

// "FILE:LINE: " for a field of the spec, or "" when unknown.
std::string Where(const ClusterSpec& spec, const std::string& path) {
  auto it = spec.positions.find(path);
  if (it == spec.positions.end()) return absl::StrCat(spec.source, ": ");
  return absl::StrCat(spec.source, ":", it->second.line, ": ");
}

// Whether `port` on the bind address is free, or already published by this cluster's
// `container` (an apply of an existing cluster); else an error at `field` of the spec.
absl::Status CheckPublishedPort(const ContainerRuntime& runtime, const ClusterSpec& spec,
                                const std::string& container, int port_number,
                                const std::string& field) {
  absl::StatusOr<docker::ContainerInfo> bouncer = runtime.InspectContainer(container);
  if (bouncer.ok()) {
    for (const docker::PortBinding& port : bouncer->ports) {
      if (port.container_port == kBouncerPort && port.host_port == port_number) {
        return absl::OkStatus();
      }
    }
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::OkStatus();  // cannot check; Docker will report it
  // Connections that ended a moment ago (TIME_WAIT) do not make a port busy; a listener does.
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port_number));
  inet_pton(AF_INET, spec.bouncer.bind.c_str(), &address.sin_addr);
  int result = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  int error = errno;
  close(fd);
  if (result != 0 && error == EADDRINUSE) {
    return absl::InvalidArgumentError(absl::StrCat(
        Where(spec, field), field, ": ", spec.bouncer.bind, ":", port_number,
        " is already in use by another program; choose a free port. Nothing was changed."));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckBouncerPort(const ContainerRuntime& runtime, const ClusterSpec& spec) {
  if (spec.bouncer.port != kAutoPort) {
    RETURN_IF_ERROR(CheckPublishedPort(runtime, spec, BouncerName(spec.name), spec.bouncer.port,
                                       "spec.bouncer.port"));
  }
  if (spec.bouncer.read_port > kNoReadPort) {  // an auto port not yet picked is not checked
    RETURN_IF_ERROR(CheckPublishedPort(runtime, spec, ReadBouncerName(spec.name),
                                       spec.bouncer.read_port, "spec.bouncer.readPort"));
  }
  return absl::OkStatus();
}

absl::Status CheckImages(const ContainerRuntime& runtime, const ClusterSpec& spec) {
  for (const std::string& image : {spec.postgres.image, std::string("radctl/pgbouncer")}) {
    absl::StatusOr<docker::ImageInfo> info = runtime.InspectImage(image);
    if (absl::IsNotFound(info.status())) {
      return absl::FailedPreconditionError(absl::StrCat(
          "image ", image,
          " is not present on the Docker engine; build it with "
          "hack/quickstart.sh (or source hack/lib.sh; ensure_images). Nothing was changed."));
    }
    RETURN_IF_ERROR(info.status());
  }
  return absl::OkStatus();
}

absl::Status CheckChangedConfiguration(const ContainerRuntime& runtime, const ClusterStore& store,
                                       const ClusterSpec& spec) {
  absl::StatusOr<ClusterSpec> stored = store.LoadSpec();
  const bool unchanged = stored.ok() ? ConfigHash(*stored) == ConfigHash(spec)
                                     : spec.postgres.parameters.empty() &&
                                           spec.replication.max_slot_wal_keep_size ==
                                               ReplicationSpec{}.max_slot_wal_keep_size;
  if (unchanged) return absl::OkStatus();
  return CheckConfigurationWithPostgres(runtime, spec);
}

absl::Status CheckSecretsMatchData(const ContainerRuntime& runtime, const ClusterStore& store,
                                   const std::string& name) {
  if (!absl::IsNotFound(store.LoadSecrets().status())) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::vector<docker::VolumeSummary> volumes,
                   runtime.ListVolumes(kLabelCluster, name));
  if (volumes.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("cluster ", name, " has data volumes (", volumes.front().name,
                   ", ...) but its passwords are "
                   "not in ",
                   store.dir(),
                   " (another RADCTL_STATE_DIR?). Point RADCTL_STATE_DIR at the "
                   "directory it was created with, or remove the old data with radctl delete ",
                   name, ". Nothing was changed."));
}

}  // namespace radctl
