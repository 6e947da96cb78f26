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

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "controller/cli/cli_support.h"
#include "controller/cli/commands.h"
#include "controller/state/cluster_lock.h"
#include "controller/state/event_log.h"
#include "controller/reporting/http_endpoint.h"
#include "controller/loop/reconcile_loop.h"
#include "controller/reporting/status_report.h"
#include "crd-like-specs/spec_parser.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/naming.h"

namespace radctl {
namespace {

absl::StatusOr<std::string> ReadSpecFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read spec file ", path, ": ", std::strerror(errno)));
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::StatusOr<ClusterSpec> ParseSpecText(const std::string& text, const std::string& path) {
  SpecParseResult parsed = ParseClusterSpec(text, path);
  if (parsed.ok()) return parsed.spec;
  std::string message = absl::StrFormat("spec file %s is invalid (%d error%s); nothing was changed:",
                                        path, parsed.errors.size(),
                                        parsed.errors.size() == 1 ? "" : "s");
  for (const FieldError& error : parsed.errors) absl::StrAppend(&message, "\n  ", error.ToString());
  return absl::InvalidArgumentError(message);
}

// "FILE:LINE: " for a field of the spec, or "" when unknown.
std::string Where(const ClusterSpec& spec, const std::string& path) {
  auto it = spec.positions.find(path);
  if (it == spec.positions.end()) return absl::StrCat(spec.source, ": ");
  return absl::StrCat(spec.source, ":", it->second.line, ": ");
}

// A port held by another program is a spec error (exit 2), found before anything is changed.
// The cluster's own bouncer holding it is fine.
absl::Status CheckBouncerPort(const docker::DockerClient& docker, const ClusterSpec& spec) {
  absl::StatusOr<docker::ContainerInfo> bouncer = docker.InspectContainer(BouncerName(spec.name));
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

// The desired spec from the file; a node count set by `radctl scale` is kept as long as the
// file is unchanged since it was last applied (a restarted watcher must not undo a scale).
ClusterSpec DesiredFromFile(const ClusterSpec& file_spec, const std::string& digest,
                            const ClusterStore& store, EventLog& events) {
  ClusterSpec desired = file_spec;
  absl::StatusOr<ClusterSpec> stored = store.LoadSpec();
  if (stored.ok() && store.LoadFileDigest() == digest && stored->nodes != file_spec.nodes) {
    events.Progress(absl::StrCat("keeping nodes: ", stored->nodes, " set by radctl scale (",
                                 file_spec.source, " says ", file_spec.nodes,
                                 " but is unchanged since it was applied)"));
    desired.nodes = stored->nodes;
  }
  return desired;
}

absl::Status CheckImages(const docker::DockerClient& docker, const ClusterSpec& spec) {
  for (const std::string& image : {spec.postgres.image, std::string("radctl/pgbouncer")}) {
    absl::StatusOr<docker::ImageInfo> info = docker.InspectImage(image);
    if (absl::IsNotFound(info.status())) {
      return absl::FailedPreconditionError(absl::StrCat(
          "image ", image, " is not present on the Docker engine; build it with "
          "hack/build-images.sh. Nothing was changed."));
    }
    RETURN_IF_ERROR(info.status());
  }
  return absl::OkStatus();
}

// New passwords for a cluster whose volumes already hold data would lock radctl out of its
// own nodes: refuse, and say how to get out.
absl::Status CheckSecretsMatchData(const docker::DockerClient& docker, const ClusterStore& store,
                                   const std::string& name) {
  if (!absl::IsNotFound(store.LoadSecrets().status())) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::vector<docker::VolumeSummary> volumes, docker.ListVolumes(kLabelCluster, name));
  if (volumes.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "cluster ", name, " has data volumes (", volumes.front().name, ", ...) but its passwords are "
      "not in ", store.dir(), " (another RADCTL_STATE_DIR?). Point RADCTL_STATE_DIR at the "
      "directory it was created with, or remove the old data with radctl delete ", name,
      ". Nothing was changed."));
}

void PrintReady(const ClusterSpec& spec, const ClusterSecrets& secrets, absl::Duration took,
                bool acted) {
  std::cout << (acted ? absl::StrFormat("cluster %s is ready (%.1fs)\n", spec.name,
                                        absl::ToDoubleSeconds(took))
                      : absl::StrFormat("cluster %s is up to date: nothing to do\n", spec.name))
            << "  endpoint: " << EndpointUri(spec, secrets, /*masked=*/true) << "\n"
            << "  connect:  psql \"$(radctl status " << spec.name << " -o uri)\"\n";
}

// Watch mode's view of what is desired: edits of the file, else the stored spec (scale).
class DesiredSpec {
 public:
  DesiredSpec(std::string path, ClusterSpec initial, ClusterStore& store, EventLog& events)
      : path_(std::move(path)), current_(std::move(initial)), store_(store), events_(events) {
    file_mtime_ = Mtime(path_);
    stored_mtime_ = Mtime(store_.dir() + "/spec.yaml");
  }

  ClusterSpec Get() {
    if (int64_t mtime = Mtime(path_); mtime != file_mtime_) {
      file_mtime_ = mtime;
      ReloadFile();
    } else if (int64_t stored = Mtime(store_.dir() + "/spec.yaml"); stored != stored_mtime_) {
      stored_mtime_ = stored;
      if (absl::StatusOr<ClusterSpec> spec = store_.LoadSpec(); spec.ok() &&
                                                                spec->name == current_.name &&
                                                                !(*spec == current_)) {
        events_.Normal(current_.name, "SpecChanged",
                       absl::StrCat("desired state changed (radctl scale): nodes ",
                                    current_.nodes, " -> ", spec->nodes));
        current_.nodes = spec->nodes;
      }
    }
    return current_;
  }

 private:
  static int64_t Mtime(const std::string& path) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) return 0;
    return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  }

  void ReloadFile() {
    absl::StatusOr<std::string> text = ReadSpecFile(path_);
    absl::StatusOr<ClusterSpec> spec =
        text.ok() ? ParseSpecText(*text, path_) : absl::StatusOr<ClusterSpec>(text.status());
    if (!spec.ok()) {
      events_.Warning(current_.name, "SpecInvalid",
                      absl::StrCat(spec.status().message(), "\n  (still reconciling to the last "
                                                            "valid spec)"));
      return;
    }
    if (spec->name != current_.name) {
      events_.Warning(current_.name, "SpecInvalid",
                      absl::StrCat(path_, ": metadata.name changed to ", spec->name,
                                   "; a watcher serves one cluster: ignored"));
      return;
    }
    if (*spec == current_) return;
    events_.Normal(current_.name, "SpecChanged", absl::StrCat(path_, " changed: reconciling"));
    absl::Status saved = store_.SaveSpec(*spec, FileDigest(*text));
    if (!saved.ok()) events_.Warning(current_.name, "StateNotSaved", std::string(saved.message()));
    stored_mtime_ = Mtime(store_.dir() + "/spec.yaml");
    current_ = *spec;
  }

  std::string path_;
  ClusterSpec current_;
  ClusterStore& store_;
  EventLog& events_;
  int64_t file_mtime_ = 0;
  int64_t stored_mtime_ = 0;
};

}  // namespace

absl::Status RunApply(const GlobalOptions& global, const ApplyOptions& options,
                      const std::atomic<bool>& stop) {
  ASSIGN_OR_RETURN(std::string text, ReadSpecFile(options.file));
  ASSIGN_OR_RETURN(ClusterSpec file_spec, ParseSpecText(text, options.file));
  const std::string digest = FileDigest(text);
  ASSIGN_OR_RETURN(docker::DockerClient docker, ConnectDocker());
  ClusterStore store(global.state_dir, file_spec.name);

  if (options.dry_run) {
    EventLog events(std::cerr, nullptr, global.json_logs);
    ClusterSpec desired = DesiredFromFile(file_spec, digest, store, events);
    absl::StatusOr<ClusterSecrets> secrets = store.LoadSecrets();
    ReconcileLoop loop(docker, secrets.ok() ? *secrets : ClusterSecrets{}, events, {});
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

  RETURN_IF_ERROR(CheckImages(docker, file_spec));
  RETURN_IF_ERROR(CheckBouncerPort(docker, file_spec));
  ASSIGN_OR_RETURN(ClusterLock lock,
                   ClusterLock::Acquire(store.dir(), file_spec.name,
                                        options.watch ? "radctl apply --watch" : "radctl apply"));
  EventLog events(std::cerr, &store, global.json_logs);
  ClusterSpec desired = DesiredFromFile(file_spec, digest, store, events);
  RETURN_IF_ERROR(store.SaveSpec(desired, digest));
  RETURN_IF_ERROR(CheckSecretsMatchData(docker, store, desired.name));
  ASSIGN_OR_RETURN(ClusterSecrets secrets, store.LoadOrCreateSecrets(desired));

  LoopOptions loop_options;
  loop_options.probe_interval =
      std::min(absl::Milliseconds(250), absl::Milliseconds(desired.failover.detection_ms) / 4);
  ControllerState state(desired.name, &store);
  std::unique_ptr<HttpEndpoint> http;
  if (options.watch && options.http != "off") {
    std::string host;
    int port = 0;
    RETURN_IF_ERROR(ParseListenAddress(options.http, &host, &port));
    http = std::make_unique<HttpEndpoint>(state, store, secrets);
    RETURN_IF_ERROR(http->Start(host, port));
    events.Progress(absl::StrCat("serving /healthz /readyz /metrics /api/v1/status "
                                 "/api/v1/events on http://", host, ":", port));
  }
  ReconcileLoop loop(docker, secrets, events, loop_options, &store, &state);
  absl::Time start = absl::Now();
  bool acted = false;
  absl::Status converged = loop.Converge(desired, &acted);
  if (!options.watch || !absl::IsDeadlineExceeded(converged)) RETURN_IF_ERROR(converged);
  if (converged.ok()) PrintReady(desired, secrets, absl::Now() - start, acted);
  if (!options.watch) return absl::OkStatus();

  events.Progress(absl::StrCat("watching cluster ", desired.name, " (", options.file,
                               "); Ctrl-C to stop"));
  DesiredSpec desired_spec(options.file, desired, store, events);
  RETURN_IF_ERROR(loop.Watch([&] { return desired_spec.Get(); }, stop));
  events.Progress("stopped watching");
  return absl::OkStatus();
}

}  // namespace radctl
