// The controller's answer to a node whose container was asked to stop and whose entrypoint waits
// for it (controller/clients/postgres/stop_request.h, images/postgres/entrypoint.sh): "wait"
// while the controller moves what depends on the node, then "go". Which answer, and when, is the
// planner's (reconcilers/planned_stop.h).
#pragma once

#include <string>

#include "absl/status/status.h"
#include "controller/clients/container_runtime.h"

namespace radctl {

// Writes the answer in the container `node` (replacing an earlier one at once, never half
// written). Repeating it is harmless.
[[nodiscard]] absl::Status AnswerStop(const ContainerRuntime& runtime, const std::string& node,
                                      bool go);

}  // namespace radctl
