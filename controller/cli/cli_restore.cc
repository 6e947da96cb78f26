// radctl restore NEW --from NAME (--to-time T | --to-lsn LSN | --latest): a shortcut that writes
// the spec of a new cluster recovered from NAME's backups (spec.bootstrap.recovery) and applies
// it. The new cluster takes the source's shape (nodes, profile, Postgres settings, user and
// database, backups) when the source is known here; its own passwords and bouncer port. It
// never touches an existing cluster: a NEW that is already known is refused.
#include <sys/stat.h>

#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "controller/cli/cli_support.h"
#include "controller/cli/commands.h"
#include "crd-like-specs/spec_parser.h"
#include "crd-like-specs/status_macros.h"

namespace radctl {

absl::Status RunRestore(const GlobalOptions& global, const RestoreOptions& options,
                        const std::atomic<bool>& stop) {
  int targets = (options.to_time.empty() ? 0 : 1) + (options.to_lsn.empty() ? 0 : 1) +
                (options.latest ? 1 : 0);
  if (targets != 1) {
    return absl::InvalidArgumentError(
        "restore needs exactly one of --to-time T (RFC 3339), --to-lsn LSN and --latest");
  }
  if (options.from.empty()) return absl::InvalidArgumentError("restore needs --from NAME");
  ClusterStore existing(global.state_dir, options.name);
  if (existing.LoadSpec().ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("cluster ", options.name,
                     " exists already; a restore makes a new cluster "
                     "and never restores over one (radctl delete ",
                     options.name, " first)"));
  }
  ClusterSpec spec;
  ClusterStore source(global.state_dir, options.from);
  if (absl::StatusOr<ClusterSpec> from = source.LoadSpec(); from.ok()) {
    spec = *from;
    spec.auth.password.clear();  // the new cluster's own, generated
    spec.backup.repository.clear();
    spec.bouncer = BouncerSpec();
  }
  spec.name = options.name;
  if (options.nodes > 0) spec.nodes = options.nodes;
  if (options.bouncer_port > 0) spec.bouncer.port = options.bouncer_port;
  RecoverySpec recovery;
  recovery.from_cluster = options.from;
  recovery.target_time = options.to_time;
  recovery.target_lsn = options.to_lsn;
  recovery.latest = options.latest;
  spec.bootstrap.recovery = recovery;
  spec.positions.clear();
  spec.source.clear();

  const std::string file =
      options.file.empty() ? absl::StrCat(options.name, ".yaml") : options.file;
  struct stat info;
  if (stat(file.c_str(), &info) == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(file, " exists; not overwritten (choose another with --spec-file)"));
  }
  {
    std::ofstream out(file);
    out << ClusterSpecToYaml(spec);
    if (!out) return absl::PermissionDeniedError(absl::StrCat("cannot write ", file));
  }
  std::cerr << "radctl: wrote " << file << " (cluster " << options.name << ", recovered from "
            << options.from << "); applying it\n";
  ApplyOptions apply;
  apply.files = {file};
  apply.http = "off";
  return RunApply(global, apply, stop);
}

}  // namespace radctl
