#include "reconcilers/runtime_events.h"

namespace radctl {

EventResponse RespondToRuntimeEvent(std::string_view action) {
  if (action == "kill") return EventResponse::kWatchClosely;
  if (action == "die" || action == "start" || action == "oom" || action == "destroy" ||
      action == "stop" || action == "pause") {
    return EventResponse::kObserveNow;
  }
  return EventResponse::kIgnore;
}

}  // namespace radctl
