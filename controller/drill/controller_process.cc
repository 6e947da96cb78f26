#include "controller/drill/controller_process.h"

#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace radctl::drill {
namespace {

constexpr absl::Duration kLockWait = absl::Seconds(60);

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Tail(const std::string& text, size_t lines) {
  std::vector<std::string> all = absl::StrSplit(text, '\n', absl::SkipEmpty());
  if (all.size() > lines) all.erase(all.begin(), all.end() - lines);
  return absl::StrJoin(all, "\n");
}

// What /healthz and /api/v1/status of the watcher say, as one note.
std::string HttpNote(const std::string& address, const std::string& cluster) {
  std::string host;
  int port = 0;
  std::vector<std::string> parts = absl::StrSplit(address, absl::MaxSplits(':', 1));
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[1], &port)) {
    return absl::StrCat("its HTTP endpoint ", address, " is not host:port");
  }
  host = parts[0] == "0.0.0.0" ? "127.0.0.1" : parts[0];
  httplib::Client client(host, port);
  client.set_connection_timeout(1, 0);
  client.set_read_timeout(2, 0);
  const std::string base = absl::StrCat("http://", host, ":", port);
  auto status = client.Get("/api/v1/status");
  if (!status) return absl::StrCat(base, " does not answer");
  if (status->status == 200) {
    nlohmann::json json = nlohmann::json::parse(status->body, nullptr, false);
    if (!json.is_object() || json.value("name", "") != cluster) {
      return absl::StrCat(base, "/api/v1/status is not cluster ", cluster,
                          "'s: another process serves that address");
    }
  }
  auto health = client.Get("/healthz");
  if (!health) return absl::StrCat(base, "/healthz does not answer");
  if (health->status != 200) {
    return absl::StrCat(base, "/healthz answers ", health->status, " (",
                        absl::StripAsciiWhitespace(health->body), "): its loop may be stuck");
  }
  return absl::StrCat(base, "/healthz: alive");
}

// `radctl apply ... --watch` (or -w), whatever its other options.
bool IsWatcher(const std::vector<std::string>& argv) {
  auto has = [&](const char* arg) {
    return std::find(argv.begin(), argv.end(), arg) != argv.end();
  };
  return has("apply") && (has("--watch") || has("-w"));
}

}  // namespace

std::optional<pid_t> FlockHolder(const std::string& proc_locks, unsigned dev_major,
                                 unsigned dev_minor, unsigned long inode) {
  for (absl::string_view line : absl::StrSplit(proc_locks, '\n', absl::SkipEmpty())) {
    std::vector<absl::string_view> fields = absl::StrSplit(line, ' ', absl::SkipEmpty());
    // "N:" FLOCK ADVISORY WRITE PID MAJ:MIN:INODE START END; waiters have "->" after "N:".
    if (fields.size() < 6 || fields[1] != "FLOCK" || fields[3] != "WRITE") continue;
    std::vector<absl::string_view> device = absl::StrSplit(fields[5], ':');
    if (device.size() != 3) continue;
    unsigned major_number = 0;
    unsigned minor_number = 0;
    unsigned long inode_number = 0;
    int pid = 0;
    if (!absl::SimpleHexAtoi(device[0], &major_number) ||
        !absl::SimpleHexAtoi(device[1], &minor_number) ||
        !absl::SimpleAtoi(device[2], &inode_number) || !absl::SimpleAtoi(fields[4], &pid)) {
      continue;
    }
    if (major_number == dev_major && minor_number == dev_minor && inode_number == inode &&
        pid > 0) {
      return pid;
    }
  }
  return std::nullopt;
}

std::string HttpAddressOf(const std::vector<std::string>& argv) {
  if (!IsWatcher(argv)) return "";
  std::string address = "127.0.0.1:8433";  // radctl apply's default
  for (size_t i = 0; i < argv.size(); ++i) {
    if (argv[i] == "--http" && i + 1 < argv.size()) address = argv[i + 1];
    if (absl::StartsWith(argv[i], "--http=")) address = argv[i].substr(7);
  }
  return address == "off" ? "" : address;
}

absl::StatusOr<std::optional<ControllerInfo>> FindController(const std::string& cluster_dir) {
  const std::string lock = absl::StrCat(cluster_dir, "/lock");
  struct stat st;
  if (stat(lock.c_str(), &st) != 0) {
    if (errno == ENOENT) return std::optional<ControllerInfo>();
    return absl::PermissionDeniedError(
        absl::StrCat("cannot look at ", lock, ": ", std::strerror(errno)));
  }
  std::optional<pid_t> pid =
      FlockHolder(ReadText("/proc/locks"), major(st.st_dev), minor(st.st_dev), st.st_ino);
  if (!pid) return std::optional<ControllerInfo>();
  ControllerInfo info;
  info.pid = *pid;
  info.holder = std::string(absl::StripAsciiWhitespace(ReadText(lock)));
  std::string cmdline = ReadText(absl::StrCat("/proc/", *pid, "/cmdline"));
  for (absl::string_view arg : absl::StrSplit(cmdline, '\0', absl::SkipEmpty())) {
    info.argv.emplace_back(arg);
  }
  info.watching = IsWatcher(info.argv);
  info.http = HttpAddressOf(info.argv);
  return std::optional<ControllerInfo>(info);
}

absl::Status RequireWatcher(const std::string& cluster_dir, const std::string& cluster,
                            std::vector<std::string>* notes) {
  absl::StatusOr<std::optional<ControllerInfo>> found = FindController(cluster_dir);
  if (!found.ok()) return found.status();
  if (!found->has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "no controller is watching cluster ", cluster, " (nothing holds its lock in ", cluster_dir,
        "): without one a failover never happens and the drill would only measure "
        "an outage that does not end. Start one, e.g. `radctl apply -f FILE --watch` in another "
        "terminal or under a supervisor, or let the drill run one: radctl drill ",
        cluster, " --run-controller FILE"));
  }
  const ControllerInfo& info = **found;
  if (!info.watching) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cluster ", cluster, " is locked by ",
        info.holder.empty() ? "another process" : info.holder,
        ", which is not a watching controller; wait until it ends, then start `radctl apply -f "
        "FILE --watch`"));
  }
  std::string note =
      absl::StrCat("controller: pid ", info.pid, " (", absl::StrJoin(info.argv, " "), ")");
  if (!info.http.empty()) absl::StrAppend(&note, "; ", HttpNote(info.http, cluster));
  notes->push_back(note);
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<OwnedController>> OwnedController::Start(const Clock& clock,
                                                                        std::string state_dir,
                                                                        std::string spec_file,
                                                                        std::string cluster_dir,
                                                                        std::string log_path) {
  absl::StatusOr<std::optional<ControllerInfo>> found = FindController(cluster_dir);
  if (!found.ok()) return found.status();
  if (found->has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat("--run-controller: a controller already holds the cluster (", (*found)->holder,
                     "); drill against it without --run-controller, or stop it first"));
  }
  std::unique_ptr<OwnedController> controller(
      new OwnedController(clock, std::move(state_dir), std::move(spec_file), std::move(cluster_dir),
                          std::move(log_path)));
  absl::Status spawned = controller->Spawn();
  if (!spawned.ok()) return spawned;
  return controller;
}

OwnedController::~OwnedController() { Stop(); }

absl::Status OwnedController::Spawn() {
  char exe[4096] = {0};
  const ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (n <= 0) return absl::InternalError("cannot find the radctl binary (/proc/self/exe)");
  std::vector<std::string> args = {exe,      "apply", "-f",          spec_file_, "--watch",
                                   "--http", "off",   "--state-dir", state_dir_};
  const pid_t child = fork();
  if (child < 0) return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  if (child == 0) {
    setpgid(0, 0);  // a Ctrl-C of the drill must not stop it: the drill stops it when done
    const int log = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (log >= 0) {
      dup2(log, STDOUT_FILENO);
      dup2(log, STDERR_FILENO);
    }
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    // The running binary itself, also when its file was replaced since (a rebuild): the restarted
    // controller is the same radctl as the drill.
    execv("/proc/self/exe", argv.data());
    _exit(127);
  }
  pid_ = child;
  const absl::Time deadline = clock_.Monotonic() + kLockWait;
  while (clock_.Monotonic() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = 0;
      return absl::FailedPreconditionError(
          absl::StrCat("the controller the drill started (radctl apply -f ", spec_file_,
                       " --watch) exited at once; its log ", log_path_, " ends with:\n",
                       Tail(ReadText(log_path_), 10)));
    }
    absl::StatusOr<std::optional<ControllerInfo>> found = FindController(cluster_dir_);
    if (found.ok() && found->has_value() && (*found)->pid == pid_) return absl::OkStatus();
    clock_.SleepFor(absl::Milliseconds(50));
  }
  return absl::DeadlineExceededError(
      absl::StrCat("the controller the drill started did not take the cluster's lock within ",
                   absl::FormatDuration(kLockWait), "; see ", log_path_));
}

void OwnedController::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = 0;
}

absl::Status OwnedController::Restart() {
  Kill();
  return Spawn();
}

void OwnedController::Stop(absl::Duration grace) {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  const absl::Time deadline = clock_.Monotonic() + grace;
  while (clock_.Monotonic() < deadline) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = 0;
      return;
    }
    clock_.SleepFor(absl::Milliseconds(50));
  }
  Kill();
}

}  // namespace radctl::drill
