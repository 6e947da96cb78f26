// radctl version [-o text|json|yaml], and the one line of `radctl --version`.
#include <libpq-fe.h>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "controller/cli/build_info.h"
#include "controller/cli/cli_support.h"
#include "controller/cli/commands.h"
#include "controller/clients/docker/docker_client.h"

namespace radctl::cli {

absl::StatusOr<VersionOptions> ParseVersion(const ParsedArgs& args) {
  VersionOptions options;
  options.output = args.Value("--output", options.output);
  return options;
}

absl::Status RunVersion(const CliContext& context, const VersionOptions& options) {
  const BuildInfo& info = GetBuildInfo();
  const int libpq = PQlibVersion();  // e.g. 150010: what this binary runs with, not built with
  const std::string libpq_text = absl::StrCat(libpq / 10000, ".", libpq % 100);
  if (options.output != "text") {
    nlohmann::ordered_json json = {
        {"version", info.version},          {"gitCommit", info.git_commit},
        {"gitDescribe", info.git_describe}, {"commitDate", info.commit_date},
        {"buildType", info.build_type},     {"compiler", info.compiler},
        {"dockerApi", docker::kApiVersion}, {"libpq", libpq_text}};
    return PrintStructured(context, json.dump(), options.output);
  }
  context.out << "radctl " << info.version << "\n"
              << "  git commit:  " << info.git_commit << " (" << info.git_describe << ")\n"
              << "  commit date: " << info.commit_date << "\n"
              << "  build:       " << info.build_type << ", " << info.compiler << ", C++17\n"
              << "  docker api:  " << docker::kApiVersion << "; libpq " << libpq_text << "\n";
  return absl::OkStatus();
}

std::string VersionLine() {
  const BuildInfo& info = GetBuildInfo();
  return absl::StrCat("radctl version ", info.version, ", commit ", info.git_describe, "\n");
}

}  // namespace radctl::cli
