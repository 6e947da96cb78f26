// The drill's own eyes on the cluster, independent of the controller it tests: every node's
// Postgres over its published port (role, WAL receiver, and whether it accepts a write, tried in
// a transaction that is rolled back) and the bouncer's target, ten times a second (the bouncer
// twenty). The probes are recorded: they give promotion and repoint times and reveal two writable
// primaries.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "controller/clients/clock.h"
#include "controller/clients/docker/docker_client.h"
#include "controller/clients/postgres/pg_connection.h"
#include "controller/drill/drill_result.h"

namespace radctl::drill {

// The latest probe of every node and of the bouncer.
struct ClusterView {
  absl::Time at;
  std::map<std::string, NodeProbe> nodes;  // by node name
  std::map<std::string, int> ports;        // published Postgres port by node name
  BouncerProbe bouncer;

  // The one node accepting writes that the bouncer points to (not paused), with at least
  // `standbys` nodes streaming from it; nullopt otherwise. Probes older than `max_age` count as
  // unknown.
  std::optional<std::string> HealthyPrimary(int standbys, absl::Duration max_age) const;
  // Nodes streaming from `primary` now.
  std::vector<std::string> StreamingFrom(const std::string& primary, absl::Duration max_age) const;
  // One line per node and the bouncer, for messages when a wait times out.
  std::string Describe() const;
};

// What probing needs to know: where and as whom.
// The app database's entry in the rows of PgBouncer's SHOW DATABASES (1.18 columns: name, host,
// port, database, force_user, pool_size, min_pool_size, reserve_pool, pool_mode,
// max_connections, current_connections, paused, disabled): where it points and whether it is
// paused. An entry-less bouncer (no target yet) is reachable and points nowhere.
BouncerProbe ParseShowDatabases(const PgRows& rows, const std::string& database);

struct ProbeEndpoints {
  std::string cluster;
  std::string database;   // the app database: it holds the drill's scratch table
  std::string node_user;  // a superuser (repmgr), as the controller connects
  std::string node_password;
  PgEndpoint bouncer_admin;  // the admin console through the bouncer's published port
};

class ClusterProber {
 public:
  ClusterProber(const Clock& clock, const docker::DockerClient& docker, ProbeEndpoints endpoints,
                absl::Duration node_interval = absl::Milliseconds(100),
                absl::Duration bouncer_interval = absl::Milliseconds(50));
  ~ClusterProber();  // stops
  ClusterProber(const ClusterProber&) = delete;
  ClusterProber& operator=(const ClusterProber&) = delete;

  void Start();
  void Stop();

  ClusterView View() const;
  // Probes that ended within [from, to].
  std::vector<NodeProbe> NodeProbes(absl::Time from, absl::Time to) const;
  std::vector<BouncerProbe> BouncerProbes(absl::Time from, absl::Time to) const;
  // Forgets probes older than `before`.
  void Forget(absl::Time before);

 private:
  struct NodeThread;
  void Discover();
  void ProbeNode(NodeThread* node);
  void ProbeBouncer();

  const Clock& clock_;
  const docker::DockerClient& docker_;
  ProbeEndpoints endpoints_;
  absl::Duration node_interval_;
  absl::Duration bouncer_interval_;
  std::atomic<bool> stop_{false};
  std::thread discovery_;
  std::thread bouncer_;
  std::map<std::string, std::unique_ptr<NodeThread>> node_threads_;  // discovery thread only
  mutable std::mutex mu_;
  std::vector<NodeProbe> node_probes_;
  std::vector<BouncerProbe> bouncer_probes_;
  std::map<std::string, NodeProbe> latest_;
  std::map<std::string, int> ports_;
  BouncerProbe latest_bouncer_;
};

}  // namespace radctl::drill
