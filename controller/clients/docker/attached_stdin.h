// A connection that holds a container's stdin open: POST /containers/{id}/attach?stdin=1,
// upgraded to a raw stream that radctl never writes to. With the container made with OpenStdin
// and StdinOnce, the engine closes the container's stdin when this connection closes, which the
// kernel does when this process ends, however it ends (kill -9 included). The controller's lease
// (DockerClient::TakeLease) is a container whose one process reads that stdin: it ends with the
// connection.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/clients/clock.h"
#include "controller/clients/docker/http_transport.h"

namespace radctl::docker {

class AttachedStdin {
 public:
  // Attached to container `id` on `endpoint` within `timeout` (of `clock`); Unavailable when
  // the engine cannot be reached, FailedPrecondition when it refuses the attach.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<AttachedStdin>> Open(const Clock& clock,
                                                                           const Endpoint& endpoint,
                                                                           const std::string& id,
                                                                           absl::Duration timeout);
  ~AttachedStdin();  // closes the connection: the engine then closes the container's stdin
  AttachedStdin(const AttachedStdin&) = delete;
  AttachedStdin& operator=(const AttachedStdin&) = delete;

  // False once the engine closed the connection (it restarted, or the container is gone).
  [[nodiscard]] bool Open() const;

 private:
  AttachedStdin(void* curl, int fd) : curl_(curl), fd_(fd) {}
  void* curl_;  // the CURL easy handle that owns the connection
  int fd_;
};

}  // namespace radctl::docker
