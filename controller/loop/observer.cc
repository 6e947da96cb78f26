#include "controller/loop/observer.h"

#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "controller/clients/bouncer/bouncer_admin.h"
#include "controller/config/bouncer_config.h"
#include "controller/config/node_config.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/naming.h"

namespace radctl {
namespace {

// One round trip tells role, WAL positions and upstream. Runs on primaries and standbys alike.
constexpr char kProbeSql[] =
    "SELECT pg_is_in_recovery(), "
    "CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END, "
    "pg_last_wal_receive_lsn()::text, pg_last_wal_replay_lsn()::text, "
    "(SELECT timeline_id FROM pg_control_checkpoint()), "
    "(SELECT status FROM pg_stat_wal_receiver), (SELECT sender_host FROM pg_stat_wal_receiver), "
    "(SELECT received_tli FROM pg_stat_wal_receiver), "
    "current_setting('radctl.config_hash', true), "
    "(SELECT bool_or(pending_restart) FROM pg_settings)";
constexpr char kRepmgrNodesSql[] =
    "SELECT node_id, type, active, COALESCE(upstream_node_id, 0) FROM repmgr.nodes";
constexpr char kSlotsSql[] = "SELECT slot_name, active FROM pg_replication_slots";
constexpr char kReplicationSql[] =
    "SELECT application_name, state, sync_state, COALESCE(replay_lsn::text, '0/0'), "
    "COALESCE(EXTRACT(epoch FROM replay_lag), 0) FROM pg_stat_replication";
constexpr char kSyncNamesSql[] = "SHOW synchronous_standby_names";

// Reads a node's data directory without Postgres. An interrupted initialisation or clone
// leaves the marker behind: such a directory counts as empty (it is wiped before reuse).
constexpr char kDataDirectoryFactsScript[] =
    "cd /var/lib/postgresql || exit 1; "
    "if [ -e radctl-incomplete ] || [ ! -f data/PG_VERSION ]; then echo data=empty; "
    "elif [ -f data/standby.signal ]; then echo data=standby; "
    "else echo data=primary; fi; "
    "if pg_ctl -D data status >/dev/null 2>&1; then echo postgres=running; "
    "else echo postgres=stopped; fi";

ContainerState ToContainerState(const std::string& state) {
  // A paused container still exists and holds its processes: it is "running" for the planner,
  // and its Postgres, frozen, simply does not answer (a hung node).
  if (state == "running" || state == "paused") return ContainerState::kRunning;
  if (state == "created") return ContainerState::kCreated;
  return ContainerState::kStopped;
}

int PublishedPort(const std::vector<docker::PortBinding>& ports, int container_port) {
  for (const docker::PortBinding& port : ports) {
    if (port.container_port == container_port && port.host_port != 0) return port.host_port;
  }
  return 0;
}

Lsn LsnOrZero(const std::optional<std::string>& text) {
  if (!text) return 0;
  return ParseLsn(*text).value_or(0);
}

int IntOrZero(const std::optional<std::string>& text) {
  int value = 0;
  if (text && absl::SimpleAtoi(*text, &value)) return value;
  return 0;
}

}  // namespace

struct Observer::Probe {
  absl::Status status = absl::UnavailableError("not probed");
  bool in_recovery = false;
  Lsn current_lsn = 0;
  Lsn receive_lsn = 0;
  Lsn replay_lsn = 0;
  int timeline = 0;
  WalReceiver wal_receiver;
  std::string config_hash;
  bool pending_restart = false;
  std::vector<RepmgrNode> repmgr_nodes;
  bool repmgr_read = false;
  // Primary only:
  std::vector<ReplicationSlot> slots;
  std::vector<ReplicationConnection> replication;
  std::string synchronous_standby_names;
};

Observer::Observer(const docker::DockerClient& docker, ClusterSecrets secrets,
                   absl::Duration probe_timeout)
    : docker_(docker), secrets_(std::move(secrets)), probe_timeout_(probe_timeout) {}

PgEndpoint Observer::NodeEndpoint(int host_port) const {
  PgEndpoint endpoint;
  endpoint.host = "127.0.0.1";
  endpoint.port = host_port;
  endpoint.user = kRepmgrUser;
  endpoint.password = secrets_.repmgr_password;
  endpoint.dbname = kRepmgrDatabase;
  return endpoint;
}

PgEndpoint Observer::BouncerAdminEndpoint(const ClusterSpec& spec, int host_port) const {
  PgEndpoint endpoint;
  // A bouncer published on every address is reached through loopback like the rest.
  endpoint.host = spec.bouncer.bind == "0.0.0.0" ? "127.0.0.1" : spec.bouncer.bind;
  endpoint.port = host_port;
  endpoint.user = kBouncerAdminUser;
  endpoint.password = secrets_.bouncer_password;
  endpoint.dbname = "pgbouncer";
  return endpoint;
}

absl::StatusOr<std::unique_ptr<PgConnection>> Observer::TakeConnection(
    const PgEndpoint& endpoint) {
  std::string key = endpoint.ToString();
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    auto it = pool_.find(key);
    if (it != pool_.end()) {
      std::unique_ptr<PgConnection> conn = std::move(it->second);
      pool_.erase(it);
      if (!conn->broken()) return conn;
    }
  }
  return PgConnection::Connect(endpoint, probe_timeout_);
}

void Observer::ReturnConnection(std::unique_ptr<PgConnection> conn) {
  if (conn == nullptr || conn->broken()) return;
  std::lock_guard<std::mutex> lock(pool_mu_);
  pool_[conn->endpoint().ToString()] = std::move(conn);
}

Observer::Probe Observer::ProbeNode(int host_port) {
  Probe probe;
  absl::StatusOr<std::unique_ptr<PgConnection>> taken = TakeConnection(NodeEndpoint(host_port));
  if (!taken.ok()) {
    probe.status = taken.status();
    return probe;
  }
  std::unique_ptr<PgConnection> conn = std::move(*taken);
  absl::StatusOr<PgRows> rows = conn->Query(kProbeSql, probe_timeout_);
  if (!rows.ok() || rows->size() != 1 || (*rows)[0].size() != 10) {
    probe.status = rows.ok() ? absl::InternalError("unexpected probe result") : rows.status();
    return probe;
  }
  const PgRow& row = (*rows)[0];
  probe.in_recovery = row[0].value_or("") == "t";
  probe.current_lsn = LsnOrZero(row[1]);
  probe.receive_lsn = LsnOrZero(row[2]);
  probe.replay_lsn = LsnOrZero(row[3]);
  probe.timeline = IntOrZero(row[4]);
  probe.wal_receiver.status = row[5].value_or("");
  probe.wal_receiver.sender_host = row[6].value_or("");
  if (probe.in_recovery && IntOrZero(row[7]) > probe.timeline) probe.timeline = IntOrZero(row[7]);
  probe.config_hash = row[8].value_or("");
  probe.pending_restart = row[9].value_or("") == "t";
  probe.status = absl::OkStatus();

  // repmgr's records, as this node has them (absent before registration: not an error).
  absl::StatusOr<PgRows> records = conn->Query(kRepmgrNodesSql, probe_timeout_);
  if (records.ok()) {
    probe.repmgr_read = true;
    for (const PgRow& r : *records) {
      probe.repmgr_nodes.push_back({IntOrZero(r[0]), r[1].value_or(""), r[2].value_or("") == "t",
                                    IntOrZero(r[3])});
    }
  }
  if (!probe.in_recovery) {
    if (absl::StatusOr<PgRows> slots = conn->Query(kSlotsSql, probe_timeout_); slots.ok()) {
      for (const PgRow& r : *slots) probe.slots.push_back({r[0].value_or(""), r[1].value_or("") == "t"});
    }
    if (absl::StatusOr<PgRows> repl = conn->Query(kReplicationSql, probe_timeout_); repl.ok()) {
      for (const PgRow& r : *repl) {
        double lag = 0;
        (void)absl::SimpleAtod(r[4].value_or("0"), &lag);
        probe.replication.push_back(
            {r[0].value_or(""), r[1].value_or(""), r[2].value_or(""), LsnOrZero(r[3]), lag});
      }
    }
    if (absl::StatusOr<PgRows> sync = conn->Query(kSyncNamesSql, probe_timeout_);
        sync.ok() && !sync->empty()) {
      probe.synchronous_standby_names = (*sync)[0][0].value_or("");
    }
  }
  ReturnConnection(std::move(conn));
  return probe;
}

void Observer::ReadDataDirectory(NodeObservation& node) const {
  absl::StatusOr<docker::ExecResult> result = docker_.Exec(
      node.name, {"sh", "-c", kDataDirectoryFactsScript}, "postgres", absl::Seconds(10));
  if (!result.ok()) {
    node.facts_error = std::string(result.status().message());
    return;
  }
  if (result->exit_code != 0) {
    node.facts_error = absl::StrCat("exit code ", result->exit_code, ": ",
                                    absl::StripAsciiWhitespace(result->stderr_text));
    return;
  }
  for (absl::string_view line : absl::StrSplit(result->stdout_text, '\n', absl::SkipEmpty())) {
    if (line == "data=empty") node.data_dir = DataDir::kEmpty;
    if (line == "data=standby") node.data_dir = DataDir::kStandby;
    if (line == "data=primary") node.data_dir = DataDir::kPrimary;
    if (line == "postgres=running") node.postgres_running = true;
  }
}

void Observer::ObserveDocker(const ClusterSpec& spec,
                             const std::vector<docker::ContainerSummary>& containers,
                             const std::vector<docker::VolumeSummary>& volumes,
                             ObservedState& state) const {
  std::map<int, NodeObservation> nodes;
  auto node_for = [&](int ordinal) -> NodeObservation& {
    NodeObservation& node = nodes[ordinal];
    node.ordinal = ordinal;
    node.name = NodeName(spec.name, ordinal);
    return node;
  };
  for (const docker::ContainerSummary& container : containers) {
    auto component = container.labels.find(kLabelComponent);
    if (component == container.labels.end()) continue;
    auto hash = container.labels.find(kLabelSpecHash);
    std::string spec_hash = hash == container.labels.end() ? "" : hash->second;
    if (component->second == kComponentBouncer && container.name == BouncerName(spec.name)) {
      state.bouncer.container = ToContainerState(container.state);
      state.bouncer.spec_hash = spec_hash;
      state.bouncer.host_port = PublishedPort(container.ports, kBouncerPort);
      continue;
    }
    std::optional<int> ordinal = OrdinalFromNodeName(spec.name, container.name);
    if (component->second != kComponentPostgres || !ordinal) continue;
    NodeObservation& node = node_for(*ordinal);
    node.container = ToContainerState(container.state);
    node.spec_hash = spec_hash;
    node.host_port = PublishedPort(container.ports, kPostgresPort);
  }
  for (const docker::VolumeSummary& volume : volumes) {
    for (auto& [ordinal, node] : nodes) {
      if (volume.name == VolumeName(spec.name, ordinal)) node.volume_exists = true;
    }
    // A volume without a container is a node too: its data decides what happens next.
    absl::string_view name = volume.name;
    if (absl::ConsumeSuffix(&name, "-data")) {
      if (std::optional<int> ordinal = OrdinalFromNodeName(spec.name, std::string(name))) {
        node_for(*ordinal).volume_exists = true;
      }
    }
  }
  for (auto& [ordinal, node] : nodes) state.nodes.push_back(std::move(node));
}

void Observer::ObserveBouncer(const ClusterSpec& spec, ObservedState& state) {
  BouncerObservation& bouncer = state.bouncer;
  if (bouncer.container != ContainerState::kRunning || bouncer.host_port == 0) return;
  if (bouncer_admin_ == nullptr || bouncer_admin_->broken()) {
    absl::StatusOr<std::unique_ptr<BouncerAdmin>> admin =
        BouncerAdmin::Connect(BouncerAdminEndpoint(spec, bouncer.host_port), probe_timeout_);
    if (!admin.ok()) {
      bouncer_admin_.reset();
      bouncer.probe_error = std::string(admin.status().message());
      return;
    }
    bouncer_admin_ = std::move(*admin);
  }
  absl::StatusOr<BouncerDatabase> db = bouncer_admin_->ShowDatabase(spec.auth.database);
  if (!db.ok() && !absl::IsNotFound(db.status())) {
    bouncer_admin_.reset();
    bouncer.probe_error = std::string(db.status().message());
    return;
  }
  bouncer.reachable = true;
  if (db.ok()) {
    bouncer.target_host = db->host;
    bouncer.paused = db->paused;
  }
  if (absl::StatusOr<std::pair<int, int>> clients =
          bouncer_admin_->ClientConnections(spec.auth.database);
      clients.ok()) {
    bouncer.clients_active = clients->first;
    bouncer.clients_waiting = clients->second;
  }
}

absl::StatusOr<ObservedState> Observer::Observe(const ClusterSpec& spec, LoopMemory& memory) {
  ObservedState state;
  ASSIGN_OR_RETURN(std::vector<docker::NetworkSummary> networks,
                   docker_.ListNetworks(kLabelCluster, spec.name));
  ASSIGN_OR_RETURN(std::vector<docker::ContainerSummary> containers,
                   docker_.ListContainers(kLabelCluster, spec.name));
  ASSIGN_OR_RETURN(std::vector<docker::VolumeSummary> volumes,
                   docker_.ListVolumes(kLabelCluster, spec.name));
  for (const docker::NetworkSummary& network : networks) {
    if (network.name == NetworkName(spec.name)) state.network_exists = true;
  }
  ObserveDocker(spec, containers, volumes, state);

  // Probe every running node in parallel; stopped ones are inspected for their exit code.
  std::vector<Probe> probes(state.nodes.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < state.nodes.size(); ++i) {
    threads.emplace_back([this, i, &state, &probes, &memory] {
      NodeObservation& node = state.nodes[i];
      if (node.container == ContainerState::kStopped) {
        if (absl::StatusOr<docker::ContainerInfo> info = docker_.InspectContainer(node.name);
            info.ok()) {
          node.exit_code = info->exit_code;
          node.oom_killed = info->oom_killed;
        }
        return;
      }
      if (node.container != ContainerState::kRunning) return;
      if (node.host_port != 0) {
        probes[i] = ProbeNode(node.host_port);
      } else {
        probes[i].status = absl::UnavailableError(
            "port 5432 is not published (is the container cut off from the network?)");
      }
      // A node busy with a long action is not looked into: nothing is decided about it until
      // the action ends, and an exec every pass would slow the action down.
      if (!probes[i].status.ok() && memory.busy.count(node.ordinal) == 0) ReadDataDirectory(node);
    });
  }
  threads.emplace_back([&] { ObserveBouncer(spec, state); });
  for (std::thread& thread : threads) thread.join();
  state.observed_at = absl::Now();

  const Probe* records_from = nullptr;  // the primary's records, else the most advanced standby's
  for (size_t i = 0; i < state.nodes.size(); ++i) {
    NodeObservation& node = state.nodes[i];
    const Probe& probe = probes[i];
    node.failed_attempts = memory.failed_attempts[node.ordinal];
    if (auto busy = memory.busy.find(node.ordinal); busy != memory.busy.end()) {
      node.busy_with = busy->second;
    }
    if (!probe.status.ok()) {
      node.probe_error = node.container == ContainerState::kRunning
                             ? std::string(probe.status.message())
                             : "container is not running";
      // Unreachable since it last answered (if this loop saw it answer), else since now.
      auto last = memory.last_reachable.find(node.ordinal);
      node.unreachable_since =
          last != memory.last_reachable.end() ? last->second : state.observed_at;
      memory.last_reachable.emplace(node.ordinal, node.unreachable_since);
      continue;
    }
    memory.last_reachable[node.ordinal] = state.observed_at;
    node.reachable = true;
    node.in_recovery = probe.in_recovery;
    node.current_lsn = probe.current_lsn;
    node.receive_lsn = probe.receive_lsn;
    node.replay_lsn = probe.replay_lsn;
    node.timeline = probe.timeline;
    node.wal_receiver = probe.wal_receiver;
    node.config_hash = probe.config_hash;
    node.pending_restart = probe.pending_restart;
    if (!probe.repmgr_read) continue;
    bool better = records_from == nullptr ||
                  (!probe.in_recovery && records_from->in_recovery) ||
                  (probe.in_recovery && records_from->in_recovery &&
                   std::max(probe.receive_lsn, probe.replay_lsn) >
                       std::max(records_from->receive_lsn, records_from->replay_lsn));
    if (better) records_from = &probe;
    if (!probe.in_recovery) {
      memory.last_primary_lsn = probe.current_lsn;
      state.slots = probe.slots;
      state.replication = probe.replication;
      state.synchronous_standby_names = probe.synchronous_standby_names;
    }
  }
  if (records_from != nullptr) state.repmgr_nodes = records_from->repmgr_nodes;
  state.last_primary_lsn = memory.last_primary_lsn;
  return state;
}

}  // namespace radctl
