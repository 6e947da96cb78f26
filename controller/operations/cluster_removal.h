// Removing a cluster's Docker objects: `radctl delete`, and a watcher's --prune when a spec file
// goes away. Only objects labelled as the cluster's are touched. The caller holds the cluster's
// lock (a watcher would re-create what is removed).
#pragma once

#include <string>

#include "absl/status/status.h"
#include "controller/clients/container_runtime.h"
#include "controller/state/cluster_store.h"
#include "controller/state/event_log.h"

namespace radctl {

struct RemovalOptions {
  // Data volumes and the passwords that open them are kept: applying the spec again brings the
  // cluster back with its data.
  bool keep_volumes = false;
};

// Removes the containers (in parallel), the network, and unless kept the volumes and what the
// state directory holds. `found` tells whether there was anything to remove.
[[nodiscard]] absl::Status RemoveCluster(const ContainerRuntime& runtime, ClusterStore& store,
                                         const std::string& name, RemovalOptions options,
                                         EventLog& events, bool* found);

}  // namespace radctl
