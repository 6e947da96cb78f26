// The one place where the outcome of a request to the Docker engine becomes the absl::Status that
// callers see, so every caller can act on the code alone (abseil's guidance): retry Unavailable,
// re-observe after Aborted, report InvalidArgument. Messages carry what was attempted and the
// engine's own words.
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "controller/clients/docker/http_transport.h"

namespace radctl::docker {

// `what` names the attempt ("create container demo-pg-1"); `docker_host` is where the engine was
// looked for. An answer maps by HTTP status: 2xx and 304 (already so) -> OK, 400 ->
// InvalidArgument, 403 (refused in this state, e.g. a network still in use) -> FailedPrecondition,
// 404 -> NotFound, 409 (conflict: the state changed) -> Aborted, a 5xx saying a host port is
// taken -> FailedPrecondition, other 5xx -> Internal, else Unknown. No
// answer: Unavailable says how to start the engine; other transport failures keep their code.
[[nodiscard]] absl::Status DockerStatus(absl::string_view what, absl::string_view docker_host,
                                        const absl::StatusOr<HttpResponse>& outcome);

}  // namespace radctl::docker
