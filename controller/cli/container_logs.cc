#include "controller/cli/container_logs.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "controller/clients/docker/docker_client.h"
#include "controller/clients/docker/docker_errors.h"
#include "controller/clients/docker/http_transport.h"
#include "crd-like-specs/status_macros.h"

namespace radctl::cli {
namespace {

// A tty-less container's log is framed: [stream, 0, 0, 0, size as big-endian uint32], then
// `size` bytes. Frames arrive split anywhere; each whole frame's text is passed on.
class FrameReader {
 public:
  explicit FrameReader(const std::function<void(absl::string_view)>& on_text) : on_text_(on_text) {}
  void Feed(absl::string_view piece) {
    pending_.append(piece.data(), piece.size());
    size_t used = 0;
    while (pending_.size() - used >= 8) {
      const auto* header = reinterpret_cast<const unsigned char*>(pending_.data() + used);
      size_t size = (size_t{header[4]} << 24) | (size_t{header[5]} << 16) |
                    (size_t{header[6]} << 8) | size_t{header[7]};
      if (pending_.size() - used < 8 + size) break;
      on_text_(absl::string_view(pending_).substr(used + 8, size));
      used += 8 + size;
    }
    pending_.erase(0, used);
  }

 private:
  const std::function<void(absl::string_view)>& on_text_;
  std::string pending_;
};

}  // namespace

LogStreamer DockerLogStreamer() {
  return [](const std::string& container, int tail, bool follow,
            const std::function<void(absl::string_view)>& on_text,
            const std::atomic<bool>& stop) -> absl::Status {
    const char* env_host = std::getenv("DOCKER_HOST");
    const std::string host =
        env_host != nullptr && *env_host != '\0' ? env_host : "unix:///var/run/docker.sock";
    ASSIGN_OR_RETURN(docker::Endpoint endpoint, docker::ParseDockerHost(host));
    docker::HttpTransport transport(std::move(endpoint));
    docker::HttpRequest request;
    request.path = absl::StrCat(
        "/", docker::kApiVersion, "/containers/", docker::UrlEncode(container),
        "/logs?stdout=1&stderr=1&tail=", tail < 0 ? std::string("all") : absl::StrCat(tail),
        follow ? "&follow=1" : "");
    if (follow) request.timeout = absl::InfiniteDuration();
    FrameReader frames(on_text);
    const docker::BodyCallback on_data = [&](absl::string_view piece) {
      frames.Feed(piece);
      return true;
    };
    absl::StatusOr<docker::HttpResponse> response = transport.Stream(request, on_data, &stop);
    if (stop.load()) return absl::OkStatus();
    return docker::DockerStatus(absl::StrCat("read the log of container ", container), host,
                                response);
  };
}

}  // namespace radctl::cli
