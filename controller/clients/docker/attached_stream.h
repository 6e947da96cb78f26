// A connection attached to a container's stdin and stdout: POST /containers/{id}/attach, upgraded
// to a raw stream. With the container made with OpenStdin and StdinOnce, the engine closes the
// container's stdin when this connection closes, which the kernel does when this process ends,
// however it ends (kill -9 included). The controller's lease (DockerClient::TakeLease) is a
// container whose one process reads that stdin: it ends with the connection. Meanwhile the
// process answers requests, one line each way (Exchange).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/clients/clock.h"
#include "controller/clients/docker/http_transport.h"

namespace radctl::docker {

class AttachedStream {
 public:
  // Attached to container `id` on `endpoint` within `timeout` (of `clock`), before it starts (so
  // that nothing it writes is missed); Unavailable when the engine cannot be reached,
  // FailedPrecondition when it refuses the attach.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<AttachedStream>> Open(
      const Clock& clock, const Endpoint& endpoint, const std::string& id, absl::Duration timeout);
  ~AttachedStream();  // closes the connection: the engine then closes the container's stdin
  AttachedStream(const AttachedStream&) = delete;
  AttachedStream& operator=(const AttachedStream&) = delete;

  // False once the engine closed the connection (it restarted, or the container is gone), or an
  // exchange broke off (what it would read next is no longer known to answer what it sent).
  [[nodiscard]] bool Open() const;

  // Sends `line` (no newline in it) to the container's stdin and returns the next line it writes
  // to stdout, without the newline. Unavailable when the connection ends or `timeout` passes
  // first (the stream is broken from then on). One exchange at a time.
  [[nodiscard]] absl::StatusOr<std::string> Exchange(const std::string& line,
                                                     absl::Duration timeout);

 private:
  AttachedStream(const Clock& clock, void* curl) : clock_(clock), curl_(curl) {}
  absl::Status Send(const std::string& bytes, absl::Time deadline);
  // Reads frames of the multiplexed stream (8-byte header: stream, 0, 0, 0, length) until stdout
  // holds a whole line.
  absl::StatusOr<std::string> ReadLine(absl::Time deadline);

  const Clock& clock_;
  void* curl_;  // the CURL easy handle that owns the connection
  int fd_ = -1;
  std::mutex mu_;
  std::atomic<bool> broken_{false};
  std::string frames_;  // read, not yet taken apart into stdout and stderr
  std::string stdout_;  // stdout received, not yet returned as a line
  std::string stderr_;  // what the process said on stderr (for an error message)
};

}  // namespace radctl::docker
