// Which standby to promote: the most advanced one. A documented comparator with its own tests:
// reachable standbys only, highest received LSN first (what it has, not only what it applied,
// since promotion replays everything received), then lowest ordinal so the choice is stable.
#pragma once

#include <optional>

#include "reconcilers/observed_state.h"

namespace radctl {

// The WAL position a standby would reach if promoted now.
Lsn PromotableLsn(const NodeObservation& node);

// True when `a` should be promoted rather than `b` (both reachable standbys).
bool MoreAdvanced(const NodeObservation& a, const NodeObservation& b);

// The ordinal of the most advanced reachable standby among ordinals 1..max_ordinal, if any.
std::optional<int> MostAdvancedStandby(const ObservedState& observed, int max_ordinal);

}  // namespace radctl
