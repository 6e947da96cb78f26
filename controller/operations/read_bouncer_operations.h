// The mechanics of the read-only endpoint's bouncer (spec.bouncer.readPort): a second PgBouncer
// with the write bouncer's image, userlist and TLS files, whose databases list several nodes
// (`host=a,b`): PgBouncer opens each new server connection to the next host of the list. Which
// nodes it lists is the planner's (reconcilers/read_endpoint.h).
#pragma once

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "controller/clients/env.h"
#include "controller/config/secrets.h"
#include "crd-like-specs/cluster_spec.h"

namespace radctl {

class ReadBouncerOperations {
 public:
  ReadBouncerOperations(const Env& env, const ClusterSpec& spec, const ClusterSecrets& secrets)
      : env_(env), spec_(spec), secrets_(secrets) {}

  // (Re-)creates the container with an untargeted config (clients get "no such database" until
  // it is pointed) and starts it. FailedPrecondition when the image is missing or the port taken.
  [[nodiscard]] absl::Status Create() const;
  [[nodiscard]] absl::Status Remove() const;
  // Uploads a config listing the nodes `ordinals` and the current userlist and TLS files, then
  // RELOAD, then removes the files of earlier generations. No PAUSE: reads on a node that stays
  // listed go on; server connections to a node no longer listed are closed by PgBouncer once
  // released (the database's host changed).
  [[nodiscard]] absl::Status Retarget(const std::vector<int>& ordinals) const;

 private:
  [[nodiscard]] absl::StatusOr<std::unique_ptr<BouncerSession>> Connect() const;

  const Env& env_;
  const ClusterSpec& spec_;
  const ClusterSecrets& secrets_;
};

}  // namespace radctl
