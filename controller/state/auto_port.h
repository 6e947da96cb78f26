// `bouncer.port: auto`: a free port on the bind address (20000-29999), picked once when a cluster
// is first applied and then kept with it (the desired-state merge carries it over).
#pragma once

#include "absl/status/statusor.h"
#include "controller/state/cluster_store.h"

namespace radctl {

// A port free on `bind` now, that no other cluster kept in the same state root uses (one that is
// stopped holds no socket but will want its port back) and that this process has not handed out
// already (clusters applied together). Unavailable when none is found.
[[nodiscard]] absl::StatusOr<int> PickBouncerPort(const ClusterStore& store,
                                                  const std::string& bind);

}  // namespace radctl
