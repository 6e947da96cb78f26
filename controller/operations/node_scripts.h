// The shell scripts radctl runs inside a node's container (docker exec, as the postgres user),
// one function per step. Each script starts with a step tag (": radctl-step clone
// source=demo-pg-1;"): it names the step in `ps` and Docker's exec events, and lets a test's fake
// runtime tell the steps apart without parsing shell. Pure: text only.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace radctl {

// The command line to exec for `script`: sh -c with the common preamble (stop at the first
// failure, run in the node's home, metadata writes commit locally).
std::vector<std::string> ScriptCommand(const std::string& script);

// A script step as the node's step runner reads it: ": radctl-step STEP [ARGS]; BODY".
std::string TaggedStep(const std::string& step, const std::string& args, const std::string& body);

// The last few lines of a failed command's output: enough to tell why, short enough to read.
std::string OutputTail(const std::string& text, size_t lines);

// The step named by a script's tag and its key=value arguments; nullopt for a command that is
// not one of radctl's scripts.
struct ScriptStep {
  std::string name;
  std::map<std::string, std::string> args;
};
std::optional<ScriptStep> ParseScriptStep(const std::vector<std::string>& command);

// The phases a one-exec script reported on its output ("radctl-phase made 70"), each with the
// time since the script began, in order.
std::vector<std::pair<std::string, absl::Duration>> ParsePhases(absl::string_view output);

// Prints "data=empty|standby|primary", "postgres=running|stopped" and, for an initialised
// directory, "timeline=N" (the newest in pg_wal). An interrupted initialisation or clone leaves
// a marker: such a directory counts as empty.
std::string DataDirectoryFactsScript();
// Files InitPrimaryScript reads, uploaded beside the data directory (in the postgres home).
inline constexpr char kInitPostgresqlConfFile[] = "radctl-init-postgresql.conf";
inline constexpr char kInitPgHbaConfFile[] = "radctl-init-pg_hba.conf";
inline constexpr char kBootstrapSqlFile[] = "radctl-bootstrap.sql";  // removed afterwards
// A fresh data directory (checksums on) with the uploaded postgresql.conf and pg_hba.conf, the
// bootstrap SQL run in it, then started as the primary and registered with repmgr. The marker
// is set until the primary is registered.
std::string InitPrimaryScript();
// pg_ctl start, waiting until it accepts connections.
std::string StartPostgresScript();
// Stops Postgres at once (fence); succeeds when it is not running afterwards.
std::string StopImmediatelyScript();
// Wipes the data directory and clones it from `source` with repmgr (marker set). With
// `verify_tls` every connection (repmgr's, pg_basebackup's, the standby's primary_conninfo)
// verifies `source` against the cluster's CA.
std::string CloneScript(const std::string& source, bool verify_tls = false);
// Starts a fresh clone without waiting (streaming is what is waited for) and clears the marker.
std::string StartCloneScript();
// repmgr standby register with `upstream_ordinal`.
std::string RegisterStandbyScript(int upstream_ordinal);
// Crash recovery in single-user mode if the last stop was unclean, then repmgr node rejoin
// --force-rewind against the primary `primary` (a node name). Exits 75 when the primary cannot
// be reached (transient). On failure Postgres is stopped and standby.signal removed, so the
// directory still reads as a former primary's. `verify_tls` as for CloneScript.
std::string RejoinScript(const std::string& primary, bool verify_tls = false);
// Moves a real data directory aside to data.radctl-old-`stamp` in the node's volume (earlier
// copies are kept: spec.replication.maxMovedAside) and prints "moved=DIR timeline=N
// checkpoint=LSN"; prints nothing when there is nothing worth keeping (empty, or an interrupted
// clone).
std::string MoveAsideScript(const std::string& stamp);
// pg_ctl restart -m fast.
std::string RestartScript();
// Clean shutdown; prints the location of the shutdown checkpoint.
std::string StopCleanlyScript();

}  // namespace radctl
