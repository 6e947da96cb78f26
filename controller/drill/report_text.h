// A drill's results as text for people (`-o table`: a row per round, its errors, the summary)
// and as JSON for scripts (`-o json`). Pure: unit-tested on made-up results.
#pragma once

#include <string>

#include "controller/drill/drill_result.h"

namespace radctl::drill {

std::string DrillTable(const DrillResult& result);
// Times of day in RFC 3339; durations in seconds (null when the milestone did not happen);
// event times relative to the fault. Client operations are left out (the HTML report has them).
std::string DrillJson(const DrillResult& result);

}  // namespace radctl::drill
