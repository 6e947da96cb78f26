// radctl apply -f FILE|DIR... [--watch [--prune]] [--dry-run] [--http ADDR:PORT|off]
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "controller/cli/cli_support.h"
#include "controller/cli/commands.h"
#include "controller/fleet/fleet.h"
#include "controller/fleet/spec_sources.h"
#include "controller/loop/reconcile_loop.h"
#include "controller/reporting/http_endpoint.h"
#include "controller/state/desired_state_loader.h"
#include "controller/state/event_log.h"
#include "controller/state/state_format.h"
#include "crd-like-specs/status_macros.h"

namespace radctl::cli {
namespace {

// Observes and plans once per spec file, acts never, keeps nothing: prints the next step of
// each plan.
absl::Status DryRun(const CliContext& context, const Env& env, const std::string& path) {
  ASSIGN_OR_RETURN(SpecFile file, ReadSpecFile(path));
  ClusterStore store(context.state_dir, file.spec.name, context.clock);
  EventLog events(context.err, nullptr, context.json_logs, env.clock);
  DesiredStateLoader loader(path, store, events);
  ASSIGN_OR_RETURN(ClusterSpec desired, loader.Apply(file, /*keep=*/false));
  absl::StatusOr<ClusterSecrets> secrets = store.LoadSecrets();
  ReconcileLoop loop(env, secrets.ok() ? *secrets : ClusterSecrets{}, events, {}, store);
  ASSIGN_OR_RETURN(Plan plan, loop.PlanOnce(desired));
  if (plan.converged()) {
    context.out << "DRY-RUN cluster " << desired.name << " is up to date: nothing to do\n";
  }
  std::string text_plan = plan.ToString(desired.name);
  for (absl::string_view line : absl::StrSplit(text_plan, '\n', absl::SkipEmpty())) {
    context.out << "DRY-RUN " << line << "\n";
  }
  if (!plan.actions.empty()) {
    context.out << "DRY-RUN (one step shown: each step is observed before the next is planned)\n";
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ApplyOptions> ParseApply(const ParsedArgs& args) {
  ApplyOptions options;
  options.files = args.Values("--filename");
  options.watch = args.Has("--watch");
  options.prune = args.Has("--prune");
  options.dry_run = args.Has("--dry-run");
  options.http = args.Value("--http", options.http);
  if (options.prune && !options.watch) {
    return absl::InvalidArgumentError("--prune goes with --watch");
  }
  if (options.dry_run && options.watch) {
    return absl::InvalidArgumentError("--dry-run plans once; it does not go with --watch");
  }
  if (options.http != "off") {
    std::string host;
    int port = 0;
    if (absl::Status valid = ParseListenAddress(options.http, &host, &port); !valid.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--http: ", valid.message()));
    }
  }
  return options;
}

absl::Status RunApply(const CliContext& context, const ApplyOptions& options) {
  // Every spec is read and checked before Docker is asked anything.
  ASSIGN_OR_RETURN(SpecSources sources, ListSpecFiles(options.files));
  std::vector<ClusterStore> stores;
  for (const std::string& path : sources.files) {
    ASSIGN_OR_RETURN(SpecFile file, ReadSpecFile(path));
    stores.emplace_back(context.state_dir, file.spec.name, context.clock);
    RETURN_IF_ERROR(CheckStateFormat(stores.back()));
  }
  ASSIGN_OR_RETURN(const Env* env, Connect(context));
  if (options.dry_run) {
    for (const std::string& path : sources.files) {
      RETURN_IF_ERROR(DryRun(context, *env, path));
    }
    return absl::OkStatus();
  }

  // Clusters an older radctl made are taken over before anything acts on them.
  for (ClusterStore& store : stores) RETURN_IF_ERROR(TakeOverState(context, store));

  FleetOptions fleet_options;
  fleet_options.sources = options.files;
  fleet_options.state_root = context.state_dir;
  fleet_options.watch = options.watch;
  fleet_options.prune = options.prune;
  fleet_options.json_logs = context.json_logs;
  WatchedClusters watched;
  Fleet fleet(*env, fleet_options, watched);
  if (!options.watch) return fleet.Apply(context.stop);

  EventLog log(context.err, nullptr, context.json_logs, env->clock);
  std::unique_ptr<HttpEndpoint> http;
  if (options.http != "off") {
    std::string host;
    int port = 0;
    RETURN_IF_ERROR(ParseListenAddress(options.http, &host, &port));
    http = std::make_unique<HttpEndpoint>(env->clock, watched);
    RETURN_IF_ERROR(http->Start(host, port));
    log.Progress(absl::StrCat("serving /healthz /readyz /metrics /api/v1/clusters on http://", host,
                              ":", port));
  }
  absl::Status watched_until_stopped = fleet.Watch(context.stop);
  log.Progress("stopped watching");
  return watched_until_stopped;
}

}  // namespace radctl::cli
