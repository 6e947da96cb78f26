// The mechanics of the bouncer: its container and its target. A repoint follows safety rule 4:
// PAUSE (bounded, as the action's PauseLimits say) -> upload the new pgbouncer.ini -> RELOAD ->
// RESUME. When to repoint, how far a PAUSE may go and whether a failed one stops the action are
// the planner's (reconcilers/client_hold.h).
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "controller/clients/env.h"
#include "controller/config/secrets.h"
#include "controller/state/event_log.h"
#include "crd-like-specs/cluster_spec.h"
#include "reconcilers/action.h"

namespace radctl {

class BouncerOperations {
 public:
  BouncerOperations(const Env& env, const ClusterSpec& spec, const ClusterSecrets& secrets,
                    EventLog& events)
      : env_(env), spec_(spec), secrets_(secrets), events_(events) {}

  // (Re-)creates the container with an untargeted config and starts it; an existing container
  // of that name is removed first, so a half-created one never blocks. FailedPrecondition when
  // the image is missing or the port is taken.
  [[nodiscard]] absl::Status Create() const;
  [[nodiscard]] absl::Status Remove() const;
  // Adds the rules that hold unanswered logins to a running bouncer made without them
  // (AddLoginHold in bouncer_container.h); its clients stay connected.
  [[nodiscard]] absl::Status AddLoginHold() const;

  // Holds new clients (PAUSE) until Resume. PAUSE waits `limits.wait` for running
  // transactions; after that, only as far as `limits` allow, the server connections still held
  // are closed under PgBouncer (only the clients with a transaction in flight on them get an
  // error), and where that is not allowed or fails KILL (on a second session) drops them with
  // every client of the database. Either completes the PAUSE: only then may RESUME be sent (a
  // RESUME racing an unfinished PAUSE can deadlock the console). Allowed neither, or both
  // failing, it fails and the PAUSE of that database is left pending (no Resume is owed for
  // it; PgBouncer fails its held clients after query_wait_timeout). `paused` tells whether a
  // Resume is owed.
  [[nodiscard]] absl::Status Pause(const PauseLimits& limits, bool* paused) const;
  // Uploads a config targeting `target_ordinal` and reloads.
  [[nodiscard]] absl::Status Retarget(int target_ordinal) const;
  // The two halves of Retarget: PgBouncer reads the uploaded config only at the RELOAD, so a
  // switchover uploads before it holds the clients and reloads while they are held.
  [[nodiscard]] absl::Status PrepareTarget(int target_ordinal) const;
  [[nodiscard]] absl::Status Reload() const;
  [[nodiscard]] absl::Status Resume() const;
  // Closes the server connections of every database once released: after the primary's
  // container restarted, some may have reached another container that took its old address.
  [[nodiscard]] absl::Status Reconnect() const;
  // Uploads the current userlist and TLS files (and a config still targeting `target_ordinal`),
  // reloads (no PAUSE: clients stay connected) and removes the files of earlier generations.
  [[nodiscard]] absl::Status Refresh(int target_ordinal) const;
  // One login through the bouncer as the app user. PgBouncer logs in to Postgres with the SCRAM
  // keys of the last client that logged in; after a password change this gives it the new ones
  // at once, before a server connection opened for an older client would fail with the old.
  [[nodiscard]] absl::Status LoginAsApp() const;

 private:
  [[nodiscard]] absl::StatusOr<int> HostPort() const;
  [[nodiscard]] absl::StatusOr<std::unique_ptr<BouncerSession>> Connect() const;
  [[nodiscard]] absl::Status Upload(const std::string& target_host) const;
  // Completes a PAUSE of `database` that did not complete within `limits.wait`, as far as
  // `limits` allow; `admin` is a second session (the first one waits on the PAUSE).
  [[nodiscard]] absl::Status ReleaseHungServers(BouncerSession& admin, const std::string& database,
                                                const PauseLimits& limits) const;
  // Whether `database` has no active server connection left, asked until `within` passes.
  bool ServersReleased(BouncerSession& admin, const std::string& database,
                       absl::Duration within) const;

  const Env& env_;
  const ClusterSpec& spec_;
  const ClusterSecrets& secrets_;
  EventLog& events_;
};

}  // namespace radctl
