// radctl restore NEW --from NAME (--to-time T | --to-lsn LSN | --latest): a shortcut that writes
// the spec of a new cluster recovered from NAME's backups (spec.bootstrap.recovery) and applies
// it. The new cluster takes the source's shape (nodes, profile, Postgres settings, user and
// database, backups) when the source is known here; its own passwords and bouncer port. It
// never touches an existing cluster: a NEW that is already known is refused. The spec is
// written only once all of it is valid, and taken back when apply refuses it.
#include <sys/stat.h>

#include <cstdio>
#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "controller/cli/cli_support.h"
#include "controller/cli/commands.h"
#include "crd-like-specs/spec_parser.h"
#include "crd-like-specs/spec_validators.h"
#include "crd-like-specs/status_macros.h"
#include "crd-like-specs/time_text.h"

namespace radctl::cli {
namespace {

absl::Status ParseWholeNumber(const std::string& flag, const std::string& text, int* value) {
  if (absl::SimpleAtoi(text, value)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(flag, ": expected a whole number, got \"", text, "\""));
}

absl::Status Prefixed(const std::string& flag, const absl::Status& status) {
  if (status.ok()) return status;
  return absl::InvalidArgumentError(absl::StrCat(flag, ": ", status.message()));
}

}  // namespace

absl::StatusOr<RestoreOptions> ParseRestore(const ParsedArgs& args) {
  RestoreOptions options;
  options.name = args.Arg(0);
  options.from = args.Value("--from");
  options.to_lsn = args.Value("--to-lsn");
  options.latest = args.Has("--latest");
  options.file = args.Value("--spec-file");
  std::string to_time = args.Value("--to-time");
  std::string nodes = args.Value("--nodes");
  std::string port = args.Value("--bouncer-port");
  RETURN_IF_ERROR(CheckClusterArgument(options.name));
  RETURN_IF_ERROR(Prefixed("--from", CheckClusterName(options.from)));
  int targets =
      (to_time.empty() ? 0 : 1) + (options.to_lsn.empty() ? 0 : 1) + (options.latest ? 1 : 0);
  if (targets != 1) {
    return absl::InvalidArgumentError(
        "restore needs exactly one of --to-time TIME, --to-lsn LSN and --latest");
  }
  if (!to_time.empty()) {
    std::optional<absl::Time> time = ParseTimeWithZone(to_time);
    if (!time.has_value()) return Prefixed("--to-time", CheckRecoveryTime(to_time));
    options.to_time = FormatRfc3339(*time);
  }
  if (!options.to_lsn.empty()) RETURN_IF_ERROR(Prefixed("--to-lsn", CheckLsn(options.to_lsn)));
  if (!nodes.empty()) {
    RETURN_IF_ERROR(ParseWholeNumber("--nodes", nodes, &options.nodes));
    RETURN_IF_ERROR(Prefixed("--nodes", CheckNodeCount(options.nodes)));
  }
  if (!port.empty()) {
    RETURN_IF_ERROR(ParseWholeNumber("--bouncer-port", port, &options.bouncer_port));
    RETURN_IF_ERROR(Prefixed("--bouncer-port", CheckPort(options.bouncer_port)));
  }
  return options;
}

absl::Status RunRestore(const CliContext& context, const RestoreOptions& options) {
  ClusterStore existing(context.state_dir, options.name, context.clock);
  if (existing.LoadSpec().ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("cluster ", options.name,
                     " exists already; a restore makes a new cluster "
                     "and never restores over one (radctl delete ",
                     options.name, " first)"));
  }
  ClusterSpec spec;
  ClusterStore source(context.state_dir, options.from, context.clock);
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
  if (absl::Status valid = ValidateSpec(spec); !valid.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the new cluster's spec would be invalid: ", valid.message(), ". Nothing was written."));
  }

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
  context.err << "radctl: wrote " << file << " (cluster " << options.name << ", recovered from "
              << options.from << "); applying it\n";
  ApplyOptions apply;
  apply.files = {file};
  apply.http = "off";
  absl::Status applied = RunApply(context, apply);
  if (absl::IsInvalidArgument(applied)) {
    // Apply refused it before changing anything: the file would only mislead.
    std::remove(file.c_str());
    context.err << "radctl: removed " << file << ": apply refused it\n";
  }
  return applied;
}

}  // namespace radctl::cli
