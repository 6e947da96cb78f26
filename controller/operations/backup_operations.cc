#include "controller/operations/backup_operations.h"

#include <atomic>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "controller/config/backup_config.h"
#include "controller/config/node_config.h"
#include "controller/operations/backup_scripts.h"
#include "controller/operations/node_scripts.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/naming.h"

namespace radctl {
namespace {

constexpr absl::Duration kQuickBackupStep = absl::Seconds(60);
// A backup or restore copies the whole database: allow for big ones.
constexpr absl::Duration kCopyTimeout = absl::Hours(12);
constexpr absl::Duration kProgressInterval = absl::Seconds(2);

}  // namespace

absl::StatusOr<std::string> BackupOperations::Run(const std::string& container,
                                                  const std::string& what,
                                                  const std::string& script,
                                                  absl::Duration timeout) const {
  ASSIGN_OR_RETURN(docker::ExecResult result,
                   env_.runtime.Exec(container, ScriptCommand(script), "postgres", timeout));
  if (result.exit_code == kRepositoryNotMounted) {
    return absl::FailedPreconditionError(
        absl::StrCat(what, " on ", container, ": ", absl::StripAsciiWhitespace(result.stderr_text),
                     " (its container was created before backups were enabled: re-create it)"));
  }
  if (result.exit_code != 0) {
    return absl::InternalError(
        absl::StrCat(what, " on ", container, " failed (exit code ", result.exit_code,
                     "): ", OutputTail(result.stderr_text + "\n" + result.stdout_text, 4)));
  }
  return result.stdout_text;
}

absl::Status BackupOperations::CreateStanza(int ordinal) const {
  return Run(NodeName(spec_.name, ordinal), "pgbackrest stanza-create", StanzaCreateScript(spec_),
             absl::Minutes(5))
      .status();
}

absl::StatusOr<BackupInfo> BackupOperations::ReadInfo(int ordinal) const {
  ASSIGN_OR_RETURN(std::string json, Run(NodeName(spec_.name, ordinal), "pgbackrest info",
                                         BackupInfoScript(spec_), kQuickBackupStep));
  return DecodeBackupInfo(json, spec_.name);
}

absl::StatusOr<BackupResult> BackupOperations::Backup(
    int ordinal, const std::string& type, const std::function<void(double)>& progress) const {
  const std::string node = NodeName(spec_.name, ordinal);
  absl::Time start = env_.clock.Monotonic();
  std::atomic<bool> done{false};
  std::unique_ptr<Task> poller;
  if (progress) {
    // pgBackRest tells how far a backup is only through `info`: asked from a second exec.
    poller = env_.tasks.Start([&] {
      double last = -1;
      while (!done) {
        for (absl::Duration slept; slept < kProgressInterval && !done;
             slept += absl::Milliseconds(100)) {
          env_.clock.SleepFor(absl::Milliseconds(100));
        }
        if (done) break;
        absl::StatusOr<docker::ExecResult> asked = env_.runtime.Exec(
            node, ScriptCommand(BackupProgressScript(spec_)), "postgres", absl::Seconds(10));
        double percent = 0;
        if (asked.ok() &&
            absl::SimpleAtod(absl::StripAsciiWhitespace(asked->stdout_text), &percent) &&
            percent != last) {
          last = percent;
          progress(percent);
        }
      }
    });
  }
  absl::StatusOr<std::string> output = Run(node, absl::StrCat("pgbackrest backup --type=", type),
                                           BackupScript(spec_, type), kCopyTimeout);
  done = true;
  if (poller != nullptr) poller->Wait();
  RETURN_IF_ERROR(output.status());
  absl::Duration took = env_.clock.Monotonic() - start;
  std::string label;
  for (absl::string_view line : absl::StrSplit(*output, '\n')) {
    size_t at = line.find("new backup label = ");
    if (at != absl::string_view::npos) {
      label = std::string(absl::StripAsciiWhitespace(line.substr(at + 19)));
    }
  }
  ASSIGN_OR_RETURN(BackupInfo info, ReadInfo(ordinal));
  for (const BackupRecord& record : info.backups) {
    if (record.label == label) return BackupResult{record, took};
  }
  return absl::InternalError(
      absl::StrCat("pgbackrest backup on ", node, " ended, but its backup (label \"", label,
                   "\") is not in the repository: ", OutputTail(*output, 3)));
}

absl::Status BackupOperations::StartHelper(const std::vector<docker::VolumeMount>& mounts) const {
  const std::string name = RestoreHelperName(spec_.name);
  RETURN_IF_ERROR(env_.runtime.RemoveContainer(name));  // a leftover of an interrupted restore
  docker::ContainerConfig config;
  config.name = name;
  config.image = spec_.postgres.image;
  config.hostname = name;
  config.labels = RestoreHelperLabels(spec_.name);
  config.mounts = mounts;
  absl::StatusOr<std::string> created = env_.runtime.CreateContainer(config);
  RETURN_IF_ERROR(created.status());
  return env_.runtime.StartContainer(name);
}

void BackupOperations::RemoveHelper() const {
  if (absl::Status removed = env_.runtime.RemoveContainer(RestoreHelperName(spec_.name));
      !removed.ok()) {
    events_.Warning(RestoreHelperName(spec_.name), "RemoveFailed",
                    absl::StrCat(removed.message(), "; radctl delete ", spec_.name, " removes it"));
  }
}

absl::Status BackupOperations::CheckSourceRepository(const std::string& volume,
                                                     const std::string& source) const {
  // Mounting a volume that does not exist would create an empty one: look first.
  ASSIGN_OR_RETURN(std::vector<docker::VolumeSummary> volumes,
                   env_.runtime.ListVolumes(kLabelCluster, source));
  for (const docker::VolumeSummary& summary : volumes) {
    if (summary.name == volume) return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "spec.bootstrap.recovery: cluster ", source, "'s backup repository volume ", volume,
      " does not exist (backups never enabled there, or the volume was removed); nothing was "
      "restored"));
}

absl::StatusOr<std::vector<BackupRecord>> BackupOperations::ReadSourceBackups() const {
  const RecoverySpec& recovery = *spec_.bootstrap.recovery;
  const std::string volume = SourceRepository(recovery);
  RETURN_IF_ERROR(CheckSourceRepository(volume, recovery.from_cluster));
  RETURN_IF_ERROR(StartHelper({{volume, kSourceRepositoryMount, /*read_only=*/true}}));
  absl::StatusOr<std::string> json =
      Run(RestoreHelperName(spec_.name), "pgbackrest info of the source",
          SourceInfoScript(recovery.from_cluster), kQuickBackupStep);
  RemoveHelper();
  RETURN_IF_ERROR(json.status());
  ASSIGN_OR_RETURN(BackupInfo info, DecodeBackupInfo(*json, recovery.from_cluster));
  if (!info.stanza_exists) {
    return absl::FailedPreconditionError(
        absl::StrCat("spec.bootstrap.recovery: the repository ", volume,
                     " has no stanza for "
                     "cluster ",
                     recovery.from_cluster, " (", info.status_message, "); nothing was restored"));
  }
  return info.backups;
}

void BackupOperations::FlushSourceArchive(const std::string& source) const {
  absl::StatusOr<std::vector<docker::ContainerSummary>> containers =
      env_.runtime.ListContainers(kLabelCluster, source);
  if (!containers.ok()) return;
  for (const docker::ContainerSummary& container : *containers) {
    auto component = container.labels.find(kLabelComponent);
    if (!container.running() || component == container.labels.end() ||
        component->second != kComponentPostgres) {
      continue;
    }
    absl::StatusOr<std::string> flushed = Run(container.name, "archiving the source's current WAL",
                                              ArchiveFlushScript(source), absl::Minutes(2));
    if (!flushed.ok()) {
      events_.Warning(container.name, "ArchiveFlushFailed",
                      absl::StrCat(flushed.status().message(),
                                   "; the recovery reaches what the repository holds"));
    } else if (absl::StrContains(*flushed, "flushed")) {
      events_.Progress(
          absl::StrCat("restore: ", source, "'s current WAL archived (on ", container.name, ")"));
    }
  }
}

absl::StatusOr<RestoreResult> BackupOperations::RestorePrimary(int ordinal) const {
  const RecoverySpec& recovery = *spec_.bootstrap.recovery;
  const std::string node = NodeName(spec_.name, ordinal);
  const std::string helper = RestoreHelperName(spec_.name);
  absl::Time start = env_.clock.Monotonic();
  auto step = [&](const std::string& what) {
    events_.Progress(absl::StrCat(
        node, " restore: ", what, " at +",
        absl::StrFormat("%.2fs", absl::ToDoubleSeconds(env_.clock.Monotonic() - start))));
  };
  // What the source has committed until now is in its archive before the target is chosen.
  FlushSourceArchive(recovery.from_cluster);
  ASSIGN_OR_RETURN(std::vector<BackupRecord> backups, ReadSourceBackups());
  ASSIGN_OR_RETURN(RecoveryChoice choice, ChooseRecovery(recovery, backups, env_.clock.Now()));
  step(absl::StrCat("backup ", choice.backup_label, " chosen for ", choice.description));

  RETURN_IF_ERROR(StartHelper({{VolumeName(spec_.name, ordinal), kNodeHome},
                               {SourceRepository(recovery), kSourceRepositoryMount, true}}));
  absl::StatusOr<std::string> summary =
      Run(helper, "pgbackrest restore", RestoreScript(recovery.from_cluster, choice), kCopyTimeout);
  if (summary.ok()) {
    step("restored");
    absl::Status uploaded = env_.runtime.UploadFiles(
        helper, kNodeHome,
        {PostgresFile("data/postgresql.conf", RenderPostgresqlConf(spec_)),
         PostgresFile("data/pg_hba.conf", RenderPgHbaConf(spec_.tls.enabled)),
         PostgresFile("radctl-restore.sql", RenderRestoreSql(spec_, secrets_))});
    summary = uploaded.ok() ? Run(helper, "recovery to the target", RecoverScript(), kCopyTimeout)
                            : absl::StatusOr<std::string>(uploaded);
  }
  RemoveHelper();
  RETURN_IF_ERROR(summary.status());
  step("recovered and promoted");

  RETURN_IF_ERROR(
      env_.runtime.UploadFiles(node, kNodeHome,
                               {PostgresFile(".pgpass", RenderPgpass(secrets_)),
                                PostgresFile("repmgr.conf", RenderRepmgrConf(spec_, ordinal)),
                                PostgresFile("pgbackrest.conf", RenderPgbackrestConf(spec_))}));
  RETURN_IF_ERROR(
      Run(node, "starting the restored primary", StartRestoredPrimaryScript(), absl::Minutes(5))
          .status());
  step("started as primary");
  std::vector<std::string> lines = absl::StrSplit(*summary, '\n', absl::SkipWhitespace());
  return RestoreResult{choice, absl::StrJoin(lines, "; ")};
}

}  // namespace radctl
