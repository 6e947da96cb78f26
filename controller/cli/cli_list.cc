// radctl list [-o table|name|json|yaml]: the clusters kept in the state directory; and the
// hidden `radctl __complete` the shell completions ask for clusters, nodes and log sources.
// Both read only the state directory.
#include <filesystem>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "controller/cli/cli_support.h"
#include "controller/cli/commands.h"
#include "controller/reporting/status_report.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/naming.h"

namespace radctl::cli {
namespace {

// Every cluster with a kept spec, by name.
std::vector<ClusterSpec> KnownClusters(const Clock& clock, const std::string& root) {
  std::vector<ClusterSpec> specs;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(root, error)) {
    if (!entry.is_directory(error)) continue;
    ClusterStore store(root, entry.path().filename().string(), clock);
    if (absl::StatusOr<ClusterSpec> spec = store.LoadSpec(); spec.ok()) {
      specs.push_back(*std::move(spec));
    }
  }
  std::sort(specs.begin(), specs.end(),
            [](const ClusterSpec& a, const ClusterSpec& b) { return a.name < b.name; });
  return specs;
}

}  // namespace

absl::StatusOr<ListOptions> ParseList(const ParsedArgs& args) {
  ListOptions options;
  options.output = args.Value("--output", options.output);
  return options;
}

absl::Status RunList(const CliContext& context, const ListOptions& options) {
  std::vector<ClusterSpec> specs = KnownClusters(context.clock, context.state_dir);
  if (options.output == "name") {
    for (const ClusterSpec& spec : specs) context.out << spec.name << "\n";
    return absl::OkStatus();
  }
  if (options.output == "table") {
    context.out << absl::StrFormat("%-24s %-6s %-12s %s\n", "NAME", "NODES", "REPLICATION",
                                   "ENDPOINT");
    for (const ClusterSpec& spec : specs) {
      std::string replication = spec.replication.synchronous
                                    ? absl::StrCat("sync ANY ", spec.replication.synchronous_number)
                                    : "async";
      context.out << absl::StrFormat("%-24s %-6d %-12s %s\n", spec.name, spec.nodes, replication,
                                     EndpointUri(spec, ClusterSecrets{}, /*masked=*/true));
    }
    if (specs.empty()) context.err << "radctl: no clusters in " << context.state_dir << "\n";
    return absl::OkStatus();
  }
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const ClusterSpec& spec : specs) {
    list.push_back(
        {{"name", spec.name},
         {"nodes", spec.nodes},
         {"synchronous", spec.replication.synchronous ? spec.replication.synchronous_number : 0},
         {"endpoint", {{"host", spec.bouncer.bind}, {"port", spec.bouncer.port}}}});
  }
  nlohmann::ordered_json out = {{"state_dir", context.state_dir}, {"clusters", list}};
  return PrintStructured(context, out.dump(), options.output);
}

absl::StatusOr<CompleteOptions> ParseComplete(const ParsedArgs& args) {
  CompleteOptions options;
  options.kind = args.Arg(0);
  options.cluster = args.Arg(1);
  if (options.kind != "clusters" && options.cluster.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(options.kind, " needs a cluster NAME"));
  }
  return options;
}

absl::Status RunComplete(const CliContext& context, const CompleteOptions& options) {
  if (options.kind == "clusters") {
    for (const ClusterSpec& spec : KnownClusters(context.clock, context.state_dir)) {
      context.out << spec.name << "\n";
    }
    return absl::OkStatus();
  }
  ClusterStore store(context.state_dir, options.cluster, context.clock);
  absl::StatusOr<ClusterSpec> spec = store.LoadSpec();
  if (!spec.ok()) return absl::OkStatus();  // nothing to offer
  for (int ordinal = 1; ordinal <= spec->nodes; ++ordinal) {
    context.out << NodeName(spec->name, ordinal) << "\n";
  }
  if (options.kind == "logs") {
    context.out << "bouncer\n";
    if (spec->bouncer.read_port != kNoReadPort) context.out << "read-bouncer\n";
    context.out << "events\n";
  }
  return absl::OkStatus();
}

}  // namespace radctl::cli
