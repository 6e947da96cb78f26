#include "controller/operations/backup_scripts.h"

#include "absl/strings/str_cat.h"
#include "controller/config/backup_config.h"
#include "controller/operations/node_scripts.h"

namespace radctl {
namespace {

// A container made without the repository volume would otherwise write into its own layer.
std::string RequireMount(const std::string& path) {
  return absl::StrCat("mountpoint -q ", path, " || { echo 'the backup repository volume is not ",
                      "mounted at ", path, " in this container' >&2; exit ", kRepositoryNotMounted,
                      "; }; ");
}

// pgBackRest reading another cluster's repository, from the helper container (which has no
// pgbackrest.conf: the options every command there needs are given).
std::string SourceCommand(const std::string& stanza) {
  return absl::StrCat("pgbackrest --stanza=", stanza, " --repo1-path=", kSourceRepositoryMount,
                      " --lock-path=", kPgbackrestLockPath,
                      " --log-level-console=warn --log-level-file=off");
}

}  // namespace

std::string StanzaCreateScript(const ClusterSpec& spec) {
  const std::string command = PgbackrestCommand(spec);
  return TaggedStep("stanza-create", "",
                    absl::StrCat(RequireMount(kRepositoryMount), command,
                                 " --log-level-console=warn stanza-create; ", command,
                                 " --log-level-console=warn check"));
}

std::string BackupScript(const ClusterSpec& spec, const std::string& type) {
  return TaggedStep("backup", absl::StrCat("type=", type),
                    absl::StrCat(RequireMount(kRepositoryMount), PgbackrestCommand(spec),
                                 " --type=", type, " backup 2>&1"));
}

std::string BackupInfoScript(const ClusterSpec& spec) {
  return TaggedStep("backup-info", "",
                    absl::StrCat(RequireMount(kRepositoryMount), PgbackrestCommand(spec),
                                 " --log-level-console=warn info --output=json"));
}

std::string BackupProgressScript(const ClusterSpec& spec) {
  return TaggedStep("backup-progress", "",
                    absl::StrCat(PgbackrestCommand(spec),
                                 " --log-level-console=warn info | sed -n "
                                 "'s/.*running - \\([0-9.]*\\)% complete.*/\\1/p' | head -n 1"));
}

std::string ArchiveFlushScript(const std::string& stanza) {
  return TaggedStep(
      "archive-flush", absl::StrCat("stanza=", stanza),
      absl::StrCat("if [ \"$(psql -X -At -d postgres -c 'SELECT pg_is_in_recovery()')\" != f ]; "
                   "then echo standby; exit 0; fi; ",
                   RequireMount(kRepositoryMount), "pgbackrest --config=", kPgbackrestConfPath,
                   " --stanza=", stanza, " --log-level-console=warn check; echo flushed"));
}

std::string SourceInfoScript(const std::string& stanza) {
  return TaggedStep("source-info", absl::StrCat("stanza=", stanza),
                    absl::StrCat(RequireMount(kSourceRepositoryMount), SourceCommand(stanza),
                                 " info --output=json"));
}

std::string RestoreScript(const std::string& stanza, const RecoveryChoice& choice) {
  std::string target = choice.target.empty() ? ""
                                             : absl::StrCat(" --target='", choice.target,
                                                            "' --target-action=promote");
  return TaggedStep("restore", absl::StrCat("set=", choice.backup_label, " type=", choice.type),
                    absl::StrCat(RequireMount(kSourceRepositoryMount),
                                 "touch radctl-incomplete; rm -rf data; mkdir -m 0700 data; ",
                                 SourceCommand(stanza), " --pg1-path=/var/lib/postgresql/data",
                                 " --process-max=", kPgbackrestProcessMax,
                                 " --set=", choice.backup_label, " --type=", choice.type, target,
                                 // Follow the history across the source's failovers to the target.
                                 " --target-timeline=latest restore"));
}

std::string RecoverScript() {
  // Postgres replays the archive up to the target and promotes; the script waits for the
  // promotion itself (pg_ctl -w may return before it: it waits for the postmaster, not for
  // recovery), and fails with Postgres's own words when it gives up (a target it cannot reach).
  return TaggedStep(
      "recover", "",
      "trap 'rm -f radctl-restore.sql' EXIT; log=/tmp/radctl-recovery.log; rm -f $log; "
      "if ! pg_ctl -D data -l $log -w -t 86400 -o '-c archive_mode=off -c hot_standby=off "
      "-c listen_addresses=localhost' start >/dev/null; then "
      "grep -E 'FATAL|PANIC' $log | tail -n 3 >&2; exit 1; fi; "
      "while [ \"$(psql -X -At -d postgres -c 'SELECT pg_is_in_recovery()' 2>/dev/null)\" != f ]; "
      "do if ! pg_ctl -D data status >/dev/null 2>&1; then "
      "grep -E 'FATAL|PANIC' $log | tail -n 3 >&2; exit 1; fi; sleep 1; done; "
      "psql -X -q -v ON_ERROR_STOP=1 -d postgres -c 'ALTER SYSTEM RESET ALL' "
      "-f radctl-restore.sql; "
      "pg_ctl -D data -m fast -w -t 300 stop >/dev/null; "
      "grep -E 'recovery stopping|last completed transaction|selected new timeline|"
      "archive recovery complete' $log | sed 's/^.*LOG:  //'");
}

std::string StartRestoredPrimaryScript() {
  return TaggedStep("start-restored-primary", "",
                    // The marker goes before the first start that serves clients: a directory
                    // that ever served is never read as incomplete.
                    "rm -f radctl-incomplete; pg_ctl -D data -l /proc/1/fd/1 -w -t 300 start "
                    ">/dev/null; repmgr -f repmgr.conf primary register --force >/dev/null");
}

}  // namespace radctl
