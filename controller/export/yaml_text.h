// Manifests are built as ordered JSON (exact types, keys in the order written) and printed as
// YAML here. Kubernetes reads YAML 1.1, where an unquoted `on`, `yes` or `200` is not a string:
// every string that could be read as anything else is quoted, so what is a string stays one.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace radctl::exporting {

// Block-style YAML of `value` (an object or array), each line prefixed with `indent` spaces.
// Multi-line strings become literal blocks (`|`), so a spec embedded in a Compose file stays
// readable. Never throws.
std::string ToYaml(const nlohmann::ordered_json& value, int indent = 0);

// `text` as a YAML scalar: plain when YAML 1.1 reads it back as this string, else double-quoted.
std::string YamlScalar(const std::string& text);

}  // namespace radctl::exporting
