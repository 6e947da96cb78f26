// radctl backup NAME [--type full|diff|incr] and radctl backups NAME [-o table|json]: a backup
// taken now on the primary, with pgBackRest's progress and a closing line (size, duration); and
// the backups in the cluster's repository. Both act through BackupOperations; the backup holds
// the cluster's backup lock, as the watcher's scheduled backups do.
#include <iostream>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "controller/cli/cli_support.h"
#include "controller/cli/commands.h"
#include "controller/loop/observer.h"
#include "controller/operations/backup_operations.h"
#include "controller/state/backup_lock.h"
#include "controller/state/event_log.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/lsn.h"
#include "reconcilers/naming.h"

namespace radctl {
namespace {

std::string Utc(absl::Time time) {
  if (time == absl::InfinitePast()) return "-";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time, absl::UTCTimeZone());
}

absl::Status BackupsDisabled(const std::string& name) {
  return absl::FailedPreconditionError(
      absl::StrCat("cluster ", name, " has no backups: set spec.backup.enabled: true and apply"));
}

// Where to run pgBackRest: the writable primary for a backup; for reading the repository, the
// primary or else any running node that mounts it.
absl::StatusOr<const NodeObservation*> FindNode(const ObservedState& observed,
                                                const ClusterSpec& spec, bool primary_only) {
  const NodeObservation* found = nullptr;
  for (const NodeObservation& node : observed.nodes) {
    if (node.repository != BackupRepository(spec)) continue;
    if (node.IsWritablePrimary()) return &node;
    if (!primary_only && node.container == ContainerState::kRunning && found == nullptr) {
      found = &node;
    }
  }
  if (found != nullptr) return found;
  return absl::FailedPreconditionError(absl::StrCat(
      "cluster ", spec.name, " has no ", primary_only ? "writable primary" : "running node",
      " with the backup repository ", BackupRepository(spec),
      " mounted: apply (or watch) the cluster first"));
}

// A cluster with backups on, as it is now: what `radctl backup` and `radctl backups` start from.
struct BackupCluster {
  StoredCluster stored;
  std::unique_ptr<RealEnv> real;  // the engine's and Postgres's clients `observed` came from
  ObservedState observed;
};

absl::StatusOr<BackupCluster> ObserveBackupCluster(ClusterStore& store, const std::string& name) {
  ASSIGN_OR_RETURN(StoredCluster stored, LoadStoredCluster(store, name));
  if (!stored.spec.backup.enabled) return BackupsDisabled(name);
  ASSIGN_OR_RETURN(std::unique_ptr<RealEnv> real, RealEnv::Connect());
  Observer observer(real->env(), stored.secrets);
  ASSIGN_OR_RETURN(ObservedState observed, observer.Observe(stored.spec));
  return BackupCluster{std::move(stored), std::move(real), std::move(observed)};
}

}  // namespace

absl::Status RunBackup(const GlobalOptions& global, const BackupOptions& options) {
  if (options.type != "full" && options.type != "diff" && options.type != "incr") {
    return absl::InvalidArgumentError(
        absl::StrCat("--type must be full, diff or incr, not \"", options.type, "\""));
  }
  ClusterStore store(global.state_dir, options.name);
  ASSIGN_OR_RETURN(BackupCluster found, ObserveBackupCluster(store, options.name));
  const StoredCluster& cluster = found.stored;
  const ObservedState& observed = found.observed;
  const Env& env = found.real->env();
  ASSIGN_OR_RETURN(const NodeObservation* primary, FindNode(observed, cluster.spec, true));
  if (!observed.backup.stanza_exists) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the repository ", BackupRepository(cluster.spec), " has no stanza for cluster ",
        options.name, " yet", observed.backup.error.empty() ? "" : ": " + observed.backup.error,
        "; apply the cluster (the controller creates it) and try again"));
  }
  ASSIGN_OR_RETURN(BackupLock lock,
                   BackupLock::Acquire(store.dir(), options.name, "radctl backup"));
  EventLog events(std::cerr, &store, global.json_logs);
  events.Normal(primary->name, "Backup",
                absl::StrCat(options.type, " backup requested (radctl backup), on the primary"));
  BackupOperations backups(env, cluster.spec, cluster.secrets, events);
  absl::StatusOr<BackupResult> result =
      backups.Backup(primary->ordinal, options.type, [&](double percent) {
        std::cerr << absl::StrFormat("backup %s: %.1f%%\n", primary->name, percent);
      });
  if (!result.ok()) {
    events.Warning(primary->name, "BackupFailed", std::string(result.status().message()));
    return result.status();
  }
  const BackupRecord& record = result->record;
  std::string summary =
      absl::StrCat(record.type, " backup ", record.label, ": ", HumanBytes(record.size),
                   " of data, ", HumanBytes(record.repo_size), " added to the repository, in ",
                   absl::StrFormat("%.1fs", absl::ToDoubleSeconds(result->took)));
  events.Normal(primary->name, "BackupDone", summary);
  std::cout << summary << "\n";
  return absl::OkStatus();
}

absl::Status RunBackups(const GlobalOptions& global, const BackupsOptions& options) {
  if (options.output != "table" && options.output != "json") {
    return absl::InvalidArgumentError("-o must be table or json");
  }
  ClusterStore store(global.state_dir, options.name);
  ASSIGN_OR_RETURN(BackupCluster found, ObserveBackupCluster(store, options.name));
  const StoredCluster& cluster = found.stored;
  const ObservedState& observed = found.observed;
  const Env& env = found.real->env();
  ASSIGN_OR_RETURN(const NodeObservation* node, FindNode(observed, cluster.spec, false));
  EventLog events(std::cerr, nullptr, global.json_logs);
  BackupOperations backups(env, cluster.spec, cluster.secrets, events);
  ASSIGN_OR_RETURN(BackupInfo info, backups.ReadInfo(node->ordinal));
  if (options.output == "json") {
    nlohmann::json list = nlohmann::json::array();
    for (const BackupRecord& record : info.backups) {
      list.push_back({{"label", record.label},
                      {"type", record.type},
                      {"start", Utc(record.start)},
                      {"stop", Utc(record.stop)},
                      {"size", record.size},
                      {"added_to_repository", record.repo_size},
                      {"lsn_start", FormatLsn(record.lsn_start)},
                      {"lsn_stop", FormatLsn(record.lsn_stop)},
                      {"wal_start", record.wal_start},
                      {"wal_stop", record.wal_stop}});
    }
    nlohmann::json out = {{"cluster", options.name},
                          {"repository", BackupRepository(cluster.spec)},
                          {"stanza_exists", info.stanza_exists},
                          {"status", info.status_message},
                          {"archive", {{"min", info.archive_min}, {"max", info.archive_max}}},
                          {"backups", std::move(list)}};
    std::cout << out.dump(2) << "\n";
    return absl::OkStatus();
  }
  std::cout << absl::StrFormat("%-34s %-5s %-20s %-20s %10s %10s\n", "LABEL", "TYPE", "STARTED",
                               "ENDED", "SIZE", "ADDED");
  for (const BackupRecord& record : info.backups) {
    std::cout << absl::StrFormat("%-34s %-5s %-20s %-20s %10s %10s\n", record.label, record.type,
                                 Utc(record.start), Utc(record.stop), HumanBytes(record.size),
                                 HumanBytes(record.repo_size));
  }
  std::cout << "repository " << BackupRepository(cluster.spec) << " (" << info.status_message
            << "), WAL archived "
            << (info.archive_min.empty() ? "none"
                                         : absl::StrCat(info.archive_min, " .. ", info.archive_max))
            << "\n";
  return absl::OkStatus();
}

}  // namespace radctl
