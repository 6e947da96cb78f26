#include "controller/clients/docker/attached_stream.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "controller/clients/docker/http_transport.h"
#include "crd-like-specs/status_macros.h"

namespace radctl::docker {

namespace {

// Waits until `fd` is ready for `events` or `deadline` (monotonic) passes; false when it passed.
bool WaitReady(const Clock& clock, int fd, short events, absl::Time deadline) {
  const int64_t ms = absl::ToInt64Milliseconds(deadline - clock.Monotonic());
  if (ms <= 0) return false;
  pollfd p{fd, events, 0};
  return poll(&p, 1, static_cast<int>(ms)) > 0;
}

constexpr size_t kFrameHeader = 8;  // stream (1 stdout, 2 stderr), 0, 0, 0, length (big-endian)

}  // namespace

absl::StatusOr<std::unique_ptr<AttachedStream>> AttachedStream::Open(const Clock& clock,
                                                                     const Endpoint& endpoint,
                                                                     const std::string& id,
                                                                     absl::Duration timeout) {
  const absl::Time deadline = clock.Monotonic() + timeout;
  CURL* e = curl_easy_init();
  if (e == nullptr) return absl::InternalError("cannot initialise libcurl");
  std::unique_ptr<AttachedStream> attached(new AttachedStream(clock, e));
  // libcurl only connects; the request and the upgraded stream are ours.
  curl_easy_setopt(e, CURLOPT_URL, (endpoint.base_url + "/").c_str());
  if (!endpoint.unix_socket.empty()) {
    curl_easy_setopt(e, CURLOPT_UNIX_SOCKET_PATH, endpoint.unix_socket.c_str());
  }
  curl_easy_setopt(e, CURLOPT_CONNECT_ONLY, 1L);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                   std::max<long>(1, absl::ToInt64Milliseconds(timeout)));
  if (CURLcode connected = curl_easy_perform(e); connected != CURLE_OK) {
    return absl::UnavailableError(
        absl::StrCat("cannot connect to the Docker engine: ", curl_easy_strerror(connected)));
  }
  curl_socket_t fd = CURL_SOCKET_BAD;
  curl_easy_getinfo(e, CURLINFO_ACTIVESOCKET, &fd);
  if (fd == CURL_SOCKET_BAD) return absl::InternalError("libcurl gave no socket");
  attached->fd_ = fd;
  // A process radctl starts (a script, a drill's controller) must not keep the lease alive.
  fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC);

  RETURN_IF_ERROR(attached->Send(
      absl::StrCat(
          "POST /containers/", UrlEncode(id),
          "/attach?stream=1&stdin=1&stdout=1&stderr=1 HTTP/1.1\r\n",
          "Host: docker\r\nUpgrade: tcp\r\nConnection: Upgrade\r\nContent-Length: 0\r\n\r\n"),
      deadline));
  // The answer's head; what follows it is the container's output.
  std::string& received = attached->frames_;
  size_t end = std::string::npos;
  while ((end = received.find("\r\n\r\n")) == std::string::npos) {
    char buffer[512];
    size_t n = 0;
    CURLcode r = curl_easy_recv(e, buffer, sizeof(buffer), &n);
    if (r == CURLE_AGAIN) {
      if (!WaitReady(clock, fd, POLLIN, deadline)) {
        return absl::UnavailableError("the Docker engine did not answer the attach request");
      }
      continue;
    }
    if (r != CURLE_OK || n == 0) {
      return absl::UnavailableError("the Docker engine closed the attach connection");
    }
    received.append(buffer, n);
  }
  const std::string head = received.substr(0, end);
  received.erase(0, end + 4);
  if (!absl::StartsWith(head, "HTTP/1.1 101") && !absl::StartsWith(head, "HTTP/1.1 200")) {
    return absl::FailedPreconditionError(
        absl::StrCat("the Docker engine refused to attach: ", head.substr(0, head.find("\r\n"))));
  }
  return attached;
}

AttachedStream::~AttachedStream() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

bool AttachedStream::Open() const {
  if (broken_) return false;
  pollfd p{fd_, POLLIN, 0};
  if (poll(&p, 1, 0) <= 0) return true;  // nothing happened on it
  if ((p.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0) return false;
  char byte = 0;
  // Readable: the end of the stream (0), or output not asked for yet.
  return recv(fd_, &byte, 1, MSG_PEEK | MSG_DONTWAIT) != 0;
}

absl::StatusOr<std::string> AttachedStream::Exchange(const std::string& line,
                                                     absl::Duration timeout) {
  std::lock_guard<std::mutex> lock(mu_);
  if (broken_) return absl::UnavailableError("the attached stream broke off earlier");
  const absl::Time deadline = clock_.Monotonic() + timeout;
  if (absl::Status sent = Send(line + "\n", deadline); !sent.ok()) {
    broken_ = true;
    return sent;
  }
  absl::StatusOr<std::string> answer = ReadLine(deadline);
  if (!answer.ok()) broken_ = true;
  return answer;
}

absl::Status AttachedStream::Send(const std::string& bytes, absl::Time deadline) {
  CURL* e = static_cast<CURL*>(curl_);
  for (size_t sent = 0; sent < bytes.size();) {
    size_t n = 0;
    CURLcode r = curl_easy_send(e, bytes.data() + sent, bytes.size() - sent, &n);
    if (r == CURLE_AGAIN) {
      if (!WaitReady(clock_, fd_, POLLOUT, deadline)) {
        return absl::UnavailableError("the Docker engine did not take what was sent");
      }
      continue;
    }
    if (r != CURLE_OK) {
      return absl::UnavailableError(absl::StrCat("attached stream: ", curl_easy_strerror(r)));
    }
    sent += n;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> AttachedStream::ReadLine(absl::Time deadline) {
  CURL* e = static_cast<CURL*>(curl_);
  while (true) {
    // Whole frames first, into stdout and stderr.
    while (frames_.size() >= kFrameHeader) {
      const auto byte = [&](size_t i) { return static_cast<unsigned char>(frames_[i]); };
      const size_t length = (size_t{byte(4)} << 24) | (size_t{byte(5)} << 16) |
                            (size_t{byte(6)} << 8) | size_t{byte(7)};
      if (frames_.size() < kFrameHeader + length) break;
      (byte(0) == 2 ? stderr_ : stdout_).append(frames_, kFrameHeader, length);
      frames_.erase(0, kFrameHeader + length);
    }
    if (size_t newline = stdout_.find('\n'); newline != std::string::npos) {
      std::string line = stdout_.substr(0, newline);
      stdout_.erase(0, newline + 1);
      return line;
    }
    char buffer[4096];
    size_t n = 0;
    CURLcode r = curl_easy_recv(e, buffer, sizeof(buffer), &n);
    if (r == CURLE_AGAIN) {
      if (!WaitReady(clock_, fd_, POLLIN, deadline)) {
        return absl::UnavailableError("the container did not answer in time");
      }
      continue;
    }
    if (r != CURLE_OK || n == 0) {
      return absl::UnavailableError(absl::StrCat(
          "the attached stream ended",
          stderr_.empty() ? "" : absl::StrCat(" (the container said: ", stderr_, ")")));
    }
    frames_.append(buffer, n);
  }
}

}  // namespace radctl::docker
