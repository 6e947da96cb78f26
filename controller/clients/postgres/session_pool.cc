#include "controller/clients/postgres/session_pool.h"

namespace radctl {

absl::StatusOr<std::unique_ptr<NodeSession>> SessionPool::Take(const PgEndpoint& endpoint,
                                                               absl::Duration connect_timeout) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = idle_.find(endpoint.ToString());
    if (it != idle_.end()) {
      std::unique_ptr<NodeSession> session = std::move(it->second);
      idle_.erase(it);
      if (!session->broken()) return session;
    }
  }
  return postgres_.Connect(endpoint, connect_timeout);
}

void SessionPool::Return(std::unique_ptr<NodeSession> session) {
  if (session == nullptr || session->broken()) return;
  std::lock_guard<std::mutex> lock(mu_);
  idle_[session->endpoint().ToString()] = std::move(session);
}

}  // namespace radctl
