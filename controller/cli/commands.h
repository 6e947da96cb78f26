// The radctl verbs. Each is an options struct and a Run function returning a Status; main()
// only parses arguments and maps the final status to the exit code (0 ok, 1 failure, 2 usage
// or spec error). Results go to stdout, progress and events to stderr.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace radctl {

struct GlobalOptions {
  std::string state_dir;   // ClusterStore root
  bool json_logs = false;  // --log-format json
};

struct ApplyOptions {
  std::vector<std::string> files;  // spec files and directories of them (-f, repeatable)
  bool watch = false;
  bool prune = false;  // watch: a spec removed from a directory removes its cluster's containers
  bool dry_run = false;
  std::string http = "127.0.0.1:8433";  // watch mode's HTTP endpoint; "off" for none
};
[[nodiscard]] absl::Status RunApply(const GlobalOptions& global, const ApplyOptions& options,
                                    const std::atomic<bool>& stop);

struct StatusOptions {
  std::string name;
  std::string output = "table";  // table | json | uri
  bool read = false;             // -o uri --read: the read-only endpoint's URI
};
[[nodiscard]] absl::Status RunStatus(const GlobalOptions& global, const StatusOptions& options);

struct DeleteOptions {
  std::string name;
  bool keep_volumes = false;
};
[[nodiscard]] absl::Status RunDelete(const GlobalOptions& global, const DeleteOptions& options);

struct EventsOptions {
  std::string name;
  std::string since;             // a duration ("10m"); empty: all kept events
  std::string output = "table";  // table | json
};
[[nodiscard]] absl::Status RunEvents(const GlobalOptions& global, const EventsOptions& options);

struct ScaleOptions {
  std::string name;
  int nodes = 0;
};
[[nodiscard]] absl::Status RunScale(const GlobalOptions& global, const ScaleOptions& options);

struct RotatePasswordOptions {
  std::string name;
};
[[nodiscard]] absl::Status RunRotatePassword(const GlobalOptions& global,
                                             const RotatePasswordOptions& options);

struct SwitchoverOptions {
  std::string name;
  std::string to;  // node name or ordinal; empty: the most advanced standby
};
[[nodiscard]] absl::Status RunSwitchover(const GlobalOptions& global,
                                         const SwitchoverOptions& options);

struct PromoteOptions {
  std::string name;
  std::string node;  // node name or ordinal
  bool accept_data_loss = false;
};
[[nodiscard]] absl::Status RunPromote(const GlobalOptions& global, const PromoteOptions& options);

struct ExportOptions {
  std::string name;
  std::string format;        // cnpg | compose
  std::string migrate_from;  // cnpg: HOST:PORT of the current primary, as Kubernetes reaches it
  bool create_replication_user = false;  // cnpg --migrate-from: create the source role now
  bool show_secrets = false;             // print passwords (Secret manifests, the spec's password)
  std::string image;                     // compose: the controller image; empty: radctl/radctl
  std::string http;  // compose: the controller's HTTP endpoint; empty: 127.0.0.1:8433
};
[[nodiscard]] absl::Status RunExport(const GlobalOptions& global, const ExportOptions& options);

struct VersionOptions {
  std::string output = "text";  // text | json
};
[[nodiscard]] absl::Status RunVersion(const VersionOptions& options);

struct HelpOptions {
  std::string command;  // empty: the list of commands
};
[[nodiscard]] absl::Status RunHelp(const HelpOptions& options);

struct CompletionOptions {
  std::string shell;  // bash
};
[[nodiscard]] absl::Status RunCompletion(const CompletionOptions& options);

// Values as typed; cli_drill.cc parses and checks them (exit 2 with what is wrong).
struct DrillCommandOptions {
  std::string name;
  std::string fault = "kill-primary";
  std::string rounds = "3";
  std::string writers = "4";
  std::string readers = "0";
  std::string rate = "100";  // writes per second over all writers
  std::string settle = "5s";
  std::string seed;              // random faults and targets; empty: from the clock
  std::string output = "table";  // table | json
  std::string report;            // FILE.html; empty: none
  std::string run_controller;    // FILE: the drill runs `radctl apply -f FILE --watch` itself
  std::string exec;              // CMD: the user's workload, run during the rounds
};
[[nodiscard]] absl::Status RunDrillCommand(const GlobalOptions& global,
                                           const DrillCommandOptions& options,
                                           const std::atomic<bool>& stop);

struct BackupOptions {
  std::string name;
  std::string type = "full";  // full | diff | incr
};
[[nodiscard]] absl::Status RunBackup(const GlobalOptions& global, const BackupOptions& options);

struct BackupsOptions {
  std::string name;
  std::string output = "table";  // table | json
};
[[nodiscard]] absl::Status RunBackups(const GlobalOptions& global, const BackupsOptions& options);

struct RestoreOptions {
  std::string name;  // the new cluster
  std::string from;  // the cluster whose backups are restored
  std::string to_time;
  std::string to_lsn;
  bool latest = false;
  int nodes = 0;         // 0: the source's count (3 when the source is not known here)
  int bouncer_port = 0;  // 0: auto
  std::string file;      // the spec written; empty: NAME.yaml
};
[[nodiscard]] absl::Status RunRestore(const GlobalOptions& global, const RestoreOptions& options,
                                      const std::atomic<bool>& stop);

}  // namespace radctl
