// BouncerSession over libpq: PgBouncer's admin console commands, all of them in this file.
// The console answers every refusal with the same SQLSTATE (08P01), so the two refusals that
// mean "already so" are told apart by PgBouncer's fixed wording here, and nowhere else.
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "controller/clients/bouncer/bouncer_session.h"
#include "crd-like-specs/status_macros.h"

namespace radctl {
namespace {

constexpr absl::Duration kCommandTimeout = absl::Seconds(5);

std::string Command(const char* verb, const std::string& database) {
  return database.empty() ? verb : absl::StrCat(verb, " ", database);
}

class LibpqBouncerSession : public BouncerSession {
 public:
  explicit LibpqBouncerSession(std::unique_ptr<PgConnection> conn) : conn_(std::move(conn)) {}

  absl::StatusOr<std::vector<BouncerDatabase>> ShowDatabases() override {
    // Columns (1.18): name, host, port, database, force_user, pool_size, min_pool_size,
    // reserve_pool, pool_mode, max_connections, current_connections, paused, disabled.
    ASSIGN_OR_RETURN(PgRows rows, conn_->Query("SHOW DATABASES", kCommandTimeout));
    std::vector<BouncerDatabase> databases;
    for (const PgRow& row : rows) {
      if (row.size() < 12) continue;
      databases.push_back({row[0].value_or(""), row[1].value_or(""), row[11].value_or("0") == "1"});
    }
    return databases;
  }

  absl::StatusOr<std::vector<BouncerPool>> ShowPools() override {
    // Columns (1.18): database, user, cl_active, cl_waiting, cl_cancel_req, sv_active, ...
    ASSIGN_OR_RETURN(PgRows rows, conn_->Query("SHOW POOLS", kCommandTimeout));
    std::vector<BouncerPool> pools;
    for (const PgRow& row : rows) {
      if (row.size() < 6) continue;
      pools.push_back(
          {row[0].value_or(""), IntOrZero(row[2]), IntOrZero(row[3]), IntOrZero(row[5])});
    }
    return pools;
  }

  absl::StatusOr<std::map<std::string, std::string>> ShowConfig() override {
    // Columns (1.18): key, value, default, changeable.
    ASSIGN_OR_RETURN(PgRows rows, conn_->Query("SHOW CONFIG", kCommandTimeout));
    std::map<std::string, std::string> config;
    for (const PgRow& row : rows) {
      if (row.size() >= 2) config[row[0].value_or("")] = row[1].value_or("");
    }
    return config;
  }

  absl::Status Pause(const std::string& database, absl::Duration timeout) override {
    absl::Status paused = conn_->Execute(Command("PAUSE", database), timeout);
    if (!paused.ok() && absl::StrContains(paused.message(), "already suspended/paused")) {
      return absl::OkStatus();
    }
    return paused;
  }

  absl::Status Kill(const std::string& database) override {
    return conn_->Execute(Command("KILL", database), kCommandTimeout);
  }

  absl::Status Resume(const std::string& database) override {
    absl::Status resumed = conn_->Execute(Command("RESUME", database), kCommandTimeout);
    if (!resumed.ok() && absl::StrContains(resumed.message(), "not paused")) {
      return absl::OkStatus();
    }
    return resumed;
  }

  absl::Status Reload() override { return conn_->Execute("RELOAD", kCommandTimeout); }

  absl::Status Reconnect(const std::string& database) override {
    return conn_->Execute(Command("RECONNECT", database), kCommandTimeout);
  }

  absl::StatusOr<std::vector<BouncerServer>> ShowServers() override {
    // Columns (1.18): type, user, database, state, addr, port, local_addr, local_port,
    // connect_time, request_time, wait, wait_us, close_needed, ...
    ASSIGN_OR_RETURN(PgRows rows, conn_->Query("SHOW SERVERS", kCommandTimeout));
    std::vector<BouncerServer> servers;
    for (const PgRow& row : rows) {
      if (row.size() < 13) continue;
      servers.push_back({row[2].value_or(""), row[3].value_or(""), row[12].value_or("0") == "1"});
    }
    return servers;
  }

  bool broken() const override { return conn_->broken(); }

 private:
  std::unique_ptr<PgConnection> conn_;
};

class LibpqClientTransaction : public BouncerClientTransaction {
 public:
  explicit LibpqClientTransaction(std::unique_ptr<PgConnection> conn) : conn_(std::move(conn)) {}
  ~LibpqClientTransaction() override { (void)conn_->Execute("ROLLBACK", kCommandTimeout); }

 private:
  std::unique_ptr<PgConnection> conn_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<BouncerSession>> LibpqBouncerAccess::Connect(
    PgEndpoint endpoint, absl::Duration timeout) const {
  endpoint.dbname = "pgbouncer";
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> conn,
                   PgConnection::Connect(clock_, endpoint, timeout));
  return std::unique_ptr<BouncerSession>(new LibpqBouncerSession(std::move(conn)));
}

absl::StatusOr<std::unique_ptr<BouncerClientTransaction>> LibpqBouncerAccess::OpenClientTransaction(
    const PgEndpoint& endpoint, absl::Duration timeout) const {
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> conn,
                   PgConnection::Connect(clock_, endpoint, timeout));
  RETURN_IF_ERROR(conn->Execute("BEGIN; SELECT 1", timeout));
  return std::unique_ptr<BouncerClientTransaction>(new LibpqClientTransaction(std::move(conn)));
}

}  // namespace radctl
