// How long each node has been in its role (primary, standby, fenced, down): status shows it,
// the watcher keeps it. Pure.
#pragma once

#include <map>
#include <string>

#include "absl/time/time.h"
#include "reconcilers/observed_state.h"

namespace radctl {

struct NodeState {
  std::string role;
  absl::Time since;
};

// Node roles carried over from `previous` while unchanged; a changed role starts at `now`.
std::map<std::string, NodeState> UpdateNodeStates(const ObservedState& observed,
                                                  const std::map<std::string, NodeState>& previous,
                                                  absl::Time now);

}  // namespace radctl
