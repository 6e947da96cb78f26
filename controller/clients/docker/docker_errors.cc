#include "controller/clients/docker/docker_errors.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "controller/clients/docker/docker_json.h"

namespace radctl::docker {

absl::Status DockerStatus(absl::string_view what, absl::string_view docker_host,
                          const absl::StatusOr<HttpResponse>& outcome) {
  if (!outcome.ok()) {
    const absl::Status& failure = outcome.status();
    if (absl::IsUnavailable(failure)) {
      return absl::UnavailableError(absl::StrCat(
          "cannot reach the Docker engine at ", docker_host, " (", failure.message(),
          "): is dockerd running? Start it (e.g. `dockerd &` or `systemctl start docker`) or set "
          "DOCKER_HOST."));
    }
    return absl::Status(failure.code(), absl::StrCat(what, ": ", failure.message()));
  }

  const long status = outcome->status;
  if ((status >= 200 && status < 300) || status == 304) return absl::OkStatus();
  std::string engine_says = ErrorMessage(outcome->body);
  if (engine_says.empty()) engine_says = absl::StrCat("HTTP status ", status);
  const std::string message = absl::StrCat(what, ": ", engine_says);
  switch (status) {
    case 400:
      return absl::InvalidArgumentError(message);
    case 403:
      return absl::FailedPreconditionError(message);
    case 404:
      return absl::NotFoundError(message);
    case 409:
      return absl::AbortedError(message);
    default:
      // The engine answers a taken host port with a 500 and no code of its own; only the user
      // can free the port, so it is told apart here, in the one place answers become codes.
      if (status >= 500 && (absl::StrContains(engine_says, "address already in use") ||
                            absl::StrContains(engine_says, "port is already allocated"))) {
        return absl::FailedPreconditionError(message);
      }
      if (status >= 500) return absl::InternalError(message);
      return absl::UnknownError(message);
  }
}

}  // namespace radctl::docker
