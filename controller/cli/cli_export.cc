// radctl export NAME|-f FILE --format cnpg|compose: a cluster in another system's terms. Reads
// the spec and passwords kept with the cluster, or a spec file (applied or not); Docker is asked
// only for the volumes' size and, with --create-replication-user, to reach the primary. Bad flags
// are refused before anything is read or changed (exit 2), and --strict refuses a spec that does
// not carry over in full.
#include <algorithm>
#include <fstream>
#include <iterator>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "controller/cli/build_info.h"
#include "controller/cli/cli_support.h"
#include "controller/cli/commands.h"
#include "controller/clients/postgres/pg_connection.h"
#include "controller/config/endpoints.h"
#include "controller/export/cnpg_manifest.h"
#include "controller/export/compose_file.h"
#include "controller/loop/observer.h"
#include "controller/reporting/http_endpoint.h"
#include "controller/state/desired_state_loader.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/naming.h"

namespace radctl::cli {
namespace {

absl::Status CheckFlags(const ExportOptions& options) {
  if (options.name.empty() == options.file.empty()) {
    return absl::InvalidArgumentError(
        "export needs a cluster NAME applied here, or -f FILE (a spec file), not both");
  }
  if (options.format == "compose" && options.strict) {
    return absl::InvalidArgumentError("export: --strict belongs to --format cnpg");
  }
  if (!options.file.empty() && options.create_replication_user) {
    return absl::InvalidArgumentError(
        "export: --create-replication-user acts on a running cluster: name it, not a file");
  }
  if (options.format == "compose" &&
      (!options.migrate_from.empty() || options.create_replication_user)) {
    return absl::InvalidArgumentError(
        "export: --migrate-from and --create-replication-user belong to --format cnpg");
  }
  if (options.format == "cnpg" && (!options.image.empty() || !options.http.empty())) {
    return absl::InvalidArgumentError("export: --image and --http belong to --format compose");
  }
  if (options.create_replication_user && options.migrate_from.empty()) {
    return absl::InvalidArgumentError(
        "export: --create-replication-user is for --migrate-from HOST:PORT");
  }
  if (options.create_replication_user && !options.show_secrets) {
    // The new password exists nowhere else: printing it must be asked for.
    return absl::InvalidArgumentError(
        "export: --create-replication-user sets a new password that only the printed Secret "
        "carries: add --show-secrets");
  }
  if (!options.name.empty()) RETURN_IF_ERROR(CheckClusterArgument(options.name));
  if (!options.migrate_from.empty()) {
    RETURN_IF_ERROR(exporting::ParseHostPort(options.migrate_from).status());
  }
  if (!options.http.empty()) {
    std::string host;
    int port = 0;
    RETURN_IF_ERROR(ParseListenAddress(options.http, &host, &port));
  }
  return absl::OkStatus();
}

// Bytes used by the fullest node volume (data directory, WAL, repmgr.conf), read with du in
// each running node; nullopt when none answers.
std::optional<int64_t> MeasureVolumes(const ContainerRuntime& docker, const std::string& name) {
  absl::StatusOr<std::vector<docker::ContainerSummary>> containers =
      docker.ListContainers(kLabelCluster, name);
  if (!containers.ok()) return std::nullopt;
  std::optional<int64_t> largest;
  for (const docker::ContainerSummary& container : *containers) {
    auto component = container.labels.find(kLabelComponent);
    if (component == container.labels.end() || component->second != kComponentPostgres ||
        container.state != "running") {
      continue;
    }
    absl::StatusOr<docker::ExecResult> du = docker.Exec(
        container.name, {"du", "-sb", "/var/lib/postgresql"}, "postgres", absl::Seconds(30));
    int64_t bytes = 0;
    if (!du.ok() || du->exit_code != 0) continue;
    absl::string_view first = absl::StripAsciiWhitespace(du->stdout_text);
    first = first.substr(0, first.find_first_of(" \t"));
    if (absl::SimpleAtoi(first, &bytes)) largest = std::max(largest.value_or(0), bytes);
  }
  return largest;
}

// Creates the source role on the writable primary, through the connection radctl itself uses
// (as repmgr, the superuser): the password never appears on a command line or in docker events.
absl::Status CreateReplicationUser(const CliContext& context, const Env& env,
                                   const StoredCluster& cluster, const std::string& password) {
  Observer observer(env, cluster.secrets);
  ASSIGN_OR_RETURN(ObservedState observed, observer.Observe(cluster.spec));
  const NodeObservation* primary = nullptr;
  for (const NodeObservation& node : observed.nodes) {
    if (!node.IsWritablePrimary()) continue;
    if (primary != nullptr) {
      return absl::FailedPreconditionError(absl::StrCat(
          "two writable primaries (", primary->name, ", ", node.name,
          "): not creating the replication user until the controller has settled this"));
    }
    primary = &node;
  }
  if (primary == nullptr) {
    return absl::UnavailableError(absl::StrCat(
        "cluster ", cluster.spec.name, " has no writable primary right now; nothing was created"));
  }
  ASSIGN_OR_RETURN(
      std::unique_ptr<PgConnection> conn,
      PgConnection::Connect(context.clock,
                            NodeEndpoint(cluster.spec, cluster.secrets, primary->host_port),
                            absl::Seconds(5)));
  RETURN_IF_ERROR(conn->Query(exporting::ReplicationUserSql(password), absl::Seconds(10)).status());
  context.err << "radctl: role " << exporting::kReplicationUser << " (LOGIN REPLICATION) is set on "
              << primary->name << "; its password is in the Secret "
              << exporting::ReplicationSecretName(cluster.spec.name) << "\n";
  return absl::OkStatus();
}

// The cluster to export: the one kept here under NAME, or the spec in FILE (with the passwords
// kept here when that cluster was applied, else the spec's own, if any).
absl::StatusOr<StoredCluster> ExportedCluster(const CliContext& context,
                                              const ExportOptions& options) {
  if (options.file.empty()) {
    ClusterStore store(context.state_dir, options.name, context.clock);
    return LoadStoredCluster(store, options.name);
  }
  ASSIGN_OR_RETURN(SpecFile file, ReadSpecFile(options.file));
  const ClusterSpec& spec = file.spec;
  ClusterStore store(context.state_dir, spec.name, context.clock);
  StoredCluster cluster{spec, ClusterSecrets{}};
  if (absl::StatusOr<ClusterSecrets> kept = store.LoadSecrets(); kept.ok()) {
    cluster.secrets = *kept;
  } else {
    cluster.secrets.app_password = spec.auth.password;
  }
  return cluster;
}

}  // namespace

absl::StatusOr<ExportOptions> ParseExport(const ParsedArgs& args) {
  ExportOptions options;
  options.name = args.Arg(0);
  options.file = args.Value("--filename");
  options.format = args.Value("--format");
  options.strict = args.Has("--strict");
  options.migrate_from = args.Value("--migrate-from");
  options.create_replication_user = args.Has("--create-replication-user");
  options.show_secrets = args.Has("--show-secrets");
  options.image = args.Value("--image");
  options.http = args.Value("--http");
  RETURN_IF_ERROR(CheckFlags(options));
  return options;
}

absl::Status RunExport(const CliContext& context, const ExportOptions& options) {
  ASSIGN_OR_RETURN(StoredCluster cluster, ExportedCluster(context, options));

  if (options.format == "compose") {
    exporting::ComposeOptions compose;
    compose.image = options.image.empty() ? absl::StrCat("radctl/radctl:", GetBuildInfo().version)
                                          : options.image;
    if (!options.http.empty()) compose.http = options.http;
    compose.show_secrets = options.show_secrets;
    ASSIGN_OR_RETURN(exporting::ComposeExport result,
                     exporting::RenderCompose(cluster.spec, compose));
    context.out << result.yaml;
    for (const std::string& note : result.notes) context.err << "radctl: note: " << note << "\n";
    return absl::OkStatus();
  }

  exporting::CnpgOptions cnpg;
  cnpg.show_secrets = options.show_secrets;
  if (!options.migrate_from.empty()) {
    ASSIGN_OR_RETURN(cnpg.migrate_from, exporting::ParseHostPort(options.migrate_from));
    // The copy verifies the source against the cluster's CA when it is kept here.
    std::ifstream ca(cluster.secrets.ca_file);
    if (!cluster.secrets.ca_file.empty() && ca) {
      cnpg.source_ca_pem.assign(std::istreambuf_iterator<char>(ca),
                                std::istreambuf_iterator<char>());
    }
  }
  // A file's cluster need not exist: the engine is asked only about an applied one, and an
  // export goes on without it (with a default storage size).
  absl::StatusOr<const Env*> env = absl::UnavailableError("not asked");
  if (options.file.empty()) env = Connect(context);
  if (options.create_replication_user) {
    RETURN_IF_ERROR(env.status());
    cnpg.replication_password = GeneratePassword();
    RETURN_IF_ERROR(CreateReplicationUser(context, **env, cluster, cnpg.replication_password));
  }
  if (env.ok()) cnpg.data_bytes = MeasureVolumes((*env)->runtime, cluster.spec.name);
  ASSIGN_OR_RETURN(exporting::CnpgExport result,
                   exporting::RenderCnpg(cluster.spec, cluster.secrets, cnpg));
  if (options.strict && !result.not_carried.empty()) {
    std::string list;
    for (const std::string& field : result.not_carried) absl::StrAppend(&list, "\n  ", field);
    return absl::InvalidArgumentError(absl::StrCat(
        "export --strict: ", result.not_carried.size(), " field",
        result.not_carried.size() == 1 ? "" : "s",
        " of the spec would not carry over to CloudNativePG (nothing printed):", list));
  }
  context.out << result.yaml;
  context.err << "radctl: exported cluster " << cluster.spec.name << " as CloudNativePG manifests; "
              << result.notes.size() << " point" << (result.notes.size() == 1 ? "" : "s")
              << " to read in the header (what does not carry over, what to do by hand)\n";
  return absl::OkStatus();
}

}  // namespace radctl::cli
