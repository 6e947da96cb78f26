#include "controller/state/auto_port.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>
#include <random>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"

namespace radctl {
namespace {

// The ports other clusters in the state root were given.
std::set<int> PortsOfKnownClusters(const ClusterStore& store) {
  std::set<int> ports;
  DIR* dir = opendir(store.root().c_str());
  if (dir == nullptr) return ports;
  while (dirent* entry = readdir(dir)) {
    std::string name = entry->d_name;
    if (name.empty() || name[0] == '.' || store.dir() == absl::StrCat(store.root(), "/", name)) {
      continue;
    }
    absl::StatusOr<ClusterSpec> spec = ClusterStore(store.root(), name, store.clock()).LoadSpec();
    if (spec.ok()) {
      ports.insert(spec->bouncer.port);
      if (spec->bouncer.read_port > kNoReadPort) ports.insert(spec->bouncer.read_port);
    }
  }
  closedir(dir);
  return ports;
}

// Ports are picked below the kernel's ephemeral range (32768 and up), where outgoing connections
// and Docker's own random host ports live, at random so that two radctl processes applying at the
// same moment are unlikely to pick the same one.
constexpr int kFirstAutoPort = 20000;
constexpr int kAutoPortCount = 10000;

// Whether nothing listens on (or is bound to) bind:port now.
bool FreeNow(const std::string& bind, int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  int one = 1;  // connections that ended a moment ago (TIME_WAIT) do not make a port busy
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, bind.c_str(), &address.sin_addr);
  bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return free;
}

}  // namespace

absl::StatusOr<int> PickBouncerPort(const ClusterStore& store, const std::string& bind) {
  static std::mutex mu;
  static std::set<int> handed_out;
  std::lock_guard<std::mutex> lock(mu);
  std::set<int> taken = PortsOfKnownClusters(store);
  taken.insert(handed_out.begin(), handed_out.end());
  static std::mt19937 random(std::random_device{}());
  std::uniform_int_distribution<int> pick(kFirstAutoPort, kFirstAutoPort + kAutoPortCount - 1);
  for (int attempt = 0; attempt < 100; ++attempt) {
    int port = pick(random);
    if (taken.count(port) == 0 && FreeNow(bind, port)) {
      handed_out.insert(port);
      return port;
    }
  }
  return absl::UnavailableError(absl::StrCat("bouncer.port: auto found no free port on ", bind,
                                             "; set spec.bouncer.port to one"));
}

}  // namespace radctl
