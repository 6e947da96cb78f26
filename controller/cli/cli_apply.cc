// radctl apply -f FILE [--watch] [--dry-run]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "controller/cli/cli_support.h"
#include "controller/cli/commands.h"
#include "controller/loop/reconcile_loop.h"
#include "controller/operations/configuration_check.h"
#include "controller/reporting/http_endpoint.h"
#include "controller/reporting/status_report.h"
#include "controller/state/cluster_lock.h"
#include "controller/state/desired_state_loader.h"
#include "controller/state/event_log.h"
#include "crd-like-specs/spec_parser.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/naming.h"
#include "reconcilers/spec_hash.h"

namespace radctl {
namespace {

// "FILE:LINE: " for a field of the spec, or "" when unknown.
std::string Where(const ClusterSpec& spec, const std::string& path) {
  auto it = spec.positions.find(path);
  if (it == spec.positions.end()) return absl::StrCat(spec.source, ": ");
  return absl::StrCat(spec.source, ":", it->second.line, ": ");
}

// A port held by another program is a spec error (exit 2), found before anything is changed.
// The cluster's own bouncer holding it is fine.
absl::Status CheckBouncerPort(const ContainerRuntime& runtime, const ClusterSpec& spec) {
  absl::StatusOr<docker::ContainerInfo> bouncer = runtime.InspectContainer(BouncerName(spec.name));
  if (bouncer.ok()) {
    for (const docker::PortBinding& port : bouncer->ports) {
      if (port.container_port == kBouncerPort && port.host_port == spec.bouncer.port) {
        return absl::OkStatus();
      }
    }
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::OkStatus();  // cannot check; Docker will report it
  // Connections that ended a moment ago (TIME_WAIT) do not make a port busy; a listener does.
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(spec.bouncer.port));
  inet_pton(AF_INET, spec.bouncer.bind.c_str(), &address.sin_addr);
  int result = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  int error = errno;
  close(fd);
  if (result != 0 && error == EADDRINUSE) {
    return absl::InvalidArgumentError(absl::StrCat(
        Where(spec, "spec.bouncer.port"), "spec.bouncer.port: ", spec.bouncer.bind, ":",
        spec.bouncer.port,
        " is already in use by another program; choose a free port. Nothing was changed."));
  }
  return absl::OkStatus();
}

absl::Status CheckImages(const ContainerRuntime& runtime, const ClusterSpec& spec) {
  for (const std::string& image : {spec.postgres.image, std::string("radctl/pgbouncer")}) {
    absl::StatusOr<docker::ImageInfo> info = runtime.InspectImage(image);
    if (absl::IsNotFound(info.status())) {
      return absl::FailedPreconditionError(absl::StrCat(
          "image ", image,
          " is not present on the Docker engine; build it with "
          "hack/quickstart.sh (or source hack/lib.sh; ensure_images). Nothing was changed."));
    }
    RETURN_IF_ERROR(info.status());
  }
  return absl::OkStatus();
}

// Postgres reads a changed configuration before it reaches a node: skipped when it is what the
// cluster runs already, or radctl's own defaults.
absl::Status CheckChangedConfiguration(const ContainerRuntime& runtime, const ClusterStore& store,
                                       const ClusterSpec& spec) {
  absl::StatusOr<ClusterSpec> stored = store.LoadSpec();
  const bool unchanged = stored.ok() ? ConfigHash(*stored) == ConfigHash(spec)
                                     : spec.postgres.parameters.empty() &&
                                           spec.replication.max_slot_wal_keep_size ==
                                               ReplicationSpec{}.max_slot_wal_keep_size;
  if (unchanged) return absl::OkStatus();
  return CheckConfigurationWithPostgres(runtime, spec);
}

// New passwords for a cluster whose volumes already hold data would lock radctl out of its
// own nodes: refuse, and say how to get out.
absl::Status CheckSecretsMatchData(const ContainerRuntime& runtime, const ClusterStore& store,
                                   const std::string& name) {
  if (!absl::IsNotFound(store.LoadSecrets().status())) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::vector<docker::VolumeSummary> volumes,
                   runtime.ListVolumes(kLabelCluster, name));
  if (volumes.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("cluster ", name, " has data volumes (", volumes.front().name,
                   ", ...) but its passwords are "
                   "not in ",
                   store.dir(),
                   " (another RADCTL_STATE_DIR?). Point RADCTL_STATE_DIR at the "
                   "directory it was created with, or remove the old data with radctl delete ",
                   name, ". Nothing was changed."));
}

void PrintReady(const ClusterSpec& spec, const ClusterSecrets& secrets, absl::Duration took,
                bool acted) {
  std::cout << (acted ? absl::StrFormat("cluster %s is ready (%.1fs)\n", spec.name,
                                        absl::ToDoubleSeconds(took))
                      : absl::StrFormat("cluster %s is up to date: nothing to do\n", spec.name))
            << "  endpoint: " << EndpointUri(spec, secrets, /*masked=*/true) << "\n"
            << "  connect:  psql \"$(radctl status " << spec.name << " -o uri)\"\n";
}

// Converges on a worker thread so that a stop request is honoured within about two seconds even
// while an action runs (an exec into a container cannot be interrupted): past that, the process
// ends as a kill would, which the loop is built to survive (every action is safe to repeat).
absl::Status ConvergeUnlessStopped(ReconcileLoop& loop, const ClusterSpec& desired, bool* acted,
                                   const std::atomic<bool>& stop, EventLog& events) {
  std::atomic<bool> done{false};
  absl::Status converged;
  std::thread worker([&] {
    converged = loop.Converge(desired, acted, &stop);
    done = true;
  });
  absl::Time stop_seen = absl::InfinitePast();
  while (!done || stop) {
    if (stop && stop_seen == absl::InfinitePast()) stop_seen = absl::Now();
    if (stop && (done || absl::Now() - stop_seen > absl::Milliseconds(1500))) {
      // Actions still running (a clone in the background) are cut off like by a kill.
      events.Progress("stopped (signal); apply again to go on from here");
      std::cerr.flush();
      std::_Exit(1);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  worker.join();
  return converged;
}

}  // namespace

absl::Status RunApply(const GlobalOptions& global, const ApplyOptions& options,
                      const std::atomic<bool>& stop) {
  ASSIGN_OR_RETURN(SpecFile file, ReadSpecFile(options.file));
  ASSIGN_OR_RETURN(std::unique_ptr<RealEnv> real, RealEnv::Connect());
  const Env& env = real->env();
  ClusterStore store(global.state_dir, file.spec.name);

  if (options.dry_run) {
    EventLog events(std::cerr, nullptr, global.json_logs);
    DesiredStateLoader loader(options.file, store, events);
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

  RETURN_IF_ERROR(CheckImages(env.runtime, file.spec));
  RETURN_IF_ERROR(CheckBouncerPort(env.runtime, file.spec));
  ASSIGN_OR_RETURN(ClusterLock lock,
                   ClusterLock::Acquire(store.dir(), file.spec.name,
                                        options.watch ? "radctl apply --watch" : "radctl apply"));
  RETURN_IF_ERROR(CheckChangedConfiguration(env.runtime, store, file.spec));
  EventLog events(std::cerr, &store, global.json_logs);
  DesiredStateLoader loader(options.file, store, events);
  loader.set_validator(
      [&](const ClusterSpec& spec) { return CheckChangedConfiguration(env.runtime, store, spec); });
  ASSIGN_OR_RETURN(ClusterSpec desired, loader.Apply(file));
  RETURN_IF_ERROR(CheckSecretsMatchData(env.runtime, store, desired.name));
  ASSIGN_OR_RETURN(ClusterSecrets secrets, store.LoadOrCreateSecrets(desired));

  ControllerState state(desired.name, &store);
  std::unique_ptr<HttpEndpoint> http;
  if (options.watch && options.http != "off") {
    std::string host;
    int port = 0;
    RETURN_IF_ERROR(ParseListenAddress(options.http, &host, &port));
    http = std::make_unique<HttpEndpoint>(state, store, secrets);
    RETURN_IF_ERROR(http->Start(host, port));
    events.Progress(
        absl::StrCat("serving /healthz /readyz /metrics /api/v1/status "
                     "/api/v1/events on http://",
                     host, ":", port));
  }
  ReconcileLoop loop(env, secrets, events, LoopOptions{}, store, &state);
  absl::Time start = env.clock.Now();
  bool acted = false;
  absl::Status converged = ConvergeUnlessStopped(loop, desired, &acted, stop, events);
  if (!options.watch || !absl::IsDeadlineExceeded(converged)) RETURN_IF_ERROR(converged);
  if (converged.ok()) PrintReady(desired, secrets, env.clock.Now() - start, acted);
  if (!options.watch) return absl::OkStatus();

  events.Progress(
      absl::StrCat("watching cluster ", desired.name, " (", options.file, "); Ctrl-C to stop"));
  loop.Watch([&] { return loader.Refresh(); }, stop);
  events.Progress("stopped watching");
  return absl::OkStatus();
}

}  // namespace radctl
