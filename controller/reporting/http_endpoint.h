// The watcher's HTTP endpoint (cpp-httplib), on 127.0.0.1:8433 by default, for every cluster it
// watches:
//   /healthz                     200 while every cluster's loop is alive (in a pass, or one
//                                ended in the last 30 s)
//   /readyz                      200 when every cluster's endpoint reaches a writable primary,
//                                else 503 with the reasons (?cluster=NAME for one)
//   /metrics                     Prometheus text format, samples labelled by cluster
//   /api/v1/clusters             the watched clusters: name, file, ready, endpoint (JSON)
//   /api/v1/clusters/NAME/status the JSON of `radctl status NAME -o json` (password masked: HTTP
//                                has no auth)
//   /api/v1/clusters/NAME/events the cluster's events, newest last (?since=10m)
//   /api/v1/status, /api/v1/events  the same for the only cluster watched (or ?cluster=NAME)
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "controller/clients/clock.h"
#include "controller/reporting/watched_clusters.h"

namespace httplib {
class Server;
}

namespace radctl {

class HttpEndpoint {
 public:
  HttpEndpoint(const Clock& clock, const WatchedClusters& clusters);
  ~HttpEndpoint();

  // Binds host:port and serves in a thread. FailedPrecondition when the address is taken.
  [[nodiscard]] absl::Status Start(const std::string& host, int port);
  void Stop();

 private:
  const Clock& clock_;
  const WatchedClusters& clusters_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

// "127.0.0.1:8433" -> host and port; InvalidArgument otherwise.
[[nodiscard]] absl::Status ParseListenAddress(const std::string& text, std::string* host,
                                              int* port);

}  // namespace radctl
