// radctl backup NAME [--type full|diff|incr] and radctl backups NAME [-o table|json]: a backup
// taken now on the primary, with pgBackRest's progress and a closing line (size, duration); and
// the backups in the cluster's repository. Both act through BackupOperations; the backup holds
// the cluster's backup lock, as the watcher's scheduled backups do.
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

namespace radctl::cli {
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
  const Env* env;  // the engine's and Postgres's clients `observed` came from
  ObservedState observed;
};

absl::StatusOr<BackupCluster> ObserveBackupCluster(const CliContext& context, ClusterStore& store,
                                                   const std::string& name) {
  ASSIGN_OR_RETURN(StoredCluster stored, LoadStoredCluster(store, name));
  if (!stored.spec.backup.enabled) return BackupsDisabled(name);
  ASSIGN_OR_RETURN(const Env* env, Connect(context));
  Observer observer(*env, stored.secrets);
  ASSIGN_OR_RETURN(ObservedState observed, observer.Observe(stored.spec));
  return BackupCluster{std::move(stored), env, std::move(observed)};
}

}  // namespace

absl::StatusOr<BackupOptions> ParseBackup(const ParsedArgs& args) {
  BackupOptions options;
  options.name = args.Arg(0);
  options.type = args.Value("--type", options.type);
  RETURN_IF_ERROR(CheckClusterArgument(options.name));
  return options;
}

absl::Status RunBackup(const CliContext& context, const BackupOptions& options) {
  ClusterStore store(context.state_dir, options.name, context.clock);
  ASSIGN_OR_RETURN(BackupCluster found, ObserveBackupCluster(context, store, options.name));
  const StoredCluster& cluster = found.stored;
  const ObservedState& observed = found.observed;
  const Env& env = *found.env;
  ASSIGN_OR_RETURN(const NodeObservation* primary, FindNode(observed, cluster.spec, true));
  if (!observed.backup.stanza_exists) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the repository ", BackupRepository(cluster.spec), " has no stanza for cluster ",
        options.name, " yet", observed.backup.error.empty() ? "" : ": " + observed.backup.error,
        "; apply the cluster (the controller creates it) and try again"));
  }
  ASSIGN_OR_RETURN(BackupLock lock,
                   BackupLock::Acquire(context.clock, store.dir(), options.name, "radctl backup"));
  EventLog events(context.err, &store, context.json_logs, env.clock);
  events.Normal(primary->name, "Backup",
                absl::StrCat(options.type, " backup requested (radctl backup), on the primary"));
  BackupOperations backups(env, cluster.spec, cluster.secrets, events);
  absl::StatusOr<BackupResult> result =
      backups.Backup(primary->ordinal, options.type, [&](double percent) {
        context.err << absl::StrFormat("backup %s: %.1f%%\n", primary->name, percent);
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
  context.out << summary << "\n";
  return absl::OkStatus();
}

absl::StatusOr<BackupsOptions> ParseBackups(const ParsedArgs& args) {
  BackupsOptions options;
  options.name = args.Arg(0);
  options.output = args.Value("--output", options.output);
  RETURN_IF_ERROR(CheckClusterArgument(options.name));
  return options;
}

absl::Status RunBackups(const CliContext& context, const BackupsOptions& options) {
  ClusterStore store(context.state_dir, options.name, context.clock);
  ASSIGN_OR_RETURN(BackupCluster found, ObserveBackupCluster(context, store, options.name));
  const StoredCluster& cluster = found.stored;
  const ObservedState& observed = found.observed;
  const Env& env = *found.env;
  ASSIGN_OR_RETURN(const NodeObservation* node, FindNode(observed, cluster.spec, false));
  EventLog events(context.err, nullptr, context.json_logs, env.clock);
  BackupOperations backups(env, cluster.spec, cluster.secrets, events);
  ASSIGN_OR_RETURN(BackupInfo info, backups.ReadInfo(node->ordinal));
  if (options.output != "table") {
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
    return PrintStructured(context, out.dump(), options.output);
  }
  context.out << absl::StrFormat("%-34s %-5s %-20s %-20s %10s %10s\n", "LABEL", "TYPE", "STARTED",
                                 "ENDED", "SIZE", "ADDED");
  for (const BackupRecord& record : info.backups) {
    context.out << absl::StrFormat("%-34s %-5s %-20s %-20s %10s %10s\n", record.label, record.type,
                                   Utc(record.start), Utc(record.stop), HumanBytes(record.size),
                                   HumanBytes(record.repo_size));
  }
  context.out << "repository " << BackupRepository(cluster.spec) << " (" << info.status_message
              << "), WAL archived "
              << (info.archive_min.empty()
                      ? "none"
                      : absl::StrCat(info.archive_min, " .. ", info.archive_max))
              << "\n";
  return absl::OkStatus();
}

}  // namespace radctl::cli
