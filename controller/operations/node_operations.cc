#include "controller/operations/node_operations.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "controller/config/backup_config.h"
#include "controller/config/endpoints.h"
#include "controller/config/node_config.h"
#include "controller/config/tls_config.h"
#include "controller/operations/node_scripts.h"
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
constexpr absl::Duration kPromoteWait = absl::Seconds(60);
constexpr int kTryAgainLater = 75;  // EX_TEMPFAIL, as node_scripts.h's scripts use it

std::string SlotName(int ordinal) { return absl::StrCat("repmgr_slot_", ordinal); }

}  // namespace

absl::Status NodeOperations::RunScript(int ordinal, const std::string& what,
                                       const std::string& script, absl::Duration timeout) const {
  return RunScriptOutput(ordinal, what, script, timeout).status();
}

absl::StatusOr<docker::ExecResult> NodeOperations::RunScriptOutput(int ordinal,
                                                                   const std::string& what,
                                                                   const std::string& script,
                                                                   absl::Duration timeout) const {
  const std::string name = NodeName(spec_.name, ordinal);
  ASSIGN_OR_RETURN(docker::ExecResult result,
                   env_.runtime.Exec(name, ScriptCommand(script), "postgres", timeout));
  if (result.exit_code != 0) {
    std::string output = OutputTail(result.stderr_text + "\n" + result.stdout_text, 4);
    std::string message =
        absl::StrCat(what, " on ", name, " failed (exit code ", result.exit_code, "): ", output);
    // 75 (EX_TEMPFAIL): the script says "try again later" (a peer could not be reached).
    return result.exit_code == kTryAgainLater ? absl::UnavailableError(message)
                                              : absl::InternalError(message);
  }
  return result;
}

absl::StatusOr<std::optional<MovedAside>> NodeOperations::MoveAside(int ordinal) const {
  const std::string name = NodeName(spec_.name, ordinal);
  const std::string stamp =
      absl::FormatTime("%Y%m%dT%H%M%SZ", env_.clock.Now(), absl::UTCTimeZone());
  ASSIGN_OR_RETURN(docker::ExecResult result,
                   env_.runtime.Exec(name, ScriptCommand(MoveAsideScript(stamp)), "postgres",
                                     absl::Minutes(10)));
  if (result.exit_code != 0) {
    return absl::InternalError(absl::StrCat("moving the data directory of ", name,
                                            " aside failed (exit code ", result.exit_code,
                                            "): ", OutputTail(result.stderr_text, 3)));
  }
  MovedAside moved;
  for (absl::string_view word :
       absl::StrSplit(result.stdout_text, absl::ByAnyChar(" \n"), absl::SkipEmpty())) {
    if (absl::ConsumePrefix(&word, "moved=")) moved.path = absl::StrCat(kNodeHome, "/", word);
    if (absl::ConsumePrefix(&word, "timeline=")) (void)absl::SimpleAtoi(word, &moved.timeline);
    if (absl::ConsumePrefix(&word, "checkpoint=")) {
      moved.checkpoint = ParseLsn(std::string(word)).value_or(0);
    }
  }
  if (moved.path.empty()) return std::optional<MovedAside>();
  return std::optional<MovedAside>(moved);
}

absl::StatusOr<std::optional<Lsn>> NodeOperations::ForkPoint(int primary, int timeline) const {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeSession> session, Connect(primary));
  ASSIGN_OR_RETURN(std::vector<TimelineSwitch> history, session->TimelineHistory(kConnectTimeout));
  for (const TimelineSwitch& entry : history) {
    if (entry.parent == timeline) return std::optional<Lsn>(entry.switchpoint);
  }
  return std::optional<Lsn>();
}

absl::StatusOr<int> NodeOperations::HostPort(int ordinal) const {
  const std::string name = NodeName(spec_.name, ordinal);
  ASSIGN_OR_RETURN(docker::ContainerInfo info, env_.runtime.InspectContainer(name));
  for (const docker::PortBinding& port : info.ports) {
    if (port.container_port == kPostgresPort && port.host_port != 0) return port.host_port;
  }
  // Not running, or cut off from its network: the world changed since it was observed.
  return absl::AbortedError(absl::StrCat(name, " does not publish port ", kPostgresPort,
                                         " (not running, or cut off from its network)"));
}

absl::StatusOr<std::unique_ptr<NodeSession>> NodeOperations::Connect(int ordinal) const {
  ASSIGN_OR_RETURN(int port, HostPort(ordinal));
  return env_.postgres.Connect(NodeEndpoint(spec_, secrets_, port), kConnectTimeout);
}

absl::StatusOr<std::unique_ptr<NodeSession>> NodeOperations::TakeSession(int ordinal) const {
  if (sessions_ == nullptr) return Connect(ordinal);
  // The port as the engine publishes it now: a kept session is on the node that published it
  // when the session was made (a restarted container gets a new port and a new session).
  ASSIGN_OR_RETURN(int port, HostPort(ordinal));
  return sessions_->Take(NodeEndpoint(spec_, secrets_, port), kConnectTimeout);
}

void NodeOperations::ReturnSession(std::unique_ptr<NodeSession> session) const {
  if (sessions_ != nullptr) sessions_->Return(std::move(session));
}

absl::Status NodeOperations::UploadNodeFiles(int ordinal,
                                             std::vector<docker::FileToUpload> more) const {
  std::vector<docker::FileToUpload> files = std::move(more);
  files.push_back(PostgresFile(".pgpass", RenderPgpass(secrets_)));
  files.push_back(PostgresFile("repmgr.conf", RenderRepmgrConf(spec_, ordinal)));
  if (spec_.backup.enabled) {
    files.push_back(PostgresFile("pgbackrest.conf", RenderPgbackrestConf(spec_)));
  }
  // Before Postgres starts: with ssl on and no certificate it would not.
  for (docker::FileToUpload& file : NodeTlsFiles(spec_, secrets_)) files.push_back(std::move(file));
  return env_.runtime.UploadFiles(NodeName(spec_.name, ordinal), kNodeHome, files);
}

absl::Status NodeOperations::CreateNode(int ordinal) const { return CreateContainer(ordinal, {}); }

absl::Status NodeOperations::CreatePrimary(int ordinal) const {
  RETURN_IF_ERROR(CreateContainer(ordinal, InitFiles()));
  return RunInitScript(ordinal);
}

absl::Status NodeOperations::ClaimDataVolume(int ordinal, const std::string& hash) const {
  const std::string volume = VolumeName(spec_.name, ordinal);
  ASSIGN_OR_RETURN(docker::Labels labels,
                   env_.runtime.CreateVolume(volume, NodeLabels(spec_.name, ordinal, hash)));
  auto cluster = labels.find(kLabelCluster);
  if (cluster != labels.end() && cluster->second == spec_.name) return absl::OkStatus();
  // A volume of this name that radctl did not make for this cluster (by hand, or by another
  // tool) may hold another cluster's data: a standby started on it cannot follow this primary
  // (another database system), and an init would refuse it. Neither used nor removed.
  return absl::FailedPreconditionError(absl::StrCat(
      "volume ", volume, " already exists and was not made by radctl for cluster ", spec_.name,
      " (its label ", kLabelCluster, " is ",
      cluster == labels.end() ? std::string("missing") : absl::StrCat("\"", cluster->second, "\""),
      "): it may hold another cluster's data, which radctl neither uses nor deletes. If that "
      "data is not needed, remove it (docker volume rm ",
      volume, ") and apply again; otherwise name the cluster differently"));
}

absl::Status NodeOperations::CreateContainer(int ordinal,
                                             std::vector<docker::FileToUpload> more) const {
  const std::string name = NodeName(spec_.name, ordinal);
  const std::string hash = NodeSpecHash(spec_);
  RETURN_IF_ERROR(ClaimDataVolume(ordinal, hash));
  docker::ContainerConfig config;
  config.name = name;
  config.image = spec_.postgres.image;
  config.hostname = name;
  config.labels = NodeLabels(spec_.name, ordinal, hash);
  config.network = NetworkName(spec_.name);
  config.network_aliases = {name};
  config.mounts = {{VolumeName(spec_.name, ordinal), kNodeHome}};
  if (spec_.backup.enabled) {
    // Every node mounts the repository: whichever is primary archives and backs up into it.
    const std::string repository = BackupRepository(spec_);
    // The repository may be the user's own volume (spec.backup.repository): used as it is.
    RETURN_IF_ERROR(env_.runtime.CreateVolume(repository, RepositoryLabels(spec_.name)).status());
    config.mounts.push_back({repository, kRepositoryMount});
    config.labels[kLabelBackupRepository] = repository;
  }
  config.ports = {{kPostgresPort, "127.0.0.1", 0}};
  config.stop_timeout_s = 30;  // room for a clean shutdown checkpoint
  absl::StatusOr<std::string> created = env_.runtime.CreateContainer(config);
  if (absl::IsNotFound(created.status())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "image ", spec_.postgres.image, " is not present: build it with hack/quickstart.sh"));
  }
  RETURN_IF_ERROR(created.status());
  RETURN_IF_ERROR(UploadNodeFiles(ordinal, std::move(more)));
  return env_.runtime.StartContainer(name);
}

absl::Status NodeOperations::ReplaceContainer(int ordinal) const {
  RETURN_IF_ERROR(StopPostgres(ordinal));
  RETURN_IF_ERROR(env_.runtime.RemoveContainer(NodeName(spec_.name, ordinal)));
  return CreateNode(ordinal);
}

absl::Status NodeOperations::StartContainer(int ordinal) const {
  return env_.runtime.StartContainer(NodeName(spec_.name, ordinal));
}

absl::Status NodeOperations::KillContainer(int ordinal) const {
  absl::Status killed = env_.runtime.KillContainer(NodeName(spec_.name, ordinal), "SIGKILL");
  // NotFound: gone; Aborted: the engine says it is not running. Either way it cannot write.
  if (absl::IsNotFound(killed) || absl::IsAborted(killed)) return absl::OkStatus();
  return killed;
}

std::vector<docker::FileToUpload> NodeOperations::InitFiles() const {
  return {PostgresFile(kInitPostgresqlConfFile, RenderPostgresqlConf(spec_)),
          PostgresFile(kInitPgHbaConfFile, RenderPgHbaConf(spec_.tls.enabled)),
          PostgresFile(kBootstrapSqlFile, RenderBootstrapSql(spec_, secrets_))};
}

absl::Status NodeOperations::InitPrimary(int ordinal) const {
  RETURN_IF_ERROR(UploadNodeFiles(ordinal, InitFiles()));
  return RunInitScript(ordinal);
}

absl::Status NodeOperations::RunInitScript(int ordinal) const {
  absl::StatusOr<docker::ExecResult> result =
      RunScriptOutput(ordinal, "initialising, starting and registering the primary",
                      InitPrimaryScript(), kStartTimeout);
  if (!result.ok()) {
    return absl::Status(result.status().code(),
                        absl::StrCat(result.status().message(), ServerLogErrors(ordinal)));
  }
  std::vector<std::string> phases;
  for (const auto& [phase, at] : ParsePhases(result->stdout_text)) {
    phases.push_back(absl::StrFormat("%s at +%.2fs", phase, absl::ToDoubleSeconds(at)));
  }
  if (!phases.empty()) {
    events_.Progress(
        absl::StrCat(NodeName(spec_.name, ordinal), " init: ", absl::StrJoin(phases, ", ")));
  }
  return absl::OkStatus();
}

absl::Status NodeOperations::StartPostgres(int ordinal) const {
  absl::Status started = RunScript(ordinal, "pg_ctl start", StartPostgresScript(), kStartTimeout);
  if (started.ok()) return started;
  // pg_ctl only says "could not start server; examine the log output": the log is the
  // container's, and its last errors say why.
  return absl::Status(started.code(), absl::StrCat(started.message(), ServerLogErrors(ordinal)));
}

std::string NodeOperations::ServerLogErrors(int ordinal) const {
  absl::StatusOr<std::string> log = env_.runtime.ContainerLogs(NodeName(spec_.name, ordinal), 40);
  if (!log.ok()) return "";
  std::vector<std::string> errors;
  for (absl::string_view line : absl::StrSplit(*log, '\n', absl::SkipWhitespace())) {
    for (absl::string_view level : {"FATAL:  ", "PANIC:  ", "ERROR:  "}) {
      size_t at = line.find(level);
      if (at != absl::string_view::npos) errors.push_back(std::string(line.substr(at)));
    }
  }
  if (errors.size() > 3) errors.erase(errors.begin(), errors.end() - 3);
  return errors.empty() ? ""
                        : absl::StrCat("; the server log says: ", absl::StrJoin(errors, " | "));
}

absl::Status NodeOperations::StopPostgres(int ordinal) const {
  absl::Status stopped =
      RunScript(ordinal, "pg_ctl stop", StopImmediatelyScript(), absl::Seconds(10));
  if (absl::IsNotFound(stopped)) return absl::OkStatus();  // the container is gone
  return stopped;
}

absl::Status NodeOperations::CloneStandby(int ordinal, int source) const {
  RETURN_IF_ERROR(UploadNodeFiles(ordinal));
  const std::string name = NodeName(spec_.name, ordinal);
  const std::string source_name = NodeName(spec_.name, source);
  absl::Time start = env_.clock.Monotonic();
  auto step = [&](const std::string& what) {
    events_.Progress(absl::StrCat(
        name, " clone: ", what, " at +",
        absl::StrFormat("%.2fs", absl::ToDoubleSeconds(env_.clock.Monotonic() - start))));
  };
  RETURN_IF_ERROR(RunScript(ordinal, absl::StrCat("repmgr standby clone from ", source_name),
                            CloneScript(source_name, spec_.tls.enabled), kCloneTimeout));
  step("copied");
  RETURN_IF_ERROR(RunScript(ordinal, "pg_ctl start", StartCloneScript(), kStartTimeout));
  step("started");
  // `standby register` right after the start can race the standby's attachment: wait for it.
  RETURN_IF_ERROR(WaitStreaming(ordinal, source, kStartTimeout));
  step("streaming");
  return RunScript(ordinal, "repmgr standby register", RegisterStandbyScript(source),
                   kQuickTimeout);
}

absl::Status NodeOperations::Follow(int ordinal, int primary) const {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeSession> on_primary, Connect(primary));
  // What `repmgr standby follow` does, without its once-a-second polling: a slot for the
  // standby on the primary, the standby's upstream switched by a reload, repmgr's record
  // updated. A standby whose history diverged from the new primary's cannot stream from it and
  // fails here; the planner then decides what to do with it.
  RETURN_IF_ERROR(PointAt(ordinal, primary, *on_primary));
  // Short: a standby that cannot follow (diverged) fails here; meanwhile the loop waits.
  RETURN_IF_ERROR(WaitStreaming(ordinal, primary, absl::Seconds(5)));
  return RecordUpstream(*on_primary, ordinal, primary);
}

absl::Status NodeOperations::PointAt(int ordinal, int upstream, NodeSession& on_upstream) const {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeSession> on_standby, Connect(ordinal));
  RETURN_IF_ERROR(EnsureSlotFor(on_upstream, ordinal));
  return SetUpstream(*on_standby, ordinal, upstream);
}

absl::Status NodeOperations::EnsureSlotFor(NodeSession& on_upstream, int ordinal) const {
  return on_upstream.EnsureSlot(SlotName(ordinal), kConnectTimeout);
}

absl::Status NodeOperations::SetUpstream(NodeSession& on_standby, int ordinal, int upstream) const {
  std::string conninfo =
      absl::StrCat("host=", NodeName(spec_.name, upstream), " port=", kPostgresPort,
                   " user=", kRepmgrUser, " application_name=", NodeName(spec_.name, ordinal),
                   " connect_timeout=2", NodeConninfoTls(spec_));
  return on_standby.SetUpstream(conninfo, SlotName(ordinal), kConnectTimeout);
}

absl::Status NodeOperations::RecordUpstream(NodeSession& on_primary, int ordinal,
                                            int upstream) const {
  return on_primary.RecordUpstream(ordinal, upstream, kConnectTimeout);
}

absl::Status NodeOperations::Rejoin(int ordinal, int primary) const {
  RETURN_IF_ERROR(UploadNodeFiles(ordinal));
  const std::string primary_name = NodeName(spec_.name, primary);
  // A just-promoted primary's control file names its new timeline only after a checkpoint;
  // without one pg_rewind sees both sides on the same timeline and rewinds nothing.
  ASSIGN_OR_RETURN(std::unique_ptr<NodeSession> on_primary, Connect(primary));
  // Its WAL goes on in a new segment first (NodeSession::SwitchWal), so that the checkpoint
  // removes the segments of older timelines pg_rewind would copy. Here and not in the failover:
  // the switch makes the primary create a segment file, and its commits wait for that, which in
  // a failover would lengthen the outage. A failure of the switch shows in the checkpoint's, on
  // the same session.
  (void)on_primary->SwitchWal();
  if (absl::Status checkpoint = on_primary->Checkpoint(absl::Minutes(5)); !checkpoint.ok()) {
    // Nothing was touched yet: worth trying again, not a reason to give the node up.
    return absl::UnavailableError(absl::StrCat(
        "checkpoint on ", primary_name, " before the rewind failed: ", checkpoint.message()));
  }
  RETURN_IF_ERROR(RunScript(ordinal,
                            absl::StrCat("repmgr node rejoin (pg_rewind) to ", primary_name),
                            RejoinScript(primary_name, spec_.tls.enabled), kCloneTimeout));
  return WaitStreaming(ordinal, primary, absl::Seconds(60));
}

absl::Status NodeOperations::WaitStreaming(int ordinal, int upstream,
                                           absl::Duration timeout) const {
  const std::string upstream_name = NodeName(spec_.name, upstream);
  absl::Time deadline = env_.clock.Monotonic() + timeout;
  std::string last = "no answer yet";
  std::unique_ptr<NodeSession> session;
  while (env_.clock.Monotonic() < deadline) {
    if (session == nullptr || session->broken()) {
      absl::StatusOr<std::unique_ptr<NodeSession>> connected = Connect(ordinal);
      if (connected.ok()) {
        session = std::move(*connected);
      } else {
        last = std::string(connected.status().message());
        session.reset();
      }
    }
    if (session != nullptr) {
      absl::StatusOr<WalReceiver> receiver = session->ReadWalReceiver(kConnectTimeout);
      if (receiver.ok() && receiver->status == "streaming" &&
          receiver->sender_host == upstream_name) {
        return absl::OkStatus();
      }
      last =
          receiver.ok() ? "WAL receiver not streaming" : std::string(receiver.status().message());
    }
    env_.clock.SleepFor(absl::Milliseconds(50));
  }
  return absl::DeadlineExceededError(
      absl::StrCat(NodeName(spec_.name, ordinal), " does not stream from ", upstream_name,
                   " after ", absl::FormatDuration(timeout), ": ", last));
}

absl::Status NodeOperations::Promote(int ordinal) const {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeSession> session, Connect(ordinal));
  return Promote(*session);
}

absl::Status NodeOperations::Promote(NodeSession& session) const {
  return session.Promote(kPromoteWait);
}

absl::Status NodeOperations::ApplyAppRole(int ordinal) const {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeSession> session, Connect(ordinal));
  return session->ApplyAppRole(spec_.auth.user, spec_.auth.database, secrets_.app_scram,
                               absl::Seconds(30));
}

absl::Status NodeOperations::RecordPrimary(int ordinal) const {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeSession> session, Connect(ordinal));
  return RecordPrimary(*session, ordinal);
}

absl::Status NodeOperations::RecordPrimary(NodeSession& session, int ordinal) const {
  return session.RecordPrimary(ordinal, absl::Seconds(10));
}

absl::Status NodeOperations::RemoveNode(int ordinal, int primary) const {
  RETURN_IF_ERROR(env_.runtime.RemoveContainer(NodeName(spec_.name, ordinal)));
  RETURN_IF_ERROR(DropSlot(ordinal, primary));
  ASSIGN_OR_RETURN(std::unique_ptr<NodeSession> on_primary, Connect(primary));
  RETURN_IF_ERROR(on_primary->DeleteRecord(ordinal, kConnectTimeout));
  return env_.runtime.RemoveVolume(VolumeName(spec_.name, ordinal));
}

absl::Status NodeOperations::DropSlot(int ordinal, int primary) const {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeSession> on_primary, Connect(primary));
  return on_primary->DropSlot(SlotName(ordinal), kConnectTimeout);
}

absl::Status NodeOperations::Reconfigure(int ordinal) const {
  // The TLS files first: the configuration that names them is read only by the reload below.
  RETURN_IF_ERROR(UploadNodeFiles(ordinal));
  RETURN_IF_ERROR(env_.runtime.UploadFiles(
      NodeName(spec_.name, ordinal), kNodeHome,
      {PostgresFile("data/postgresql.conf", RenderPostgresqlConf(spec_)),
       PostgresFile("data/pg_hba.conf", RenderPgHbaConf(spec_.tls.enabled))}));
  ASSIGN_OR_RETURN(std::unique_ptr<NodeSession> session, Connect(ordinal));
  return session->Reload(kConnectTimeout);
}

absl::Status NodeOperations::RestartPostgres(int ordinal) const {
  absl::Status restarted = RunScript(ordinal, "pg_ctl restart", RestartScript(), kStartTimeout);
  if (restarted.ok()) return restarted;
  return absl::Status(restarted.code(),
                      absl::StrCat(restarted.message(), ServerLogErrors(ordinal)));
}

absl::Status NodeOperations::Checkpoint(int ordinal) const {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeSession> session, Connect(ordinal));
  return session->Checkpoint(absl::Minutes(5));
}

absl::StatusOr<Lsn> NodeOperations::StopCleanly(int ordinal) const {
  const std::string name = NodeName(spec_.name, ordinal);
  ASSIGN_OR_RETURN(
      docker::ExecResult result,
      env_.runtime.Exec(name, ScriptCommand(StopCleanlyScript()), "postgres", absl::Seconds(90)));
  std::optional<Lsn> lsn = ParseLsn(std::string(absl::StripAsciiWhitespace(result.stdout_text)));
  if (result.exit_code != 0 || !lsn) {
    return absl::InternalError(absl::StrCat("clean stop of ", name, " failed (exit code ",
                                            result.exit_code,
                                            "): ", OutputTail(result.stderr_text, 3)));
  }
  return *lsn;
}

absl::Status NodeOperations::WaitReplayedPast(int ordinal, Lsn lsn, absl::Duration timeout) const {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeSession> session, Connect(ordinal));
  return WaitReplayedPast(*session, ordinal, lsn, timeout);
}

absl::Status NodeOperations::WaitReplayedPast(NodeSession& session, int ordinal, Lsn lsn,
                                              absl::Duration timeout) const {
  absl::Time deadline = env_.clock.Monotonic() + timeout;
  Lsn replayed = 0;
  while (true) {
    ASSIGN_OR_RETURN(replayed, session.ReplayLsn(kConnectTimeout));
    if (replayed > lsn) return absl::OkStatus();
    if (env_.clock.Monotonic() > deadline) break;
    env_.clock.SleepFor(absl::Milliseconds(10));
  }
  return absl::AbortedError(absl::StrCat(NodeName(spec_.name, ordinal), " has replayed WAL up to ",
                                         FormatLsn(replayed), " but the old primary ended at ",
                                         FormatLsn(lsn), "; it cannot take over without loss"));
}

}  // namespace radctl
