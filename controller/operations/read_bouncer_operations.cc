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

constexpr absl::Duration kReadAdminTimeout = absl::Seconds(3);
constexpr int kReadMinPoolSize = 4;
// How long a retarget keeps a transaction open through the read endpoint, at most, waiting for
// PgBouncer's first login under the new list.
constexpr absl::Duration kAnchorHold = absl::Seconds(1);

// Whether the app database has a server connection made under the current configuration that
// has logged in: PgBouncer's last login succeeded.
bool LoggedInUnderNewList(BouncerSession& admin, const std::string& database) {
  absl::StatusOr<std::vector<BouncerServer>> servers = admin.ShowServers();
  if (!servers.ok()) return true;  // cannot tell: do not hold on
  for (const BouncerServer& server : *servers) {
    if (server.database == database && !server.close_needed && server.state != "new") return true;
  }
  return false;
}

// The write bouncer's files, listing `hosts`, with three differences:
// - Idle server connections are handed out in turn (server_round_robin) rather than the most
//   recently used first, so that transactions spread over the connections, and so over the
//   standbys, also under light load.
// - A few server connections are kept open even when idle (min_pool_size), opened in turn to
//   each listed standby: when one standby dies, connections to another are there. PgBouncer
//   1.18 turns away every client that needs a server connection while the pool has none and
//   its last login failed (server_login_retry), and a light read load needs only one or two
//   connections, which may all be on the standby that died.
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
    absl::StrAppend(&file.content, "server_round_robin = 1\nmin_pool_size = ", kReadMinPoolSize,
                    "\n");
  }
  return files;
}

}  // namespace

absl::Status ReadBouncerOperations::Create() const {
  // It holds logins to a standby that died, as the write bouncer holds those to a dead primary
  // (bouncer_container.h): a failed login would make PgBouncer turn readers away.
  RETURN_IF_ERROR(CreateBouncerContainer(
      env_.runtime, spec_,
      {ReadBouncerName(spec_.name), ReadBouncerLabels(spec_.name, ReadBouncerSpecHash(spec_)),
       spec_.bouncer.read_port, "spec.bouncer.readPort", "the read endpoint",
       /*hold_unanswered_logins=*/true},
      ReadBouncerFiles(spec_, secrets_, "")));
  return WaitUntilAnswering(env_.clock, ReadBouncerName(spec_.name),
                            [this] { return Connect().status(); });
}

absl::Status ReadBouncerOperations::Remove() const {
  return env_.runtime.RemoveContainer(ReadBouncerName(spec_.name));
}

absl::StatusOr<std::unique_ptr<BouncerSession>> ReadBouncerOperations::Connect() const {
  ASSIGN_OR_RETURN(int port, BouncerHostPort(env_.runtime, ReadBouncerName(spec_.name)));
  return env_.bouncer.Connect(BouncerAdminEndpoint(spec_, secrets_, port), kReadAdminTimeout);
}

absl::Status ReadBouncerOperations::Retarget(const std::vector<int>& ordinals) const {
  RETURN_IF_ERROR(
      env_.runtime.UploadFiles(ReadBouncerName(spec_.name), kBouncerConfigDir,
                               ReadBouncerFiles(spec_, secrets_, ReadHosts(spec_.name, ordinals))));
  ASSIGN_OR_RETURN(int port, BouncerHostPort(env_.runtime, ReadBouncerName(spec_.name)));
  ASSIGN_OR_RETURN(
      std::unique_ptr<BouncerSession> admin,
      env_.bouncer.Connect(BouncerAdminEndpoint(spec_, secrets_, port), kReadAdminTimeout));
  // A RELOAD that changes the host list drops the logins under way (PgBouncer counts each as a
  // failed login) and marks every server connection to be closed once released; PgBouncer then
  // turns away the clients that need a server connection while it has none and its last login
  // failed (server_login_retry), until a login succeeds. One transaction held open through the
  // endpoint across the RELOAD keeps a server connection in use, so that clients wait for the
  // next login, to a listed standby, instead. Without it (it could not be opened) the retarget
  // goes on as before.
  absl::StatusOr<std::unique_ptr<BouncerClientTransaction>> anchor =
      env_.bouncer.OpenClientTransaction(AppEndpoint(spec_, secrets_, port), kReadAdminTimeout);
  RETURN_IF_ERROR(admin->Reload());
  if (anchor.ok()) {
    const absl::Time until = env_.clock.Now() + kAnchorHold;
    while (env_.clock.Now() < until && !LoggedInUnderNewList(*admin, spec_.auth.database)) {
      env_.clock.SleepFor(absl::Milliseconds(10));
    }
    anchor->reset();
  }
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
