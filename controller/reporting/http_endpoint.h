// The watcher's HTTP endpoint (cpp-httplib), on 127.0.0.1:8433 by default:
//   /healthz        200 while the loop is alive (in a pass, or one ended in the last 30 s)
//   /readyz         200 when the endpoint reaches a writable primary, else 503 with the reason
//   /metrics        Prometheus text format
//   /api/v1/status  the JSON of `radctl status -o json` (password masked: HTTP has no auth)
//   /api/v1/events  the cluster's events, newest last (?since=10m)
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "controller/config/secrets.h"
#include "controller/reporting/controller_state.h"
#include "controller/state/cluster_store.h"

namespace httplib {
class Server;
}

namespace radctl {

class HttpEndpoint {
 public:
  HttpEndpoint(ControllerState& state, const ClusterStore& store, const ClusterSecrets& secrets);
  ~HttpEndpoint();

  // Binds host:port and serves in a thread. FailedPrecondition when the address is taken.
  [[nodiscard]] absl::Status Start(const std::string& host, int port);
  void Stop();

 private:
  ControllerState& state_;
  const ClusterStore& store_;
  const ClusterSecrets& secrets_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

// "127.0.0.1:8433" -> host and port; InvalidArgument otherwise.
[[nodiscard]] absl::Status ParseListenAddress(const std::string& text, std::string* host,
                                              int* port);

}  // namespace radctl
