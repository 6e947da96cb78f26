// The executor runs the actions of one plan, all at once (the planner only puts independent
// actions in one plan), prints an event per action with its reason and another with its outcome
// and duration, and decides nothing. Each action maps to one operation of NodeOperations or
// BouncerOperations; failover is the one fixed sequence of several.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/clients/env.h"
#include "controller/operations/backup_operations.h"
#include "controller/operations/bouncer_operations.h"
#include "controller/operations/node_operations.h"
#include "controller/operations/read_bouncer_operations.h"
#include "controller/state/cluster_store.h"
#include "controller/state/event_log.h"
#include "controller/state/primary_record.h"
#include "reconcilers/memory.h"
#include "reconcilers/plan.h"

namespace radctl {

class Executor {
 public:
  // `store` keeps what the actions leave with the cluster (TLS files, the backup lock); `record`
  // the cluster's record of its primary (safety rule 3).
  // `sessions`: the observer's kept sessions, which failovers borrow (may be null).
  Executor(const Env& env, const ClusterSpec& spec, const ClusterSecrets& secrets, EventLog& events,
           ClusterStore& store, PrimaryRecord& record, SessionPool* sessions = nullptr)
      : env_(env),
        spec_(spec),
        secrets_(secrets),
        nodes_(env, spec, secrets, events),
        bouncer_(env, spec, secrets, events),
        read_bouncer_(env, spec, secrets),
        backups_(env, spec, secrets, events),
        events_(events),
        store_(store),
        record_(record) {
    nodes_.set_sessions(sessions);
  }

  // Runs `actions` at once and waits for all of them.
  std::vector<ActionOutcome> Run(const std::vector<Action>& actions);
  // One action, with its start and outcome events.
  ActionOutcome RunOne(const Action& action);

 private:
  absl::Status Execute(const Action& action);
  // The action's fence method on node `ordinal`.
  absl::Status Fence(int ordinal, FenceMethod method);
  // PAUSE (as the action's hold says) -> fence the old primary -> promote -> record ->
  // repoint -> RESUME.
  absl::Status Failover(const Action& action);
  // Sessions on the standbys a promotion points at its successor (action.targets), logged into
  // in the background: a login costs 10-30 ms and changes nothing, so it runs beside what
  // comes first (the hold, the fence, a checkpoint).
  struct FollowerLogins {
    std::vector<absl::StatusOr<std::unique_ptr<NodeSession>>> sessions;  // as action.targets
    std::vector<std::unique_ptr<Task>> tasks;
    void Wait();
  };
  std::unique_ptr<FollowerLogins> StartFollowerLogins(const Action& action);
  void GiveBack(absl::StatusOr<std::unique_ptr<NodeSession>>& successor, FollowerLogins& followers);
  // Promotes the successor while its followers are pointed at it, each on its own session;
  // their slots on the successor are made first. One that cannot be pointed is warned about
  // and left to a later pass. `following`: those pointed. Returns the promotion's status.
  absl::Status PromoteWithFollowers(const Action& action, NodeSession& successor,
                                    FollowerLogins& followers,
                                    const std::function<void(const std::string&)>& step,
                                    std::vector<int>* following);
  void RecordUpstreams(NodeSession& primary_session, const std::vector<int>& following,
                       int primary);
  // PAUSE every database as far as the action's limits allow; a failed hold fails the action
  // only when the action requires it (then with its error). `paused`: a RESUME is owed.
  absl::Status Hold(const Action& action, bool* paused);
  // The cluster's state records `ordinal`, on its current timeline, as the primary committing
  // with `synchronous_number` standbys (-1: as it runs now); then repmgr's records say so too.
  // Written before the bouncer is pointed to it.
  absl::Status RecordPrimary(int ordinal, int synchronous_number = -1);
  absl::Status RecordPrimary(NodeSession& session, int ordinal, int synchronous_number = -1);
  // Before the primary is reloaded to commit asynchronously: its current position, from which
  // on commits may be acknowledged without standbys (RecordedPrimary::asynchronous_from).
  absl::Status RecordAsynchronousFrom(int ordinal);
  // The record saved (primary_record.h); a warning when only the state directory's copy failed.
  absl::Status SaveRecord(const RecordedPrimary& record);
  // The old data directory moved aside (the event says where, its timeline and the fork point),
  // then cloned again from `source`.
  absl::Status Rebuild(int ordinal, int source);
  // (PAUSE ->) retarget `source` -> RESUME.
  absl::Status PointBouncer(const Action& action);
  // CHECKPOINT -> PAUSE -> clean stop of the old primary -> the new one has replayed all of
  // it within the action's fallback.replay_wait -> promote -> record -> repoint -> RESUME. When
  // the new one has not replayed everything nothing changes hands, and the old one is started
  // again only if the action's fallback says so. After a handover the old primary is left
  // stopped, cleanly: the planner rejoins it.
  absl::Status Switchover(const Action& action);
  // The bouncer's userlist -> the role and database on `primary` -> one login through the
  // bouncer (credentials_policy.h).
  absl::Status ApplyCredentials(int primary);
  // PAUSE -> pg_ctl restart of `ordinal` -> RESUME, for a primary without standbys.
  absl::Status RestartPrimary(const Action& action);
  // A full backup on the primary `ordinal`, holding the cluster's backup lock; an event with
  // its size and duration.
  absl::Status Backup(int ordinal);
  // The new cluster's first node restored from its source's backups and recovered to the
  // target; then recorded as the primary.
  absl::Status RestorePrimary(int ordinal);
  std::string ObjectName(const Action& action) const;

  const Env& env_;
  const ClusterSpec& spec_;
  const ClusterSecrets& secrets_;
  NodeOperations nodes_;
  BouncerOperations bouncer_;
  ReadBouncerOperations read_bouncer_;
  BackupOperations backups_;
  EventLog& events_;
  ClusterStore& store_;
  PrimaryRecord& record_;
};

// CamelCase name of an action for events ("CloneStandby").
std::string EventReason(ActionType type);

}  // namespace radctl
