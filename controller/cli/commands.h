// The radctl verbs, each in kubectl's shape: an options struct, a Parse function that builds it
// from the parsed command line and validates it (InvalidArgument, exit 2, before anything is read
// or changed), and a Run function that acts with what CliContext gives it. main() only parses and
// maps the final status to the exit code (0 ok, 1 failure, 2 usage or spec error). Results go to
// context.out, progress and events to context.err.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/cli/cli_context.h"
#include "controller/cli/verb.h"

namespace radctl::cli {

struct ApplyOptions {
  std::vector<std::string> files;  // spec files and directories of them (-f, repeatable)
  bool watch = false;
  bool prune = false;  // watch: a spec removed from a directory removes its cluster's containers
  bool dry_run = false;
  std::string http = "127.0.0.1:8433";  // watch mode's HTTP endpoint; "off" for none
};
absl::StatusOr<ApplyOptions> ParseApply(const ParsedArgs& args);
absl::Status RunApply(const CliContext& context, const ApplyOptions& options);

struct StatusOptions {
  std::string name;
  std::string output = "table";  // table | json | yaml | uri | env
  bool read = false;             // -o uri|env --read: the read-only endpoint's
};
absl::StatusOr<StatusOptions> ParseStatus(const ParsedArgs& args);
absl::Status RunStatus(const CliContext& context, const StatusOptions& options);

struct ListOptions {
  std::string output = "table";  // table | name | json | yaml
};
absl::StatusOr<ListOptions> ParseList(const ParsedArgs& args);
absl::Status RunList(const CliContext& context, const ListOptions& options);

struct LogsOptions {
  std::string name;
  std::string source;  // "": every container; a node, "bouncer", "read-bouncer" or "events"
  bool follow = false;
  int tail = 100;  // lines of each container's log (events: the last so many)
};
absl::StatusOr<LogsOptions> ParseLogs(const ParsedArgs& args);
absl::Status RunLogs(const CliContext& context, const LogsOptions& options);

struct AsideOptions {
  std::string name;
  std::string node;              // "": every node
  std::string remove;            // a moved-aside directory of `node` to remove; "": list
  std::string output = "table";  // table | json | yaml
};
absl::StatusOr<AsideOptions> ParseAside(const ParsedArgs& args);
absl::Status RunAside(const CliContext& context, const AsideOptions& options);

struct ReadyOptions {
  std::string name;  // empty: every cluster the controller watches
  std::string http = "127.0.0.1:8433";
  absl::Duration wait = absl::ZeroDuration();  // ask again every second until then
};
absl::StatusOr<ReadyOptions> ParseReady(const ParsedArgs& args);
absl::Status RunReady(const CliContext& context, const ReadyOptions& options);

struct WaitOptions {
  std::string name;
  struct Wanted {
    std::string type;    // a condition's type: Ready, Degraded, FailingOver, Reconciling
    bool status = true;  // the value waited for
  };
  std::vector<Wanted> wanted;  // every one must hold at once; none: the cluster answers
  absl::Duration timeout = absl::Seconds(60);
};
absl::StatusOr<WaitOptions> ParseWait(const ParsedArgs& args);
absl::Status RunWait(const CliContext& context, const WaitOptions& options);

struct EventsOptions {
  std::string name;
  std::string since;             // a duration ("10m") or a time; empty: all kept events
  std::string output = "table";  // table | json | yaml
};
absl::StatusOr<EventsOptions> ParseEvents(const ParsedArgs& args);
absl::Status RunEvents(const CliContext& context, const EventsOptions& options);

struct DeleteOptions {
  std::string name;
  bool keep_volumes = false;
};
absl::StatusOr<DeleteOptions> ParseDelete(const ParsedArgs& args);
absl::Status RunDelete(const CliContext& context, const DeleteOptions& options);

struct ScaleOptions {
  std::string name;
  int nodes = 0;
};
absl::StatusOr<ScaleOptions> ParseScale(const ParsedArgs& args);
absl::Status RunScale(const CliContext& context, const ScaleOptions& options);

struct RotatePasswordOptions {
  std::string name;
};
absl::StatusOr<RotatePasswordOptions> ParseRotatePassword(const ParsedArgs& args);
absl::Status RunRotatePassword(const CliContext& context, const RotatePasswordOptions& options);

struct SwitchoverOptions {
  std::string name;
  int to = 0;  // ordinal; 0: the most advanced standby
};
absl::StatusOr<SwitchoverOptions> ParseSwitchover(const ParsedArgs& args);
absl::Status RunSwitchover(const CliContext& context, const SwitchoverOptions& options);

struct PromoteOptions {
  std::string name;
  int node = 0;  // ordinal
};
absl::StatusOr<PromoteOptions> ParsePromote(const ParsedArgs& args);
absl::Status RunPromote(const CliContext& context, const PromoteOptions& options);

struct ExportOptions {
  std::string name;                      // an applied cluster; or
  std::string file;                      // a spec file (-f): nothing needs to have been applied
  std::string format;                    // cnpg | compose
  bool strict = false;                   // cnpg: fail when a field does not carry over
  std::string migrate_from;              // cnpg: HOST:PORT of the current primary
  bool create_replication_user = false;  // cnpg --migrate-from: create the source role now
  bool show_secrets = false;             // print passwords (Secret manifests, the spec's password)
  std::string image;                     // compose: the controller image
  std::string http;                      // compose: the controller's HTTP endpoint on the host
};
absl::StatusOr<ExportOptions> ParseExport(const ParsedArgs& args);
absl::Status RunExport(const CliContext& context, const ExportOptions& options);

struct VersionOptions {
  std::string output = "text";  // text | json | yaml
};
absl::StatusOr<VersionOptions> ParseVersion(const ParsedArgs& args);
absl::Status RunVersion(const CliContext& context, const VersionOptions& options);
// `radctl --version`: "radctl version 0.1.0, commit 8f213c4\n".
std::string VersionLine();

struct HelpOptions {
  std::string verb;  // empty: the list of verbs
};
absl::StatusOr<HelpOptions> ParseHelp(const ParsedArgs& args);
absl::Status RunHelp(const CliContext& context, const HelpOptions& options);

struct CompletionOptions {
  std::string shell;  // bash | zsh | fish
};
absl::StatusOr<CompletionOptions> ParseCompletion(const ParsedArgs& args);
absl::Status RunCompletion(const CliContext& context, const CompletionOptions& options);

// The completions' helper: the clusters known here, or one cluster's nodes and log sources.
struct CompleteOptions {
  std::string kind;     // clusters | nodes | logs
  std::string cluster;  // for nodes and logs
};
absl::StatusOr<CompleteOptions> ParseComplete(const ParsedArgs& args);
absl::Status RunComplete(const CliContext& context, const CompleteOptions& options);

// Values as typed; the drill's own parser checks them (exit 2 with what is wrong).
struct DrillCommandOptions {
  std::string name;
  std::string fault = "kill-primary";
  std::string rounds = "3";
  std::string writers = "4";
  std::string readers = "0";
  std::string rate = "100";  // writes per second over all writers
  std::string settle = "5s";
  std::string seed;              // random faults and targets; empty: from the clock
  std::string output = "table";  // table | json | yaml
  std::string report;            // FILE.html; empty: none
  std::string run_controller;    // FILE: the drill runs `radctl apply -f FILE --watch` itself
  std::string exec;              // CMD: the user's workload, run during the rounds
};
absl::StatusOr<DrillCommandOptions> ParseDrill(const ParsedArgs& args);
absl::Status RunDrillCommand(const CliContext& context, const DrillCommandOptions& options);

struct BackupOptions {
  std::string name;
  std::string type = "full";  // full | diff | incr
};
absl::StatusOr<BackupOptions> ParseBackup(const ParsedArgs& args);
absl::Status RunBackup(const CliContext& context, const BackupOptions& options);

struct BackupsOptions {
  std::string name;
  std::string output = "table";  // table | json | yaml
};
absl::StatusOr<BackupsOptions> ParseBackups(const ParsedArgs& args);
absl::Status RunBackups(const CliContext& context, const BackupsOptions& options);

struct RestoreOptions {
  std::string name;     // the new cluster
  std::string from;     // the cluster whose backups are restored
  std::string to_time;  // RFC 3339, as normalised from what was typed
  std::string to_lsn;
  bool latest = false;
  int nodes = 0;         // 0: the source's count (3 when the source is not known here)
  int bouncer_port = 0;  // 0: auto
  std::string file;      // the spec written; empty: NAME.yaml
};
absl::StatusOr<RestoreOptions> ParseRestore(const ParsedArgs& args);
absl::Status RunRestore(const CliContext& context, const RestoreOptions& options);

}  // namespace radctl::cli
