// radctl promote NODE --accept-data-loss, decided (pure): whether the person's override may be
// recorded at all, and what it may lose, said before anything is written. The loop then carries
// the recorded request out (rules/requested_promotion.cc).
#pragma once

#include <string>

#include "absl/status/status.h"
#include "reconcilers/observed_state.h"

namespace radctl {

struct PromoteAssessment {
  // FailedPrecondition, saying why and what to do instead, when the request is refused: the
  // cluster has a writable primary (a switchover moves it without loss), or `target` is not a
  // reachable standby.
  absl::Status refused;
  // What the promotion may lose: the commits `target` does not have that nodes not seen now may
  // hold, and those of standbys further ahead ("demo-pg-2 is at 0/3000060 on timeline 1. ...").
  std::string may_lose;
};

PromoteAssessment AssessPromote(const std::string& cluster, const ObservedState& observed,
                                int target);

}  // namespace radctl
