#include "controller/operations/bouncer_operations.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "controller/clients/bouncer/bouncer_admin.h"
#include "controller/config/bouncer_config.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/naming.h"
#include "reconcilers/spec_hash.h"

namespace radctl {
namespace {

constexpr char kBouncerImage[] = "radctl/pgbouncer";
constexpr absl::Duration kAdminTimeout = absl::Seconds(3);

}  // namespace

absl::Status BouncerOperations::Upload(const std::string& target_host) const {
  return docker_.UploadFiles(
      BouncerName(spec_.name), kBouncerConfigDir,
      {{"pgbouncer.ini", RenderPgbouncerIni(spec_, target_host), 0600, kBouncerUid, kBouncerUid},
       {"userlist.txt", RenderUserlist(spec_, secrets_), 0600, kBouncerUid, kBouncerUid}});
}

absl::Status BouncerOperations::Create() const {
  const std::string name = BouncerName(spec_.name);
  RETURN_IF_ERROR(docker_.RemoveContainer(name));
  docker::ContainerConfig config;
  config.name = name;
  config.image = kBouncerImage;
  config.hostname = name;
  config.labels = BouncerLabels(spec_.name, BouncerSpecHash(spec_));
  config.network = NetworkName(spec_.name);
  config.network_aliases = {name};
  config.ports = {{kBouncerPort, spec_.bouncer.bind, spec_.bouncer.port}};
  absl::StatusOr<std::string> created = docker_.CreateContainer(config);
  if (absl::IsNotFound(created.status())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "image ", kBouncerImage, " is not present: build it with hack/build-images.sh"));
  }
  RETURN_IF_ERROR(created.status());
  RETURN_IF_ERROR(Upload(""));
  absl::Status started = docker_.StartContainer(name);
  if (!started.ok() && (absl::StrContains(started.message(), "address already in use") ||
                        absl::StrContains(started.message(), "port is already allocated"))) {
    (void)docker_.RemoveContainer(name);  // leave nothing half-made behind
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot publish the bouncer on ", spec_.bouncer.bind, ":", spec_.bouncer.port,
        ": the port is in use by another program; free it or choose another spec.bouncer.port"));
  }
  return started;
}

absl::Status BouncerOperations::Remove() const {
  return docker_.RemoveContainer(BouncerName(spec_.name));
}

absl::StatusOr<PgEndpoint> BouncerOperations::AdminEndpoint() const {
  ASSIGN_OR_RETURN(docker::ContainerInfo info, docker_.InspectContainer(BouncerName(spec_.name)));
  for (const docker::PortBinding& port : info.ports) {
    if (port.container_port == kBouncerPort && port.host_port != 0) {
      return observer_.BouncerAdminEndpoint(spec_, port.host_port);
    }
  }
  return absl::FailedPreconditionError("the bouncer does not publish its port");
}

absl::Status BouncerOperations::Pause(absl::Duration timeout, bool* paused) const {
  *paused = false;
  ASSIGN_OR_RETURN(PgEndpoint endpoint, AdminEndpoint());
  ASSIGN_OR_RETURN(std::unique_ptr<BouncerAdmin> admin, BouncerAdmin::Connect(endpoint, kAdminTimeout));
  absl::StatusOr<BouncerDatabase> db = admin->ShowDatabase(spec_.auth.database);
  if (absl::IsNotFound(db.status())) return absl::OkStatus();  // untargeted: nobody to hold
  RETURN_IF_ERROR(db.status());
  bool killed = false;
  RETURN_IF_ERROR(admin->PauseBounded(spec_.auth.database, timeout, &killed));
  *paused = true;
  if (killed) {
    events_.Warning(BouncerName(spec_.name), "BouncerKill",
                    absl::StrCat("PAUSE did not complete within ", absl::FormatDuration(timeout),
                                 " (server connections hung): dropped them with KILL"));
  }
  return absl::OkStatus();
}

absl::Status BouncerOperations::Retarget(int target_ordinal) const {
  RETURN_IF_ERROR(Upload(NodeName(spec_.name, target_ordinal)));
  ASSIGN_OR_RETURN(PgEndpoint endpoint, AdminEndpoint());
  ASSIGN_OR_RETURN(std::unique_ptr<BouncerAdmin> admin, BouncerAdmin::Connect(endpoint, kAdminTimeout));
  return admin->Reload();
}

absl::Status BouncerOperations::Resume() const {
  ASSIGN_OR_RETURN(PgEndpoint endpoint, AdminEndpoint());
  ASSIGN_OR_RETURN(std::unique_ptr<BouncerAdmin> admin, BouncerAdmin::Connect(endpoint, kAdminTimeout));
  return admin->Resume(spec_.auth.database);
}

}  // namespace radctl
