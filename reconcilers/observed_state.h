// ObservedState: one immutable snapshot of what is, built by the observer (controller/) and read
// by the planner. A partial observation is data, not an error: a node whose Postgres does not
// answer is a node with `probe_error` set. Only "Docker itself is unreachable" fails observing.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "reconcilers/action.h"
#include "reconcilers/lsn.h"

namespace radctl {

enum class ContainerState {
  kMissing,  // no container by that name
  kCreated,  // created, never started
  kRunning,
  kStopped,  // exited, dead, restarting, paused: not serving
};

// What a node's data directory holds, read with `docker exec` when Postgres does not answer.
enum class DataDir {
  kUnknown,  // not looked at (Postgres answered, or the container is not running)
  kEmpty,    // no PG_VERSION: never initialised or cloned
  kStandby,  // standby.signal present
  kPrimary,  // initialised, no standby.signal: a primary, or a former primary that must rejoin
};

// One row of repmgr.nodes.
struct RepmgrNode {
  int node_id = 0;
  std::string type;  // "primary" | "standby"
  bool active = false;
  int upstream_node_id = 0;  // 0: none
};

// The primary as the cluster's state records it: written before the bouncer is repointed, so
// it is the latest word on who is primary and on which timeline (safety rule 3). Ordinal 0 when
// nothing is recorded (a cluster made before the record existed).
struct RecordedPrimary {
  int ordinal = 0;
  int timeline = 0;
  // ANY k it commits with (quorum.h): 0 asynchronous; -1 not recorded (an older record).
  int synchronous_number = -1;
  // Its WAL position once it committed synchronously (0: not known yet): a commit before it
  // may have been acknowledged with no standby holding it.
  Lsn synchronous_since = 0;
  // When k changed on this primary: commits from earlier_since up to synchronous_since were
  // acknowledged by at least earlier_number standbys (0: not known, perhaps by none). A failover
  // whose best standby lacks some of them counts its quorum with that k (quorum.h).
  int earlier_number = 0;
  Lsn earlier_since = 0;
  // Asynchronous replication, recorded before the reload that turns it on: commits from this
  // position on may have been acknowledged without any standby (0: none). Until the primary is
  // seen running it, the quorum is still counted with synchronous_number, which it may still run.
  Lsn asynchronous_from = 0;
  // Counts the records written for the cluster (0: none yet, or one an older radctl wrote): of
  // two copies (primary_record.h), the one with the higher generation is the record.
  int64_t generation = 0;
};

// A standby's view of its upstream, from pg_stat_wal_receiver.
struct WalReceiver {
  std::string status;       // "streaming", "catchup", ... ("" when no receiver runs)
  std::string sender_host;  // node name of the upstream
};

// pg_stat_archiver on a primary, and the WAL it has not archived yet.
struct ArchiverStats {
  bool archive_mode_on = false;
  int64_t archived_count = 0;
  std::string last_archived_wal;
  absl::Time last_archived_time = absl::InfinitePast();
  int64_t failed_count = 0;
  std::string last_failed_wal;
  absl::Time last_failed_time = absl::InfinitePast();
  int64_t ready_segments = 0;  // WAL segments waiting for archive_command (.ready files)
  int64_t segment_bytes = int64_t{16} << 20;

  // The last attempt failed: archive_command fails, and Postgres keeps the WAL meanwhile.
  bool Failing() const {
    return failed_count > 0 && last_failed_time != absl::InfinitePast() &&
           last_failed_time >= last_archived_time;
  }
  int64_t BacklogBytes() const { return ready_segments * segment_bytes; }
};

// What the controller has answered a node whose container was asked to stop (the entrypoint
// waits for it before it stops Postgres: images/postgres/entrypoint.sh): nothing yet, "wait"
// (the controller moves what depends on the node first), "go".
enum class StopAnswer { kNone, kWait, kGo };

struct NodeObservation {
  int ordinal = 0;
  std::string name;  // demo-pg-2
  ContainerState container = ContainerState::kMissing;
  bool paused = false;  // `docker pause`d: counts as running, but nothing runs in it
  // Sent SIGKILL since it last started (the runtime's `kill` event): every process in it is
  // gone, though the engine lists it as running until it reports its exit, 0.1-0.3 s later.
  bool killed = false;
  int exit_code = 0;        // of a stopped container
  bool oom_killed = false;  // of a stopped container
  bool volume_exists = false;
  std::string spec_hash;  // label the container was created with
  std::string image;      // the image the container was created from
  std::string image_id;   // its id ("sha256:..."): a tag rebuilt since names another
  int host_port = 0;      // where 5432 is published on the host, 0 if not

  // Postgres, probed over the published port when the container runs.
  bool reachable = false;
  std::string probe_error;  // why not reachable
  // The probe was refused or cut short (nothing listens, the connection closed): Postgres is
  // down. A probe that went unanswered (a hung node, a cut network) leaves this false.
  bool probe_refused = false;
  bool in_recovery = false;  // pg_is_in_recovery(): a standby
  int timeline = 0;     // of the WAL it writes or receives; from pg_controldata when it is silent
  Lsn receive_lsn = 0;  // standby: last WAL received (the "most advanced" measure)
  Lsn replay_lsn = 0;   // standby: last WAL applied
  // standby: it has replayed all the WAL it holds (its startup process waits for more). A
  // standby just started replays what it received before first: until then its receive position
  // is NULL (0) or a segment's start and its replay position lags, so how much it holds is
  // unknown.
  bool replay_settled = false;
  Lsn current_lsn = 0;  // primary: pg_current_wal_lsn()
  WalReceiver wal_receiver;
  std::string config_hash;       // radctl.config_hash of the configuration Postgres has loaded
  bool pending_restart = false;  // a loaded parameter change waits for a restart
  // TLS as the node serves it: `ssl` on, and the fingerprint of the server certificate radctl
  // gave it (radctl.tls_certificate; "" when it has none).
  bool ssl = false;
  std::string tls_certificate;
  // repmgr.nodes as this node has it (replicated from the primary it streamed from); nullopt
  // when not readable (not registered yet, or not reachable).
  std::optional<std::vector<RepmgrNode>> repmgr_records;

  // On a writable primary: its archiver (nullopt elsewhere, or when it could not be read).
  std::optional<ArchiverStats> archiver;
  // The backup repository volume its container was created with ("" when none).
  std::string repository;

  // Read from the data directory with docker exec when Postgres does not answer.
  DataDir data_dir = DataDir::kUnknown;
  bool postgres_running = false;  // a postmaster exists (starting, stopping or hung)
  std::string facts_error;

  // The container was asked to stop (SIGTERM: docker stop or restart, compose stop, a host
  // shutting down) at this time, and its entrypoint keeps Postgres running until the controller
  // answers (reconcilers/planned_stop.h); InfinitePast when not. Read by the probe, or from the
  // container when Postgres does not answer.
  absl::Time stop_requested_at = absl::InfinitePast();
  StopAnswer stop_answer = StopAnswer::kNone;
  // The data directories rebuilds moved aside in its volume (data.radctl-old-*, oldest first),
  // read by the probe or with the data directory's facts; radctl never deletes one
  // (spec.replication.maxMovedAside).
  std::vector<std::string> moved_aside;
  // moved_aside was read this pass (Postgres answered, or its facts were read from the running
  // container). A stopped, missing or paused container's volume goes unread, and "none moved
  // aside" is then not known: such a volume is not removed.
  bool moved_aside_read = false;
  bool StopRequested() const {
    return container == ContainerState::kRunning && stop_requested_at != absl::InfinitePast();
  }

  // A container that exited on its own with an error, or was killed, has died; one stopped
  // cleanly (exit 0: `docker stop`, `docker restart`) was stopped on purpose.
  bool ContainerDied() const {
    return container == ContainerState::kMissing || killed ||
           (container == ContainerState::kStopped && (exit_code != 0 || oom_killed));
  }
  bool IsWritablePrimary() const { return reachable && !in_recovery; }
  bool IsReachableStandby() const { return reachable && in_recovery; }
  bool IsStreamingFrom(const std::string& upstream) const {
    return IsReachableStandby() && wal_receiver.status == "streaming" &&
           wal_receiver.sender_host == upstream;
  }
};

// "primary" | "standby" | "fenced" (a former primary waiting for the controller) | "down".
std::string NodeRole(const NodeObservation& node);

// Seen on the writable primary.
struct ReplicationSlot {
  std::string name;  // repmgr_slot_<ordinal>
  bool active = false;
  // Invalidated: its standby fell more than max_slot_wal_keep_size behind and the WAL it needs
  // is gone (pg_replication_slots.wal_status = 'lost').
  bool lost = false;
};
struct ReplicationConnection {
  std::string application_name;  // node name of the standby
  std::string state;             // "streaming", ...
  std::string sync_state;        // "async" | "sync" | "quorum" | "potential"
  Lsn replay_lsn = 0;
  double replay_lag_seconds = 0;  // pg_stat_replication.replay_lag
};

struct BouncerObservation {
  ContainerState container = ContainerState::kMissing;
  std::string container_id;  // the engine's: what an added login hold is remembered by
  std::string spec_hash;
  int host_port = 0;
  bool reachable = false;  // admin console answered
  std::string probe_error;
  std::string target_host;  // host the app database points to; "" when none is configured
  bool paused = false;      // a database is held (PAUSE; a controller may have died mid-repoint)
  int clients_active = 0;   // SHOW POOLS for the app database
  int clients_waiting = 0;
  // The bouncer runs with the cluster's current userlist (SCRAM secrets) and TLS files: its
  // auth_file is named by their digest (SHOW CONFIG). True when that could not be looked at.
  bool files_current = true;
};

// The server certificate kept with the cluster: what every node and the bouncer should present.
// An empty fingerprint: none is kept (apply makes one).
struct KeptCertificate {
  std::string fingerprint;
  absl::Time not_after = absl::InfinitePast();
  std::vector<std::string> names;  // subjectAltName
};

// The app role and database (spec.auth) on the writable primary.
struct AppRoleObservation {
  bool known = false;  // looked at (a writable primary answered)
  bool role_exists = false;
  bool database_exists = false;
  // Its SCRAM secret is the one kept with the cluster (the cluster's current password).
  bool password_current = false;
};

// One backup in the repository, as pgBackRest's info reports it.
struct BackupRecord {
  std::string label;  // "20240501-101010F"
  std::string type;   // full | diff | incr
  absl::Time start = absl::InfinitePast();
  absl::Time stop = absl::InfinitePast();
  int64_t size = 0;       // of the database, as backed up
  int64_t repo_size = 0;  // added to the repository (compressed; only what changed for diff/incr)
  Lsn lsn_start = 0;
  Lsn lsn_stop = 0;
  std::string wal_start;  // first and last WAL segment the backup needs
  std::string wal_stop;
};

// The cluster's backup repository (pgBackRest's stanza), read from a node that mounts it. Read
// only now and then (an exec); `read_at` says when.
struct BackupObservation {
  bool read = false;  // false: backups are off, or it could not be read (`error` says why)
  std::string error;
  bool stanza_exists = false;
  std::vector<BackupRecord> backups;  // oldest first
  std::string archive_min;            // oldest and newest WAL segment archived
  std::string archive_max;
  // A backup is being taken: by this controller, or pgBackRest's lock is held.
  bool running = false;
  absl::Time read_at = absl::InfinitePast();
};

struct ObservedState {
  // When it was observed: `observed_at` on the monotonic clock, for every duration the planner
  // measures (silence, backoff); `wall_at` on the wall clock, for what is compared with wall
  // times (a certificate's validity, a backup schedule, times shown to people). A step of the
  // wall clock never shortens or stretches a failover's detection.
  absl::Time observed_at = absl::InfinitePast();
  absl::Time wall_at = absl::InfinitePast();
  bool network_exists = false;
  // The id spec.postgres.image names now ("" when it could not be looked up): a node whose
  // container runs another was made before the image was rebuilt under the same tag.
  std::string wanted_image_id;
  // Every node that exists in any form (container or volume), desired or not, by ordinal.
  std::vector<NodeObservation> nodes;
  BouncerObservation bouncer;
  // The read-only endpoint's bouncer (spec.bouncer.readPort): its target_host is the list of
  // nodes it serves, "demo-pg-2,demo-pg-3" (or the primary's name as a fallback).
  BouncerObservation read_bouncer;
  // The repmgr records to trust (TrustedRecords in standby_ranking.h): the writable primary's,
  // else the most advanced reachable standby's, else empty.
  std::vector<RepmgrNode> repmgr_nodes;
  std::vector<ReplicationSlot> slots;              // on the writable primary
  std::vector<ReplicationConnection> replication;  // pg_stat_replication on the primary
  std::string synchronous_standby_names;           // as set on the primary
  RecordedPrimary recorded_primary;
  KeptCertificate certificate;
  // radctl's own connections refuse plaintext (kRequireTls was carried out).
  bool tls_required = false;
  AppRoleObservation app_role;
  BackupObservation backup;  // read only when spec.backup is enabled

  const NodeObservation* Node(int ordinal) const;
  const RepmgrNode* RepmgrRecord(int ordinal) const;
};

}  // namespace radctl
