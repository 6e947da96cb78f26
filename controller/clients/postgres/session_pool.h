// Sessions on nodes kept open between uses, by endpoint. A login (TLS, SCRAM, a backend started)
// costs 15-30 ms on an idle machine and 50-75 ms in the moments after a container was killed,
// more than the queries it is made for. The observer probes on these sessions several times a
// second; a failover takes the successor's and its followers' from here instead of logging in
// while clients are held, and gives them back. A session is held by one user at a time; a
// broken one is never handed out.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/clients/postgres/node_session.h"

namespace radctl {

class SessionPool {
 public:
  explicit SessionPool(const PostgresAccess& postgres) : postgres_(postgres) {}

  // The endpoint's kept session, else a new login (within `connect_timeout`).
  [[nodiscard]] absl::StatusOr<std::unique_ptr<NodeSession>> Take(const PgEndpoint& endpoint,
                                                                  absl::Duration connect_timeout);
  // Kept for the next Take of its endpoint, unless it is broken; one per endpoint (the one
  // given back last is kept, an earlier one closed).
  void Return(std::unique_ptr<NodeSession> session);

 private:
  const PostgresAccess& postgres_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<NodeSession>> idle_;  // by PgEndpoint::ToString()
};

}  // namespace radctl
