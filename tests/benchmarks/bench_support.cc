#include "tests/benchmarks/bench_support.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace radctl::bench {

std::string WriteSpec(const std::string& name, int nodes, int port, const std::string& extra) {
  std::string path = absl::StrCat("/tmp/radctl-bench-", name, ".yaml");
  std::ofstream(path) << "apiVersion: radctl.io/v1alpha1\nkind: PostgresCluster\nmetadata:\n"
                      << "  name: " << name << "\nspec:\n  nodes: " << nodes
                      << "\n  bouncer:\n    port: " << port << "\n  auth:\n    password: "
                      << kPassword << "\n"
                      << extra;
  return path;
}

pid_t StartRadctl(const std::vector<std::string>& args, const std::string& log_path) {
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(devnull, STDOUT_FILENO);
    dup2(log < 0 ? devnull : log, STDERR_FILENO);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(RADCTL_BINARY));
    for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    execv(RADCTL_BINARY, argv.data());
    _exit(127);
  }
  return pid;
}

int WaitExit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int RunRadctl(const std::vector<std::string>& args) {
  return WaitExit(StartRadctl(args, "/dev/null"));
}

void RemoveCluster(const std::string& name) {
  RunRadctl({"delete", name});
  std::string filter = absl::StrCat("--filter label=io.radctl.cluster=", name);
  std::system(absl::StrCat("docker ps -aq ", filter, " | xargs -r docker rm -f >/dev/null 2>&1; ",
                           "docker network ls -q ", filter, " | xargs -r docker network rm >/dev/null 2>&1; ",
                           "docker volume ls -q ", filter, " | xargs -r docker volume rm -f >/dev/null 2>&1")
                  .c_str());
}

PgEndpoint AppEndpoint(int port) {
  PgEndpoint endpoint;
  endpoint.host = "127.0.0.1";
  endpoint.port = port;
  endpoint.user = "app";
  endpoint.password = kPassword;
  endpoint.dbname = "app";
  endpoint.application_name = "radctl-bench-writer";
  return endpoint;
}

void Writer::Start() {
  thread_ = std::thread([this] {
    absl::Time next = absl::Now();
    while (!stop_) {
      Attempt attempt{absl::Now(), absl::Now(), false, 0};
      auto conn = PgConnection::Connect(endpoint_, absl::Seconds(30));
      if (conn.ok()) {
        auto rows = (*conn)->Query(
            "CREATE TABLE IF NOT EXISTS bench_writes (id bigserial PRIMARY KEY, at timestamptz "
            "DEFAULT now()); INSERT INTO bench_writes DEFAULT VALUES RETURNING id",
            absl::Seconds(30));
        if (rows.ok() && !rows->empty()) {
          attempt.ok = true;
          attempt.id = std::stoll((*rows)[0][0].value_or("0"));
        }
      }
      attempt.end = absl::Now();
      {
        std::lock_guard<std::mutex> lock(mu_);
        attempts_.push_back(attempt);
      }
      next += interval_;
      absl::Time now = absl::Now();
      if (next > now) {
        absl::SleepFor(next - now);
      } else {
        next = now;  // a slow attempt does not cause a burst afterwards
      }
    }
  });
}

void Writer::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

std::vector<Writer::Attempt> Writer::attempts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return attempts_;
}

absl::Duration Writer::LongestGap(absl::Time from, absl::Time to) const {
  absl::Duration longest = absl::ZeroDuration();
  absl::Time previous = from;
  for (const Attempt& attempt : attempts()) {
    if (!attempt.ok || attempt.end < from || attempt.end > to) continue;
    longest = std::max(longest, attempt.end - previous);
    previous = attempt.end;
  }
  return std::max(longest, to - previous);
}

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::string Seconds3(double seconds) { return absl::StrFormat("%.3f", seconds); }

}  // namespace radctl::bench
