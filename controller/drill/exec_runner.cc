#include "controller/drill/exec_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "reconcilers/naming.h"

extern char** environ;

namespace radctl::drill {
namespace {

// RFC 3986's unreserved characters stay, everything else is %XX: a password may hold ':', '@'
// or '/'.
std::string PercentEncode(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      absl::StrAppendFormat(&out, "%%%02X", c);
    }
  }
  return out;
}

std::string Url(const ClusterSpec& spec, const ClusterSecrets& secrets, const std::string& host,
                int port, const std::string& query) {
  return absl::StrCat("postgresql://", PercentEncode(spec.auth.user), ":",
                      PercentEncode(secrets.app_password), "@", host, ":", port, "/",
                      PercentEncode(spec.auth.database), query);
}

}  // namespace

bool ExecRun::Passed() const {
  return started && ended() && (stopped_by_drill || (signal == 0 && exit_code == 0));
}

std::string ExecRun::Outcome() const {
  if (!started) return absl::StrCat("could not be started: ", start_error);
  if (!ended()) return "still running";
  const std::string after = absl::StrFormat(" after %.2fs", absl::ToDoubleSeconds(end - start));
  if (stopped_by_drill) return absl::StrCat("stopped by the drill (it still ran)", after);
  if (signal != 0) return absl::StrCat("killed by signal ", signal, after);
  return absl::StrCat("exit status ", exit_code, after);
}

Environment EndpointEnvironment(const ClusterSpec& spec, const ClusterSecrets& secrets) {
  const std::string host = spec.bouncer.bind == "0.0.0.0" ? "127.0.0.1" : spec.bouncer.bind;
  const bool verify = spec.tls.enabled && !secrets.ca_file.empty();
  const std::string sslmode = verify ? "verify-full" : spec.tls.enabled ? "require" : "disable";
  std::string query = absl::StrCat("?sslmode=", sslmode);
  if (verify) absl::StrAppend(&query, "&sslrootcert=", PercentEncode(secrets.ca_file));
  Environment env = {
      {"PGHOST", host},
      {"PGPORT", absl::StrCat(spec.bouncer.port)},
      {"PGUSER", spec.auth.user},
      {"PGPASSWORD", secrets.app_password},
      {"PGDATABASE", spec.auth.database},
      {"PGSSLMODE", sslmode},
      {"DATABASE_URL", Url(spec, secrets, host, spec.bouncer.port, query)},
      {"RADCTL_CLUSTER", spec.name},
  };
  if (verify) env.push_back({"PGSSLROOTCERT", secrets.ca_file});
  if (spec.bouncer.read_port != kNoReadPort) {
    env.push_back({"DATABASE_READ_URL", Url(spec, secrets, host, spec.bouncer.read_port, query)});
  }
  return env;
}

ExecRunner::ExecRunner(const Clock& clock, std::string command, Environment extra,
                       std::ostream* echo)
    : clock_(clock), extra_(std::move(extra)), echo_(echo) {
  run_.command = std::move(command);
}

ExecRunner::~ExecRunner() {
  if (pid_ > 0) Stop(absl::Seconds(2));
}

absl::Status ExecRunner::Start() {
  // Everything the child needs is made before fork: between fork and exec a child of a
  // threaded process may only make async-signal-safe calls.
  std::map<std::string, std::string> variables;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string text = *entry;
    const size_t eq = text.find('=');
    if (eq != std::string::npos) variables[text.substr(0, eq)] = text.substr(eq + 1);
  }
  for (const auto& [name, value] : extra_) variables[name] = value;
  std::vector<std::string> strings;
  strings.reserve(variables.size());
  for (const auto& [name, value] : variables) strings.push_back(absl::StrCat(name, "=", value));
  std::vector<char*> envp;
  envp.reserve(strings.size() + 1);
  for (std::string& s : strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string shell = "/bin/sh";
  std::string dash_c = "-c";
  std::string command = run_.command;
  std::vector<char*> argv = {shell.data(), dash_c.data(), command.data(), nullptr};

  int out[2];
  int err[2];
  if (pipe2(out, O_CLOEXEC) != 0) return absl::InternalError(std::strerror(errno));
  if (pipe2(err, O_CLOEXEC) != 0) {
    close(out[0]);
    close(out[1]);
    return absl::InternalError(std::strerror(errno));
  }
  const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  const absl::Time start = clock_.Now();
  const pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);  // its own group: the drill's Ctrl-C does not reach it, Stop reaches all of it
    if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    execve(shell.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  if (null_fd >= 0) close(null_fd);
  if (pid < 0) {
    close(out[0]);
    close(err[0]);
    std::lock_guard<std::mutex> lock(mu_);
    run_.start_error = std::strerror(errno);
    return absl::InternalError(absl::StrCat("cannot start --exec command: ", run_.start_error));
  }
  setpgid(pid, pid);  // also from here, so that Stop never races the child's own setpgid
  pid_ = pid;
  out_fd_ = out[0];
  err_fd_ = err[0];
  {
    std::lock_guard<std::mutex> lock(mu_);
    run_.started = true;
    run_.start = start;
  }
  reader_ = std::thread([this] { ReadOutput(); });
  reaper_ = std::thread([this] { Reap(); });
  return absl::OkStatus();
}

void ExecRunner::AddLine(bool from_stderr, std::string text) {
  if (!text.empty() && text.back() == '\r') text.pop_back();
  const absl::Time at = clock_.Now();
  std::lock_guard<std::mutex> lock(mu_);
  if (echo_ != nullptr) *echo_ << "exec" << (from_stderr ? "! " : ": ") << text << "\n";
  if (static_cast<int>(run_.lines.size()) >= kMaxExecLines) {
    ++run_.lines_dropped;
    return;
  }
  run_.lines.push_back(ExecLine{at, from_stderr, std::move(text)});
}

void ExecRunner::ReadOutput() {
  std::string partial[2];
  pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
  int open_fds = 2;
  char buffer[4096];
  while (open_fds > 0 && !stop_reading_) {
    const int ready = poll(fds, 2, 100);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || ready == 0 || fds[i].revents == 0) continue;
      const ssize_t n = read(fds[i].fd, buffer, sizeof(buffer));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        if (!partial[i].empty()) AddLine(i == 1, std::move(partial[i]));
        partial[i].clear();
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
        continue;
      }
      partial[i].append(buffer, static_cast<size_t>(n));
      size_t newline;
      while ((newline = partial[i].find('\n')) != std::string::npos) {
        AddLine(i == 1, partial[i].substr(0, newline));
        partial[i].erase(0, newline + 1);
      }
    }
  }
  for (const pollfd& fd : fds) {
    if (fd.fd >= 0) close(fd.fd);
  }
  output_done_ = true;
}

void ExecRunner::Reap() {
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  const absl::Time end = clock_.Now();
  std::lock_guard<std::mutex> lock(mu_);
  run_.end = end;
  if (WIFEXITED(status)) run_.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) run_.signal = WTERMSIG(status);
}

bool ExecRunner::Ended() const {
  std::lock_guard<std::mutex> lock(mu_);
  return run_.ended();
}

bool ExecRunner::WaitEnded(absl::Duration timeout, const std::atomic<bool>& stop) {
  const absl::Time deadline = clock_.Monotonic() + timeout;
  while (!Ended()) {
    if (stop || clock_.Monotonic() >= deadline) return false;
    clock_.SleepFor(absl::Milliseconds(50));
  }
  return true;
}

void ExecRunner::Stop(absl::Duration grace) {
  if (pid_ <= 0) return;
  if (!Ended()) {
    std::lock_guard<std::mutex> lock(mu_);
    run_.stopped_by_drill = true;
  }
  // The whole group: what the shell started goes too (and keeps no pipe open).
  kill(-pid_, SIGTERM);
  const absl::Time deadline = clock_.Monotonic() + grace;
  while ((!Ended() || !output_done_) && clock_.Monotonic() < deadline) {
    clock_.SleepFor(absl::Milliseconds(50));
  }
  if (!Ended() || !output_done_) kill(-pid_, SIGKILL);
  if (reaper_.joinable()) reaper_.join();
  // A process that left the group may still hold the pipes: its output is not waited for long.
  const absl::Time output_deadline = clock_.Monotonic() + absl::Seconds(1);
  while (!output_done_ && clock_.Monotonic() < output_deadline) {
    clock_.SleepFor(absl::Milliseconds(50));
  }
  stop_reading_ = true;
  if (reader_.joinable()) reader_.join();
}

ExecRun ExecRunner::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return run_;
}

}  // namespace radctl::drill
