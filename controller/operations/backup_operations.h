// The mechanics of backups and recoveries with pgBackRest, as short fixed sequences of exec,
// upload and container calls through the Env: the stanza, a backup and its progress, reading
// the repository, and restoring a new cluster's first node from another cluster's repository.
// It decides nothing: when a backup is due, which backup a target needs and whether a recovery
// may run are reconcilers/'s.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/clients/env.h"
#include "controller/config/secrets.h"
#include "controller/operations/backup_info.h"
#include "controller/state/event_log.h"
#include "crd-like-specs/cluster_spec.h"
#include "reconcilers/recovery_target.h"

namespace radctl {

struct BackupResult {
  BackupRecord record;  // as the repository lists it afterwards
  absl::Duration took;
};

struct RestoreResult {
  RecoveryChoice choice;
  std::string summary;  // how recovery ended, in Postgres's words
};

class BackupOperations {
 public:
  BackupOperations(const Env& env, const ClusterSpec& spec, const ClusterSecrets& secrets,
                   EventLog& events)
      : env_(env), spec_(spec), secrets_(secrets), events_(events) {}

  // stanza-create, then a WAL switch archived end to end (pgBackRest's check), on `ordinal`.
  [[nodiscard]] absl::Status CreateStanza(int ordinal) const;

  // A backup of type `type` (full | diff | incr) on the primary `ordinal`. `progress`, when
  // given, is called with pgBackRest's percentage as it advances (polled every 2 s).
  [[nodiscard]] absl::StatusOr<BackupResult> Backup(
      int ordinal, const std::string& type,
      const std::function<void(double percent)>& progress = nullptr) const;

  // The repository as pgBackRest lists it, read in the container of node `ordinal`.
  [[nodiscard]] absl::StatusOr<BackupInfo> ReadInfo(int ordinal) const;

  // The backups of the source of spec.bootstrap.recovery, read in a short-lived helper
  // container that mounts its repository read-only. FailedPrecondition when the repository
  // volume does not exist.
  [[nodiscard]] absl::StatusOr<std::vector<BackupRecord>> ReadSourceBackups() const;

  // Restores node `ordinal`'s volume from the source's repository, recovered to the target:
  // archives the source's current WAL first when the source runs (so that a target up to now
  // is reached); then, in the helper container, `pgbackrest restore`, replay and promotion, the
  // new cluster's roles; then starts it in its own container and registers it as primary.
  // FailedPrecondition for a target the backups cannot reach (nothing is touched then).
  [[nodiscard]] absl::StatusOr<RestoreResult> RestorePrimary(int ordinal) const;

 private:
  // Runs `script` in `container`; fails with its last output lines. Not mounted:
  // FailedPrecondition.
  [[nodiscard]] absl::StatusOr<std::string> Run(const std::string& container,
                                                const std::string& what, const std::string& script,
                                                absl::Duration timeout) const;
  // A new helper container (a leftover one removed first), started, with `mounts`.
  [[nodiscard]] absl::Status StartHelper(const std::vector<docker::VolumeMount>& mounts) const;
  void RemoveHelper() const;
  // `pgbackrest check` on the source's primary, if the source runs; a warning when it cannot.
  void FlushSourceArchive(const std::string& source) const;
  [[nodiscard]] absl::Status CheckSourceRepository(const std::string& volume,
                                                   const std::string& source) const;

  const Env& env_;
  const ClusterSpec& spec_;
  const ClusterSecrets& secrets_;
  EventLog& events_;
};

}  // namespace radctl
