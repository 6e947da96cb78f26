// radctl drill NAME: rounds of fault -> recovery -> settle under the drill's own load, against a
// cluster a controller watches (or one the drill runs with --run-controller FILE), measured and
// reported (-o table|json|yaml, --report FILE.html). Exit status 1 when an acknowledged write was
// lost with synchronous replication or two writable primaries were seen, or the drill could not go
// on.
#include <cstdio>
#include <fstream>
#include <memory>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "controller/cli/cli_support.h"
#include "controller/cli/commands.h"
#include "controller/drill/controller_process.h"
#include "controller/drill/drill.h"
#include "controller/drill/report_html.h"
#include "controller/drill/report_text.h"
#include "crd-like-specs/spec_parser.h"
#include "crd-like-specs/status_macros.h"

namespace radctl::cli {
namespace {

absl::Status ParseInt(const std::string& flag, const std::string& text, int* value) {
  if (!absl::SimpleAtoi(text, value)) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": expected a whole number, got \"", text, "\""));
  }
  return absl::OkStatus();
}

absl::StatusOr<drill::DrillOptions> ParseOptions(const DrillCommandOptions& options) {
  drill::DrillOptions parsed;
  ASSIGN_OR_RETURN(parsed.fault, drill::ParseFault(options.fault));
  RETURN_IF_ERROR(ParseInt("--rounds", options.rounds, &parsed.rounds));
  RETURN_IF_ERROR(ParseInt("--writers", options.writers, &parsed.writers));
  RETURN_IF_ERROR(ParseInt("--readers", options.readers, &parsed.readers));
  if (!absl::SimpleAtod(options.rate, &parsed.rate)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--rate: expected writes per second (a number), got \"", options.rate, "\""));
  }
  if (!absl::ParseDuration(options.settle, &parsed.settle)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--settle: expected a duration like 5s or 1m, got \"", options.settle, "\""));
  }
  if (!options.seed.empty() && !absl::SimpleAtoi(options.seed, &parsed.seed)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--seed: expected a positive whole number, got \"", options.seed, "\""));
  }
  parsed.exec = options.exec;
  RETURN_IF_ERROR(drill::ValidateOptions(parsed));
  return parsed;
}

absl::Status WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::trunc);
  out << content;
  out.close();
  if (!out) return absl::PermissionDeniedError(absl::StrCat("cannot write the report to ", path));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<DrillCommandOptions> ParseDrill(const ParsedArgs& args) {
  DrillCommandOptions options;
  options.name = args.Arg(0);
  options.fault = args.Value("--fault", options.fault);
  options.rounds = args.Value("--rounds", options.rounds);
  options.writers = args.Value("--writers", options.writers);
  options.readers = args.Value("--readers", options.readers);
  options.rate = args.Value("--rate", options.rate);
  options.settle = args.Value("--settle", options.settle);
  options.seed = args.Value("--seed", options.seed);
  options.output = args.Value("--output", options.output);
  options.report = args.Value("--report", options.report);
  options.run_controller = args.Value("--run-controller", options.run_controller);
  options.exec = args.Value("--exec", options.exec);
  RETURN_IF_ERROR(CheckClusterArgument(options.name));
  RETURN_IF_ERROR(ParseOptions(options).status());
  return options;
}

absl::Status RunDrillCommand(const CliContext& context, const DrillCommandOptions& options) {
  ASSIGN_OR_RETURN(drill::DrillOptions drill_options, ParseOptions(options));
  if (!options.report.empty()) {
    // Fail before the drill, not after an hour of it.
    const bool existed = std::ifstream(options.report).good();
    const bool writable = std::ofstream(options.report, std::ios::app).good();
    if (!existed) std::remove(options.report.c_str());
    if (!writable) {
      return absl::InvalidArgumentError(absl::StrCat("--report: cannot write ", options.report));
    }
  }
  ClusterStore store(context.state_dir, options.name, context.clock);
  ASSIGN_OR_RETURN(StoredCluster cluster, LoadStoredCluster(store, options.name));
  drill::FaultContext faults{cluster.spec.nodes, !options.run_controller.empty()};
  RETURN_IF_ERROR(drill::CheckFaultAllowed(drill_options.fault, faults));
  if (!options.run_controller.empty()) {
    ASSIGN_OR_RETURN(ClusterSpec file_spec, LoadClusterSpecFile(options.run_controller));
    if (file_spec.name != options.name) {
      return absl::InvalidArgumentError(absl::StrCat("--run-controller: ", options.run_controller,
                                                     " describes cluster ", file_spec.name,
                                                     ", not ", options.name));
    }
  }
  // The concrete client: the drill injects faults (pause, network cut) that the controller's
  // runtime interface has no business offering.
  docker::DockerClient docker = docker::DockerClient::FromEnvironment(context.clock);
  RETURN_IF_ERROR(docker.Ping());

  drill::DrillResult result;
  std::unique_ptr<drill::OwnedController> controller;
  if (!options.run_controller.empty()) {
    const std::string log = absl::StrCat(store.dir(), "/drill-controller.log");
    ASSIGN_OR_RETURN(controller,
                     drill::OwnedController::Start(context.clock, context.state_dir,
                                                   options.run_controller, store.dir(), log));
    result.notes.push_back(absl::StrCat("controller: run by the drill (radctl apply -f ",
                                        options.run_controller, " --watch), pid ",
                                        controller->pid(), ", log ", log));
  } else {
    RETURN_IF_ERROR(drill::RequireWatcher(store.dir(), options.name, &result.notes));
  }
  for (const std::string& note : result.notes) context.err << "radctl: " << note << "\n";

  drill::DrillTarget target{context.clock, docker,          store,
                            cluster.spec,  cluster.secrets, controller.get()};
  absl::Status ran = drill::RunDrill(drill_options, target, context.err, context.stop, &result);
  if (controller != nullptr) {
    controller->Stop();
    result.notes.push_back(
        "the controller the drill ran was stopped: the cluster is not watched now");
    context.err << "radctl: " << result.notes.back() << "\n";
  }
  if (options.output == "table") {
    context.out << drill::DrillTable(result);
  } else {
    RETURN_IF_ERROR(PrintStructured(context, drill::DrillJson(result), options.output));
  }
  if (!options.report.empty()) {
    RETURN_IF_ERROR(WriteFile(options.report, drill::DrillHtml(result)));
    context.err << "radctl: report written to " << options.report << "\n";
  }
  RETURN_IF_ERROR(ran);
  return drill::DrillVerdict(result);
}

}  // namespace radctl::cli
