#include "controller/operations/node_scripts.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "controller/clients/postgres/stop_request.h"
#include "controller/config/tls_config.h"

namespace radctl {
namespace {

// Stop at the first failure, run in the node's home. Metadata writes (roles, repmgr's records)
// commit locally: with synchronous replication on they would otherwise wait for a standby that
// does not exist yet (bootstrap) or is still attaching (failover).
constexpr char kPreamble[] =
    "set -e; cd /var/lib/postgresql; export PGOPTIONS='-c synchronous_commit=local'; ";
constexpr char kTag[] = ": radctl-step ";
// `phase NAME` prints "radctl-phase NAME MS": milliseconds since the script began, for the
// controller to report where the time of a one-exec step went (ParsePhases).
constexpr char kPhaseClock[] =
    "t0=$(date +%s%N); phase() { echo \"radctl-phase $1 $(( ($(date +%s%N) - t0) / 1000000 ))\"; "
    "}; ";
// initdb's output, made when the image was built (images/postgres/Dockerfile).
constexpr char kTemplateDataDir[] = "/usr/share/radctl/template-data";

// libpq reads these where a conninfo says nothing (pg_basebackup started by repmgr).
std::string TlsEnvironment(bool verify_tls) {
  if (!verify_tls) return "";
  return absl::StrCat("export PGSSLMODE=verify-full PGSSLROOTCERT=", kNodeTlsDir, "/ca.crt; ");
}

std::string TlsConninfo(bool verify_tls) {
  if (!verify_tls) return "";
  return absl::StrCat(" sslmode=verify-full sslrootcert=", kNodeTlsDir, "/ca.crt");
}

// Starts Postgres in a data directory just made and waits until it accepts connections.
// pg_ctl's own wait (-w) looks every 100 ms; postmaster.pid's status line says "ready" at the
// moment it does: looked for every 10 ms, up to 60 s. Only for a new directory: it holds no
// stale postmaster.pid (a killed container's says "ready" too). A postmaster that exits while
// starting is noticed within 0.5 s.
std::string StartNewAndWaitUntilReady() {
  return "pg_ctl -D data -l /proc/1/fd/1 -W start >/dev/null; i=0; "
         "while :; do s=$(sed -n '8{s/ *$//;p}' data/postmaster.pid 2>/dev/null || true); "
         "[ \"$s\" = ready ] && break; i=$((i+1)); "
         "if [ $i -gt 6000 ]; then echo 'postgres did not start within 60s' >&2; exit 1; fi; "
         "if [ -z \"$s\" ] && [ $i -gt 50 ] && ! pg_ctl -D data status >/dev/null 2>&1; then "
         "echo 'postgres exited while starting' >&2; exit 1; fi; "
         "sleep 0.01; done; ";
}

// A new data directory: a copy of the image's template with an identifier of its own where the
// image has one (a copy takes 0.07 s where initdb took 0.5-0.9 s), else initdb with the same
// options.
std::string MakeDataDirectory() {
  return absl::StrCat(
      "if [ -d ", kTemplateDataDir,
      " ] && command -v radctl-new-system-identifier >/dev/null; then "
      "cp -a ",
      kTemplateDataDir,
      " data; radctl-new-system-identifier data >/dev/null; pg_resetwal -D data >/dev/null; "
      "else initdb -D data --data-checksums --no-sync --username=postgres "
      "--auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 "
      ">/dev/null; fi; ");
}

}  // namespace

std::string TaggedStep(const std::string& step, const std::string& args, const std::string& body) {
  return absl::StrCat(kTag, step, args.empty() ? "" : " ", args, "; ", body);
}

std::string OutputTail(const std::string& text, size_t lines) {
  std::vector<std::string> all = absl::StrSplit(text, '\n', absl::SkipWhitespace());
  if (all.size() > lines) all.erase(all.begin(), all.end() - lines);
  return absl::StrJoin(all, " | ");
}

std::vector<std::pair<std::string, absl::Duration>> ParsePhases(absl::string_view output) {
  std::vector<std::pair<std::string, absl::Duration>> phases;
  for (absl::string_view line : absl::StrSplit(output, '\n', absl::SkipEmpty())) {
    std::vector<absl::string_view> words = absl::StrSplit(line, ' ', absl::SkipEmpty());
    int64_t ms = 0;
    if (words.size() == 3 && words[0] == "radctl-phase" && absl::SimpleAtoi(words[2], &ms)) {
      phases.emplace_back(std::string(words[1]), absl::Milliseconds(ms));
    }
  }
  return phases;
}

std::vector<std::string> ScriptCommand(const std::string& script) {
  return {"sh", "-c", absl::StrCat(kPreamble, script)};
}

std::optional<ScriptStep> ParseScriptStep(const std::vector<std::string>& command) {
  if (command.size() != 3 || command[0] != "sh" || command[1] != "-c") return std::nullopt;
  absl::string_view text = command[2];
  size_t at = text.find(kTag);
  if (at == absl::string_view::npos) return std::nullopt;
  text.remove_prefix(at + sizeof(kTag) - 1);
  text = text.substr(0, text.find(';'));
  std::vector<std::string> words = absl::StrSplit(text, ' ', absl::SkipEmpty());
  if (words.empty()) return std::nullopt;
  ScriptStep step{words[0], {}};
  for (size_t i = 1; i < words.size(); ++i) {
    std::pair<std::string, std::string> kv = absl::StrSplit(words[i], absl::MaxSplits('=', 1));
    step.args[kv.first] = kv.second;
  }
  return step;
}

std::string DataDirectoryFactsScript() {
  return TaggedStep(
      "facts", "",
      absl::StrCat("if [ -e radctl-incomplete ] || [ ! -f data/PG_VERSION ]; then echo data=empty; "
                   "elif [ -f data/standby.signal ]; then echo data=standby; "
                   "else echo data=primary; fi; "
                   "if pg_ctl -D data status >/dev/null 2>&1; then echo postgres=running; "
                   "else echo postgres=stopped; fi; "
                   // The timeline of the newest WAL segment in pg_wal (the last checkpoint's
                   // lags a promotion until the next checkpoint). Segments only: a standby that
                   // failed to follow a new primary has fetched its timeline's history file all
                   // the same.
                   "if [ -d data/pg_wal ]; then tl=$(ls data/pg_wal | grep -E '^[0-9A-F]{24}$' | "
                   "cut -c1-8 | sort | tail -n 1); [ -n \"$tl\" ] && echo timeline=$((0x$tl)); fi; "
                   // The container was asked to stop (stop_request.h), and the answer so far.
                   "[ -f ",
                   kStopRequestedFile, " ] && echo stop_requested=$(cat ", kStopRequestedFile,
                   "); [ -f ", kStopAnswerFile, " ] && echo stop_answer=$(cat ", kStopAnswerFile,
                   "); "
                   // The copies rebuilds kept (the stamp in their names sorts oldest first).
                   "echo aside=$(ls -d data.radctl-old-* 2>/dev/null | tr '\\n' ,); "
                   "true"));
}

std::string InitPrimaryScript() {
  // The marker makes an interrupted initialisation count as "empty": it is redone from scratch.
  // One exec for the whole of it (each costs Docker 50-100 ms): postgresql.conf, pg_hba.conf and
  // the bootstrap SQL were uploaded beside the data directory beforehand.
  // Roles and databases are made by a single-user backend without fsync (-F): the two CREATE
  // DATABASEs dirty hundreds of files, and fsyncing each at the first checkpoint (the one the
  // first clone waits for) takes seconds on a slow disk; initdb's own fsync of each file does
  // too. One syncfs of the volume afterwards makes the new cluster just as durable. A
  // single-user backend reports errors but exits 0: its output is checked. Its commits are
  // local: with synchronous replication on they would wait for standbys forever.
  return TaggedStep(
      "init-primary", "",
      absl::StrCat(
          "trap 'rm -f ", kBootstrapSqlFile, "' EXIT; ", kPhaseClock,
          // Only an empty directory, or one an interrupted init or clone left (its marker), is
          // made anew: the planner saw it so, and this holds where it could not look (a new
          // cluster's first node, created and initialised in one step).
          "if [ -f data/PG_VERSION ] && [ ! -e radctl-incomplete ]; then "
          "echo \"the volume holds a data directory radctl did not make; not initialising over "
          "it (to start afresh: radctl delete the cluster, then docker volume rm "
          "$(hostname)-data)\" "
          ">&2; "
          "exit 65; fi; "
          "touch radctl-incomplete; "
          "pg_ctl -D data stop -m immediate >/dev/null 2>&1 || true; "
          "rm -rf data; ",
          MakeDataDirectory(), "phase made; ", "mv ", kInitPostgresqlConfFile,
          " data/postgresql.conf; mv ", kInitPgHbaConfFile,
          " data/pg_hba.conf; "
          "postgres --single -j -F -c synchronous_commit=local -D data postgres <",
          kBootstrapSqlFile,
          " >/tmp/radctl-bootstrap.log 2>&1 || { cat /tmp/radctl-bootstrap.log >&2; exit 1; }; "
          "if grep -E '(ERROR|FATAL|PANIC): ' /tmp/radctl-bootstrap.log >&2; then exit 1; fi; "
          // Complete and durable: the marker goes before the first start, so a directory
          // that ever served is never read as incomplete (and never removed as one), also
          // when a step after the start fails.
          "phase bootstrapped; sync -f data/PG_VERSION; rm -f radctl-incomplete; phase synced; ",
          StartNewAndWaitUntilReady(),
          "phase started; repmgr -f repmgr.conf primary register --force >/dev/null; "
          "phase registered"));
}

std::string StartPostgresScript() {
  // pg_ctl's own wait: a data directory that was not just made may hold a stale postmaster.pid
  // of a killed container that says "ready", which pg_ctl tells apart from the new one. A
  // standby's container starts its Postgres itself (the entrypoint): one that did so since it was
  // observed stopped makes this start fail on the lock file, and is what was asked for.
  return TaggedStep("start", "",
                    "pg_ctl -D data -l /proc/1/fd/1 -w -t 60 start >/dev/null || "
                    "pg_ctl -D data status >/dev/null 2>&1");
}

std::string StopImmediatelyScript() {
  return TaggedStep("stop-immediately", "",
                    "pg_ctl -D data stop -m immediate -t 5 >/dev/null 2>&1 || "
                    "! pg_ctl -D data status >/dev/null 2>&1");
}

std::string CloneScript(const std::string& source, bool verify_tls) {
  return TaggedStep("clone", absl::StrCat("source=", source),
                    absl::StrCat(TlsEnvironment(verify_tls), "touch radctl-incomplete; ",
                                 "pg_ctl -D data stop -m immediate >/dev/null 2>&1 || true; "
                                 "rm -rf data; "
                                 "repmgr -f repmgr.conf -d 'host=",
                                 source, " user=repmgr dbname=repmgr", TlsConninfo(verify_tls),
                                 "' standby clone --fast-checkpoint; ",
                                 // The copy was made with --no-sync (repmgr.conf): durable before
                                 // it counts as complete.
                                 "sync -f data/PG_VERSION"));
}

std::string StartCloneScript() {
  // Without pg_ctl's own wait (it polls in tenths of a second): streaming is what counts. The
  // marker goes first: a directory that ever served is never read as incomplete.
  return TaggedStep("start-clone", "",
                    "rm -f radctl-incomplete; pg_ctl -D data -l /proc/1/fd/1 -W start >/dev/null");
}

std::string RegisterStandbyScript(int upstream_ordinal) {
  return TaggedStep("register-standby", absl::StrCat("upstream=", upstream_ordinal),
                    absl::StrCat("repmgr -f repmgr.conf standby register --force "
                                 "--upstream-node-id=",
                                 upstream_ordinal, " >/dev/null"));
}

std::string RejoinScript(const std::string& primary, bool verify_tls) {
  // After an unclean stop (a killed container: the usual case) the control file's last
  // checkpoint lies before the end of the WAL, and repmgr, judging from it, may decide that no
  // rewind is needed when the node did write past the fork. Crash recovery in single-user mode
  // (no connections: the node stays fenced) first brings the control file to the real end.
  // repmgr writes standby.signal before rewinding; a failed rejoin stops Postgres and removes
  // it again, so the directory still reads as a former primary's.
  const std::string primary_conninfo =
      absl::StrCat("host=", primary, " port=5432 user=repmgr dbname=repmgr connect_timeout=2",
                   TlsConninfo(verify_tls));
  // Exit 75 (EX_TEMPFAIL) when the primary cannot be reached: a transient failure, retried;
  // any other failure is the rewind's own. -W: the attachment is waited for by the controller.
  return TaggedStep(
      "rejoin", absl::StrCat("primary=", primary),
      absl::StrCat(TlsEnvironment(verify_tls), "psql -X -q -d '", primary_conninfo,
                   "' -c 'SELECT 1' >/dev/null 2>&1 || "
                   "{ echo 'cannot connect to ",
                   primary,
                   "' >&2; exit 75; }; "
                   "if pg_controldata -D data | grep -q 'cluster state: *in production'; then "
                   "postgres --single -D data postgres </dev/null >/tmp/radctl-recovery.log 2>&1 "
                   "|| { cat /tmp/radctl-recovery.log >&2; exit 1; }; fi; "
                   "if ! repmgr -f repmgr.conf node rejoin -W -d '",
                   primary_conninfo,
                   "' --force-rewind >/tmp/radctl-rejoin.log 2>&1; then "
                   "cat /tmp/radctl-rejoin.log >&2; "
                   "pg_ctl -D data stop -m immediate >/dev/null 2>&1; "
                   "rm -f data/standby.signal; exit 1; fi"));
}

std::string MoveAsideScript(const std::string& stamp) {
  // Only a real data directory is kept: an interrupted clone (the marker) holds nothing. Earlier
  // copies stay (a former primary's may hold the only copy of some commits); a name already
  // taken (two rebuilds within a second) gets a suffix, so nothing is moved into another copy.
  const std::string kept = absl::StrCat("data.radctl-old-", stamp);
  return TaggedStep(
      "move-aside", absl::StrCat("stamp=", stamp),
      absl::StrCat(
          "if [ ! -f data/PG_VERSION ] || [ -e radctl-incomplete ]; then exit 0; fi; "
          "pg_ctl -D data stop -m immediate >/dev/null 2>&1 || true; "
          "tl=$(pg_controldata -D data | sed -n \"s/^Latest checkpoint's TimeLineID: *//p\"); "
          "end=$(pg_controldata -D data | sed -n 's/^Latest checkpoint location: *//p'); "
          "kept=",
          kept, "; n=1; while [ -e \"$kept\" ]; do n=$((n+1)); kept=", kept,
          "-$n; done; mv data \"$kept\"; "
          "echo \"moved=$kept timeline=$tl checkpoint=$end\""));
}

std::string RestartScript() {
  return TaggedStep("restart", "",
                    "pg_ctl -D data -l /proc/1/fd/1 restart -m fast -w -t 60 >/dev/null");
}

std::string StopCleanlyScript() {
  // pg_ctl's own wait looks every 100 ms; clients are held meanwhile (a switchover): the end is
  // looked for every 10 ms instead, up to 60 s. postmaster.pid goes last, after the shutdown
  // checkpoint.
  return TaggedStep("stop-cleanly", "",
                    "pg_ctl -D data stop -m fast -W >/dev/null; i=0; "
                    "while [ -e data/postmaster.pid ]; do i=$((i+1)); if [ $i -gt 6000 ]; then "
                    "echo 'postgres did not stop within 60s' >&2; exit 1; fi; sleep 0.01; done; "
                    "pg_controldata -D data | sed -n 's/^Latest checkpoint location: *//p'");
}

}  // namespace radctl
