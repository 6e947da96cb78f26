// The observer builds one ObservedState snapshot: Docker objects by label, every running node's
// Postgres over its published port (in parallel, each bounded by the probe timeout), the data
// directory of nodes that do not answer (docker exec), repmgr's records and the bouncer's
// target. It fails as a whole only when Docker itself is unreachable; everything else is data.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/clients/bouncer/bouncer_admin.h"
#include "controller/config/secrets.h"
#include "controller/clients/docker/docker_client.h"
#include "controller/clients/postgres/pg_connection.h"
#include "crd-like-specs/cluster_spec.h"
#include "reconcilers/observed_state.h"

namespace radctl {

// What the loop remembers between observations (lost on restart, which only delays decisions):
// when each node last answered, and which actions failed on it.
struct LoopMemory {
  std::map<int, absl::Time> last_reachable;
  std::map<int, std::map<ActionType, int>> failed_attempts;
  Lsn last_primary_lsn = 0;  // pg_current_wal_lsn() of the last writable primary seen
  std::map<int, std::string> busy;  // ordinal -> long action running in the background
};

class Observer {
 public:
  Observer(const docker::DockerClient& docker, ClusterSecrets secrets,
           absl::Duration probe_timeout);

  void set_probe_timeout(absl::Duration timeout) { probe_timeout_ = timeout; }

  // Updates `memory.last_reachable` from what it sees.
  [[nodiscard]] absl::StatusOr<ObservedState> Observe(const ClusterSpec& spec, LoopMemory& memory);

  // Endpoint to reach a node's Postgres as repmgr (superuser) through its published port.
  PgEndpoint NodeEndpoint(int host_port) const;
  // Endpoint of the bouncer's admin console through its published port.
  PgEndpoint BouncerAdminEndpoint(const ClusterSpec& spec, int host_port) const;

 private:
  struct Probe;  // what one node's Postgres said

  void ObserveDocker(const ClusterSpec& spec, const std::vector<docker::ContainerSummary>& list,
                     const std::vector<docker::VolumeSummary>& volumes, ObservedState& state) const;
  Probe ProbeNode(int host_port);
  void ReadDataDirectory(NodeObservation& node) const;
  void ObserveBouncer(const ClusterSpec& spec, ObservedState& state);

  // Connections are kept between observations (watch mode probes several times a second;
  // a SCRAM login each time would cost more CPU than everything else together).
  absl::StatusOr<std::unique_ptr<PgConnection>> TakeConnection(const PgEndpoint& endpoint);
  void ReturnConnection(std::unique_ptr<PgConnection> conn);

  const docker::DockerClient& docker_;
  ClusterSecrets secrets_;
  absl::Duration probe_timeout_;
  std::unique_ptr<BouncerAdmin> bouncer_admin_;  // kept open, like the node connections
  std::mutex pool_mu_;
  std::map<std::string, std::unique_ptr<PgConnection>> pool_;  // by "host:port/user/db"
};

}  // namespace radctl
