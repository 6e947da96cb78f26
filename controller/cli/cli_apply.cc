// radctl apply -f FILE|DIR... [--watch [--prune]] [--dry-run] [--http ADDR:PORT|off]
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "controller/cli/cli_support.h"
#include "controller/cli/commands.h"
#include "controller/fleet/fleet.h"
#include "controller/fleet/spec_sources.h"
#include "controller/loop/reconcile_loop.h"
#include "controller/reporting/http_endpoint.h"
#include "controller/state/desired_state_loader.h"
#include "controller/state/event_log.h"
#include "crd-like-specs/status_macros.h"

namespace radctl {
namespace {

// Observes and plans once per spec file, acts never: prints the next step of each plan.
absl::Status DryRun(const GlobalOptions& global, const Env& env, const std::string& path) {
  ASSIGN_OR_RETURN(SpecFile file, ReadSpecFile(path));
  ClusterStore store(global.state_dir, file.spec.name);
  EventLog events(std::cerr, nullptr, global.json_logs);
  DesiredStateLoader loader(path, store, events);
  ASSIGN_OR_RETURN(ClusterSpec desired, loader.Apply(file, /*keep=*/false));
  absl::StatusOr<ClusterSecrets> secrets = store.LoadSecrets();
  ReconcileLoop loop(env, secrets.ok() ? *secrets : ClusterSecrets{}, events, {}, store);
  ASSIGN_OR_RETURN(Plan plan, loop.PlanOnce(desired));
  if (plan.converged()) {
    std::cout << "DRY-RUN cluster " << desired.name << " is up to date: nothing to do\n";
  }
  std::string text_plan = plan.ToString(desired.name);
  for (absl::string_view line : absl::StrSplit(text_plan, '\n', absl::SkipEmpty())) {
    std::cout << "DRY-RUN " << line << "\n";
  }
  if (!plan.actions.empty()) {
    std::cout << "DRY-RUN (one step shown: each step is observed before the next is planned)\n";
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RunApply(const GlobalOptions& global, const ApplyOptions& options,
                      const std::atomic<bool>& stop) {
  ASSIGN_OR_RETURN(std::unique_ptr<RealEnv> real, RealEnv::Connect());
  const Env& env = real->env();
  if (options.dry_run) {
    ASSIGN_OR_RETURN(SpecSources sources, ListSpecFiles(options.files));
    for (const std::string& path : sources.files) RETURN_IF_ERROR(DryRun(global, env, path));
    return absl::OkStatus();
  }

  FleetOptions fleet_options;
  fleet_options.sources = options.files;
  fleet_options.state_root = global.state_dir;
  fleet_options.watch = options.watch;
  fleet_options.prune = options.prune;
  fleet_options.json_logs = global.json_logs;
  WatchedClusters watched;
  Fleet fleet(env, fleet_options, watched);
  if (!options.watch) return fleet.Apply(stop);

  EventLog log(std::cerr, nullptr, global.json_logs);
  std::unique_ptr<HttpEndpoint> http;
  if (options.http != "off") {
    std::string host;
    int port = 0;
    RETURN_IF_ERROR(ParseListenAddress(options.http, &host, &port));
    http = std::make_unique<HttpEndpoint>(watched);
    RETURN_IF_ERROR(http->Start(host, port));
    log.Progress(absl::StrCat("serving /healthz /readyz /metrics /api/v1/clusters on http://", host,
                              ":", port));
  }
  absl::Status watched_until_stopped = fleet.Watch(stop);
  log.Progress("stopped watching");
  return watched_until_stopped;
}

}  // namespace radctl
