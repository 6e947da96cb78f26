// The real LogStreamer (cli_context.h): a container's log from the Docker engine named by
// DOCKER_HOST (GET /containers/NAME/logs), followed as it is written when asked. stdout and
// stderr come in the order the container wrote them.
#pragma once

#include "controller/cli/cli_context.h"

namespace radctl::cli {

LogStreamer DockerLogStreamer();

}  // namespace radctl::cli
