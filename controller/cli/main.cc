// radctl: keeps a highly available PostgreSQL cluster running on Docker. main() reads the
// command line against the verb table, builds the verb's options, runs it with the real world,
// and maps its status to the exit code in one place: 0 success, 1 failure, 2 usage or spec
// error (nothing was read or changed).
#include <unistd.h>

#include <csignal>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "controller/cli/arg_parser.h"
#include "controller/cli/commands.h"
#include "controller/cli/container_logs.h"
#include "controller/cli/help_text.h"
#include "controller/cli/verb_table.h"
#include "controller/clients/docker/docker_client.h"
#include "controller/state/cluster_store.h"

namespace {

std::atomic<bool> g_stop{false};

// The first SIGINT/SIGTERM asks the verb to stop (every verb looks at the flag within about two
// seconds); a second one ends the process at once. Either way the next apply goes on from where
// it stopped: every action is safe to interrupt.
void OnSignal(int) {
  if (g_stop.exchange(true)) _exit(1);
}

// The real outside world, connected on first use: the Docker engine from DOCKER_HOST (checked
// to answer), libpq, the system clock.
class RealWorld {
 public:
  absl::StatusOr<const radctl::Env*> Connect() {
    std::lock_guard<std::mutex> lock(mu_);
    if (env_ != nullptr) return env_.get();
    docker_ = std::make_unique<radctl::docker::DockerClient>(
        radctl::docker::DockerClient::FromEnvironment(clock_));
    if (absl::Status ping = docker_->Ping(); !ping.ok()) return ping;
    env_ = std::make_unique<radctl::Env>(
        radctl::Env{*docker_, postgres_, bouncer_, clock_, radctl::ThreadTasks()});
    return env_.get();
  }

 private:
  const radctl::Clock& clock_ = radctl::RealClock();
  const radctl::LibpqPostgresAccess postgres_{clock_};
  const radctl::LibpqBouncerAccess bouncer_{clock_};
  std::mutex mu_;
  std::unique_ptr<radctl::docker::DockerClient> docker_;
  std::unique_ptr<radctl::Env> env_;
};

// Where to look for more after a usage error.
std::string HelpHint(const radctl::cli::VerbDef* verb) {
  if (verb == nullptr) return "Run 'radctl --help' for the commands.\n";
  return "Run 'radctl " + verb->name + " --help' for its usage.\n";
}

int ExitCode(const absl::Status& status) {
  if (status.ok()) return 0;
  std::cerr << "radctl: " << status.message() << "\n";
  if (absl::IsCancelled(status)) return 1;
  return absl::IsInvalidArgument(status) ? 2 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  using radctl::cli::Invocation;
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);
  const std::vector<std::string> words(argv + 1, argv + argc);
  radctl::cli::ParseOutcome parsed = radctl::cli::ParseCommandLine(words, radctl::cli::AllVerbs());
  const Invocation& invocation = parsed.invocation;
  const std::string state_dir =
      invocation.state_dir.empty() ? radctl::ClusterStore::DefaultRoot() : invocation.state_dir;
  if (!parsed.error.ok()) {
    std::cerr << "radctl: " << parsed.error.message() << "\n" << HelpHint(invocation.verb);
    return 2;
  }
  if (invocation.help) {
    std::cout << (invocation.verb != nullptr ? radctl::cli::VerbHelpText(*invocation.verb)
                                             : radctl::cli::UsageText(state_dir));
    return 0;
  }
  if (invocation.version && (invocation.verb == nullptr || invocation.verb->name != "version")) {
    std::cout << radctl::cli::VersionLine();
    return 0;
  }
  absl::StatusOr<radctl::cli::VerbRun> run = invocation.verb->prepare(invocation.args);
  if (!run.ok()) {
    std::cerr << "radctl: " << run.status().message() << "\n";
    if (absl::IsInvalidArgument(run.status())) {
      std::cerr << HelpHint(invocation.verb);
      return 2;
    }
    return 1;
  }
  RealWorld world;
  radctl::cli::CliContext context{state_dir,
                                  invocation.log_format == "json",
                                  std::cout,
                                  std::cerr,
                                  g_stop,
                                  radctl::RealClock(),
                                  [&world] { return world.Connect(); },
                                  radctl::cli::DockerLogStreamer()};
  return ExitCode((*run)(context));
}
