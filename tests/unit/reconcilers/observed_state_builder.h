// Builds the planner's input for tests in one readable line:
//   ObservedStateBuilder(spec).Primary(1).Standby(2, 1).EmptyNode(3).BouncerTarget(1).Build()
// Starts from "network exists, bouncer running and reachable with no target, no nodes". Build()
// gives the observed state with the loop's memory that goes with it (how long a node has been
// silent, what failed on it, what runs on it).
#pragma once

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "crd-like-specs/cluster_spec.h"
#include "reconcilers/memory.h"
#include "reconcilers/naming.h"
#include "reconcilers/observed_state.h"
#include "reconcilers/plan.h"
#include "reconcilers/quorum.h"
#include "reconcilers/spec_hash.h"
#include "reconcilers/tls_policy.h"

namespace radctl::testing {

inline const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

// Cluster "demo" with `nodes` nodes and every other field at its default.
inline ClusterSpec DemoSpec(int nodes = 3) {
  ClusterSpec spec;
  spec.name = "demo";
  spec.nodes = nodes;
  spec.postgres.image = "radctl/postgres:15";
  spec.bouncer.port = 6543;
  return spec;
}

// An observation and the memory that goes with it.
struct Snapshot : ObservedState {
  LoopMemory memory;
};

// The planner on a snapshot (found by argument-dependent lookup before radctl::ComputePlan,
// which would take the observed state alone and lose the memory).
inline Plan ComputePlan(const ClusterSpec& spec, const Snapshot& snapshot,
                        const Requests& requests = {}) {
  return ::radctl::ComputePlan(spec, snapshot, snapshot.memory, requests);
}

class ObservedStateBuilder {
 public:
  explicit ObservedStateBuilder(const ClusterSpec& spec) : spec_(spec) {
    state_.observed_at = kNow;
    state_.wall_at = kNow;
    state_.network_exists = true;
    state_.bouncer.container = ContainerState::kRunning;
    state_.bouncer.container_id = "b0b0";
    state_.bouncer.spec_hash = ::radctl::BouncerSpecHash(spec);
    state_.bouncer.reachable = true;
  }

  ObservedStateBuilder& NoNetwork() {
    state_.network_exists = false;
    return *this;
  }
  ObservedStateBuilder& NoBouncer() {
    state_.bouncer = BouncerObservation{};
    return *this;
  }
  ObservedStateBuilder& BouncerTarget(int ordinal) {
    state_.bouncer.target_host = NodeName(spec_.name, ordinal);
    return *this;
  }
  ObservedStateBuilder& BouncerPaused() {
    state_.bouncer.paused = true;
    return *this;
  }
  ObservedStateBuilder& BouncerHash(const std::string& hash) {
    state_.bouncer.spec_hash = hash;
    return *this;
  }

  // Container running, Postgres not answering, data directory empty.
  ObservedStateBuilder& EmptyNode(int ordinal) {
    NodeObservation& node = Running(ordinal);
    node.probe_error = "connection refused";
    node.data_dir = DataDir::kEmpty;
    return *this;
  }
  // Reachable, writable, recorded by repmgr and in the cluster's state as the primary.
  ObservedStateBuilder& Primary(int ordinal, Lsn lsn = 0x5000000, int timeline = 1) {
    NodeObservation& node = Running(ordinal);
    node.reachable = true;
    node.in_recovery = false;
    node.current_lsn = lsn;
    node.timeline = timeline;
    node.config_hash = ConfigHash(spec_);
    node.ssl = spec_.tls.enabled;
    Record(ordinal, "primary", true, 0);
    state_.recorded_primary = {ordinal, timeline, WantedSynchronousNumber(spec_),
                               WantedSynchronousNumber(spec_) > 0 ? Lsn{0x1000000} : 0};
    // It runs with the spec's synchronous standbys, as radctl configured it.
    const int k = WantedSynchronousNumber(spec_);
    state_.synchronous_standby_names = k == 0 ? "" : absl::StrCat("ANY ", k, " (\"demo-pg-1\")");
    return *this;
  }
  // The cluster's state records `ordinal` as the primary on `timeline` (0: nothing recorded).
  ObservedStateBuilder& Recorded(int ordinal, int timeline = 1) {
    state_.recorded_primary = {ordinal, timeline, WantedSynchronousNumber(spec_),
                               WantedSynchronousNumber(spec_) > 0 ? Lsn{0x1000000} : 0};
    return *this;
  }
  // The node is on `timeline`.
  ObservedStateBuilder& Timeline(int ordinal, int timeline) {
    Node(ordinal).timeline = timeline;
    return *this;
  }
  // Reachable standby streaming from `upstream` (0: no WAL receiver).
  ObservedStateBuilder& Standby(int ordinal, int upstream, Lsn received = 0x5000000) {
    NodeObservation& node = Running(ordinal);
    node.reachable = true;
    node.in_recovery = true;
    node.receive_lsn = received;
    node.replay_lsn = received;
    node.replay_settled = true;
    node.timeline = 1;
    node.config_hash = ConfigHash(spec_);
    node.ssl = spec_.tls.enabled;
    if (upstream != 0) {
      node.wal_receiver = {"streaming", NodeName(spec_.name, upstream)};
    }
    Record(ordinal, "standby", true, upstream);
    return *this;
  }
  // Container running, Postgres not answering; the data directory holds `data`.
  ObservedStateBuilder& Down(int ordinal, DataDir data, bool postgres_running = false,
                             absl::Duration down_for = absl::Seconds(5)) {
    NodeObservation& node = Running(ordinal);
    node.probe_error = "connection refused";
    node.data_dir = data;
    node.postgres_running = postgres_running;
    memory_.nodes[ordinal].answered_at = kNow - down_for;
    if (data != DataDir::kEmpty && data != DataDir::kUnknown) node.timeline = 1;
    node.moved_aside_read = data != DataDir::kUnknown;  // kUnknown: its facts were not read
    return *this;
  }
  // Container sent SIGKILL (the engine's `kill` event), still listed as running.
  ObservedStateBuilder& Killed(int ordinal) {
    NodeObservation& node = Running(ordinal);
    node.killed = true;
    node.probe_error = "its container was sent SIGKILL";
    node.probe_refused = true;
    return *this;
  }
  // Container stopped with `exit_code` (0: stopped cleanly).
  ObservedStateBuilder& Stopped(int ordinal, int exit_code) {
    NodeObservation& node = Node(ordinal);
    node.container = ContainerState::kStopped;
    node.exit_code = exit_code;
    node.volume_exists = true;
    node.moved_aside_read = false;
    return *this;
  }
  // No container; the volume may remain.
  ObservedStateBuilder& Missing(int ordinal, bool volume_exists) {
    NodeObservation& node = Node(ordinal);
    node.container = ContainerState::kMissing;
    node.volume_exists = volume_exists;
    node.moved_aside_read = false;
    return *this;
  }
  ObservedStateBuilder& Failed(int ordinal, ActionType type, int times = 1) {
    ActionFailures& failures = memory_.nodes[ordinal].failures[type];
    failures.count = times;
    failures.hard = times;
    failures.last = kNow - absl::Hours(1);  // long enough ago for any backoff
    return *this;
  }
  ObservedStateBuilder& Record(int ordinal, const std::string& type, bool active, int upstream) {
    for (RepmgrNode& record : state_.repmgr_nodes) {
      if (record.node_id == ordinal) {
        record = {ordinal, type, active, upstream};
        return *this;
      }
    }
    state_.repmgr_nodes.push_back({ordinal, type, active, upstream});
    return *this;
  }
  // The node has loaded another configuration / waits for a restart to apply one.
  ObservedStateBuilder& OldConfig(int ordinal) {
    Node(ordinal).config_hash = "old";
    return *this;
  }
  ObservedStateBuilder& PendingRestart(int ordinal) {
    Node(ordinal).pending_restart = true;
    return *this;
  }
  ObservedStateBuilder& Slot(int ordinal, bool active) {
    state_.slots.push_back({"repmgr_slot_" + std::to_string(ordinal), active});
    return *this;
  }
  // Backups: the node's container mounts the cluster's repository; the repository as read (a
  // stanza or not, its backups); the primary's archiver.
  ObservedStateBuilder& Repository(int ordinal) {
    Node(ordinal).repository = BackupRepository(spec_);
    return *this;
  }
  ObservedStateBuilder& Backups(bool stanza, std::vector<BackupRecord> backups = {}) {
    state_.backup.read = true;
    state_.backup.stanza_exists = stanza;
    state_.backup.backups = std::move(backups);
    state_.backup.read_at = kNow;
    return *this;
  }
  ObservedStateBuilder& BackupRunning() {
    state_.backup.running = true;
    return *this;
  }
  ObservedStateBuilder& Archiver(int ordinal, ArchiverStats stats) {
    Node(ordinal).archiver = stats;
    return *this;
  }
  ObservedStateBuilder& NoRecords() {
    state_.repmgr_nodes.clear();
    return *this;
  }

  // The server certificate kept with the cluster (every name the spec needs unless `names`).
  ObservedStateBuilder& Certificate(const std::string& fingerprint, absl::Time not_after,
                                    std::vector<std::string> names = {}) {
    state_.certificate = {fingerprint, not_after,
                          names.empty() ? CertificateNames(spec_) : std::move(names)};
    return *this;
  }
  // radctl's own connections refuse plaintext already (kRequireTls was carried out).
  ObservedStateBuilder& TlsRequired() {
    state_.tls_required = true;
    return *this;
  }
  // What the node serves: TLS on or off, and the fingerprint of its certificate.
  ObservedStateBuilder& NodeTls(int ordinal, bool ssl, const std::string& fingerprint = "") {
    Node(ordinal).ssl = ssl;
    Node(ordinal).tls_certificate = fingerprint;
    return *this;
  }
  // The app role and database as the primary has them.
  ObservedStateBuilder& AppRole(bool role_exists, bool database_exists, bool password_current) {
    state_.app_role = {true, role_exists, database_exists, password_current};
    return *this;
  }
  // The node's container was made from another image than the spec's.
  // spec.postgres.image names image `wanted` now; node `ordinal`'s container runs `id`.
  ObservedStateBuilder& WantedImageId(const std::string& wanted) {
    state_.wanted_image_id = wanted;
    return *this;
  }
  ObservedStateBuilder& ImageId(int ordinal, const std::string& id) {
    Node(ordinal).image_id = id;
    return *this;
  }
  ObservedStateBuilder& OldImage(int ordinal) {
    Node(ordinal).spec_hash = "old";
    Node(ordinal).image = "radctl/postgres:old";
    return *this;
  }
  // The bouncer runs with an older userlist or certificate.
  ObservedStateBuilder& BouncerFilesStale() {
    state_.bouncer.files_current = false;
    return *this;
  }

  // The read endpoint's bouncer runs, answers and lists `serves` (none: no target yet).
  ObservedStateBuilder& ReadBouncer(const std::vector<int>& serves) {
    state_.read_bouncer.container = ContainerState::kRunning;
    state_.read_bouncer.spec_hash = ::radctl::ReadBouncerSpecHash(spec_);
    state_.read_bouncer.reachable = true;
    std::vector<std::string> names;
    for (int ordinal : serves) names.push_back(NodeName(spec_.name, ordinal));
    state_.read_bouncer.target_host = absl::StrJoin(names, ",");
    return *this;
  }
  ObservedStateBuilder& ReadBouncerFilesStale() {
    state_.read_bouncer.files_current = false;
    return *this;
  }
  // The standby has replayed WAL up to `lsn` only (received more).
  ObservedStateBuilder& Replayed(int ordinal, Lsn lsn) {
    Node(ordinal).replay_lsn = lsn;
    return *this;
  }

  // A long action runs on the node in the background.
  ObservedStateBuilder& Busy(int ordinal, const std::string& action) {
    memory_.nodes[ordinal].busy_with = action;
    return *this;
  }
  // The controller fenced the node (it hung), and it has not answered since.
  ObservedStateBuilder& FencedByController(int ordinal) {
    memory_.nodes[ordinal].fenced = true;
    return *this;
  }
  // Where the primary was last seen writing.
  ObservedStateBuilder& LastPrimaryLsn(Lsn lsn) {
    memory_.last_primary_lsn = lsn;
    return *this;
  }

  Snapshot Build() const {
    Snapshot snapshot;
    static_cast<ObservedState&>(snapshot) = state_;
    snapshot.memory = memory_;
    return snapshot;
  }

 private:
  NodeObservation& Node(int ordinal) {
    for (NodeObservation& node : state_.nodes) {
      if (node.ordinal == ordinal) return node;
    }
    NodeObservation node;
    node.ordinal = ordinal;
    node.name = NodeName(spec_.name, ordinal);
    node.spec_hash = NodeSpecHash(spec_);
    state_.nodes.push_back(node);
    return state_.nodes.back();
  }
  NodeObservation& Running(int ordinal) {
    NodeObservation& node = Node(ordinal);
    node.container = ContainerState::kRunning;
    node.volume_exists = true;
    node.moved_aside_read = true;  // by the probe, or with the data directory's facts
    node.host_port = 40000 + ordinal;
    return node;
  }

  ClusterSpec spec_;
  ObservedState state_;
  LoopMemory memory_;
};

}  // namespace radctl::testing
