// NodeSession over libpq: the SQL radctl sends to a node, all of it in this file.
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "controller/clients/postgres/node_session.h"
#include "controller/clients/postgres/stop_request.h"
#include "crd-like-specs/status_macros.h"

namespace radctl {
namespace {

// One round trip tells role, WAL positions and upstream. Runs on primaries and standbys alike.
constexpr char kProbeSql[] =
    "SELECT pg_is_in_recovery(), "
    "CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END, "
    "pg_last_wal_receive_lsn()::text, pg_last_wal_replay_lsn()::text, "
    // The timeline: a primary's from the WAL it writes; a standby's from the newest WAL segment
    // its pg_wal holds (the last checkpoint's lags a promotion, and a standby's restartpoint
    // lags its upstream's, until the next one). Segments only, not history files: a standby
    // that failed to follow a new primary has fetched its timeline's history all the same.
    "CASE WHEN pg_is_in_recovery() THEN GREATEST((SELECT timeline_id FROM "
    "pg_control_checkpoint()), (SELECT max(('x' || substr(name, 1, 8))::bit(32)::int) FROM "
    "pg_ls_waldir() WHERE name ~ '^[0-9A-F]{24}$')) "
    "ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END, "
    "(SELECT status FROM pg_stat_wal_receiver), (SELECT sender_host FROM pg_stat_wal_receiver), "
    "(SELECT received_tli FROM pg_stat_wal_receiver), "
    "current_setting('radctl.config_hash', true), "
    "(SELECT bool_or(pending_restart) FROM pg_settings), "
    "current_setting('ssl'), current_setting('radctl.tls_certificate', true), "
    // Whether a standby has replayed all the WAL it holds: its startup process waits for more.
    // Until then (a standby just started replays what it received before) its receive position
    // is NULL or the start of a segment, and its replay position lags what it holds.
    "(SELECT bool_or(wait_event IN ('RecoveryWalStream', 'RecoveryRetrieveRetryInterval')) "
    "FROM pg_stat_activity WHERE backend_type = 'startup')";
// The probe, and whether the node's container was asked to stop (stop_request.h): files the
// entrypoint and the controller write, read here without another round trip (absent: NULL).
const std::string& ProbeSql() {
  static const std::string* sql = new std::string(
      absl::StrCat(kProbeSql, ", pg_read_file('", kStopRequestedFile,
                   "', 0, 64, true), pg_read_file('", kStopAnswerFile, "', 0, 64, true), ",
                   // The copies rebuilds kept beside the data directory (node_scripts.h).
                   "(SELECT string_agg(name, ',' ORDER BY name) FROM "
                   "pg_ls_dir('/var/lib/postgresql', true, false) AS name "
                   "WHERE name LIKE 'data.radctl-old-%')"));
  return *sql;
}
constexpr char kRepmgrNodesSql[] =
    "SELECT node_id, type, active, COALESCE(upstream_node_id, 0) FROM repmgr.nodes";
constexpr char kSlotsSql[] =
    "SELECT slot_name, active, COALESCE(wal_status = 'lost', false) FROM pg_replication_slots";
constexpr char kReplicationSql[] =
    "SELECT application_name, state, sync_state, COALESCE(replay_lsn::text, '0/0'), "
    "COALESCE(EXTRACT(epoch FROM replay_lag), 0) FROM pg_stat_replication";
constexpr char kSyncNamesSql[] = "SHOW synchronous_standby_names";
// As the probe reads a primary's (pg_current_wal_lsn() fails on a standby: "recovery is in
// progress").
constexpr char kPrimaryTimelineSql[] =
    "SELECT ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int";
// The archiver, and how many WAL segments wait for it (Postgres keeps them until archived).
constexpr char kArchiverSql[] =
    "SELECT current_setting('archive_mode') <> 'off', archived_count, "
    "COALESCE(last_archived_wal, ''), COALESCE(EXTRACT(epoch FROM last_archived_time), 0), "
    "failed_count, COALESCE(last_failed_wal, ''), "
    "COALESCE(EXTRACT(epoch FROM last_failed_time), 0), "
    "(SELECT count(*) FROM pg_ls_archive_statusdir() WHERE name LIKE '%.ready'), "
    "(SELECT setting::bigint FROM pg_settings WHERE name = 'wal_segment_size') "
    "FROM pg_stat_archiver";
// Metadata commits locally: with synchronous replication on it would otherwise wait for a
// standby that is still attaching (failover) or does not exist yet.
constexpr char kLocalCommit[] = "SET synchronous_commit = local; ";

Lsn LsnOrZero(const std::optional<std::string>& text) {
  if (!text) return 0;
  return ParseLsn(*text).value_or(0);
}

std::string Literal(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') quoted += '\'';
    quoted += c;
  }
  return quoted + "'";
}

int64_t Int64OrZero(const std::optional<std::string>& text) {
  int64_t value = 0;
  if (text && absl::SimpleAtoi(*text, &value)) return value;
  return 0;
}

// An epoch in seconds (fractional), 0 for never.
absl::Time TimeOrPast(const std::optional<std::string>& text) {
  double seconds = 0;
  if (!text || !absl::SimpleAtod(*text, &seconds) || seconds <= 0) return absl::InfinitePast();
  return absl::FromUnixMicros(static_cast<int64_t>(seconds * 1e6));
}

ArchiverStats DecodeArchiver(const PgRow& row) {
  ArchiverStats stats;
  stats.archive_mode_on = row[0].value_or("") == "t";
  stats.archived_count = Int64OrZero(row[1]);
  stats.last_archived_wal = row[2].value_or("");
  stats.last_archived_time = TimeOrPast(row[3]);
  stats.failed_count = Int64OrZero(row[4]);
  stats.last_failed_wal = row[5].value_or("");
  stats.last_failed_time = TimeOrPast(row[6]);
  stats.ready_segments = Int64OrZero(row[7]);
  if (int64_t size = Int64OrZero(row[8]); size > 0) stats.segment_bytes = size;
  return stats;
}

std::string QuoteIdentifier(const std::string& name) {
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

class LibpqNodeSession : public NodeSession {
 public:
  LibpqNodeSession(const Clock& clock, std::unique_ptr<PgConnection> conn)
      : clock_(clock), conn_(std::move(conn)) {}

  absl::StatusOr<NodeProbe> Probe(absl::Duration timeout) override {
    ASSIGN_OR_RETURN(PgRows rows, conn_->Query(ProbeSql(), timeout));
    if (rows.size() != 1 || rows[0].size() != 16) {
      return absl::InternalError(
          absl::StrCat(conn_->endpoint().ToString(), ": unexpected probe result"));
    }
    const PgRow& row = rows[0];
    NodeProbe probe;
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
    probe.ssl = row[10].value_or("") == "on";
    probe.tls_certificate = row[11].value_or("");
    probe.replay_settled = row[12].value_or("") == "t";
    probe.stop_requested_at = ParseStopRequested(row[13].value_or(""));
    probe.stop_answer = ParseStopAnswer(row[14].value_or(""));
    probe.moved_aside = absl::StrSplit(row[15].value_or(""), ',', absl::SkipEmpty());

    // repmgr's records, as this node has them (absent before registration: not an error).
    if (absl::StatusOr<PgRows> records = conn_->Query(kRepmgrNodesSql, timeout); records.ok()) {
      probe.repmgr_nodes.emplace();
      for (const PgRow& r : *records) {
        probe.repmgr_nodes->push_back(
            {IntOrZero(r[0]), r[1].value_or(""), r[2].value_or("") == "t", IntOrZero(r[3])});
      }
    }
    if (probe.in_recovery) return probe;
    if (absl::StatusOr<PgRows> slots = conn_->Query(kSlotsSql, timeout); slots.ok()) {
      for (const PgRow& r : *slots) {
        probe.slots.push_back(
            {r[0].value_or(""), r[1].value_or("") == "t", r[2].value_or("") == "t"});
      }
    }
    if (absl::StatusOr<PgRows> repl = conn_->Query(kReplicationSql, timeout); repl.ok()) {
      for (const PgRow& r : *repl) {
        double lag = 0;
        (void)absl::SimpleAtod(r[4].value_or("0"), &lag);
        probe.replication.push_back(
            {r[0].value_or(""), r[1].value_or(""), r[2].value_or(""), LsnOrZero(r[3]), lag});
      }
    }
    if (absl::StatusOr<PgRows> sync = conn_->Query(kSyncNamesSql, timeout);
        sync.ok() && !sync->empty()) {
      probe.synchronous_standby_names = (*sync)[0][0].value_or("");
    }
    if (absl::StatusOr<PgRows> archiver = conn_->Query(kArchiverSql, timeout);
        archiver.ok() && archiver->size() == 1 && (*archiver)[0].size() == 9) {
      probe.archiver = DecodeArchiver((*archiver)[0]);
    }
    return probe;
  }

  absl::StatusOr<WalReceiver> ReadWalReceiver(absl::Duration timeout) override {
    ASSIGN_OR_RETURN(PgRows rows,
                     conn_->Query("SELECT status, sender_host FROM pg_stat_wal_receiver", timeout));
    if (rows.empty()) return WalReceiver{};
    return WalReceiver{rows[0][0].value_or(""), rows[0][1].value_or("")};
  }

  absl::StatusOr<Lsn> CurrentLsn(absl::Duration timeout) override {
    ASSIGN_OR_RETURN(PgRows rows, conn_->Query("SELECT pg_current_wal_lsn()::text", timeout));
    return rows.empty() ? 0 : LsnOrZero(rows[0][0]);
  }

  absl::StatusOr<int> PrimaryTimeline(absl::Duration timeout) override {
    ASSIGN_OR_RETURN(PgRows rows, conn_->Query(kPrimaryTimelineSql, timeout));
    int timeline = 0;
    if (rows.empty() || !absl::SimpleAtoi(rows[0][0].value_or(""), &timeline) || timeline <= 0) {
      return absl::InternalError(
          absl::StrCat(conn_->endpoint().ToString(), ": unexpected timeline"));
    }
    return timeline;
  }

  absl::StatusOr<std::string> SynchronousStandbyNames(absl::Duration timeout) override {
    ASSIGN_OR_RETURN(PgRows rows, conn_->Query(kSyncNamesSql, timeout));
    return rows.empty() ? std::string() : rows[0][0].value_or("");
  }

  absl::StatusOr<Lsn> ReplayLsn(absl::Duration timeout) override {
    ASSIGN_OR_RETURN(PgRows rows, conn_->Query("SELECT pg_last_wal_replay_lsn()::text", timeout));
    return rows.empty() ? 0 : LsnOrZero(rows[0][0]);
  }

  absl::StatusOr<std::vector<TimelineSwitch>> TimelineHistory(absl::Duration timeout) override {
    // The current timeline's history file lists every earlier one: "parent<TAB>switchpoint<TAB>
    // reason" per line.
    ASSIGN_OR_RETURN(
        PgRows rows,
        conn_->Query(
            "SELECT CASE WHEN t > 1 THEN pg_read_file('pg_wal/' || "
            "lpad(upper(to_hex(t)), 8, '0') || '.history') ELSE '' END FROM (SELECT "
            "('x' || substr(pg_walfile_name(CASE WHEN pg_is_in_recovery() THEN "
            "pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END), 1, 8))::bit(32)::int "
            "AS t) AS current",
            timeout));
    std::vector<TimelineSwitch> history;
    if (rows.empty()) return history;
    for (absl::string_view line :
         absl::StrSplit(rows[0][0].value_or(""), '\n', absl::SkipEmpty())) {
      std::vector<std::string> fields = absl::StrSplit(line, '\t');
      TimelineSwitch entry;
      if (fields.size() < 2 || !absl::SimpleAtoi(fields[0], &entry.parent)) continue;
      entry.switchpoint = ParseLsn(fields[1]).value_or(0);
      history.push_back(entry);
    }
    return history;
  }

  absl::Status Promote(absl::Duration wait) override {
    // A node that is a primary already (a repeated action) is left alone. pg_promote(true) looks
    // for the end of recovery only every 100 ms, while a switchover holds the clients: the
    // request is sent without waiting, and the end of recovery looked for every 5 ms.
    ASSIGN_OR_RETURN(PgRows sent, conn_->Query("SELECT CASE WHEN pg_is_in_recovery() THEN "
                                               "pg_promote(false) ELSE true END",
                                               absl::Seconds(10)));
    if (sent.empty() || sent[0][0].value_or("") != "t") {
      return absl::InternalError(
          absl::StrCat(conn_->endpoint().ToString(), ": the promotion request was not sent"));
    }
    const absl::Time deadline = clock_.Monotonic() + wait;
    while (true) {
      ASSIGN_OR_RETURN(PgRows rows, conn_->Query("SELECT pg_is_in_recovery()", absl::Seconds(10)));
      if (!rows.empty() && rows[0][0].value_or("") == "f") return absl::OkStatus();
      if (clock_.Monotonic() > deadline) break;
      clock_.SleepFor(absl::Milliseconds(5));
    }
    return absl::DeadlineExceededError(absl::StrCat(conn_->endpoint().ToString(),
                                                    ": promotion did not finish within ",
                                                    absl::FormatDuration(wait)));
  }

  absl::Status SwitchWal() override {
    return conn_->Query("SELECT pg_switch_wal()", absl::Seconds(10)).status();
  }

  absl::Status Checkpoint(absl::Duration timeout) override {
    return conn_->Execute("CHECKPOINT", timeout);
  }

  absl::Status Reload(absl::Duration timeout) override {
    return conn_->Execute("SELECT pg_reload_conf()", timeout);
  }

  absl::Status SetUpstream(const std::string& conninfo, const std::string& slot,
                           absl::Duration timeout) override {
    // No restart: primary_conninfo is reloadable since PostgreSQL 13.
    RETURN_IF_ERROR(conn_->Execute(
        absl::StrCat("ALTER SYSTEM SET primary_conninfo = ", Literal(conninfo)), timeout));
    RETURN_IF_ERROR(conn_->Execute(
        absl::StrCat("ALTER SYSTEM SET primary_slot_name = ", Literal(slot)), timeout));
    return Reload(timeout);
  }

  absl::Status EnsureSlot(const std::string& slot, absl::Duration timeout) override {
    return conn_->Execute(
        absl::StrCat("SELECT pg_create_physical_replication_slot(", Literal(slot),
                     ") WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = ",
                     Literal(slot), ")"),
        timeout);
  }

  absl::Status DropSlot(const std::string& slot, absl::Duration timeout) override {
    return conn_->Execute(
        absl::StrCat("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                     "WHERE slot_name = ",
                     Literal(slot), " AND NOT active"),
        timeout);
  }

  absl::Status RecordPrimary(int ordinal, absl::Duration timeout) override {
    // What `repmgr standby promote` records (repmgr polls once a second for the end of the
    // promotion; radctl promotes itself and records at once).
    return conn_->Execute(
        absl::StrCat(kLocalCommit, "BEGIN; ",
                     "UPDATE repmgr.nodes SET active = false WHERE type = 'primary' AND "
                     "node_id <> ",
                     ordinal, "; ",
                     "UPDATE repmgr.nodes SET type = 'primary', upstream_node_id = NULL, "
                     "active = true WHERE node_id = ",
                     ordinal, "; ",
                     "INSERT INTO repmgr.events (node_id, event, successful, details) VALUES (",
                     ordinal, ", 'standby_promote', true, 'promoted by radctl'); COMMIT"),
        timeout);
  }

  absl::Status RecordUpstream(int ordinal, int upstream, absl::Duration timeout) override {
    return conn_->Execute(absl::StrCat(kLocalCommit, "UPDATE repmgr.nodes SET upstream_node_id = ",
                                       upstream, ", active = true WHERE node_id = ", ordinal),
                          timeout);
  }

  absl::Status DeleteRecord(int ordinal, absl::Duration timeout) override {
    // What `repmgr standby unregister` does, from the primary's side.
    return conn_->Execute(
        absl::StrCat(kLocalCommit, "DELETE FROM repmgr.nodes WHERE node_id = ", ordinal), timeout);
  }

  absl::StatusOr<AppRoleFacts> ReadAppRole(const std::string& user, const std::string& database,
                                           absl::Duration timeout) override {
    ASSIGN_OR_RETURN(
        PgRows rows,
        conn_->Query(
            absl::StrCat("SELECT (SELECT count(*) FROM pg_authid WHERE rolname = ", Literal(user),
                         "), (SELECT rolpassword FROM pg_authid WHERE "
                         "rolname = ",
                         Literal(user),
                         "), (SELECT count(*) FROM pg_database WHERE "
                         "datname = ",
                         Literal(database), ")"),
            timeout));
    if (rows.size() != 1 || rows[0].size() != 3) {
      return absl::InternalError(
          absl::StrCat(conn_->endpoint().ToString(), ": unexpected answer about role ", user));
    }
    return AppRoleFacts{rows[0][0].value_or("0") != "0", rows[0][1].value_or(""),
                        rows[0][2].value_or("0") != "0"};
  }

  absl::Status ApplyAppRole(const std::string& user, const std::string& database,
                            const std::string& secret, absl::Duration timeout) override {
    ASSIGN_OR_RETURN(AppRoleFacts facts, ReadAppRole(user, database, timeout));
    // A SCRAM secret given as the password is stored as it is (PostgreSQL recognises it).
    RETURN_IF_ERROR(conn_->Execute(
        absl::StrCat(kLocalCommit, facts.role_exists ? "ALTER ROLE " : "CREATE ROLE ",
                     QuoteIdentifier(user), " LOGIN PASSWORD ", Literal(secret)),
        timeout));
    if (facts.database_exists) return absl::OkStatus();
    // Its own statement: CREATE DATABASE cannot run in a transaction block. (The SET above
    // holds for the session.)
    return conn_->Execute(absl::StrCat("CREATE DATABASE ", QuoteIdentifier(database), " OWNER ",
                                       QuoteIdentifier(user)),
                          timeout);
  }

  bool broken() const override { return conn_->broken(); }
  const PgEndpoint& endpoint() const override { return conn_->endpoint(); }

 private:
  const Clock& clock_;
  std::unique_ptr<PgConnection> conn_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<NodeSession>> LibpqPostgresAccess::Connect(
    const PgEndpoint& endpoint, absl::Duration timeout) const {
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> conn,
                   PgConnection::Connect(clock_, endpoint, timeout));
  return std::unique_ptr<NodeSession>(new LibpqNodeSession(clock_, std::move(conn)));
}

}  // namespace radctl
