// Splits the body of GET /events into its messages, one JSON object per line, and decodes each.
// The engine sends a message in one piece, but the network may split it anywhere: a line is
// decoded only once its newline has arrived.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "controller/clients/docker/docker_types.h"

namespace radctl::docker {

class EventStreamDecoder {
 public:
  // The events completed by `piece`, in order; Internal for a line that is no event (the stream
  // should then be dropped: what follows cannot be trusted).
  [[nodiscard]] absl::StatusOr<std::vector<Event>> Feed(absl::string_view piece);

 private:
  std::string partial_line_;  // received after the last newline
};

}  // namespace radctl::docker
