// Which standby is the most advanced: the one ranking used for every such choice (whom to
// promote, whom to switch over to, whose repmgr records to trust). A documented comparator with
// its own tests: reachable standbys only; the highest timeline first (the most recent history),
// then the highest received LSN (what it has, not only what it applied, since promotion replays
// everything received), then the lowest ordinal so the choice is stable.
#pragma once

#include <optional>
#include <vector>

#include "reconcilers/observed_state.h"

namespace radctl {

// The WAL position a standby would reach if promoted now.
Lsn PromotableLsn(const NodeObservation& node);

// True when `a` should be promoted rather than `b` (both reachable standbys).
bool MoreAdvanced(const NodeObservation& a, const NodeObservation& b);

// The most advanced of `standbys` (MoreAdvanced), null when there is none: the one choice of
// whom to promote, switch over to or trust, wherever it is made.
const NodeObservation* MostAdvanced(const std::vector<const NodeObservation*>& standbys);

// The repmgr records to trust: the writable primary's; else those of the most advanced
// reachable standby that has them (they were replicated from the latest primary it followed);
// else none.
std::vector<RepmgrNode> TrustedRecords(const std::vector<NodeObservation>& nodes);

}  // namespace radctl
