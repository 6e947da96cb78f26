#include "controller/operations/bouncer_container.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "controller/config/bouncer_config.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/naming.h"

namespace radctl {
namespace {

constexpr char kBouncerImage[] = "radctl/pgbouncer";
constexpr absl::Duration kExecTimeout = absl::Seconds(3);
constexpr char kHoldScript[] = "/usr/local/bin/radctl-hold-unanswered-logins";

}  // namespace

absl::Status CreateBouncerContainer(const ContainerRuntime& runtime, const ClusterSpec& spec,
                                    const BouncerContainer& bouncer,
                                    const std::vector<docker::FileToUpload>& files) {
  RETURN_IF_ERROR(runtime.RemoveContainer(bouncer.name));
  docker::ContainerConfig config;
  config.name = bouncer.name;
  config.image = kBouncerImage;
  config.hostname = bouncer.name;
  config.labels = bouncer.labels;
  config.network = NetworkName(spec.name);
  config.network_aliases = {bouncer.name};
  config.ports = {{kBouncerPort, spec.bouncer.bind, bouncer.port}};
  if (bouncer.hold_unanswered_logins) {
    config.env = {absl::StrCat("RADCTL_HOLD_UNANSWERED_LOGINS=", kPostgresPort)};
    config.cap_add = {"NET_ADMIN"};
  }
  absl::StatusOr<std::string> created = runtime.CreateContainer(config);
  if (absl::IsNotFound(created.status())) {
    return absl::FailedPreconditionError(
        absl::StrCat("image ", kBouncerImage, " is not present: build it with hack/quickstart.sh"));
  }
  RETURN_IF_ERROR(created.status());
  RETURN_IF_ERROR(runtime.UploadFiles(bouncer.name, kBouncerConfigDir, files));
  absl::Status started = runtime.StartContainer(bouncer.name);
  if (absl::IsFailedPrecondition(started)) {      // the published port is taken
    (void)runtime.RemoveContainer(bouncer.name);  // leave nothing half-made behind
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot publish ", bouncer.what, " on ", spec.bouncer.bind, ":", bouncer.port, " (",
        started.message(), "): free the port or choose another ", bouncer.port_field));
  }
  return started;
}

absl::StatusOr<bool> AddLoginHold(const ContainerRuntime& runtime, const std::string& cluster,
                                  const std::string& name) {
  const std::string helper = absl::StrCat(name, "-hold-setup");
  RETURN_IF_ERROR(runtime.RemoveContainer(helper));  // a leftover of an interrupted one
  docker::ContainerConfig config;
  config.name = helper;
  config.image = kBouncerImage;
  config.labels = ClusterLabels(cluster);
  config.labels[kLabelComponent] = "bouncer-hold-setup";
  config.network_of_container = name;
  config.cap_add = {"NET_ADMIN"};
  // Waits for the exec below; a helper whose controller died exits by itself, and is removed.
  config.entrypoint = {"sleep", "60"};
  config.auto_remove = true;
  absl::StatusOr<std::string> created = runtime.CreateContainer(config);
  if (absl::IsNotFound(created.status())) {
    return absl::FailedPreconditionError(
        absl::StrCat("image ", kBouncerImage, " is not present: build it with hack/quickstart.sh"));
  }
  RETURN_IF_ERROR(created.status());
  absl::Status started = runtime.StartContainer(helper);
  absl::StatusOr<docker::ExecResult> added =
      started.ok() ? runtime.Exec(helper, {kHoldScript, absl::StrCat(kPostgresPort), "--running"},
                                  "root", kExecTimeout)
                   : absl::StatusOr<docker::ExecResult>(started);
  (void)runtime.RemoveContainer(helper);
  RETURN_IF_ERROR(added.status());
  if (added->exit_code == 126 || added->exit_code == 127) {
    return absl::FailedPreconditionError(absl::StrCat(
        "image ", kBouncerImage, " has no ", kHoldScript,
        " (it is older than this radctl): build the current images with hack/quickstart.sh"));
  }
  if (added->exit_code != 0) {
    return absl::InternalError(absl::StrCat("adding the login hold's rules to ", name,
                                            " failed: ", added->stderr_text, added->stdout_text));
  }
  return !absl::StrContains(added->stdout_text, "in place already");
}

absl::Status WaitUntilAnswering(const Clock& clock, const std::string& name,
                                absl::FunctionRef<absl::Status()> connect) {
  constexpr absl::Duration within = absl::Seconds(10);
  const absl::Time deadline = clock.Monotonic() + within;
  for (;;) {
    absl::Status answered = connect();
    if (answered.ok()) return answered;
    if (clock.Monotonic() >= deadline) {
      return absl::UnavailableError(absl::StrCat(
          name, " was started but PgBouncer did not answer within ", absl::FormatDuration(within),
          " (", answered.message(), "); its log says why: docker logs ", name));
    }
    clock.SleepFor(absl::Milliseconds(20));
  }
}

absl::StatusOr<int> BouncerHostPort(const ContainerRuntime& runtime, const std::string& name) {
  ASSIGN_OR_RETURN(docker::ContainerInfo info, runtime.InspectContainer(name));
  for (const docker::PortBinding& port : info.ports) {
    if (port.container_port == kBouncerPort && port.host_port != 0) return port.host_port;
  }
  return absl::AbortedError(absl::StrCat(name, " does not publish its port (not running?)"));
}

absl::Status CloseServerConnections(const ContainerRuntime& runtime, const std::string& name) {
  ASSIGN_OR_RETURN(
      docker::ExecResult closed,
      runtime.Exec(name, {"ss", "-K", "-t", "dport", "=", absl::StrCat(":", kPostgresPort)}, "root",
                   kExecTimeout));
  if (closed.exit_code != 0) {
    return absl::InternalError(
        absl::StrCat("closing the server connections in ", name, " failed: ", closed.stderr_text));
  }
  return absl::OkStatus();
}

absl::Status RemoveOldBouncerFiles(const ContainerRuntime& runtime, const std::string& name,
                                   const std::string& keep) {
  const std::string dir = kBouncerConfigDir;
  ASSIGN_OR_RETURN(docker::ExecResult removed,
                   runtime.Exec(name,
                                {"sh", "-c",
                                 absl::StrCat("for f in ", dir, "/userlist*.txt ", dir,
                                              "/server-* ", dir, "/ca-*; do case $f in *-", keep,
                                              ".*) ;; *) rm -f \"$f\" ;; esac; done")},
                                "pgbouncer", kExecTimeout));
  if (removed.exit_code != 0) {
    return absl::InternalError(absl::StrCat("removing the old userlists and certificates in ", name,
                                            " failed: ", removed.stderr_text));
  }
  return absl::OkStatus();
}

}  // namespace radctl
