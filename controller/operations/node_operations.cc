#include "controller/operations/node_operations.h"

#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "controller/config/node_config.h"
#include "controller/clients/postgres/pg_connection.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/naming.h"
#include "reconcilers/spec_hash.h"

namespace radctl {
namespace {

constexpr absl::Duration kQuickTimeout = absl::Seconds(30);
constexpr absl::Duration kStartTimeout = absl::Seconds(90);
// Cloning copies the whole database: allow for big ones.
constexpr absl::Duration kCloneTimeout = absl::Hours(6);
constexpr absl::Duration kConnectTimeout = absl::Seconds(3);

// Every script: stop at the first failure, run in the node's home. Metadata writes (roles,
// repmgr's records) commit locally: with synchronous replication on they would otherwise wait
// for a standby that does not exist yet (bootstrap) or is still attaching (failover).
constexpr char kScriptPreamble[] =
    "set -e; cd /var/lib/postgresql; export PGOPTIONS='-c synchronous_commit=local'; ";

// The last few lines of a failed command's output: enough to tell why, short enough to read.
std::string Tail(const std::string& text, size_t lines) {
  std::vector<std::string> all = absl::StrSplit(text, '\n', absl::SkipWhitespace());
  if (all.size() > lines) all.erase(all.begin(), all.end() - lines);
  return absl::StrJoin(all, " | ");
}

std::string Conninfo(const std::string& host) {
  return absl::StrCat("host=", host, " port=", kPostgresPort, " user=", kRepmgrUser,
                      " dbname=", kRepmgrDatabase, " connect_timeout=2");
}

docker::FileToUpload PostgresFile(std::string path, std::string content, int mode = 0600) {
  return {std::move(path), std::move(content), mode, kPostgresUid, kPostgresUid};
}

}  // namespace

absl::Status NodeOperations::RunScript(int ordinal, const std::string& what,
                                       const std::string& script, absl::Duration timeout) const {
  const std::string name = NodeName(spec_.name, ordinal);
  ASSIGN_OR_RETURN(docker::ExecResult result,
                   docker_.Exec(name, {"sh", "-c", absl::StrCat(kScriptPreamble, script)},
                                "postgres", timeout));
  if (result.exit_code != 0) {
    std::string output = Tail(result.stderr_text + "\n" + result.stdout_text, 4);
    return absl::InternalError(absl::StrCat(what, " on ", name, " failed (exit code ",
                                            result.exit_code, "): ", output));
  }
  return absl::OkStatus();
}

absl::StatusOr<int> NodeOperations::HostPort(int ordinal) const {
  const std::string name = NodeName(spec_.name, ordinal);
  ASSIGN_OR_RETURN(docker::ContainerInfo info, docker_.InspectContainer(name));
  for (const docker::PortBinding& port : info.ports) {
    if (port.container_port == kPostgresPort && port.host_port != 0) return port.host_port;
  }
  return absl::FailedPreconditionError(absl::StrCat(name, " does not publish port ", kPostgresPort));
}

absl::StatusOr<std::unique_ptr<PgConnection>> NodeOperations::Connect(int ordinal) const {
  ASSIGN_OR_RETURN(int port, HostPort(ordinal));
  return PgConnection::Connect(observer_.NodeEndpoint(port), kConnectTimeout);
}

absl::Status NodeOperations::UploadNodeFiles(int ordinal) const {
  return docker_.UploadFiles(NodeName(spec_.name, ordinal), kNodeHome,
                             {PostgresFile(".pgpass", RenderPgpass(secrets_)),
                              PostgresFile("repmgr.conf", RenderRepmgrConf(spec_, ordinal))});
}

absl::Status NodeOperations::CreateNode(int ordinal) const {
  const std::string name = NodeName(spec_.name, ordinal);
  const std::string hash = NodeSpecHash(spec_);
  RETURN_IF_ERROR(docker_.CreateVolume(VolumeName(spec_.name, ordinal),
                                       NodeLabels(spec_.name, ordinal, hash)));
  docker::ContainerConfig config;
  config.name = name;
  config.image = spec_.postgres.image;
  config.hostname = name;
  config.labels = NodeLabels(spec_.name, ordinal, hash);
  config.network = NetworkName(spec_.name);
  config.network_aliases = {name};
  config.mounts = {{VolumeName(spec_.name, ordinal), kNodeHome}};
  config.ports = {{kPostgresPort, "127.0.0.1", 0}};
  config.stop_timeout_s = 30;  // room for a clean shutdown checkpoint
  absl::StatusOr<std::string> created = docker_.CreateContainer(config);
  if (!created.ok()) {
    if (absl::IsNotFound(created.status())) {
      return absl::FailedPreconditionError(absl::StrCat(
          "image ", spec_.postgres.image, " is not present: build it with hack/build-images.sh"));
    }
    return created.status();
  }
  RETURN_IF_ERROR(UploadNodeFiles(ordinal));
  return docker_.StartContainer(name);
}

absl::Status NodeOperations::StartContainer(int ordinal) const {
  return docker_.StartContainer(NodeName(spec_.name, ordinal));
}

absl::Status NodeOperations::InitPrimary(int ordinal) const {
  RETURN_IF_ERROR(UploadNodeFiles(ordinal));
  // The marker makes an interrupted initialisation count as "empty": it is redone from scratch.
  RETURN_IF_ERROR(RunScript(ordinal, "initdb",
                            "touch radctl-incomplete; "
                            "pg_ctl -D data stop -m immediate >/dev/null 2>&1 || true; "
                            "rm -rf data; "
                            "initdb -D data --data-checksums --no-sync --username=postgres "
                            "--auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 "
                            "--locale=C.UTF-8 >/dev/null",
                            kQuickTimeout));
  RETURN_IF_ERROR(docker_.UploadFiles(
      NodeName(spec_.name, ordinal), kNodeHome,
      {PostgresFile("data/postgresql.conf", RenderPostgresqlConf(spec_)),
       PostgresFile("data/pg_hba.conf", RenderPgHbaConf()),
       PostgresFile("radctl-bootstrap.sql", RenderBootstrapSql(spec_, secrets_))}));
  return RunScript(ordinal, "starting and registering the new primary",
                   "trap 'rm -f radctl-bootstrap.sql' EXIT; "
                   "pg_ctl -D data -l /proc/1/fd/1 -w -t 60 start >/dev/null; "
                   "psql -X -q -v ON_ERROR_STOP=1 -d postgres -f radctl-bootstrap.sql; "
                   "repmgr -f repmgr.conf primary register --force; "
                   "rm -f radctl-incomplete",
                   kStartTimeout);
}

absl::Status NodeOperations::StartPostgres(int ordinal) const {
  return RunScript(ordinal, "pg_ctl start",
                   "pg_ctl -D data -l /proc/1/fd/1 -w -t 60 start >/dev/null", kStartTimeout);
}

absl::Status NodeOperations::Fence(int ordinal) const {
  const std::string name = NodeName(spec_.name, ordinal);
  absl::Status stopped = RunScript(ordinal, "pg_ctl stop",
                                   "pg_ctl -D data stop -m immediate -t 5 >/dev/null 2>&1 || "
                                   "! pg_ctl -D data status >/dev/null 2>&1",
                                   absl::Seconds(10));
  if (stopped.ok() || absl::IsNotFound(stopped)) return absl::OkStatus();  // stopped, or gone
  // The container does not let us in (not running, paused, hung): stop it as a whole. The
  // engine answers "not running" (Aborted) when there is nothing left to stop.
  absl::Status killed = docker_.KillContainer(name);
  if (killed.ok() || absl::IsNotFound(killed) || absl::IsAborted(killed)) return absl::OkStatus();
  return absl::InternalError(absl::StrCat("cannot fence ", name, ": ", stopped.message(),
                                          "; kill: ", killed.message()));
}

absl::Status NodeOperations::CloneStandby(int ordinal, int source) const {
  RETURN_IF_ERROR(UploadNodeFiles(ordinal));
  const std::string name = NodeName(spec_.name, ordinal);
  const std::string source_name = NodeName(spec_.name, source);
  absl::Time start = absl::Now();
  auto step = [&](const std::string& what) {
    events_.Progress(absl::StrCat(name, " clone: ", what, " at +",
                                  absl::StrFormat("%.2fs", absl::ToDoubleSeconds(absl::Now() - start))));
  };
  RETURN_IF_ERROR(RunScript(
      ordinal, absl::StrCat("repmgr standby clone from ", source_name),
      absl::StrCat("touch radctl-incomplete; "
                   "pg_ctl -D data stop -m immediate >/dev/null 2>&1 || true; "
                   "rm -rf data; "
                   "repmgr -f repmgr.conf -h ",
                   source_name, " -U ", kRepmgrUser, " -d ", kRepmgrDatabase,
                   " standby clone --fast-checkpoint"),
      kCloneTimeout));
  step("copied");
  // Started without pg_ctl's own wait (it polls in tenths of a second): streaming, waited for
  // below, is what counts.
  RETURN_IF_ERROR(RunScript(ordinal, "pg_ctl start",
                            "pg_ctl -D data -l /proc/1/fd/1 -W start >/dev/null; "
                            "rm -f radctl-incomplete",
                            kStartTimeout));
  step("started");
  // `standby register` right after the start can race the standby's attachment: wait for it.
  RETURN_IF_ERROR(WaitStreaming(ordinal, source, kStartTimeout));
  step("streaming");
  return RunScript(ordinal, "repmgr standby register",
                   absl::StrCat("repmgr -f repmgr.conf standby register --force "
                                "--upstream-node-id=",
                                source, " >/dev/null"),
                   kQuickTimeout);
}

absl::Status NodeOperations::Follow(int ordinal, int primary) const {
  const std::string name = NodeName(spec_.name, ordinal);
  const std::string slot = absl::StrCat("repmgr_slot_", ordinal);
  ASSIGN_OR_RETURN(int primary_port, HostPort(primary));
  ASSIGN_OR_RETURN(int port, HostPort(ordinal));
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> on_primary,
                   PgConnection::Connect(observer_.NodeEndpoint(primary_port), kConnectTimeout));
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> on_standby,
                   PgConnection::Connect(observer_.NodeEndpoint(port), kConnectTimeout));
  // What `repmgr standby follow` does, without its once-a-second polling: a slot for the
  // standby on the primary, the standby's upstream switched by a reload (no restart since
  // PostgreSQL 13), repmgr's record updated. A standby whose history diverged from the new
  // primary's cannot stream from it and fails here; the planner then rebuilds it.
  RETURN_IF_ERROR(on_primary->Execute(
      absl::StrCat("SELECT pg_create_physical_replication_slot(", QuoteLiteral(slot),
                   ") WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = ",
                   QuoteLiteral(slot), ")"),
      kConnectTimeout));
  std::string conninfo =
      absl::StrCat("host=", NodeName(spec_.name, primary), " port=", kPostgresPort, " user=",
                   kRepmgrUser, " application_name=", name, " connect_timeout=2");
  RETURN_IF_ERROR(on_standby->Execute(
      absl::StrCat("ALTER SYSTEM SET primary_conninfo = ", QuoteLiteral(conninfo)), kConnectTimeout));
  RETURN_IF_ERROR(on_standby->Execute(
      absl::StrCat("ALTER SYSTEM SET primary_slot_name = ", QuoteLiteral(slot)), kConnectTimeout));
  RETURN_IF_ERROR(on_standby->Execute("SELECT pg_reload_conf()", kConnectTimeout));
  // Short: a standby that cannot follow (diverged) fails here and is rebuilt; meanwhile the loop
  // is busy and sees nothing else.
  RETURN_IF_ERROR(WaitStreaming(ordinal, primary, absl::Seconds(5)));
  return on_primary->Execute(
      absl::StrCat("SET synchronous_commit = local; UPDATE repmgr.nodes SET upstream_node_id = ",
                   primary, ", active = true WHERE node_id = ", ordinal),
      kConnectTimeout);
}

absl::Status NodeOperations::Rejoin(int ordinal, int primary) const {
  RETURN_IF_ERROR(UploadNodeFiles(ordinal));
  const std::string primary_name = NodeName(spec_.name, primary);
  // A just-promoted primary's control file names its new timeline only after a checkpoint;
  // without one pg_rewind sees both sides on the same timeline and rewinds nothing.
  ASSIGN_OR_RETURN(int primary_port, HostPort(primary));
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> on_primary,
                   PgConnection::Connect(observer_.NodeEndpoint(primary_port), kConnectTimeout));
  RETURN_IF_ERROR(on_primary->Execute("CHECKPOINT", absl::Minutes(5)));
  // After an unclean stop (a killed container: the usual case) the control file's last
  // checkpoint lies before the end of the WAL, and repmgr, judging from it, may decide that no
  // rewind is needed when the node did write past the fork. Crash recovery in single-user mode
  // (no connections: the node stays fenced) first brings the control file to the real end.
  // repmgr writes standby.signal before rewinding; a failed rejoin stops Postgres and removes
  // it again, so the directory still reads as a former primary's (which the planner rebuilds).
  RETURN_IF_ERROR(RunScript(
      ordinal, absl::StrCat("repmgr node rejoin (pg_rewind) to ", primary_name),
      absl::StrCat("if pg_controldata -D data | grep -q 'cluster state: *in production'; then "
                   "postgres --single -D data postgres </dev/null >/tmp/radctl-recovery.log 2>&1 "
                   "|| { cat /tmp/radctl-recovery.log >&2; exit 1; }; fi; "
                   "if ! repmgr -f repmgr.conf node rejoin -d '", Conninfo(primary_name),
                   "' --force-rewind >/tmp/radctl-rejoin.log 2>&1; then "
                   "cat /tmp/radctl-rejoin.log >&2; pg_ctl -D data stop -m immediate >/dev/null 2>&1; "
                   "rm -f data/standby.signal; exit 1; fi"),
      kCloneTimeout));
  return WaitStreaming(ordinal, primary, absl::Seconds(60));
}

absl::Status NodeOperations::WaitStreaming(int ordinal, int upstream,
                                           absl::Duration timeout) const {
  ASSIGN_OR_RETURN(int port, HostPort(ordinal));
  const std::string upstream_name = NodeName(spec_.name, upstream);
  absl::Time deadline = absl::Now() + timeout;
  std::string last = "no answer yet";
  while (absl::Now() < deadline) {
    absl::StatusOr<std::unique_ptr<PgConnection>> conn =
        PgConnection::Connect(observer_.NodeEndpoint(port), kConnectTimeout);
    if (conn.ok()) {
      absl::StatusOr<PgRows> rows = (*conn)->Query(
          "SELECT status, sender_host FROM pg_stat_wal_receiver", kConnectTimeout);
      if (rows.ok() && !rows->empty() && (*rows)[0][0].value_or("") == "streaming" &&
          (*rows)[0][1].value_or("") == upstream_name) {
        return absl::OkStatus();
      }
      last = rows.ok() ? "WAL receiver not streaming" : std::string(rows.status().message());
    } else {
      last = std::string(conn.status().message());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return absl::DeadlineExceededError(absl::StrCat(NodeName(spec_.name, ordinal),
                                                  " does not stream from ", upstream_name,
                                                  " after ", absl::FormatDuration(timeout), ": ",
                                                  last));
}

absl::Status NodeOperations::Promote(int ordinal) const {
  ASSIGN_OR_RETURN(int port, HostPort(ordinal));
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> conn,
                   PgConnection::Connect(observer_.NodeEndpoint(port), kConnectTimeout));
  absl::StatusOr<PgRows> rows = conn->Query("SELECT pg_promote(true, 60)", absl::Seconds(65));
  if (!rows.ok()) {
    if (absl::StrContains(rows.status().message(), "recovery is not in progress")) {
      return absl::OkStatus();  // promoted already (a repeated action)
    }
    return rows.status();
  }
  if (rows->empty() || (*rows)[0][0].value_or("") != "t") {
    return absl::InternalError(absl::StrCat("pg_promote on ", NodeName(spec_.name, ordinal),
                                            " did not finish within 60 s"));
  }
  return absl::OkStatus();
}

absl::Status NodeOperations::RecordPrimary(int ordinal) const {
  ASSIGN_OR_RETURN(int port, HostPort(ordinal));
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> conn,
                   PgConnection::Connect(observer_.NodeEndpoint(port), kConnectTimeout));
  // What `repmgr standby promote` records, done here because the promotion is done here
  // (repmgr polls once a second for its end; pg_promote(wait) returns the moment it is done).
  return conn->Execute(
      absl::StrCat("SET synchronous_commit = local; BEGIN; "
                   "UPDATE repmgr.nodes SET active = false WHERE type = 'primary' AND node_id <> ",
                   ordinal, "; ",
                   "UPDATE repmgr.nodes SET type = 'primary', upstream_node_id = NULL, "
                   "active = true WHERE node_id = ",
                   ordinal, "; ",
                   "INSERT INTO repmgr.events (node_id, event, successful, details) VALUES (",
                   ordinal, ", 'standby_promote', true, 'promoted by radctl'); COMMIT"),
      absl::Seconds(10));
}

}  // namespace radctl

namespace radctl {

absl::Status NodeOperations::RemoveNode(int ordinal, int primary) const {
  RETURN_IF_ERROR(docker_.RemoveContainer(NodeName(spec_.name, ordinal)));
  RETURN_IF_ERROR(DropSlot(ordinal, primary));
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> on_primary, Connect(primary));
  // What `repmgr standby unregister` does, from the primary's side (the node is gone already).
  RETURN_IF_ERROR(on_primary->Execute(
      absl::StrCat("SET synchronous_commit = local; DELETE FROM repmgr.nodes WHERE node_id = ",
                   ordinal),
      kConnectTimeout));
  return docker_.RemoveVolume(VolumeName(spec_.name, ordinal));
}

absl::Status NodeOperations::DropSlot(int ordinal, int primary) const {
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> on_primary, Connect(primary));
  std::string slot = QuoteLiteral(absl::StrCat("repmgr_slot_", ordinal));
  return on_primary->Execute(
      absl::StrCat("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                   "WHERE slot_name = ", slot, " AND NOT active"),
      kConnectTimeout);
}

absl::Status NodeOperations::Reconfigure(int ordinal) const {
  RETURN_IF_ERROR(docker_.UploadFiles(
      NodeName(spec_.name, ordinal), kNodeHome,
      {PostgresFile("data/postgresql.conf", RenderPostgresqlConf(spec_)),
       PostgresFile("data/pg_hba.conf", RenderPgHbaConf())}));
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> conn, Connect(ordinal));
  return conn->Execute("SELECT pg_reload_conf()", kConnectTimeout);
}

absl::Status NodeOperations::RestartPostgres(int ordinal) const {
  return RunScript(ordinal, "pg_ctl restart",
                   "pg_ctl -D data -l /proc/1/fd/1 restart -m fast -w -t 60 >/dev/null",
                   kStartTimeout);
}

absl::Status NodeOperations::Checkpoint(int ordinal) const {
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> conn, Connect(ordinal));
  return conn->Execute("CHECKPOINT", absl::Minutes(5));
}

absl::StatusOr<Lsn> NodeOperations::StopCleanly(int ordinal) const {
  const std::string name = NodeName(spec_.name, ordinal);
  ASSIGN_OR_RETURN(
      docker::ExecResult result,
      docker_.Exec(name,
                   {"sh", "-c",
                    absl::StrCat(kScriptPreamble,
                                 "pg_ctl -D data stop -m fast -w -t 60 >/dev/null; "
                                 "pg_controldata -D data | sed -n "
                                 "'s/^Latest checkpoint location: *//p'")},
                   "postgres", absl::Seconds(90)));
  std::optional<Lsn> lsn = ParseLsn(std::string(absl::StripAsciiWhitespace(result.stdout_text)));
  if (result.exit_code != 0 || !lsn) {
    return absl::InternalError(absl::StrCat("clean stop of ", name, " failed (exit code ",
                                            result.exit_code, "): ",
                                            Tail(result.stderr_text, 3)));
  }
  return *lsn;
}

absl::Status NodeOperations::WaitReplayedPast(int ordinal, Lsn lsn, absl::Duration timeout) const {
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> conn, Connect(ordinal));
  absl::Time deadline = absl::Now() + timeout;
  Lsn replayed = 0;
  while (true) {
    ASSIGN_OR_RETURN(PgRows rows, conn->Query("SELECT pg_last_wal_replay_lsn()", kConnectTimeout));
    replayed = rows.empty() ? 0 : ParseLsn(rows[0][0].value_or("")).value_or(0);
    if (replayed > lsn) return absl::OkStatus();
    if (absl::Now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return absl::FailedPreconditionError(absl::StrCat(
      NodeName(spec_.name, ordinal), " has replayed WAL up to ", FormatLsn(replayed),
      " but the old primary ended at ", FormatLsn(lsn), "; it cannot take over without loss"));
}

}  // namespace radctl
