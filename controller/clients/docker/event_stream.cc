#include "controller/clients/docker/event_stream.h"

#include <utility>

#include "controller/clients/docker/docker_json.h"

namespace radctl::docker {

absl::StatusOr<std::vector<Event>> EventStreamDecoder::Feed(absl::string_view piece) {
  partial_line_.append(piece.data(), piece.size());
  std::vector<Event> events;
  size_t start = 0;
  size_t newline;
  while ((newline = partial_line_.find('\n', start)) != std::string::npos) {
    const absl::string_view line(partial_line_.data() + start, newline - start);
    start = newline + 1;
    if (line.empty()) continue;
    absl::StatusOr<Event> event = DecodeEvent(line);
    if (!event.ok()) return event.status();
    events.push_back(*std::move(event));
  }
  partial_line_.erase(0, start);
  return events;
}

}  // namespace radctl::docker
