// What apply checks before it changes anything: each returns the error the user must fix, with
// "Nothing was changed."
#pragma once

#include <string>

#include "absl/status/status.h"
#include "controller/clients/container_runtime.h"
#include "controller/state/cluster_store.h"
#include "crd-like-specs/cluster_spec.h"

namespace radctl {

// A bouncer port (spec.bouncer.port, readPort) held by another program (InvalidArgument pointing
// at the spec's line, exit 2).
// The cluster's own bouncer holding it is fine; an auto port not yet picked is not checked.
[[nodiscard]] absl::Status CheckBouncerPort(const ContainerRuntime& runtime,
                                            const ClusterSpec& spec);

// The node and bouncer images are on the engine (FailedPrecondition saying how to build them).
[[nodiscard]] absl::Status CheckImages(const ContainerRuntime& runtime, const ClusterSpec& spec);

// Postgres reads a changed configuration before it reaches a node: skipped when it is what the
// cluster runs already, or radctl's own defaults.
[[nodiscard]] absl::Status CheckChangedConfiguration(const ContainerRuntime& runtime,
                                                     const ClusterStore& store,
                                                     const ClusterSpec& spec);

// New passwords for a cluster whose volumes already hold data would lock radctl out of its own
// nodes: refused, saying how to get out.
[[nodiscard]] absl::Status CheckSecretsMatchData(const ContainerRuntime& runtime,
                                                 const ClusterStore& store,
                                                 const std::string& name);

}  // namespace radctl
