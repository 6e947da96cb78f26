// NodeSession: everything radctl asks of one node's Postgres, one method per question or
// command, so that the SQL lives in one file (libpq_node_session.cc) and tests can put a fake
// behind the same interface. PostgresAccess opens sessions. Neither decides anything.
//
// Errors: Unavailable (no answer, connection lost, server shutting down), DeadlineExceeded (no
// answer within the timeout; the session is then broken), Aborted (the node is not in the state
// the command needs, e.g. a write on a standby: observe again), Internal (anything else).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/clients/postgres/pg_connection.h"
#include "reconcilers/lsn.h"
#include "reconcilers/observed_state.h"

namespace radctl {

// One line of a timeline history file: timeline `parent` ended at `switchpoint`.
struct TimelineSwitch {
  int parent = 0;
  Lsn switchpoint = 0;
};

// What one probe of a node tells: role, WAL positions, upstream, configuration, repmgr's
// records as this node has them and, on a primary, its slots and standbys.
struct NodeProbe {
  bool in_recovery = false;
  Lsn current_lsn = 0;  // primary: pg_current_wal_lsn()
  Lsn receive_lsn = 0;  // standby: last WAL received
  Lsn replay_lsn = 0;   // standby: last WAL replayed
  // standby: it has replayed all the WAL it holds (its startup process waits for more): only
  // then do its positions say how much it has.
  bool replay_settled = false;
  int timeline = 0;  // the higher of the checkpoint's and the WAL receiver's
  WalReceiver wal_receiver;
  std::string config_hash;  // radctl.config_hash
  bool pending_restart = false;
  bool ssl = false;             // SHOW ssl
  std::string tls_certificate;  // radctl.tls_certificate
  // repmgr.nodes as this node has it; nullopt when not readable (not registered yet).
  std::optional<std::vector<RepmgrNode>> repmgr_nodes;
  // Read on a primary only:
  std::vector<ReplicationSlot> slots;
  std::vector<ReplicationConnection> replication;
  std::string synchronous_standby_names;
  std::optional<ArchiverStats> archiver;  // pg_stat_archiver and the WAL waiting for it
  // The container was asked to stop, and what the controller answered (stop_request.h);
  // InfinitePast when it was not.
  absl::Time stop_requested_at = absl::InfinitePast();
  StopAnswer stop_answer = StopAnswer::kNone;
  // The data directories rebuilds moved aside in the node's volume (data.radctl-old-*), by name.
  std::vector<std::string> moved_aside;
};

// The app role and its database as a primary has them (spec.auth).
struct AppRoleFacts {
  bool role_exists = false;
  std::string secret;  // pg_authid.rolpassword ("" when it has none)
  bool database_exists = false;
};

class NodeSession {
 public:
  virtual ~NodeSession() = default;

  [[nodiscard]] virtual absl::StatusOr<NodeProbe> Probe(absl::Duration timeout) = 0;
  // pg_stat_wal_receiver: status and sender ("" and "" when no receiver runs).
  [[nodiscard]] virtual absl::StatusOr<WalReceiver> ReadWalReceiver(absl::Duration timeout) = 0;
  // pg_current_wal_lsn(): a primary's one quick answer (Aborted on a standby).
  [[nodiscard]] virtual absl::StatusOr<Lsn> CurrentLsn(absl::Duration timeout) = 0;
  // The timeline a writable primary writes its WAL on (an error on a standby): one light query,
  // for a failover that records its new primary while the clients are held (a whole Probe
  // takes 20-120 ms on a just promoted node of a busy machine).
  [[nodiscard]] virtual absl::StatusOr<int> PrimaryTimeline(absl::Duration timeout) = 0;
  // SHOW synchronous_standby_names: what the node commits with now.
  [[nodiscard]] virtual absl::StatusOr<std::string> SynchronousStandbyNames(
      absl::Duration timeout) = 0;
  // pg_last_wal_replay_lsn(); 0 on a primary.
  [[nodiscard]] virtual absl::StatusOr<Lsn> ReplayLsn(absl::Duration timeout) = 0;
  // Where the node's history left each earlier timeline (its current timeline's history file);
  // empty on timeline 1.
  [[nodiscard]] virtual absl::StatusOr<std::vector<TimelineSwitch>> TimelineHistory(
      absl::Duration timeout) = 0;

  // Promotes a standby and waits up to `wait` for the end of recovery; OK also when the node is
  // a primary already. DeadlineExceeded when promotion has not ended in time.
  [[nodiscard]] virtual absl::Status Promote(absl::Duration wait) = 0;
  [[nodiscard]] virtual absl::Status Checkpoint(absl::Duration timeout) = 0;
  // pg_switch_wal() on a primary: its WAL goes on in a new segment file. Each promotion starts
  // its timeline in the segment its predecessor was writing, and leaves pg_wal one more 16 MB
  // file of that segment number until the WAL position moves past wal_keep_size; pg_rewind,
  // which copies pg_wal whole (PostgreSQL 15), copies all of them at every rejoin, slower with
  // every failover.
  [[nodiscard]] virtual absl::Status SwitchWal() = 0;
  [[nodiscard]] virtual absl::Status Reload(absl::Duration timeout) = 0;
  // A standby streams from `conninfo` through `slot` from now on (ALTER SYSTEM, reload).
  [[nodiscard]] virtual absl::Status SetUpstream(const std::string& conninfo,
                                                 const std::string& slot,
                                                 absl::Duration timeout) = 0;
  // Physical replication slot `slot`, created unless it exists.
  [[nodiscard]] virtual absl::Status EnsureSlot(const std::string& slot,
                                                absl::Duration timeout) = 0;
  // Drops `slot` if it exists and is not in use.
  [[nodiscard]] virtual absl::Status DropSlot(const std::string& slot, absl::Duration timeout) = 0;

  // repmgr's records, written locally (not waiting for synchronous standbys): node `ordinal` is
  // the active primary and every other primary record inactive.
  [[nodiscard]] virtual absl::Status RecordPrimary(int ordinal, absl::Duration timeout) = 0;
  // Node `ordinal` is an active standby of `upstream`.
  [[nodiscard]] virtual absl::Status RecordUpstream(int ordinal, int upstream,
                                                    absl::Duration timeout) = 0;
  // Node `ordinal`'s record is gone (scaled down).
  [[nodiscard]] virtual absl::Status DeleteRecord(int ordinal, absl::Duration timeout) = 0;

  // The role `user` and database `database` (superuser session on the primary).
  [[nodiscard]] virtual absl::StatusOr<AppRoleFacts> ReadAppRole(const std::string& user,
                                                                 const std::string& database,
                                                                 absl::Duration timeout) = 0;
  // Role `user` with LOGIN and the SCRAM secret `secret` as its password (created if missing),
  // database `database` owned by it (created if missing). Commits locally.
  [[nodiscard]] virtual absl::Status ApplyAppRole(const std::string& user,
                                                  const std::string& database,
                                                  const std::string& secret,
                                                  absl::Duration timeout) = 0;

  // After a DeadlineExceeded or a lost connection: open a new session.
  virtual bool broken() const = 0;
  virtual const PgEndpoint& endpoint() const = 0;
};

class PostgresAccess {
 public:
  virtual ~PostgresAccess() = default;
  // DeadlineExceeded when the server does not answer within `timeout`; Unavailable when it
  // refuses the connection or the login.
  [[nodiscard]] virtual absl::StatusOr<std::unique_ptr<NodeSession>> Connect(
      const PgEndpoint& endpoint, absl::Duration timeout) const = 0;
};

// The real thing: libpq with deadlines on everything, kept on `clock`.
class LibpqPostgresAccess : public PostgresAccess {
 public:
  explicit LibpqPostgresAccess(const Clock& clock) : clock_(clock) {}
  [[nodiscard]] absl::StatusOr<std::unique_ptr<NodeSession>> Connect(
      const PgEndpoint& endpoint, absl::Duration timeout) const override;

 private:
  const Clock& clock_;
};

}  // namespace radctl
