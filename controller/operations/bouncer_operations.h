// The mechanics of the bouncer: its container and its target. A repoint follows safety rule 3:
// PAUSE (bounded, KILL as fallback) -> upload the new pgbouncer.ini -> RELOAD -> RESUME, and
// RESUME is sent even when a step in between failed, so clients are never left held.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "controller/config/secrets.h"
#include "controller/clients/docker/docker_client.h"
#include "controller/state/event_log.h"
#include "controller/loop/observer.h"
#include "crd-like-specs/cluster_spec.h"

namespace radctl {

class BouncerOperations {
 public:
  BouncerOperations(const docker::DockerClient& docker, const ClusterSpec& spec,
                    const ClusterSecrets& secrets, const Observer& observer, EventLog& events)
      : docker_(docker), spec_(spec), secrets_(secrets), observer_(observer), events_(events) {}

  // (Re-)creates the container with an untargeted config and starts it; an existing container
  // of that name is removed first, so a half-created one never blocks.
  [[nodiscard]] absl::Status Create() const;
  [[nodiscard]] absl::Status Remove() const;

  // Holds new clients (PAUSE) until Resume; bounded by `timeout`, then KILL.
  // `paused` tells whether a Resume is owed.
  [[nodiscard]] absl::Status Pause(absl::Duration timeout, bool* paused) const;
  // Uploads a config targeting `target_ordinal` and reloads.
  [[nodiscard]] absl::Status Retarget(int target_ordinal) const;
  [[nodiscard]] absl::Status Resume() const;

 private:
  [[nodiscard]] absl::StatusOr<PgEndpoint> AdminEndpoint() const;
  [[nodiscard]] absl::Status Upload(const std::string& target_host) const;

  const docker::DockerClient& docker_;
  const ClusterSpec& spec_;
  const ClusterSecrets& secrets_;
  const Observer& observer_;
  EventLog& events_;
};

}  // namespace radctl
