#include "controller/operations/bouncer_operations.h"

#include "absl/strings/str_cat.h"
#include "controller/config/bouncer_config.h"
#include "controller/config/endpoints.h"
#include "controller/operations/bouncer_container.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/naming.h"
#include "reconcilers/spec_hash.h"

namespace radctl {
namespace {

constexpr absl::Duration kAdminTimeout = absl::Seconds(3);
constexpr char kAdminDatabase[] = "pgbouncer";
// PgBouncer frees a closed server connection within one pass of its event loop.
constexpr absl::Duration kReleaseTimeout = absl::Seconds(1);
constexpr absl::Duration kReleasePoll = absl::Milliseconds(10);

}  // namespace

absl::Status BouncerOperations::Upload(const std::string& target_host) const {
  return env_.runtime.UploadFiles(BouncerName(spec_.name), kBouncerConfigDir,
                                  BouncerFiles(spec_, secrets_, target_host));
}

absl::Status BouncerOperations::Create() const {
  RETURN_IF_ERROR(CreateBouncerContainer(
      env_.runtime, spec_,
      {BouncerName(spec_.name), BouncerLabels(spec_.name, BouncerSpecHash(spec_)),
       spec_.bouncer.port, "spec.bouncer.port", "the bouncer", /*hold_unanswered_logins=*/true},
      BouncerFiles(spec_, secrets_, "")));
  return WaitUntilAnswering(env_.clock, BouncerName(spec_.name),
                            [this] { return Connect().status(); });
}

absl::Status BouncerOperations::Remove() const {
  return env_.runtime.RemoveContainer(BouncerName(spec_.name));
}

absl::Status BouncerOperations::AddLoginHold() const {
  const std::string bouncer = BouncerName(spec_.name);
  ASSIGN_OR_RETURN(bool added, ::radctl::AddLoginHold(env_.runtime, spec_.name, bouncer));
  if (!added) {
    // A controller started since the last one added them: it cannot tell without looking.
    events_.Normal(bouncer, "LoginHoldInPlace",
                   "the rules that hold unanswered logins were in place already");
  }
  return absl::OkStatus();
}

absl::StatusOr<int> BouncerOperations::HostPort() const {
  return BouncerHostPort(env_.runtime, BouncerName(spec_.name));
}

absl::StatusOr<std::unique_ptr<BouncerSession>> BouncerOperations::Connect() const {
  ASSIGN_OR_RETURN(int port, HostPort());
  return env_.bouncer.Connect(BouncerAdminEndpoint(spec_, secrets_, port), kAdminTimeout);
}

absl::Status BouncerOperations::Refresh(int target_ordinal) const {
  RETURN_IF_ERROR(Retarget(target_ordinal));
  // The files of earlier generations (and a userlist.txt of plaintext passwords written before
  // radctl kept SCRAM secrets) are no longer read: removed.
  if (absl::Status removed = RemoveOldBouncerFiles(env_.runtime, BouncerName(spec_.name),
                                                   BouncerFilesGeneration(spec_, secrets_));
      !removed.ok()) {
    events_.Warning(BouncerName(spec_.name), "CleanupFailed", std::string(removed.message()));
  }
  return absl::OkStatus();
}

absl::Status BouncerOperations::LoginAsApp() const {
  ASSIGN_OR_RETURN(int port, HostPort());
  return env_.postgres.Connect(AppEndpoint(spec_, secrets_, port), kAdminTimeout).status();
}

absl::Status BouncerOperations::Pause(const PauseLimits& limits, bool* paused) const {
  *paused = false;
  ASSIGN_OR_RETURN(std::unique_ptr<BouncerSession> admin, Connect());
  ASSIGN_OR_RETURN(std::vector<BouncerDatabase> databases, admin->ShowDatabases());
  // Every database the bouncer serves is held, not only the app's: the `*` entry routes any
  // other name to the primary too. (One first used while the hold lasts is not held yet.)
  for (const BouncerDatabase& db : databases) {
    if (db.name == kAdminDatabase || db.host.empty()) continue;
    absl::Status pause = admin->Pause(db.name, limits.wait);
    if (absl::IsDeadlineExceeded(pause)) {
      ASSIGN_OR_RETURN(admin, Connect());  // the first session waits on the PAUSE
      RETURN_IF_ERROR(ReleaseHungServers(*admin, db.name, limits));
    } else {
      RETURN_IF_ERROR(pause);
    }
    *paused = true;
  }
  return absl::OkStatus();
}

// The server connections a PAUSE waits on past its deadline are hung (a primary cut off from
// the network, frozen, or a transaction that runs on): closing them under PgBouncer fails only
// the clients with a transaction in flight on them and completes the PAUSE with the other
// clients held. KILL (for a kernel that cannot destroy sockets) drops every client of the
// database as well. Each only when the action's limits allow it.
absl::Status BouncerOperations::ReleaseHungServers(BouncerSession& admin,
                                                   const std::string& database,
                                                   const PauseLimits& limits) const {
  const std::string bouncer = BouncerName(spec_.name);
  const std::string why =
      absl::StrCat("PAUSE ", database, " did not complete within ",
                   absl::FormatDuration(limits.wait), " (server connections hung)");
  absl::Status closed = absl::FailedPreconditionError("the action does not allow closing them");
  if (limits.close_hung_servers) {
    closed = CloseServerConnections(env_.runtime, bouncer);
    if (closed.ok() && ServersReleased(admin, database, kReleaseTimeout)) {
      events_.Warning(bouncer, "BouncerServersClosed",
                      absl::StrCat(why,
                                   ": closed them; the clients with a transaction in flight on "
                                   "them got an error, the others are held"));
      return absl::OkStatus();
    }
    if (closed.ok()) closed = absl::DeadlineExceededError("did not release them");
  }
  const std::string not_closed = absl::StrCat(
      limits.close_hung_servers ? "closing them under PgBouncer " : "", closed.message());
  if (!limits.kill) {
    // A PAUSE left pending would hold every client until PgBouncer fails them: withdrawn.
    absl::Status resumed = admin.Resume(database);
    return absl::DeadlineExceededError(
        absl::StrCat(why, ": ", not_closed, ", and the action does not allow KILL: its PAUSE ",
                     resumed.ok() ? "was withdrawn (RESUME), clients are not held"
                                  : absl::StrCat("could not be withdrawn: ", resumed.message())));
  }
  RETURN_IF_ERROR(admin.Kill(database));
  events_.Warning(bouncer, "BouncerKill",
                  absl::StrCat(why, ": ", not_closed,
                               "; dropped them with KILL, and the database's clients with them"));
  return absl::OkStatus();
}

bool BouncerOperations::ServersReleased(BouncerSession& admin, const std::string& database,
                                        absl::Duration within) const {
  for (absl::Time deadline = env_.clock.Monotonic() + within;; env_.clock.SleepFor(kReleasePoll)) {
    absl::StatusOr<std::vector<BouncerPool>> pools = admin.ShowPools();
    if (!pools.ok()) return false;
    int active = 0;
    for (const BouncerPool& pool : *pools) {
      if (pool.database == database) active += pool.servers_active;
    }
    if (active == 0) return true;
    if (env_.clock.Monotonic() >= deadline) return false;
  }
}

absl::Status BouncerOperations::Retarget(int target_ordinal) const {
  RETURN_IF_ERROR(PrepareTarget(target_ordinal));
  return Reload();
}

absl::Status BouncerOperations::PrepareTarget(int target_ordinal) const {
  return Upload(NodeName(spec_.name, target_ordinal));
}

absl::Status BouncerOperations::Reload() const {
  ASSIGN_OR_RETURN(std::unique_ptr<BouncerSession> admin, Connect());
  return admin->Reload();
}

absl::Status BouncerOperations::Reconnect() const {
  ASSIGN_OR_RETURN(std::unique_ptr<BouncerSession> admin, Connect());
  ASSIGN_OR_RETURN(std::vector<BouncerDatabase> databases, admin->ShowDatabases());
  for (const BouncerDatabase& db : databases) {
    if (db.name != kAdminDatabase && !db.host.empty()) RETURN_IF_ERROR(admin->Reconnect(db.name));
  }
  return absl::OkStatus();
}

absl::Status BouncerOperations::Resume() const {
  ASSIGN_OR_RETURN(std::unique_ptr<BouncerSession> admin, Connect());
  ASSIGN_OR_RETURN(std::vector<BouncerDatabase> databases, admin->ShowDatabases());
  for (const BouncerDatabase& db : databases) {
    if (db.paused) RETURN_IF_ERROR(admin->Resume(db.name));
  }
  return absl::OkStatus();
}

}  // namespace radctl
