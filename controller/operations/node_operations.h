// The mechanics of one Postgres node: creating its container, initialising, cloning, starting,
// fencing, promoting, following, rejoining. Each operation is a short, fixed sequence of exec /
// upload / NodeSession calls through the Env, safe to repeat after a crash (an interrupted
// initialisation or clone leaves a marker that makes the data directory count as empty). It
// decides nothing: which operation runs, when and how, is the planner's.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/clients/env.h"
#include "controller/clients/postgres/session_pool.h"
#include "controller/config/secrets.h"
#include "controller/state/event_log.h"
#include "crd-like-specs/cluster_spec.h"
#include "reconcilers/lsn.h"

namespace radctl {

// A data directory moved aside before a rebuild: where it is kept, and what it held.
struct MovedAside {
  std::string path;  // in the node's volume
  int timeline = 0;
  Lsn checkpoint = 0;  // its last checkpoint
};

class NodeOperations {
 public:
  NodeOperations(const Env& env, const ClusterSpec& spec, const ClusterSecrets& secrets,
                 EventLog& events)
      : env_(env), spec_(spec), secrets_(secrets), events_(events) {}

  // Volume (kept if it exists), container on the cluster network with 5432 published on
  // 127.0.0.1, node files uploaded, started. Postgres is not touched. FailedPrecondition when
  // the image is missing.
  [[nodiscard]] absl::Status CreateNode(int ordinal) const;
  // A new cluster's first node: CreateNode, then InitPrimary's script; the files of both go in
  // the one upload before the container starts (each upload costs Docker 60-80 ms).
  [[nodiscard]] absl::Status CreatePrimary(int ordinal) const;
  [[nodiscard]] absl::Status StartContainer(int ordinal) const;
  // docker kill: the whole container stops at once (a fence that needs nothing of Postgres).
  // OK also when it is not running or does not exist.
  [[nodiscard]] absl::Status KillContainer(int ordinal) const;

  // initdb (checksums on), config, start, roles and databases, repmgr primary register.
  [[nodiscard]] absl::Status InitPrimary(int ordinal) const;
  // pg_ctl start of an initialised data directory (standby or registered primary).
  [[nodiscard]] absl::Status StartPostgres(int ordinal) const;
  // Stops Postgres at once, from inside the container. OK when the container is gone or
  // Postgres was not running.
  [[nodiscard]] absl::Status StopPostgres(int ordinal) const;

  // Wipes the data directory, clones it from `source` with repmgr (replication slot on the
  // source), starts it, waits until it streams, registers it.
  [[nodiscard]] absl::Status CloneStandby(int ordinal, int source) const;
  // The standby streams from `primary` from now on (slot, primary_conninfo, reload, record).
  [[nodiscard]] absl::Status Follow(int ordinal, int primary) const;
  // The standby's WAL receiver is pointed at `upstream` (its slot there, primary_conninfo,
  // reload), without waiting for it to attach. `upstream` may still be a standby: the receiver
  // then streams from it in cascade and goes on to its new timeline the moment it is promoted.
  [[nodiscard]] absl::Status PointAt(int ordinal, int upstream, NodeSession& on_upstream) const;
  // PointAt in its two parts, for a caller that holds both sessions: the standby's slot on
  // its upstream, then its primary_conninfo and a reload (which needs the slot to exist).
  [[nodiscard]] absl::Status EnsureSlotFor(NodeSession& on_upstream, int ordinal) const;
  [[nodiscard]] absl::Status SetUpstream(NodeSession& on_standby, int ordinal, int upstream) const;
  // repmgr's record of the standby `ordinal`: it streams from `upstream`.
  [[nodiscard]] absl::Status RecordUpstream(NodeSession& on_primary, int ordinal,
                                            int upstream) const;
  // repmgr node rejoin --force-rewind: pg_rewind against `primary`, then stream from it. On
  // failure the data directory is left a former primary's, so the planner can choose again:
  // Unavailable or DeadlineExceeded when the primary could not be reached or the node did not
  // attach in time (transient: worth retrying), Internal when the rewind itself failed.
  [[nodiscard]] absl::Status Rejoin(int ordinal, int primary) const;

  // Scale down: the container and its volume removed, then the node's slot and repmgr record
  // dropped on `primary`.
  [[nodiscard]] absl::Status RemoveNode(int ordinal, int primary) const;
  // Drops node `ordinal`'s replication slot on `primary` (if it exists and is not in use).
  [[nodiscard]] absl::Status DropSlot(int ordinal, int primary) const;
  // Uploads postgresql.conf and pg_hba.conf rendered from the spec, then reloads.
  [[nodiscard]] absl::Status Reconfigure(int ordinal) const;
  // pg_ctl restart -m fast (a clean shutdown checkpoint, then start).
  [[nodiscard]] absl::Status RestartPostgres(int ordinal) const;
  // Clean shutdown of a primary; returns the location of its shutdown checkpoint, the last WAL a
  // standby must have replayed before it may take over without losing anything.
  [[nodiscard]] absl::StatusOr<Lsn> StopCleanly(int ordinal) const;
  // Waits until `ordinal` has replayed WAL past `lsn`; Aborted when it has not within `timeout`.
  [[nodiscard]] absl::Status WaitReplayedPast(int ordinal, Lsn lsn, absl::Duration timeout) const;
  [[nodiscard]] absl::Status WaitReplayedPast(NodeSession& session, int ordinal, Lsn lsn,
                                              absl::Duration timeout) const;
  [[nodiscard]] absl::Status Checkpoint(int ordinal) const;
  // Waits until the standby streams from `upstream` (after a start or restart).
  [[nodiscard]] absl::Status WaitStreaming(int ordinal, int upstream, absl::Duration timeout) const;

  // Moves a real data directory aside in the node's volume (the newest one kept); nullopt when
  // there was none (empty, or an interrupted clone).
  [[nodiscard]] absl::StatusOr<std::optional<MovedAside>> MoveAside(int ordinal) const;
  // Where `primary`'s history left `timeline` (from its timeline history); nullopt when its
  // history does not include that timeline.
  [[nodiscard]] absl::StatusOr<std::optional<Lsn>> ForkPoint(int primary, int timeline) const;

  // Stops the standby's Postgres, removes its container and creates it again from the spec's
  // image on the same volume (the data directory, TLS files and configuration stay); the image's
  // entrypoint starts a standby's Postgres on its own.
  [[nodiscard]] absl::Status ReplaceContainer(int ordinal) const;
  // Promotes the standby `ordinal`; OK if it is already a primary.
  [[nodiscard]] absl::Status Promote(int ordinal) const;
  [[nodiscard]] absl::Status Promote(NodeSession& session) const;
  // The app role (spec.auth.user) with the cluster's SCRAM secret and its database on the
  // primary `ordinal`, created if missing.
  [[nodiscard]] absl::Status ApplyAppRole(int ordinal) const;
  // repmgr's records: `ordinal` is the active primary, every other primary record inactive.
  [[nodiscard]] absl::Status RecordPrimary(int ordinal) const;
  [[nodiscard]] absl::Status RecordPrimary(NodeSession& session, int ordinal) const;

  // A session to node `ordinal`, over its published port. Steps taken while clients are held
  // (a handover's replay check, promotion, records) share one opened beforehand: each login
  // (an inspect for the port, TLS, SCRAM) costs 10-30 ms on a busy machine. The overloads
  // taking a session do the same as those taking an ordinal, on it.
  [[nodiscard]] absl::StatusOr<std::unique_ptr<NodeSession>> Connect(int ordinal) const;
  // Connect, taking the session the observer keeps on the node when there is one (set_sessions):
  // for a failover, which must not spend a login's time while clients are held. Given back with
  // ReturnSession.
  [[nodiscard]] absl::StatusOr<std::unique_ptr<NodeSession>> TakeSession(int ordinal) const;
  void ReturnSession(std::unique_ptr<NodeSession> session) const;
  void set_sessions(SessionPool* sessions) { sessions_ = sessions; }

 private:
  // The files every node needs (.pgpass, repmgr.conf, TLS, pgBackRest's), with `more`, in one
  // upload.
  [[nodiscard]] absl::Status UploadNodeFiles(int ordinal,
                                             std::vector<docker::FileToUpload> more = {}) const;
  // Creates the node's data volume, or takes the one of its name that radctl made for this
  // cluster before; FailedPrecondition for one made otherwise.
  [[nodiscard]] absl::Status ClaimDataVolume(int ordinal, const std::string& hash) const;
  // CreateNode, with `more` in its upload.
  [[nodiscard]] absl::Status CreateContainer(int ordinal,
                                             std::vector<docker::FileToUpload> more) const;
  // The configuration and bootstrap SQL the init script moves into place and runs.
  [[nodiscard]] std::vector<docker::FileToUpload> InitFiles() const;
  // The init script, on files uploaded before; its phases are reported as progress.
  [[nodiscard]] absl::Status RunInitScript(int ordinal) const;
  // Runs one of node_scripts.h's scripts in the node; fails with its last output lines.
  [[nodiscard]] absl::Status RunScript(int ordinal, const std::string& what,
                                       const std::string& script, absl::Duration timeout) const;
  // The same, with the script's output.
  [[nodiscard]] absl::StatusOr<docker::ExecResult> RunScriptOutput(int ordinal,
                                                                   const std::string& what,
                                                                   const std::string& script,
                                                                   absl::Duration timeout) const;
  [[nodiscard]] absl::StatusOr<int> HostPort(int ordinal) const;
  // The last errors in the node's server log, as "; the server log says: ..." ("" if none).
  std::string ServerLogErrors(int ordinal) const;

  const Env& env_;
  const ClusterSpec& spec_;
  const ClusterSecrets& secrets_;
  EventLog& events_;                 // progress of long operations (where the time goes)
  SessionPool* sessions_ = nullptr;  // the observer's kept sessions (TakeSession)
};

}  // namespace radctl
