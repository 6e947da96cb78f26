// HttpTransport: sends one HTTP request to the Docker engine over libcurl, on a unix socket or
// TCP, and returns the answer whatever its HTTP status. It knows where the engine listens and
// nothing of its API: judging the answer is docker_errors.h's job. Safe to use from several
// threads at once: every request gets its own easy handle, and each thread keeps its own
// connections open between its requests.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace radctl::docker {

struct HttpRequest {
  std::string method = "GET";  // GET, POST, PUT or DELETE
  std::string path;            // with the query: "/v1.41/containers/json?all=1"
  std::string body;            // sent with POST and PUT
  std::string content_type = "application/json";
  // For the whole request, connection to last byte. InfiniteDuration(): none (event streams).
  absl::Duration timeout = absl::Minutes(1);
  // How often a stream with nothing to read looks at its stop flag.
  absl::Duration stop_check = absl::Milliseconds(200);
};

struct HttpResponse {
  long status = 0;  // libcurl's type for response codes
  // The body, except a successful (2xx) one that went to a BodyCallback. Error bodies are always
  // kept here, so they can be reported.
  std::string body;
};

// Receives a successful body piece by piece as it arrives; pieces split anywhere, also in the
// middle of a message. Returns false to end the transfer (Stream then answers Cancelled).
using BodyCallback = std::function<bool(absl::string_view piece)>;

// Where the engine listens.
struct Endpoint {
  std::string unix_socket;  // empty for TCP
  std::string base_url;     // "http://localhost" on a unix socket, "http://host:port" on TCP
};

// `docker_host` as in DOCKER_HOST: "unix:///path/to.sock" or "tcp://host[:port]" (port 2375 by
// default, as for the docker CLI). InvalidArgument for any other scheme.
[[nodiscard]] absl::StatusOr<Endpoint> ParseDockerHost(absl::string_view docker_host);

class HttpTransport {
 public:
  explicit HttpTransport(Endpoint endpoint) : endpoint_(std::move(endpoint)) {}

  const Endpoint& endpoint() const { return endpoint_; }

  // Fails only when no complete answer came: DeadlineExceeded when `request.timeout` passed,
  // Unavailable otherwise (cannot connect, connection lost), with the reason as the message
  // ("connection refused").
  [[nodiscard]] absl::StatusOr<HttpResponse> Do(const HttpRequest& request) const;

  // Like Do, for long or endless answers (exec output, the event stream): a successful body goes
  // to `on_data` as it arrives. Cancelled once `stop` (if not null) is true, which is checked at
  // least every `request.stop_check`.
  [[nodiscard]] absl::StatusOr<HttpResponse> Stream(const HttpRequest& request,
                                                    const BodyCallback& on_data,
                                                    const std::atomic<bool>* stop) const;

 private:
  absl::StatusOr<HttpResponse> Perform(const HttpRequest& request, const BodyCallback* on_data,
                                       const std::atomic<bool>* stop) const;

  Endpoint endpoint_;
};

// Percent-encodes all but RFC 3986's unreserved characters, for query values and path segments
// (names come from specs and must not be able to add a path, a query or a fragment).
std::string UrlEncode(absl::string_view text);

}  // namespace radctl::docker
