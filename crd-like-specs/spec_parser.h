// Reading a PostgresCluster spec from YAML: every error names file, line, column, field path
// and what was expected; all errors are reported at once; unknown keys are errors; defaults are
// applied in one place (ApplyDefaults). An invalid spec yields no ClusterSpec at all.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "crd-like-specs/cluster_spec.h"

namespace radctl {

struct FieldError {
  std::string file;
  int line = 0;         // 1-based; 0 when the error is not tied to a place (e.g. empty document)
  int column = 0;       // 1-based
  std::string path;     // "spec.bouncer.port"
  std::string message;  // "must be between 1 and 65535, got 70000"

  // "demo.yaml:12:11: spec.bouncer.port: must be between 1 and 65535, got 70000"
  std::string ToString() const;
};

struct SpecParseResult {
  ClusterSpec spec;                // meaningful only when errors is empty
  std::vector<FieldError> errors;  // every problem found, in file order
  bool ok() const { return errors.empty(); }
};

// Parses and validates `yaml_text`; `file` is used only in error messages.
SpecParseResult ParseClusterSpec(std::string_view yaml_text, std::string_view file);

// Reads `path` and parses it. InvalidArgument with one line per FieldError (exit code 2 in the
// CLI); NotFound/PermissionDenied when the file cannot be read. `content` (may be null) receives
// the file's text.
[[nodiscard]] absl::StatusOr<ClusterSpec> LoadClusterSpecFile(const std::string& path,
                                                              std::string* content = nullptr);

// Checks a spec built or changed in code (radctl scale, restore) by every rule a file is
// checked by: InvalidArgument listing each error by field path when the spec could not be
// written to a file and read back.
[[nodiscard]] absl::Status ValidateSpec(const ClusterSpec& spec);

// Fills every field the file left out with its default (image from version, ...).
void ApplyDefaults(ClusterSpec& spec);

// Renders a spec as YAML that ParseClusterSpec reads back to an equal spec (round trip).
// The password is written as is: callers that print must mask it.
std::string ClusterSpecToYaml(const ClusterSpec& spec);

}  // namespace radctl
