#include "controller/clients/postgres/pg_connection.h"

#include <libpq-fe.h>
#include <poll.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace radctl {
namespace {

// Waits until the socket is readable/writable or the deadline (on `clock`'s Monotonic()) passes.
bool WaitSocket(const Clock& clock, int socket, bool for_write, absl::Time deadline) {
  absl::Duration left = deadline - clock.Monotonic();
  if (left <= absl::ZeroDuration()) return false;
  pollfd pfd{socket, static_cast<short>(for_write ? POLLOUT : POLLIN), 0};
  int ms = static_cast<int>(absl::ToInt64Milliseconds(left)) + 1;
  return poll(&pfd, 1, ms) > 0;
}

// libpq's messages end with a newline and sometimes span lines: keep the first line.
std::string FirstLine(const char* message) {
  std::string text = message == nullptr ? "" : message;
  std::vector<std::string> lines = absl::StrSplit(text, '\n', absl::SkipWhitespace());
  if (lines.empty()) return "unknown error";
  return std::string(absl::StripAsciiWhitespace(lines[0]));
}

// What a failed statement means for the caller, by SQLSTATE class (PostgreSQL's errcodes), so
// that nobody has to read the message: the server went away or cannot serve now -> Unavailable;
// the statement met a state it cannot run in (a standby asked to write, recovery not in
// progress) -> Aborted, observe again; bad data -> InvalidArgument; anything else is a query
// radctl should not have sent -> Internal.
absl::StatusCode CodeForSqlState(const std::string& sqlstate) {
  auto is = [&](const char* prefix) { return sqlstate.rfind(prefix, 0) == 0; };
  if (is("08") || is("53") || is("57P") || is("58")) return absl::StatusCode::kUnavailable;
  if (is("57014")) return absl::StatusCode::kDeadlineExceeded;  // statement timeout / cancel
  if (is("25") || is("40") || is("55")) return absl::StatusCode::kAborted;
  if (is("22")) return absl::StatusCode::kInvalidArgument;
  return absl::StatusCode::kInternal;
}

}  // namespace

std::string PgEndpoint::ToString() const {
  return absl::StrCat(user, "@", host, ":", port, "/", dbname);
}

absl::StatusOr<std::unique_ptr<PgConnection>> PgConnection::Connect(const Clock& clock,
                                                                    const PgEndpoint& endpoint,
                                                                    absl::Duration timeout) {
  absl::Time deadline = clock.Monotonic() + timeout;
  absl::StatusOr<std::unique_ptr<PgConnection>> conn = ConnectOnce(
      clock, endpoint, deadline, endpoint.sslrootcert.empty() ? "prefer" : "verify-full");
  // libpq's words when the server answers the SSL request with "no".
  if (endpoint.plaintext_fallback && !endpoint.sslrootcert.empty() &&
      absl::IsUnavailable(conn.status()) &&
      absl::StrContains(conn.status().message(), "server does not support SSL")) {
    return ConnectOnce(clock, endpoint, deadline, "disable");
  }
  return conn;
}

bool PgConnection::tls() const { return PQsslInUse(conn_) == 1; }

absl::StatusOr<std::unique_ptr<PgConnection>> PgConnection::ConnectOnce(const Clock& clock,
                                                                        const PgEndpoint& endpoint,
                                                                        absl::Time deadline,
                                                                        const char* sslmode) {
  const absl::Duration timeout = deadline - clock.Monotonic();
  const std::string port = absl::StrCat(endpoint.port);
  const char* keys[] = {"host",    "port",        "user", "password", "dbname", "application_name",
                        "sslmode", "sslrootcert", nullptr};
  const char* values[] = {endpoint.host.c_str(),
                          port.c_str(),
                          endpoint.user.c_str(),
                          endpoint.password.c_str(),
                          endpoint.dbname.c_str(),
                          endpoint.application_name.c_str(),
                          sslmode,
                          endpoint.sslrootcert.empty() ? nullptr : endpoint.sslrootcert.c_str(),
                          nullptr};
  if (endpoint.sslrootcert.empty()) keys[7] = nullptr;
  PGconn* conn = PQconnectStartParams(keys, values, 0);
  if (conn == nullptr) return absl::ResourceExhaustedError("libpq could not allocate a connection");
  // Server notices ("terminating connection due to ...") would go to stderr between the
  // controller's own lines; what matters of them shows up as errors or in the observation.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  std::unique_ptr<PgConnection> result(new PgConnection(clock, conn, endpoint));
  PostgresPollingStatusType poll_status = PGRES_POLLING_WRITING;
  while (PQstatus(conn) != CONNECTION_BAD) {
    if (poll_status == PGRES_POLLING_OK) return result;
    if (poll_status == PGRES_POLLING_FAILED) break;
    bool for_write = poll_status == PGRES_POLLING_WRITING;
    if (!WaitSocket(clock, PQsocket(conn), for_write, deadline)) {
      // Silence (a hung or unreachable server) is told apart from a refusal (nothing listens).
      return absl::DeadlineExceededError(absl::StrCat("connecting to ", endpoint.ToString(),
                                                      ": no answer within ",
                                                      absl::FormatDuration(timeout)));
    }
    poll_status = PQconnectPoll(conn);
  }
  return absl::UnavailableError(
      absl::StrCat("connecting to ", endpoint.ToString(), ": ", FirstLine(PQerrorMessage(conn))));
}

PgConnection::~PgConnection() { PQfinish(conn_); }

bool PgConnection::broken() const { return failed_ || PQstatus(conn_) != CONNECTION_OK; }

absl::StatusOr<PgRows> PgConnection::Query(const std::string& sql, absl::Duration timeout) {
  if (broken())
    return absl::UnavailableError(absl::StrCat(endpoint_.ToString(), ": connection lost"));
  absl::Time deadline = clock_.Monotonic() + timeout;
  if (PQsendQuery(conn_, sql.c_str()) == 0) {
    failed_ = true;
    return absl::UnavailableError(
        absl::StrCat(endpoint_.ToString(), ": ", FirstLine(PQerrorMessage(conn_))));
  }
  PgRows rows;
  std::string error;
  std::string sqlstate;
  while (true) {
    while (PQisBusy(conn_)) {
      if (!WaitSocket(clock_, PQsocket(conn_), false, deadline)) {
        failed_ = true;  // the server may still be running it; this connection is done
        return absl::DeadlineExceededError(absl::StrCat(endpoint_.ToString(), ": no answer within ",
                                                        absl::FormatDuration(timeout)));
      }
      if (PQconsumeInput(conn_) == 0) {
        failed_ = true;
        return absl::UnavailableError(
            absl::StrCat(endpoint_.ToString(), ": ", FirstLine(PQerrorMessage(conn_))));
      }
    }
    PGresult* result = PQgetResult(conn_);
    if (result == nullptr) break;
    ExecStatusType status = PQresultStatus(result);
    if (status == PGRES_TUPLES_OK) {
      rows.clear();
      for (int r = 0; r < PQntuples(result); ++r) {
        PgRow row;
        for (int c = 0; c < PQnfields(result); ++c) {
          if (PQgetisnull(result, r, c)) {
            row.push_back(std::nullopt);
          } else {
            row.push_back(std::string(PQgetvalue(result, r, c)));
          }
        }
        rows.push_back(std::move(row));
      }
    } else if (status != PGRES_COMMAND_OK && status != PGRES_EMPTY_QUERY && error.empty()) {
      error = FirstLine(PQresultErrorMessage(result));
      const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
      sqlstate = state == nullptr ? "" : state;
    }
    PQclear(result);
  }
  if (PQstatus(conn_) != CONNECTION_OK) failed_ = true;
  if (!error.empty()) {
    return absl::Status(CodeForSqlState(sqlstate), absl::StrCat(endpoint_.ToString(), ": ", error));
  }
  return rows;
}

int IntOrZero(const std::optional<std::string>& text) {
  int value = 0;
  if (text && absl::SimpleAtoi(*text, &value)) return value;
  return 0;
}

}  // namespace radctl
