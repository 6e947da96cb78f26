// Test support: checks a manifest against a CRD's OpenAPI v3 schema the way the Kubernetes API
// server's structural validation does, for the keywords CloudNativePG's CRDs use where radctl
// writes: type, properties (an unknown field is an error: Kubernetes would prune it silently),
// additionalProperties, items, required, enum, minimum, maximum, minLength and the CEL rule
// "self > 0"; and a field whose description says it is deprecated is an error too. Scalars are
// typed as Kubernetes reads YAML (1.1: `on` is a boolean, `200` an int).
#pragma once

#include <string>
#include <vector>

#include "yaml-cpp/yaml.h"

namespace radctl::testing {

// The openAPIV3Schema of version v1 of the CRD in `crd_file` (a CustomResourceDefinition as
// published, e.g. postgresql.cnpg.io_clusters.yaml).
YAML::Node LoadCrdSchema(const std::string& crd_file);

// Every violation as "spec.instances: want integer, got string \"3\""; empty when valid.
std::vector<std::string> ValidateAgainstSchema(const YAML::Node& schema, const YAML::Node& value);

// The YAML type Kubernetes would see for a node: object, array, string, integer, number,
// boolean or null.
std::string KubernetesType(const YAML::Node& node);

}  // namespace radctl::testing
