// radctl: keeps a highly available PostgreSQL cluster running on Docker. main() parses the
// command line, runs one verb and maps its status to the exit code in one place:
// 0 success, 1 failure, 2 usage or spec error.
#include <unistd.h>

#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "controller/cli/cli_help.h"
#include "controller/cli/commands.h"
#include "controller/state/cluster_store.h"

namespace {

std::atomic<bool> g_stop{false};

// The first SIGINT/SIGTERM asks the command to stop (it does within about two seconds); a
// second one ends the process at once. Either way the next apply goes on from where it stopped:
// every action is safe to interrupt.
void OnSignal(int) {
  if (g_stop.exchange(true)) _exit(1);
}

struct UsageError {
  std::string message;
};

// A tiny argv reader: flags with values, boolean flags, one positional.
class Args {
 public:
  Args(std::vector<std::string> args) : args_(std::move(args)) {}

  bool Flag(const std::string& name) {
    for (size_t i = 0; i < args_.size(); ++i) {
      if (args_[i] == name) {
        args_.erase(args_.begin() + i);
        return true;
      }
    }
    return false;
  }
  std::string Value(const std::string& name, const std::string& alias, std::string fallback) {
    for (size_t i = 0; i < args_.size(); ++i) {
      if (args_[i] == name || (!alias.empty() && args_[i] == alias)) {
        if (i + 1 >= args_.size()) throw UsageError{name + " needs a value"};
        std::string value = args_[i + 1];
        args_.erase(args_.begin() + i, args_.begin() + i + 2);
        return value;
      }
      if (args_[i].rfind(name + "=", 0) == 0) {
        std::string value = args_[i].substr(name.size() + 1);
        args_.erase(args_.begin() + i);
        return value;
      }
    }
    return fallback;
  }
  std::string Positional(const std::string& what, bool required = true) {
    for (size_t i = 0; i < args_.size(); ++i) {
      if (args_[i].rfind('-', 0) != 0) {
        std::string value = args_[i];
        args_.erase(args_.begin() + i);
        return value;
      }
    }
    if (!required) return "";
    throw UsageError{what + " is missing"};
  }
  void ExpectEmpty() {
    if (!args_.empty()) throw UsageError{"unexpected argument " + args_[0]};
  }

 private:
  std::vector<std::string> args_;
};

int ExitCode(const absl::Status& status) {
  if (status.ok()) return 0;
  std::cerr << "radctl: " << status.message() << "\n";
  return absl::IsInvalidArgument(status) ? 2 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);
  if (argc < 2) {
    std::cerr << radctl::UsageText();
    return 2;
  }
  const std::string command = argv[1];
  if (command == "-h" || command == "--help") {
    std::cout << radctl::UsageText();
    return 0;
  }
  Args args(std::vector<std::string>(argv + 2, argv + argc));
  // `radctl CMD --help` anywhere on the line: the command's help, nothing run.
  if (const radctl::CommandHelp* help = radctl::FindCommand(command);
      help != nullptr && (args.Flag("--help") || args.Flag("-h"))) {
    std::cout << radctl::CommandHelpText(*help);
    return 0;
  }
  try {
    radctl::GlobalOptions global;
    global.state_dir = args.Value("--state-dir", "", radctl::ClusterStore::DefaultRoot());
    std::string log_format = args.Value("--log-format", "", "text");
    if (log_format != "text" && log_format != "json") {
      throw UsageError{"--log-format must be text or json"};
    }
    global.json_logs = log_format == "json";
    if (command == "apply") {
      radctl::ApplyOptions options;
      for (std::string file = args.Value("--filename", "-f", ""); !file.empty();
           file = args.Value("--filename", "-f", "")) {
        options.files.push_back(file);
      }
      if (options.files.empty()) throw UsageError{"apply needs -f FILE (or -f DIRECTORY)"};
      options.watch = args.Flag("--watch") || args.Flag("-w");
      options.prune = args.Flag("--prune");
      if (options.prune && !options.watch) throw UsageError{"--prune needs --watch"};
      options.dry_run = args.Flag("--dry-run");
      options.http = args.Value("--http", "", options.http);
      args.ExpectEmpty();
      return ExitCode(radctl::RunApply(global, options, g_stop));
    }
    if (command == "status") {
      radctl::StatusOptions options;
      options.output = args.Value("--output", "-o", "table");
      options.read = args.Flag("--read");
      options.name = args.Positional("cluster NAME");
      args.ExpectEmpty();
      return ExitCode(radctl::RunStatus(global, options));
    }
    if (command == "events") {
      radctl::EventsOptions options;
      options.since = args.Value("--since", "", "");
      options.output = args.Value("--output", "-o", "table");
      options.name = args.Positional("cluster NAME");
      args.ExpectEmpty();
      return ExitCode(radctl::RunEvents(global, options));
    }
    if (command == "delete") {
      radctl::DeleteOptions options;
      options.keep_volumes = args.Flag("--keep-volumes");
      options.name = args.Positional("cluster NAME");
      args.ExpectEmpty();
      return ExitCode(radctl::RunDelete(global, options));
    }
    if (command == "scale") {
      radctl::ScaleOptions options;
      std::string nodes = args.Value("--nodes", "", "");
      if (nodes.empty() || !absl::SimpleAtoi(nodes, &options.nodes)) {
        throw UsageError{"scale needs --nodes N (a number)"};
      }
      options.name = args.Positional("cluster NAME");
      args.ExpectEmpty();
      return ExitCode(radctl::RunScale(global, options));
    }
    if (command == "rotate-password") {
      radctl::RotatePasswordOptions options;
      options.name = args.Positional("cluster NAME");
      args.ExpectEmpty();
      return ExitCode(radctl::RunRotatePassword(global, options));
    }
    if (command == "switchover") {
      radctl::SwitchoverOptions options;
      options.to = args.Value("--to", "", "");
      options.name = args.Positional("cluster NAME");
      args.ExpectEmpty();
      return ExitCode(radctl::RunSwitchover(global, options));
    }
    if (command == "export") {
      radctl::ExportOptions options;
      options.format = args.Value("--format", "", "");
      options.migrate_from = args.Value("--migrate-from", "", "");
      options.create_replication_user = args.Flag("--create-replication-user");
      options.show_secrets = args.Flag("--show-secrets");
      options.image = args.Value("--image", "", "");
      options.http = args.Value("--http", "", "");
      options.name = args.Positional("cluster NAME");
      args.ExpectEmpty();
      return ExitCode(radctl::RunExport(global, options));
    }
    if (command == "version") {
      radctl::VersionOptions options;
      options.output = args.Value("--output", "-o", "text");
      args.ExpectEmpty();
      return ExitCode(radctl::RunVersion(options));
    }
    if (command == "help") {
      radctl::HelpOptions options;
      options.command = args.Positional("", /*required=*/false);
      args.ExpectEmpty();
      return ExitCode(radctl::RunHelp(options));
    }
    if (command == "completion") {
      radctl::CompletionOptions options;
      options.shell = args.Positional("SHELL (bash)");
      args.ExpectEmpty();
      return ExitCode(radctl::RunCompletion(options));
    }
    if (command == "promote") {
      radctl::PromoteOptions options;
      options.accept_data_loss = args.Flag("--accept-data-loss");
      options.name = args.Positional("cluster NAME");
      options.node = args.Positional("NODE");
      args.ExpectEmpty();
      return ExitCode(radctl::RunPromote(global, options));
    }
    if (command == "drill") {
      radctl::DrillCommandOptions options;
      options.fault = args.Value("--fault", "", options.fault);
      options.rounds = args.Value("--rounds", "", options.rounds);
      options.writers = args.Value("--writers", "", options.writers);
      options.readers = args.Value("--readers", "", options.readers);
      options.rate = args.Value("--rate", "", options.rate);
      options.settle = args.Value("--settle", "", options.settle);
      options.seed = args.Value("--seed", "", options.seed);
      options.output = args.Value("--output", "-o", options.output);
      options.report = args.Value("--report", "", options.report);
      options.run_controller = args.Value("--run-controller", "", options.run_controller);
      options.exec = args.Value("--exec", "", options.exec);
      options.name = args.Positional("cluster NAME");
      args.ExpectEmpty();
      return ExitCode(radctl::RunDrillCommand(global, options, g_stop));
    }
    if (command == "backup") {
      radctl::BackupOptions options;
      options.type = args.Value("--type", "", options.type);
      options.name = args.Positional("cluster NAME");
      args.ExpectEmpty();
      return ExitCode(radctl::RunBackup(global, options));
    }
    if (command == "backups") {
      radctl::BackupsOptions options;
      options.output = args.Value("--output", "-o", options.output);
      options.name = args.Positional("cluster NAME");
      args.ExpectEmpty();
      return ExitCode(radctl::RunBackups(global, options));
    }
    if (command == "restore") {
      radctl::RestoreOptions options;
      options.from = args.Value("--from", "", "");
      options.to_time = args.Value("--to-time", "", "");
      options.to_lsn = args.Value("--to-lsn", "", "");
      options.latest = args.Flag("--latest");
      std::string nodes = args.Value("--nodes", "", "");
      if (!nodes.empty() && !absl::SimpleAtoi(nodes, &options.nodes)) {
        throw UsageError{"--nodes needs a number"};
      }
      std::string port = args.Value("--bouncer-port", "", "");
      if (!port.empty() && !absl::SimpleAtoi(port, &options.bouncer_port)) {
        throw UsageError{"--bouncer-port needs a number"};
      }
      options.file = args.Value("--spec-file", "", "");
      options.name = args.Positional("new cluster NAME");
      args.ExpectEmpty();
      return ExitCode(radctl::RunRestore(global, options, g_stop));
    }
    throw UsageError{"unknown command " + command};
  } catch (const UsageError& error) {
    const radctl::CommandHelp* help = radctl::FindCommand(command);
    std::cerr << "radctl: " << error.message << "\n\n"
              << (help != nullptr ? radctl::CommandHelpText(*help) : radctl::UsageText());
    return 2;
  }
}
