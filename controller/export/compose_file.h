// `radctl export --format compose`: one docker-compose.yml that runs radctl's controller image
// with this cluster's spec inline, so a cluster can be shared as one file: the image named with
// its tag and never pulled (no registry: hack/ makes it), a healthcheck that services can wait on
// (condition: service_healthy), and the controller given the Docker socket and nothing else.
// Pure: unit-tested by reading the output back. Readable by Debian's docker-compose 1.29 and
// later.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "crd-like-specs/cluster_spec.h"

namespace radctl::exporting {

struct ComposeOptions {
  std::string image;  // the controller image with its tag (the CLI passes radctl/radctl:VERSION)
  std::string http = "127.0.0.1:8433";  // the controller's HTTP endpoint, on the host
  // Keep spec.auth.password in the inline spec. Without it a password set in the spec is left
  // out (the controller then generates one) and a note says so.
  bool show_secrets = false;
};

struct ComposeExport {
  std::string yaml;
  std::vector<std::string> notes;
};

// Internal only if building the file failed (nlohmann's exceptions stay in here).
[[nodiscard]] absl::StatusOr<ComposeExport> RenderCompose(const ClusterSpec& spec,
                                                          const ComposeOptions& options);

// Where the image's entrypoint writes a spec given inline (environment RADCTL_SPEC).
inline constexpr char kInlineSpecPath[] = "/run/radctl/spec.yaml";

}  // namespace radctl::exporting
