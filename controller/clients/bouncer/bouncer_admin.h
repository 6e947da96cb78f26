// PgBouncer's admin console (the "pgbouncer" database), over libpq. Thin: each method is one
// console command; the order of a repoint (PAUSE -> switch -> RELOAD -> RESUME) is the
// executor's, and when to repoint is the planner's.
#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/clients/postgres/pg_connection.h"

namespace radctl {

struct BouncerDatabase {
  std::string host;  // target of the database entry, "" when it has none
  bool paused = false;
};

class BouncerAdmin {
 public:
  // `endpoint` is the bouncer's published address with the admin user; dbname is set here.
  static absl::StatusOr<std::unique_ptr<BouncerAdmin>> Connect(PgEndpoint endpoint,
                                                                absl::Duration timeout);

  // The entry for `database` in SHOW DATABASES; NotFound when the bouncer has none (untargeted).
  [[nodiscard]] absl::StatusOr<BouncerDatabase> ShowDatabase(const std::string& database);

  // PAUSE waits until every server connection is released (PgBouncer holds new clients rather
  // than failing them). It may never return (session pooling, hung servers), so it is bounded:
  // on timeout KILL drops the servers, which completes the pending PAUSE; only then may RESUME
  // be sent (a RESUME racing an unfinished PAUSE can deadlock the console). Returns OK once the
  // bouncer is paused; `killed` tells whether KILL was needed.
  [[nodiscard]] absl::Status PauseBounded(const std::string& database, absl::Duration timeout,
                                          bool* killed);
  // Client connections for `database` summed over users: {active, waiting} (SHOW POOLS).
  [[nodiscard]] absl::StatusOr<std::pair<int, int>> ClientConnections(const std::string& database);
  [[nodiscard]] absl::Status Reload();
  bool broken() const { return conn_->broken(); }
  // OK also when the database was not paused.
  [[nodiscard]] absl::Status Resume(const std::string& database);

 private:
  explicit BouncerAdmin(std::unique_ptr<PgConnection> conn) : conn_(std::move(conn)) {}
  std::unique_ptr<PgConnection> conn_;
};

}  // namespace radctl
