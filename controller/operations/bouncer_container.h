// What the write bouncer (bouncer_operations.h) and the read endpoint's bouncer
// (read_bouncer_operations.h) share: a PgBouncer container on the cluster's network publishing
// its port, the port it got, and removing the config files of earlier generations.
#pragma once

#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "controller/clients/clock.h"
#include "controller/clients/container_runtime.h"
#include "crd-like-specs/cluster_spec.h"

namespace radctl {

struct BouncerContainer {
  std::string name;  // demo-bouncer
  docker::Labels labels;
  int port = 0;            // published on spec.bouncer.bind
  std::string port_field;  // spec.bouncer.port: named when the port is taken
  std::string what;        // "the bouncer": named when the port is taken
  // The write bouncer: a reset or close from a node on a connection the node never answered on
  // (refused, never accepted, its backend killed) is dropped in the container's network
  // namespace, so a login to a primary that just died waits for radctl's hold instead of making
  // PgBouncer turn clients away (images/pgbouncer/entrypoint.sh says how and why). Needs
  // NET_ADMIN, used by the entrypoint only; PgBouncer itself runs without capabilities.
  bool hold_unanswered_logins = false;
};

// (Re-)creates the container with `files` (an untargeted config) and starts it; an existing
// container of that name is removed first, so a half-created one never blocks.
// FailedPrecondition when the image is missing or the port is taken (nothing is left behind).
[[nodiscard]] absl::Status CreateBouncerContainer(const ContainerRuntime& runtime,
                                                  const ClusterSpec& spec,
                                                  const BouncerContainer& bouncer,
                                                  const std::vector<docker::FileToUpload>& files);

// PgBouncer answers a moment after its container starts (the entrypoint adds a firewall rule
// first; 0.1-0.3 s on a busy machine). Waits until `connect` (to its admin console) succeeds,
// at most 10 s, so that a bouncer reported created can be pointed at once: a pass that
// found it silent would leave the repoint to the next pass, after the other actions of its own.
// Unavailable, with the last error, when it did not answer in time.
[[nodiscard]] absl::Status WaitUntilAnswering(const Clock& clock, const std::string& name,
                                              absl::FunctionRef<absl::Status()> connect);

// Adds the rules that hold unanswered logins (images/pgbouncer/hold-unanswered-logins.sh) to the
// running bouncer `name` of `cluster`, made by a radctl that did not: from a short-lived helper
// container of the current image that joins its network namespace with NET_ADMIN (the bouncer
// itself has neither the rules' tools nor the capability). PgBouncer and its clients are not
// touched. Adds nothing where the rules are in place already: false then, true when added now.
// FailedPrecondition when the image lacks the script (older than radctl).
[[nodiscard]] absl::StatusOr<bool> AddLoginHold(const ContainerRuntime& runtime,
                                                const std::string& cluster,
                                                const std::string& name);

// The host port the container `name` publishes PgBouncer's port on.
[[nodiscard]] absl::StatusOr<int> BouncerHostPort(const ContainerRuntime& runtime,
                                                  const std::string& name);

// Closes every server connection of the write bouncer `name` under PgBouncer (`ss -K`: the
// sockets are destroyed in the container's network namespace, with the NET_ADMIN it has):
// PgBouncer sees each one fail, a client with a transaction in flight on it gets an error, and
// its other clients stay as they are. Only says the command ran: whether the kernel could
// destroy sockets (SOCK_DESTROY) shows in what PgBouncer reports afterwards.
[[nodiscard]] absl::Status CloseServerConnections(const ContainerRuntime& runtime,
                                                  const std::string& name);

// Removes from the container `name` the userlists and certificates of generations other than
// `keep` (bouncer_config.h): PgBouncer no longer reads them, and no old password's secret stays.
[[nodiscard]] absl::Status RemoveOldBouncerFiles(const ContainerRuntime& runtime,
                                                 const std::string& name, const std::string& keep);

}  // namespace radctl
