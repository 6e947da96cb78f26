#include "controller/clients/bouncer/bouncer_admin.h"

#include <map>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "crd-like-specs/status_macros.h"

namespace radctl {
namespace {

constexpr absl::Duration kCommandTimeout = absl::Seconds(5);

}  // namespace

absl::StatusOr<std::unique_ptr<BouncerAdmin>> BouncerAdmin::Connect(PgEndpoint endpoint,
                                                                     absl::Duration timeout) {
  endpoint.dbname = "pgbouncer";
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> conn, PgConnection::Connect(endpoint, timeout));
  return std::unique_ptr<BouncerAdmin>(new BouncerAdmin(std::move(conn)));
}

absl::StatusOr<BouncerDatabase> BouncerAdmin::ShowDatabase(const std::string& database) {
  // SHOW DATABASES columns (1.18): name, host, port, database, force_user, pool_size,
  // min_pool_size, reserve_pool, pool_mode, max_connections, current_connections, paused,
  // disabled.
  ASSIGN_OR_RETURN(PgRows rows, conn_->Query("SHOW DATABASES", kCommandTimeout));
  for (const PgRow& row : rows) {
    if (row.size() < 12 || row[0].value_or("") != database) continue;
    BouncerDatabase result;
    result.host = row[1].value_or("");
    result.paused = row[11].value_or("0") == "1";
    return result;
  }
  return absl::NotFoundError(absl::StrCat("bouncer has no entry for database ", database));
}

absl::Status BouncerAdmin::PauseBounded(const std::string& database, absl::Duration timeout,
                                        bool* killed) {
  *killed = false;
  absl::Status paused = conn_->Execute(absl::StrCat("PAUSE ", database), timeout);
  if (paused.ok() || absl::StrContains(paused.message(), "already")) return absl::OkStatus();
  if (!absl::IsDeadlineExceeded(paused)) return paused;
  // The PAUSE is still pending on the first connection, waiting for servers that do not come
  // back. KILL on a second connection drops them; the bouncer stays paused.
  ASSIGN_OR_RETURN(std::unique_ptr<BouncerAdmin> second,
                   Connect(conn_->endpoint(), kCommandTimeout));
  RETURN_IF_ERROR(second->conn_->Execute(absl::StrCat("KILL ", database), kCommandTimeout));
  *killed = true;
  conn_ = std::move(second->conn_);  // the first connection is unusable after its timeout
  return absl::OkStatus();
}

absl::StatusOr<std::pair<int, int>> BouncerAdmin::ClientConnections(const std::string& database) {
  // SHOW POOLS columns (1.18): database, user, cl_active, cl_waiting, ...
  ASSIGN_OR_RETURN(PgRows rows, conn_->Query("SHOW POOLS", kCommandTimeout));
  std::pair<int, int> clients{0, 0};
  for (const PgRow& row : rows) {
    if (row.size() < 4 || row[0].value_or("") != database) continue;
    int active = 0, waiting = 0;
    if (absl::SimpleAtoi(row[2].value_or("0"), &active)) clients.first += active;
    if (absl::SimpleAtoi(row[3].value_or("0"), &waiting)) clients.second += waiting;
  }
  return clients;
}

absl::Status BouncerAdmin::Reload() { return conn_->Execute("RELOAD", kCommandTimeout); }

absl::Status BouncerAdmin::Resume(const std::string& database) {
  absl::Status status = conn_->Execute(absl::StrCat("RESUME ", database), kCommandTimeout);
  if (!status.ok() && absl::StrContains(status.message(), "not paused")) return absl::OkStatus();
  return status;
}

}  // namespace radctl
