#include "controller/loop/executor.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "controller/config/bouncer_config.h"
#include "controller/operations/stop_answer.h"
#include "controller/state/backup_lock.h"
#include "controller/state/cluster_credentials.h"
#include "controller/state/cluster_tls.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/naming.h"
#include "reconcilers/quorum.h"

namespace radctl {
namespace {

std::string Seconds(absl::Duration d) { return absl::StrFormat("%.2fs", absl::ToDoubleSeconds(d)); }

}  // namespace

std::string EventReason(ActionType type) {
  switch (type) {
    case ActionType::kCreateNetwork:
      return "CreateNetwork";
    case ActionType::kCreateNode:
      return "CreateNode";
    case ActionType::kStartContainer:
      return "StartContainer";
    case ActionType::kCreateBouncer:
      return "CreateBouncer";
    case ActionType::kRemoveBouncer:
      return "RemoveBouncer";
    case ActionType::kAddLoginHold:
      return "AddLoginHold";
    case ActionType::kFence:
      return "Fence";
    case ActionType::kInitPrimary:
      return "InitPrimary";
    case ActionType::kCreatePrimary:
      return "CreatePrimary";
    case ActionType::kStartPrimary:
      return "StartPrimary";
    case ActionType::kRecordPrimary:
      return "RecordPrimary";
    case ActionType::kHoldClients:
      return "HoldClients";
    case ActionType::kFailover:
      return "Failover";
    case ActionType::kPointBouncer:
      return "PointBouncer";
    case ActionType::kCloneStandby:
      return "CloneStandby";
    case ActionType::kStartStandby:
      return "StartStandby";
    case ActionType::kFollow:
      return "Follow";
    case ActionType::kRejoin:
      return "Rejoin";
    case ActionType::kRebuild:
      return "Rebuild";
    case ActionType::kRemoveNode:
      return "RemoveNode";
    case ActionType::kReconfigure:
      return "Reconfigure";
    case ActionType::kRestartStandby:
      return "RestartStandby";
    case ActionType::kRestartPrimary:
      return "RestartPrimary";
    case ActionType::kSwitchover:
      return "Switchover";
    case ActionType::kDropSlot:
      return "DropSlot";
    case ActionType::kCreateStanza:
      return "CreateStanza";
    case ActionType::kBackup:
      return "Backup";
    case ActionType::kRestorePrimary:
      return "RestorePrimary";
    case ActionType::kReplaceContainer:
      return "ReplaceContainer";
    case ActionType::kRenewCertificate:
      return "RenewCertificate";
    case ActionType::kRequireTls:
      return "RequireTls";
    case ActionType::kAllowPlaintext:
      return "AllowPlaintext";
    case ActionType::kApplyCredentials:
      return "ApplyCredentials";
    case ActionType::kRefreshBouncer:
      return "RefreshBouncer";
    case ActionType::kCreateReadBouncer:
      return "CreateReadBouncer";
    case ActionType::kRemoveReadBouncer:
      return "RemoveReadBouncer";
    case ActionType::kPointReadBouncer:
      return "PointReadBouncer";
    case ActionType::kDelayStop:
      return "DelayStop";
    case ActionType::kAllowStop:
      return "AllowStop";
  }
  return "Unknown";
}

std::string Executor::ObjectName(const Action& action) const {
  switch (action.type) {
    case ActionType::kCreateNetwork:
      return NetworkName(spec_.name);
    case ActionType::kCreateBouncer:
    case ActionType::kRemoveBouncer:
    case ActionType::kAddLoginHold:
    case ActionType::kHoldClients:
    case ActionType::kPointBouncer:
    case ActionType::kApplyCredentials:
    case ActionType::kRefreshBouncer:
      return BouncerName(spec_.name);
    case ActionType::kRenewCertificate:
    case ActionType::kRequireTls:
    case ActionType::kAllowPlaintext:
      return spec_.name;
    case ActionType::kCreateReadBouncer:
    case ActionType::kRemoveReadBouncer:
    case ActionType::kPointReadBouncer:
      return ReadBouncerName(spec_.name);
    default:
      return NodeName(spec_.name, action.ordinal);
  }
}

ActionOutcome Executor::RunOne(const Action& action) {
  const std::string object = ObjectName(action);
  const std::string what = EventReason(action.type);
  events_.Normal(object, what, action.reason);
  absl::Time start = env_.clock.Monotonic();
  absl::Status status = Execute(action);
  absl::Duration took = env_.clock.Monotonic() - start;
  if (status.ok()) {
    events_.Progress(
        absl::StrCat(object, " ", ActionTypeName(action.type), ": done in ", Seconds(took)));
  } else {
    events_.Warning(object, absl::StrCat(what, "Failed"),
                    absl::StrCat(status.message(), " (after ", Seconds(took), ")"));
  }
  return {action, status};
}

std::vector<ActionOutcome> Executor::Run(const std::vector<Action>& actions) {
  std::vector<ActionOutcome> outcomes(actions.size());
  std::vector<std::function<void()>> work;
  for (size_t i = 0; i < actions.size(); ++i) {
    work.push_back([this, i, &actions, &outcomes] { outcomes[i] = RunOne(actions[i]); });
  }
  env_.tasks.RunAll(std::move(work));
  return outcomes;
}

absl::Status Executor::Execute(const Action& action) {
  switch (action.type) {
    case ActionType::kCreateNetwork:
      return env_.runtime.CreateNetwork(NetworkName(spec_.name), ClusterLabels(spec_.name));
    case ActionType::kCreateNode:
      return nodes_.CreateNode(action.ordinal);
    case ActionType::kStartContainer:
      return nodes_.StartContainer(action.ordinal);
    case ActionType::kCreateBouncer:
      return bouncer_.Create();
    case ActionType::kRemoveBouncer:
      return bouncer_.Remove();
    case ActionType::kAddLoginHold:
      return bouncer_.AddLoginHold();
    case ActionType::kCreateReadBouncer:
      return read_bouncer_.Create();
    case ActionType::kRemoveReadBouncer:
      return read_bouncer_.Remove();
    case ActionType::kPointReadBouncer:
      return read_bouncer_.Retarget(action.targets);
    case ActionType::kDelayStop:
    case ActionType::kAllowStop:
      return AnswerStop(env_.runtime, NodeName(spec_.name, action.ordinal),
                        action.type == ActionType::kAllowStop);
    case ActionType::kFence:
      return Fence(action.ordinal, action.fence);
    case ActionType::kCreatePrimary:
      RETURN_IF_ERROR(nodes_.CreatePrimary(action.ordinal));
      return RecordPrimary(action.ordinal);
    case ActionType::kInitPrimary:
      RETURN_IF_ERROR(nodes_.InitPrimary(action.ordinal));
      return RecordPrimary(action.ordinal);
    case ActionType::kStartPrimary: {
      RETURN_IF_ERROR(nodes_.StartPostgres(action.ordinal));
      // Connections made while it was down may have reached a neighbour that took its address.
      if (absl::Status reconnected = bouncer_.Reconnect(); !reconnected.ok()) {
        events_.Warning(BouncerName(spec_.name), "ReconnectFailed",
                        std::string(reconnected.message()));
      }
      return absl::OkStatus();
    }
    case ActionType::kStartStandby:
      return nodes_.StartPostgres(action.ordinal);
    case ActionType::kRecordPrimary:
      return action.asynchronous_next ? RecordAsynchronousFrom(action.ordinal)
                                      : RecordPrimary(action.ordinal, action.synchronous_number);
    case ActionType::kHoldClients: {
      bool paused = false;
      return Hold(action, &paused);  // resumed by the failover, or by a later repoint
    }
    case ActionType::kFailover:
      return Failover(action);
    case ActionType::kPointBouncer:
      return PointBouncer(action);
    case ActionType::kCloneStandby:
      return nodes_.CloneStandby(action.ordinal, action.source);
    case ActionType::kRebuild:
      return Rebuild(action.ordinal, action.source);
    case ActionType::kFollow:
      return nodes_.Follow(action.ordinal, action.source);
    case ActionType::kRejoin:
      return nodes_.Rejoin(action.ordinal, action.source);
    case ActionType::kRemoveNode:
      return nodes_.RemoveNode(action.ordinal, action.source);
    case ActionType::kDropSlot:
      return nodes_.DropSlot(action.ordinal, action.source);
    case ActionType::kReconfigure:
      return nodes_.Reconfigure(action.ordinal);
    case ActionType::kRestartStandby: {
      absl::Status restarted = nodes_.RestartPostgres(action.ordinal);
      if (!restarted.ok()) return restarted;
      return nodes_.WaitStreaming(action.ordinal, action.source, absl::Seconds(60));
    }
    case ActionType::kRestartPrimary:
      return RestartPrimary(action);
    case ActionType::kSwitchover:
      return Switchover(action);
    case ActionType::kCreateStanza:
      return backups_.CreateStanza(action.ordinal);
    case ActionType::kBackup:
      return Backup(action.ordinal);
    case ActionType::kRestorePrimary:
      return RestorePrimary(action.ordinal);
    case ActionType::kReplaceContainer: {
      RETURN_IF_ERROR(nodes_.ReplaceContainer(action.ordinal));
      return nodes_.WaitStreaming(action.ordinal, action.source, absl::Seconds(60));
    }
    case ActionType::kRenewCertificate:
      return RenewServerCertificate(store_, spec_, secrets_, env_.clock.Now());
    case ActionType::kRequireTls:
    case ActionType::kAllowPlaintext:
      return WriteTlsRequired(store_.files(), store_.dir(), action.type == ActionType::kRequireTls);
    case ActionType::kApplyCredentials:
      return ApplyCredentials(action.source);
    case ActionType::kRefreshBouncer:
      return bouncer_.Refresh(action.source);
  }
  return absl::InternalError("unknown action");
}

absl::Status Executor::Backup(int ordinal) {
  absl::StatusOr<BackupLock> lock = BackupLock::Acquire(env_.clock, store_.dir(), spec_.name,
                                                        "radctl apply --watch (scheduled backup)");
  // Another backup of the cluster runs (radctl backup): the schedule is met by it; look later.
  if (!lock.ok()) return absl::UnavailableError(lock.status().message());
  ASSIGN_OR_RETURN(BackupResult result, backups_.Backup(ordinal, "full"));
  events_.Normal(NodeName(spec_.name, ordinal), "BackupDone",
                 absl::StrCat(result.record.type, " backup ", result.record.label, ": ",
                              HumanBytes(result.record.size), " of data, ",
                              HumanBytes(result.record.repo_size), " added to the repository ",
                              BackupRepository(spec_), ", in ", Seconds(result.took)));
  return absl::OkStatus();
}

absl::Status Executor::RestorePrimary(int ordinal) {
  ASSIGN_OR_RETURN(RestoreResult result, backups_.RestorePrimary(ordinal));
  events_.Normal(
      NodeName(spec_.name, ordinal), "Restored",
      absl::StrCat("from cluster ", spec_.bootstrap.recovery->from_cluster, "'s backup ",
                   result.choice.backup_label, ", recovered to ", result.choice.description,
                   result.summary.empty() ? "" : absl::StrCat(": ", result.summary)));
  return RecordPrimary(ordinal);
}

absl::Status Executor::Fence(int ordinal, FenceMethod method) {
  switch (method) {
    case FenceMethod::kStopPostgres:
      return nodes_.StopPostgres(ordinal);
    case FenceMethod::kKillContainer:
      return nodes_.KillContainer(ordinal);
    case FenceMethod::kAlreadyKilled:
    case FenceMethod::kAlreadyStopped:
      return absl::OkStatus();
  }
  return absl::InternalError("unknown fence method");
}

absl::Status Executor::Failover(const Action& action) {
  const int new_primary = action.ordinal;
  const int old_primary = action.source;
  absl::Time start = env_.clock.Monotonic();
  auto step = [&](const std::string& what) {
    events_.Progress(
        absl::StrCat("failover: ", what, " at +", Seconds(env_.clock.Monotonic() - start)));
  };
  absl::StatusOr<std::unique_ptr<NodeSession>> successor = absl::UnknownError("not logged in");
  std::unique_ptr<Task> successor_login =
      env_.tasks.Start([&] { successor = nodes_.TakeSession(new_primary); });
  std::unique_ptr<FollowerLogins> followers = StartFollowerLogins(action);
  bool paused = false;
  RETURN_IF_ERROR(Hold(action, &paused));
  if (paused) step("bouncer paused");
  // The bouncer's config naming the successor is uploaded while it is promoted (an upload is a
  // Docker archive request of 50-80 ms): PgBouncer reads it only at the RELOAD after the record.
  // A failover that stops before the record writes the old primary's back, so that a bouncer
  // restarted meanwhile cannot send clients to a primary that is not recorded.
  absl::Status uploaded = absl::UnknownError("not uploaded");
  absl::Duration upload_took;
  std::unique_ptr<Task> upload = env_.tasks.Start([&] {
    uploaded = bouncer_.PrepareTarget(new_primary);
    upload_took = env_.clock.Monotonic() - start;
  });
  absl::Status status = absl::OkStatus();
  if (old_primary != 0) {
    status = Fence(old_primary, action.fence);
    if (status.ok()) step(absl::StrCat(NodeName(spec_.name, old_primary), " fenced"));
  }
  // One session for promotion and the records.
  successor_login->Wait();
  if (status.ok()) status = successor.status();
  followers->Wait();
  std::vector<int> following;
  if (status.ok()) status = PromoteWithFollowers(action, **successor, *followers, step, &following);
  bool recorded = false;
  if (status.ok()) {
    step(absl::StrCat(NodeName(spec_.name, new_primary), " promoted"));
    status = RecordPrimary(**successor, new_primary);
    recorded = status.ok();
    if (recorded) step("recorded as the primary");
  }
  upload->Wait();
  if (uploaded.ok()) {
    // Said after the record, with its own time: where the repoint waited for it, it shows.
    events_.Progress(absl::StrCat("failover: the bouncer's config naming ",
                                  NodeName(spec_.name, new_primary), " was uploaded at +",
                                  Seconds(upload_took)));
  }
  if (status.ok()) status = uploaded;
  if (status.ok()) status = bouncer_.Reload();
  if (status.ok()) {
    step(absl::StrCat("bouncer points to ", NodeName(spec_.name, new_primary)));
  } else if (uploaded.ok() && !recorded && old_primary != 0) {
    if (absl::Status restored = bouncer_.PrepareTarget(old_primary); !restored.ok()) {
      events_.Warning(
          BouncerName(spec_.name), "RestoreConfigFailed",
          absl::StrCat("the failover stopped before its new primary was recorded, "
                       "with the bouncer's config naming it uploaded (",
                       NodeName(spec_.name, new_primary), "); writing back ",
                       NodeName(spec_.name, old_primary), "'s failed: ", restored.message(),
                       ". Should a restart load the file, radctl repoints it"));
    }
  }
  if (paused) {
    // Always: clients held by PAUSE must never stay held because a later step failed.
    absl::Status resumed = bouncer_.Resume();
    if (status.ok()) status = resumed;
    step("bouncer resumed");
  }
  // repmgr's records of the standbys that follow it: its metadata, not what routes clients, so
  // written once they are resumed (each a local commit on the new primary).
  if (recorded) RecordUpstreams(**successor, following, new_primary);
  GiveBack(successor, *followers);
  return status;
}

// The sessions a promotion used go back to the observer's pool, after clients are resumed: its
// next probe of the new primary needs no login either.
void Executor::GiveBack(absl::StatusOr<std::unique_ptr<NodeSession>>& successor,
                        FollowerLogins& followers) {
  if (successor.ok()) nodes_.ReturnSession(*std::move(successor));
  followers.Wait();
  for (absl::StatusOr<std::unique_ptr<NodeSession>>& session : followers.sessions) {
    if (session.ok()) nodes_.ReturnSession(*std::move(session));
  }
}

void Executor::FollowerLogins::Wait() {
  for (std::unique_ptr<Task>& task : tasks) task->Wait();
}

std::unique_ptr<Executor::FollowerLogins> Executor::StartFollowerLogins(const Action& action) {
  auto logins = std::make_unique<FollowerLogins>();
  logins->sessions.reserve(action.targets.size());  // the tasks keep pointers into it
  for (size_t i = 0; i < action.targets.size(); ++i) {
    logins->sessions.emplace_back(absl::UnknownError("not logged in"));
  }
  for (size_t i = 0; i < action.targets.size(); ++i) {
    logins->tasks.push_back(env_.tasks.Start([this, &logins = *logins, i, &action] {
      logins.sessions[i] = nodes_.TakeSession(action.targets[i]);
    }));
  }
  return logins;
}

// The standbys the planner named (action.targets: on the successor's timeline, no further
// than it) are pointed at the successor as it is promoted. A receiver that attaches before the
// promotion goes on to the new timeline without reconnecting; one that attaches after finds the
// new timeline's history on the successor. Either way synchronous commits are acknowledged as
// soon as clients resume, and the pointing (a reload on each follower) adds nothing to the
// outage. One that cannot be pointed (it stopped answering) is left to the next pass: the
// failover goes on.
absl::Status Executor::PromoteWithFollowers(const Action& action, NodeSession& successor,
                                            FollowerLogins& followers,
                                            const std::function<void(const std::string&)>& step,
                                            std::vector<int>* following) {
  const std::string successor_name = NodeName(spec_.name, action.ordinal);
  auto follow_failed = [&](int ordinal, const absl::Status& status) {
    events_.Warning(
        NodeName(spec_.name, ordinal), "FollowFailed",
        absl::StrCat(status.message(), "; it is pointed at ", successor_name, " in a later pass"));
  };
  std::vector<size_t> ready;  // indexes into action.targets with a session and a slot
  for (size_t i = 0; i < action.targets.size(); ++i) {
    absl::Status slot = followers.sessions[i].status();
    if (slot.ok()) slot = nodes_.EnsureSlotFor(successor, action.targets[i]);
    if (slot.ok()) {
      ready.push_back(i);
    } else {
      follow_failed(action.targets[i], slot);
    }
  }
  absl::Status promoted = absl::UnknownError("not promoted");
  std::vector<absl::Status> pointed(ready.size());
  std::vector<std::function<void()>> work;
  work.push_back([&] { promoted = nodes_.Promote(successor); });
  for (size_t k = 0; k < ready.size(); ++k) {
    work.push_back([&, k] {
      const int ordinal = action.targets[ready[k]];
      pointed[k] = nodes_.SetUpstream(**followers.sessions[ready[k]], ordinal, action.ordinal);
    });
  }
  env_.tasks.RunAll(std::move(work));
  for (size_t k = 0; k < ready.size(); ++k) {
    const int ordinal = action.targets[ready[k]];
    if (!pointed[k].ok()) {
      follow_failed(ordinal, pointed[k]);
      continue;
    }
    step(absl::StrCat(NodeName(spec_.name, ordinal), " pointed at ", successor_name));
    following->push_back(ordinal);
  }
  return promoted;
}

// repmgr's records of the standbys pointed at the new primary. Only the records: one whose
// receiver did not attach is the next pass's to follow.
void Executor::RecordUpstreams(NodeSession& primary_session, const std::vector<int>& following,
                               int primary) {
  for (int ordinal : following) {
    if (absl::Status recorded = nodes_.RecordUpstream(primary_session, ordinal, primary);
        !recorded.ok()) {
      events_.Warning(NodeName(spec_.name, ordinal), "RecordUpstreamFailed",
                      std::string(recorded.message()));
    }
  }
}

absl::Status Executor::Hold(const Action& action, bool* paused) {
  absl::Status pause = bouncer_.Pause(action.pause, paused);
  if (pause.ok() || action.hold == ClientHold::kRequired) return pause;
  events_.Warning(BouncerName(spec_.name), "PauseFailed",
                  absl::StrCat(pause.message(), "; going on: clients are not held"));
  return absl::OkStatus();
}

absl::Status Executor::RecordPrimary(int ordinal, int synchronous_number) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeSession> session, nodes_.Connect(ordinal));
  return RecordPrimary(*session, ordinal, synchronous_number);
}

absl::Status Executor::RecordPrimary(NodeSession& session, int ordinal, int synchronous_number) {
  ASSIGN_OR_RETURN(int timeline, session.PrimaryTimeline(absl::Seconds(5)));
  RecordedPrimary record{ordinal, timeline, synchronous_number};
  if (synchronous_number < 0) {
    // As it commits now: synchronously from its current position on.
    ASSIGN_OR_RETURN(std::string names, session.SynchronousStandbyNames(absl::Seconds(5)));
    record.synchronous_number = SynchronousNumber(names);
    if (record.synchronous_number > 0) {
      ASSIGN_OR_RETURN(record.synchronous_since, session.CurrentLsn(absl::Seconds(5)));
    }
  }
  ASSIGN_OR_RETURN(RecordedPrimary previous, record_.Load());
  RETURN_IF_ERROR(SaveRecord(NextRecord(previous, record)));
  return nodes_.RecordPrimary(session, ordinal);
}

absl::Status Executor::RecordAsynchronousFrom(int ordinal) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeSession> session, nodes_.Connect(ordinal));
  ASSIGN_OR_RETURN(RecordedPrimary record, record_.Load());
  if (record.ordinal != ordinal) {
    return absl::FailedPreconditionError(absl::StrCat("the cluster's state no longer records ",
                                                      NodeName(spec_.name, ordinal),
                                                      " as the primary"));
  }
  // No commit acknowledged before this call was acknowledged asynchronously: the reload that
  // allows it comes only once this record is written.
  ASSIGN_OR_RETURN(record.asynchronous_from, session->CurrentLsn(absl::Seconds(5)));
  return SaveRecord(record);
}

absl::Status Executor::SaveRecord(const RecordedPrimary& record) {
  std::string behind;
  RETURN_IF_ERROR(record_.Save(record, &behind));
  if (!behind.empty()) {
    events_.Warning(NodeName(spec_.name, record.ordinal), "StateDirectoryBehind",
                    absl::StrCat("recorded with the controller's lease on the engine, which is the "
                                 "record; the state directory's copy could not be written (",
                                 behind, "): `radctl status` shows the older one until it can"));
  }
  return absl::OkStatus();
}

absl::Status Executor::Rebuild(int ordinal, int source) {
  const std::string name = NodeName(spec_.name, ordinal);
  ASSIGN_OR_RETURN(std::optional<MovedAside> moved, nodes_.MoveAside(ordinal));
  if (moved) {
    absl::StatusOr<std::optional<Lsn>> fork = nodes_.ForkPoint(source, moved->timeline);
    std::string fork_text =
        fork.ok() && fork->has_value()
            ? absl::StrCat("; ", NodeName(spec_.name, source), "'s history left timeline ",
                           moved->timeline, " at ", FormatLsn(**fork))
            : "";
    events_.Normal(name, "MovedAside",
                   absl::StrCat("old data directory kept at ", moved->path, " (timeline ",
                                moved->timeline, ", last checkpoint ", FormatLsn(moved->checkpoint),
                                fork_text, "); it stays until `radctl aside ", spec_.name, " ",
                                ordinal, " --remove` or radctl delete without --keep-volumes"));
  }
  return nodes_.CloneStandby(ordinal, source);
}

absl::Status Executor::Switchover(const Action& action) {
  const int new_primary = action.ordinal;
  const int old_primary = action.source;
  absl::Time start = env_.clock.Monotonic();
  auto step = [&](const std::string& what) {
    events_.Progress(
        absl::StrCat("switchover: ", what, " at +", Seconds(env_.clock.Monotonic() - start)));
  };
  const std::string old_name = NodeName(spec_.name, old_primary);
  const std::string new_name = NodeName(spec_.name, new_primary);
  // A checkpoint while clients still run makes the shutdown checkpoint, taken while they are
  // held, short.
  absl::Status status = nodes_.Checkpoint(old_primary);
  if (!status.ok()) return status;
  step(absl::StrCat(old_name, " checkpointed"));
  absl::StatusOr<std::unique_ptr<NodeSession>> successor = nodes_.TakeSession(new_primary);
  if (!successor.ok()) return successor.status();
  std::unique_ptr<FollowerLogins> followers = StartFollowerLogins(action);
  // The new target's config is uploaded before the hold (an upload is a Docker archive request
  // of 50-80 ms): PgBouncer reads it only at the RELOAD below. Every way out without that
  // RELOAD uploads the old target's again.
  status = bouncer_.PrepareTarget(new_primary);
  if (!status.ok()) return status;
  step(absl::StrCat("bouncer's config naming ", new_name, " uploaded"));
  auto restore_target = [&] {
    if (absl::Status restored = bouncer_.PrepareTarget(old_primary); !restored.ok()) {
      events_.Warning(BouncerName(spec_.name), "RestoreConfigFailed",
                      absl::StrCat("the switchover stopped before the bouncer loaded its new "
                                   "config (naming ",
                                   new_name, "); writing back ", old_name, "'s failed: ",
                                   restored.message(), ". The bouncer still runs with ", old_name,
                                   "; should a restart load the file, radctl repoints it"));
    }
  };
  bool paused = false;
  status = Hold(action, &paused);
  if (!status.ok()) {
    restore_target();
    return status;
  }
  if (paused) step("bouncer paused (running transactions finished)");
  absl::StatusOr<Lsn> end = nodes_.StopCleanly(old_primary);
  status = end.status();
  if (status.ok()) {
    step(absl::StrCat(old_name, " stopped cleanly at ", FormatLsn(*end)));
    status = nodes_.WaitReplayedPast(**successor, new_primary, *end, action.fallback.replay_wait);
    // Nothing changed hands; what becomes of the old primary is the action's fallback.
    if (!status.ok() && action.fallback.restart_old_primary) {
      absl::Status restarted = nodes_.StartPostgres(old_primary);
      if (!restarted.ok()) {
        status = absl::InternalError(absl::StrCat(status.message(), "; restarting ", old_name,
                                                  " failed too: ", restarted.message()));
      }
    } else if (!status.ok()) {
      status = absl::Status(status.code(), absl::StrCat(status.message(), "; ", old_name,
                                                        " is left stopped, as planned"));
    }
  }
  std::vector<int> following;
  if (status.ok()) {
    step(absl::StrCat(new_name, " has replayed everything"));
    followers->Wait();
    status = PromoteWithFollowers(action, **successor, *followers, step, &following);
  }
  bool recorded = false;
  if (status.ok()) {
    step(absl::StrCat(new_name, " promoted"));
    status = RecordPrimary(**successor, new_primary);
    recorded = status.ok();
  }
  if (status.ok()) {
    status = bouncer_.Reload();
    if (status.ok()) step(absl::StrCat("bouncer points to ", new_name));
  } else {
    restore_target();
  }
  if (paused) {
    absl::Status resumed = bouncer_.Resume();
    if (status.ok()) status = resumed;
    step("bouncer resumed");
  }
  // repmgr's records of the standbys that follow it: its metadata, not what routes clients, so
  // written once they are resumed (each a local commit on the new primary).
  if (recorded) RecordUpstreams(**successor, following, new_primary);
  GiveBack(successor, *followers);
  return status;
}

absl::Status Executor::RestartPrimary(const Action& action) {
  bool paused = false;
  absl::Status status = Hold(action, &paused);
  if (status.ok()) status = nodes_.RestartPostgres(action.ordinal);
  if (paused) {
    absl::Status resumed = bouncer_.Resume();
    if (status.ok()) status = resumed;
  }
  return status;
}

absl::Status Executor::ApplyCredentials(int primary) {
  // The userlist first: a crash after it leaves the role's password behind, which the planner
  // sees and repeats this; a crash after the role would leave the bouncer behind unseen.
  RETURN_IF_ERROR(bouncer_.Refresh(primary));
  RETURN_IF_ERROR(nodes_.ApplyAppRole(primary));
  return bouncer_.LoginAsApp();
}

absl::Status Executor::PointBouncer(const Action& action) {
  bool paused = false;
  absl::Status status = Hold(action, &paused);
  if (status.ok()) status = bouncer_.Retarget(action.source);
  // A paused bouncer (this PAUSE, or one an interrupted controller left) is always resumed.
  absl::Status resumed = bouncer_.Resume();
  return status.ok() ? resumed : status;
}

}  // namespace radctl
