// Which of the runtime's (Docker's) events about a cluster's containers make the watching loop
// look at once, instead of at its next probe or full observation. Pure; the loop only listens.
#pragma once

#include <string_view>

namespace radctl {

//   kIgnore         nothing the next observation would not see as soon (exec, attach, ...).
//   kObserveNow     a container died, started, stopped, was paused, removed or ran out of
//                   memory: observe now (a dead primary is failed over from at once).
//   kWatchClosely   a container was sent a signal (`kill`: docker stop, restart or kill): observe
//                   now, and fully at every probe for a while, so that a node's stop request
//                   (planned_stop.h), written by its entrypoint a few milliseconds after the
//                   signal, is seen at once. `kill` comes as the signal is sent, before `die`
//                   (which waits for the engine's clean-up): looking at once lets clients be held
//                   before PgBouncer fails them.
enum class EventResponse { kIgnore, kObserveNow, kWatchClosely };

EventResponse RespondToRuntimeEvent(std::string_view action);

}  // namespace radctl
