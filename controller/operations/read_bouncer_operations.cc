#include "controller/operations/read_bouncer_operations.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "controller/config/bouncer_config.h"
#include "controller/config/endpoints.h"
#include "controller/operations/bouncer_container.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/naming.h"
#include "reconcilers/read_endpoint.h"
#include "reconcilers/spec_hash.h"

namespace radctl {
namespace {

constexpr absl::Duration kAdminTimeout = absl::Seconds(3);

// The write bouncer's files, listing `hosts`, with two differences:
// - Idle server connections are handed out in turn (server_round_robin) rather than the most
//   recently used first, so that transactions spread over the connections, and so over the
//   standbys, also under light load.
// - The nodes are verified against the cluster's CA without the host name (verify-ca):
//   PgBouncer 1.18 checks the whole list "a,b" as one name against the certificate and fails
//   every connection (pgbouncer#1300, fixed upstream in #1303). This loses nothing here: the CA
//   is the cluster's own and certifies only the one server certificate every node presents (it
//   names them all), so the name check could not tell one node from another anyway.
std::vector<docker::FileToUpload> ReadBouncerFiles(const ClusterSpec& spec,
                                                   const ClusterSecrets& secrets,
                                                   const std::string& hosts) {
  std::vector<docker::FileToUpload> files = BouncerFiles(spec, secrets, hosts);
  for (docker::FileToUpload& file : files) {
    if (file.path != "pgbouncer.ini") continue;
    file.content = absl::StrReplaceAll(
        file.content, {{"server_tls_sslmode = verify-full", "server_tls_sslmode = verify-ca"}});
    // pgbouncer.ini ends inside its [pgbouncer] section.
    absl::StrAppend(&file.content, "server_round_robin = 1\n");
  }
  return files;
}

}  // namespace

absl::Status ReadBouncerOperations::Create() const {
  RETURN_IF_ERROR(CreateBouncerContainer(
      env_.runtime, spec_,
      {ReadBouncerName(spec_.name), ReadBouncerLabels(spec_.name, ReadBouncerSpecHash(spec_)),
       spec_.bouncer.read_port, "spec.bouncer.readPort", "the read endpoint"},
      ReadBouncerFiles(spec_, secrets_, "")));
  return WaitUntilAnswering(env_.clock, ReadBouncerName(spec_.name),
                            [this] { return Connect().status(); });
}

absl::Status ReadBouncerOperations::Remove() const {
  return env_.runtime.RemoveContainer(ReadBouncerName(spec_.name));
}

absl::StatusOr<std::unique_ptr<BouncerSession>> ReadBouncerOperations::Connect() const {
  ASSIGN_OR_RETURN(int port, BouncerHostPort(env_.runtime, ReadBouncerName(spec_.name)));
  return env_.bouncer.Connect(BouncerAdminEndpoint(spec_, secrets_, port), kAdminTimeout);
}

absl::Status ReadBouncerOperations::Retarget(const std::vector<int>& ordinals) const {
  RETURN_IF_ERROR(
      env_.runtime.UploadFiles(ReadBouncerName(spec_.name), kBouncerConfigDir,
                               ReadBouncerFiles(spec_, secrets_, ReadHosts(spec_.name, ordinals))));
  ASSIGN_OR_RETURN(std::unique_ptr<BouncerSession> admin, Connect());
  RETURN_IF_ERROR(admin->Reload());
  // The userlists and certificates of earlier generations are no longer read: removed, so that
  // no old password's secret stays behind.
  absl::Status removed = RemoveOldBouncerFiles(env_.runtime, ReadBouncerName(spec_.name),
                                               BouncerFilesGeneration(spec_, secrets_));
  if (!removed.ok()) {
    return absl::InternalError(
        absl::StrCat("the read bouncer now runs with the current files, ", removed.message()));
  }
  return absl::OkStatus();
}

}  // namespace radctl
