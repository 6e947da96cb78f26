// Which Docker events make the watching loop look at once.
#include "reconcilers/runtime_events.h"

#include "gtest/gtest.h"

namespace radctl {
namespace {

TEST(RuntimeEventsTest, ASignalIsWatchedClosely) {
  // docker stop/restart/kill send one before anything dies: a stop request may follow.
  EXPECT_EQ(RespondToRuntimeEvent("kill"), EventResponse::kWatchClosely);
}

TEST(RuntimeEventsTest, AContainerChangingStateIsLookedAtAtOnce) {
  for (const char* action : {"die", "start", "oom", "destroy", "stop", "pause"}) {
    EXPECT_EQ(RespondToRuntimeEvent(action), EventResponse::kObserveNow) << action;
  }
}

TEST(RuntimeEventsTest, WhatTheNextObservationSeesAsSoonIsIgnored) {
  // radctl's own execs into the nodes (every probe of a stop answer, every script) come as
  // events too: waking on them would make the loop spin on its own work.
  for (const char* action : {"exec_create", "exec_start", "exec_die", "attach", "resize", "create",
                             "unpause", "rename"}) {
    EXPECT_EQ(RespondToRuntimeEvent(action), EventResponse::kIgnore) << action;
  }
}

}  // namespace
}  // namespace radctl
