// radctl version [-o text|json]
#include <libpq-fe.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "controller/cli/build_info.h"
#include "controller/cli/commands.h"
#include "controller/clients/docker/docker_client.h"

namespace radctl {

absl::Status RunVersion(const VersionOptions& options) {
  if (options.output != "text" && options.output != "json") {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown output format \"", options.output, "\"; allowed: text, json"));
  }
  const BuildInfo& info = GetBuildInfo();
  const int libpq = PQlibVersion();  // e.g. 150010: what this binary runs with, not built with
  const std::string libpq_text = absl::StrCat(libpq / 10000, ".", libpq % 100);
  if (options.output == "json") {
    nlohmann::ordered_json json = {
        {"version", info.version},          {"gitCommit", info.git_commit},
        {"gitDescribe", info.git_describe}, {"commitDate", info.commit_date},
        {"buildType", info.build_type},     {"compiler", info.compiler},
        {"dockerApi", docker::kApiVersion}, {"libpq", libpq_text}};
    std::cout << json.dump(2) << "\n";
    return absl::OkStatus();
  }
  std::cout << "radctl " << info.version << "\n"
            << "  git commit:  " << info.git_commit << " (" << info.git_describe << ")\n"
            << "  commit date: " << info.commit_date << "\n"
            << "  build:       " << info.build_type << ", " << info.compiler << ", C++17\n"
            << "  docker api:  " << docker::kApiVersion << "; libpq " << libpq_text << "\n";
  return absl::OkStatus();
}

}  // namespace radctl
