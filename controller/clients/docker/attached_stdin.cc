#include "controller/clients/docker/attached_stdin.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "controller/clients/docker/http_transport.h"

namespace radctl::docker {

namespace {

// Waits until `fd` is ready for `events` or `deadline` (monotonic) passes; false when it passed.
bool WaitReady(const Clock& clock, int fd, short events, absl::Time deadline) {
  const int64_t ms = absl::ToInt64Milliseconds(deadline - clock.Monotonic());
  if (ms <= 0) return false;
  pollfd p{fd, events, 0};
  return poll(&p, 1, static_cast<int>(ms)) > 0;
}

}  // namespace

absl::StatusOr<std::unique_ptr<AttachedStdin>> AttachedStdin::Open(const Clock& clock,
                                                                   const Endpoint& endpoint,
                                                                   const std::string& id,
                                                                   absl::Duration timeout) {
  const absl::Time deadline = clock.Monotonic() + timeout;
  CURL* e = curl_easy_init();
  if (e == nullptr) return absl::InternalError("cannot initialise libcurl");
  std::unique_ptr<AttachedStdin> attached(new AttachedStdin(e, -1));
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

  const std::string request = absl::StrCat(
      "POST /containers/", UrlEncode(id), "/attach?stream=1&stdin=1 HTTP/1.1\r\n",
      "Host: docker\r\nUpgrade: tcp\r\nConnection: Upgrade\r\nContent-Length: 0\r\n\r\n");
  for (size_t sent = 0; sent < request.size();) {
    size_t n = 0;
    CURLcode r = curl_easy_send(e, request.data() + sent, request.size() - sent, &n);
    if (r == CURLE_AGAIN) {
      if (!WaitReady(clock, fd, POLLOUT, deadline)) {
        return absl::UnavailableError("the Docker engine did not take the attach request");
      }
      continue;
    }
    if (r != CURLE_OK) {
      return absl::UnavailableError(absl::StrCat("attach: ", curl_easy_strerror(r)));
    }
    sent += n;
  }
  // The answer's head; nothing follows it (the container writes nothing).
  std::string head;
  while (!absl::StrContains(head, "\r\n\r\n")) {
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
    head.append(buffer, n);
  }
  if (!absl::StartsWith(head, "HTTP/1.1 101") && !absl::StartsWith(head, "HTTP/1.1 200")) {
    return absl::FailedPreconditionError(
        absl::StrCat("the Docker engine refused to attach: ", head.substr(0, head.find("\r\n"))));
  }
  return attached;
}

AttachedStdin::~AttachedStdin() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

bool AttachedStdin::Open() const {
  pollfd p{fd_, POLLIN, 0};
  if (poll(&p, 1, 0) <= 0) return true;  // nothing happened on it
  if ((p.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0) return false;
  char byte = 0;
  // Readable: the end of the stream (0), or output the container should not have written.
  return recv(fd_, &byte, 1, MSG_PEEK | MSG_DONTWAIT) != 0;
}

}  // namespace radctl::docker
