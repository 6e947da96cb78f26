#include "controller/clients/docker/http_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace radctl::docker {
namespace {

constexpr absl::string_view kUnixScheme = "unix://";
constexpr absl::string_view kTcpScheme = "tcp://";
constexpr long kConnectTimeoutMs = 10'000;

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct MultiDeleter {
  void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;
using MultiHandle = std::unique_ptr<CURLM, MultiDeleter>;
using HeaderList = std::unique_ptr<curl_slist, SlistDeleter>;

// Keeps an easy handle attached to a multi handle for one scope; both must outlive it.
class Attachment {
 public:
  Attachment(CURLM* multi, CURL* easy) : multi_(multi), easy_(easy) {
    curl_multi_add_handle(multi_, easy_);
  }
  ~Attachment() { curl_multi_remove_handle(multi_, easy_); }
  Attachment(const Attachment&) = delete;
  Attachment& operator=(const Attachment&) = delete;

 private:
  CURLM* multi_;
  CURL* easy_;
};

// What the write callback needs; lives on Perform's stack for the duration of the transfer.
struct Sink {
  CURL* easy = nullptr;
  const BodyCallback* on_data = nullptr;
  std::string body;
  bool stopped_by_callback = false;
};

size_t WriteBody(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t length = size * count;
  long status = 0;
  curl_easy_getinfo(sink->easy, CURLINFO_RESPONSE_CODE, &status);
  const bool success = status >= 200 && status < 300;
  if (sink->on_data != nullptr && success) {
    if (!(*sink->on_data)(absl::string_view(data, length))) {
      sink->stopped_by_callback = true;
      return 0;  // makes libcurl end the transfer with CURLE_WRITE_ERROR
    }
    return length;
  }
  sink->body.append(data, length);
  return length;
}

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// The reason a request got no answer, short and lower case: "connection refused".
std::string FailureReason(CURL* easy, CURLcode code, const char* error_buffer) {
  long os_errno = 0;
  curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &os_errno);
  std::string reason =
      os_errno != 0
          ? std::generic_category().message(static_cast<int>(os_errno))
          : std::string(error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code));
  if (!reason.empty()) reason[0] = absl::ascii_tolower(reason[0]);
  return reason;
}

}  // namespace

absl::StatusOr<Endpoint> ParseDockerHost(absl::string_view docker_host) {
  if (absl::StartsWith(docker_host, kUnixScheme)) {
    absl::string_view socket = docker_host.substr(kUnixScheme.size());
    if (socket.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("DOCKER_HOST \"", docker_host, "\" names no socket"));
    }
    return Endpoint{std::string(socket), "http://localhost"};
  }
  if (absl::StartsWith(docker_host, kTcpScheme)) {
    absl::string_view address = absl::StripSuffix(docker_host.substr(kTcpScheme.size()), "/");
    if (address.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("DOCKER_HOST \"", docker_host, "\" names no host"));
    }
    // "host:port", "[::1]:port" have a port; "host" and "[::1]" get the engine's usual 2375.
    const size_t colon = address.rfind(':');
    const bool has_port = colon != absl::string_view::npos &&
                          address.find(']', colon) == absl::string_view::npos &&
                          colon + 1 < address.size();
    return Endpoint{"", absl::StrCat("http://", address, has_port ? "" : ":2375")};
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unsupported DOCKER_HOST \"", docker_host,
                   "\": radctl talks to the Docker engine only through unix:///path/to.sock or "
                   "tcp://host:port"));
}

absl::StatusOr<HttpResponse> HttpTransport::Do(const HttpRequest& request) const {
  return Perform(request, nullptr, nullptr);
}

absl::StatusOr<HttpResponse> HttpTransport::Stream(const HttpRequest& request,
                                                   const BodyCallback& on_data,
                                                   const std::atomic<bool>* stop) const {
  return Perform(request, &on_data, stop);
}

absl::StatusOr<HttpResponse> HttpTransport::Perform(const HttpRequest& request,
                                                    const BodyCallback* on_data,
                                                    const std::atomic<bool>* stop) const {
  InitCurlOnce();
  EasyHandle easy(curl_easy_init());
  // A request's connection stays open in its thread's multi handle and serves that thread's
  // next request (HTTP keep-alive): a watcher's full observations are a few requests each, and
  // a connection opened for every one cost more than the answers. Never shared between threads
  // (libcurl's shared connection cache is not safe across them). A stream (long, and calling
  // back into the caller, which may make requests of its own) gets a multi handle of its own.
  MultiHandle own_multi;
  CURLM* multi = nullptr;
  if (on_data == nullptr) {
    thread_local const MultiHandle kept(curl_multi_init());
    multi = kept.get();
  } else {
    own_multi.reset(curl_multi_init());
    multi = own_multi.get();
  }
  if (easy == nullptr || multi == nullptr) return absl::InternalError("cannot initialise libcurl");
  CURL* const e = easy.get();

  const std::string url = endpoint_.base_url + request.path;
  char error_buffer[CURL_ERROR_SIZE] = {};
  Sink sink;
  sink.easy = e;
  sink.on_data = on_data;

  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  if (!endpoint_.unix_socket.empty()) {
    curl_easy_setopt(e, CURLOPT_UNIX_SOCKET_PATH, endpoint_.unix_socket.c_str());
  }
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, error_buffer);
  // Signals for timeouts are not thread-safe; several threads issue requests at once.
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &WriteBody);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, kConnectTimeoutMs);
  if (request.timeout != absl::InfiniteDuration()) {
    // At least 1 ms: 0 would mean "no timeout" to libcurl.
    const long timeout_ms = std::max<long>(1, absl::ToInt64Milliseconds(request.timeout));
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
  }

  // "Expect:" stops libcurl from waiting for "100 Continue" before sending a large body.
  HeaderList headers(curl_slist_append(nullptr, "Expect:"));
  const bool has_body = request.method == "POST" || request.method == "PUT";
  if (has_body) {
    const std::string content_type = "Content-Type: " + request.content_type;
    headers.reset(curl_slist_append(headers.release(), content_type.c_str()));
    // POSTFIELDS with an explicit size: tar bodies hold NUL bytes.
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, request.body.data());
  }
  if (request.method != "GET" && request.method != "POST") {
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers.get());

  // The multi interface, even for one request, so a stream notices `stop` within
  // request.stop_check; libcurl's progress callback runs only about once a second on an idle
  // stream.
  CURLcode result = CURLE_OK;
  {
    Attachment attachment(multi, e);
    int running = 1;
    while (running > 0) {
      if (curl_multi_perform(multi, &running) != CURLM_OK) {
        return absl::InternalError("libcurl failed to drive the request");
      }
      if (running == 0) break;
      if (stop != nullptr && stop->load()) {
        return absl::CancelledError("stopped");
      }
      curl_multi_poll(multi, nullptr, 0,
                      static_cast<int>(absl::ToInt64Milliseconds(request.stop_check)), nullptr);
    }
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
      if (message->msg == CURLMSG_DONE) result = message->data.result;
    }
  }

  if (sink.stopped_by_callback) return absl::CancelledError("stopped by the receiver");
  if (result == CURLE_OPERATION_TIMEDOUT) {
    return absl::DeadlineExceededError(
        absl::StrCat("no complete answer within ", absl::FormatDuration(request.timeout)));
  }
  if (result != CURLE_OK) {
    return absl::UnavailableError(FailureReason(e, result, error_buffer));
  }
  HttpResponse response;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &response.status);
  response.body = std::move(sink.body);
  return response;
}

std::string UrlEncode(absl::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  encoded.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (absl::ascii_isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
      encoded += c;
    } else {
      encoded += '%';
      encoded += kHex[byte >> 4];
      encoded += kHex[byte & 0xF];
    }
  }
  return encoded;
}

}  // namespace radctl::docker
