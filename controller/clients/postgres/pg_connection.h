// A libpq connection with deadlines on everything: connecting and each query are bounded, so a
// hung or partitioned server costs the caller at most the timeout it chose (libpq's own
// connect_timeout cannot go below 2 s). Thin: it runs SQL and reports; it decides nothing.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/clients/clock.h"

typedef struct pg_conn PGconn;

namespace radctl {

struct PgEndpoint {
  std::string host;  // "127.0.0.1"
  int port = 0;
  std::string user;
  std::string password;
  std::string dbname;
  std::string application_name = "radctl";
  // With a CA certificate (a file) the server must present a certificate it signed for `host`
  // (sslmode=verify-full); without, TLS is used when the server offers it (libpq's "prefer").
  std::string sslrootcert = "";
  // With `sslrootcert`: a server that answers it does not serve TLS at all (one spec.tls is just
  // being switched on for) is connected to without. Only for the controller's own probes.
  bool plaintext_fallback = false;

  std::string ToString() const;  // "repmgr@127.0.0.1:49153/repmgr", never the password
};

// Rows of text values; a NULL is std::nullopt.
using PgRow = std::vector<std::optional<std::string>>;
using PgRows = std::vector<PgRow>;

// A value as a number: 0 when NULL or not a number.
int IntOrZero(const std::optional<std::string>& text);

class PgConnection {
 public:
  // DeadlineExceeded when the server does not answer in time; Unavailable when it refuses the
  // connection or the login. The message carries libpq's reason. Deadlines, the connection's
  // and its queries', are kept on `clock`.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<PgConnection>> Connect(
      const Clock& clock, const PgEndpoint& endpoint, absl::Duration timeout);
  // Whether this connection is encrypted.
  bool tls() const;
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs `sql` (one or more statements, simple query protocol) and returns the rows of the last
  // result. DeadlineExceeded after `timeout`: the connection is then unusable (broken() is true).
  // A statement the server refuses maps by its SQLSTATE: connection or shutdown -> Unavailable,
  // wrong state for it (read-only, not in recovery, conflict) -> Aborted, bad data ->
  // InvalidArgument, else Internal.
  [[nodiscard]] absl::StatusOr<PgRows> Query(const std::string& sql, absl::Duration timeout);
  [[nodiscard]] absl::Status Execute(const std::string& sql, absl::Duration timeout) {
    return Query(sql, timeout).status();
  }

  bool broken() const;
  const PgEndpoint& endpoint() const { return endpoint_; }

 private:
  PgConnection(const Clock& clock, PGconn* conn, PgEndpoint endpoint)
      : clock_(clock), conn_(conn), endpoint_(std::move(endpoint)) {}
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<PgConnection>> ConnectOnce(
      const Clock& clock, const PgEndpoint& endpoint, absl::Time deadline, const char* sslmode);
  const Clock& clock_;
  PGconn* conn_;
  PgEndpoint endpoint_;
  bool failed_ = false;
};

}  // namespace radctl
