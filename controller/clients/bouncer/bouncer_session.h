// BouncerSession: PgBouncer's admin console (the "pgbouncer" database), one method per console
// command. The order of a repoint (PAUSE -> switch -> RELOAD -> RESUME) is the operations
// layer's; when to repoint is the planner's. BouncerAccess opens sessions; tests fake both.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/clients/postgres/pg_connection.h"

namespace radctl {

// One row of SHOW DATABASES.
struct BouncerDatabase {
  std::string name;
  std::string host;  // target of the entry, "" when it has none
  bool paused = false;
};

// One row of SHOW POOLS (summed over users by the caller if needed).
struct BouncerPool {
  std::string database;
  int clients_active = 0;
  int clients_waiting = 0;
  int servers_active = 0;
};

// One row of SHOW SERVERS.
struct BouncerServer {
  std::string database;
  std::string state;          // "active", "idle", "used", "tested", or "new" (logging in)
  bool close_needed = false;  // made under an earlier configuration: closed once released
};

// A client of the bouncer with a transaction open on one of its server connections, kept until
// destroyed (then rolled back). PgBouncer counts that server connection as in use.
class BouncerClientTransaction {
 public:
  virtual ~BouncerClientTransaction() = default;
};

class BouncerSession {
 public:
  virtual ~BouncerSession() = default;

  [[nodiscard]] virtual absl::StatusOr<std::vector<BouncerDatabase>> ShowDatabases() = 0;
  [[nodiscard]] virtual absl::StatusOr<std::vector<BouncerPool>> ShowPools() = 0;
  // SHOW CONFIG: every setting by name, as PgBouncer runs with it.
  [[nodiscard]] virtual absl::StatusOr<std::map<std::string, std::string>> ShowConfig() = 0;
  // PAUSE `database` ("" for every database): returns once every server connection is
  // released; new clients are held meanwhile. DeadlineExceeded after `timeout`: the PAUSE is
  // still pending in the bouncer and this session is broken; KILL on another session completes
  // it. OK also when already paused.
  [[nodiscard]] virtual absl::Status Pause(const std::string& database, absl::Duration timeout) = 0;
  // KILL `database` ("" for every database): drops its server connections and pauses it.
  [[nodiscard]] virtual absl::Status Kill(const std::string& database) = 0;
  // RESUME `database` ("" for every database). OK also when not paused.
  [[nodiscard]] virtual absl::Status Resume(const std::string& database) = 0;
  [[nodiscard]] virtual absl::Status Reload() = 0;
  // RECONNECT `database`: its server connections are closed once released (new ones look the
  // host name up again).
  [[nodiscard]] virtual absl::Status Reconnect(const std::string& database) = 0;
  // SHOW SERVERS. Unimplemented where a fake does not model server connections.
  [[nodiscard]] virtual absl::StatusOr<std::vector<BouncerServer>> ShowServers() {
    return absl::UnimplementedError("SHOW SERVERS");
  }

  virtual bool broken() const = 0;
};

class BouncerAccess {
 public:
  virtual ~BouncerAccess() = default;
  // `endpoint` is the bouncer's published address with the admin user; dbname is set here.
  [[nodiscard]] virtual absl::StatusOr<std::unique_ptr<BouncerSession>> Connect(
      PgEndpoint endpoint, absl::Duration timeout) const = 0;
  // Logs in as a client (`endpoint`: an application user and database) and opens a transaction
  // on one of the bouncer's server connections. Unimplemented where a fake does not model
  // clients.
  [[nodiscard]] virtual absl::StatusOr<std::unique_ptr<BouncerClientTransaction>>
  OpenClientTransaction(const PgEndpoint& endpoint, absl::Duration timeout) const {
    (void)endpoint;
    (void)timeout;
    return absl::UnimplementedError("a client transaction through the bouncer");
  }
};

// The real thing: the admin console over libpq, its deadlines kept on `clock`.
class LibpqBouncerAccess : public BouncerAccess {
 public:
  explicit LibpqBouncerAccess(const Clock& clock) : clock_(clock) {}
  [[nodiscard]] absl::StatusOr<std::unique_ptr<BouncerSession>> Connect(
      PgEndpoint endpoint, absl::Duration timeout) const override;
  [[nodiscard]] absl::StatusOr<std::unique_ptr<BouncerClientTransaction>> OpenClientTransaction(
      const PgEndpoint& endpoint, absl::Duration timeout) const override;

 private:
  const Clock& clock_;
};

}  // namespace radctl
