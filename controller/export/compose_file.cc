#include "controller/export/compose_file.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "controller/export/yaml_text.h"
#include "crd-like-specs/spec_parser.h"
#include "reconcilers/naming.h"

namespace radctl::exporting {
namespace {

using Json = nlohmann::ordered_json;

// Compose substitutes ${VAR} and $VAR everywhere in the file: a literal $ is written $$.
std::string EscapeForCompose(const std::string& text) {
  return absl::StrReplaceAll(text, {{"$", "$$"}});
}

}  // namespace

absl::StatusOr<ComposeExport> RenderCompose(const ClusterSpec& spec,
                                            const ComposeOptions& options) try {
  ComposeExport result;
  ClusterSpec shared = spec;
  if (!shared.auth.password.empty() && !options.show_secrets) {
    shared.auth.password.clear();
    result.notes.push_back(
        "spec.auth.password is left out (add --show-secrets to keep it): the controller "
        "generates a password where the file is brought up");
  }
  const std::string network = NetworkName(spec.name);
  const std::string http = options.http;
  Json service = {
      {"image", options.image},
      // Made on this machine (hack/): Compose must not go looking for it in a registry.
      {"pull_policy", "never"},
      {"command", {"apply", "-f", kInlineSpecPath, "--watch", "--http", http}},
      {"environment", {{"RADCTL_SPEC", EscapeForCompose(ClusterSpecToYaml(shared))}}},
      // The controller reaches each node through the port it publishes on the host's loopback
      // (as when it runs on the host): host networking gives it that loopback. Its HTTP
      // endpoint is thereby on the host's 127.0.0.1 too, without publishing a port.
      {"network_mode", "host"},
      {"restart", "unless-stopped"},
      // The socket is all it needs: no capabilities, nothing written outside its state volume.
      {"read_only", true},
      {"cap_drop", {"ALL"}},
      {"security_opt", {"no-new-privileges:true"}},
      {"tmpfs", {"/run/radctl", "/tmp"}},
      {"volumes", {"/var/run/docker.sock:/var/run/docker.sock", "radctl-state:/var/lib/radctl"}},
      {"healthcheck",
       {{"test", {"CMD", "radctl", "ready", spec.name, "--http", http}},
        {"interval", "2s"},
        {"timeout", "5s"},
        {"retries", 3},
        {"start_period", "120s"}}}};
  Json file = {
      {"services", {{"radctl", service}}},
      // Declared here, labelled as the cluster's, so services added to this file can join it
      // (radctl adopts a network carrying its label instead of creating its own).
      {"networks", {{network, {{"name", network}, {"labels", {{kLabelCluster, spec.name}}}}}}},
      {"volumes", {{"radctl-state", Json::object()}}}};

  const std::string host = spec.bouncer.bind == "0.0.0.0" ? "127.0.0.1" : spec.bouncer.bind;
  std::string header = absl::StrCat(
      "Cluster ", spec.name, " as one Compose file (radctl export --format compose).\n",
      "`docker-compose up -d` starts radctl's controller, which creates the cluster on this\n",
      "Docker engine and keeps it healthy: ", NodeName(spec.name, 1), "..", spec.nodes, " and ",
      BouncerName(spec.name), ".\n", "Services added to this file reach the primary at ",
      BouncerName(spec.name), ":", kBouncerPort, " when they join\n", "the network ", network,
      "; from the host it is ", host, ":", spec.bouncer.port, ".\n",
      spec.bouncer.read_port == kNoReadPort
          ? std::string()
          : absl::StrCat("The read-only endpoint (the standbys) is ", ReadBouncerName(spec.name),
                         ":", kBouncerPort, " on that network; from the host ", host, ":",
                         spec.bouncer.read_port, ".\n"),
      "Services added to this file can wait for the cluster with depends_on: {radctl: "
      "{condition: service_healthy}}.\n",
      "The images ", options.image, ", radctl/postgres:", spec.postgres.version,
      " and radctl/pgbouncer must be on the engine (hack/quickstart.sh makes them; nothing is "
      "pulled).\n",
      "The controller holds the Docker socket, which grants whatever the engine can do (root on "
      "this host):\n",
      "it needs it to create and repair the cluster's containers, and runs with nothing else.\n",
      "`docker-compose down` stops the controller; the cluster and its data stay until\n",
      "`radctl delete ", spec.name, "` (with the controller stopped).\n");
  for (const std::string& note : result.notes) absl::StrAppend(&header, "Note: ", note, "\n");
  for (absl::string_view line : absl::StrSplit(header, '\n', absl::SkipEmpty())) {
    absl::StrAppend(&result.yaml, "# ", line, "\n");
  }
  absl::StrAppend(&result.yaml, ToYaml(file));
  return result;
} catch (const nlohmann::json::exception& e) {
  return absl::InternalError(absl::StrCat("rendering the Compose file: ", e.what()));
}

}  // namespace radctl::exporting
