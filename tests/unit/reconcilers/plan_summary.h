// A plan as the table tests write what they expect:
// "clone-standby demo-pg-2 <- demo-pg-1; ...; waiting", actions sorted by node.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "reconcilers/plan.h"

namespace radctl::testing {

inline std::string Summary(const Plan& plan) {
  std::vector<Action> sorted = plan.actions;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Action& a, const Action& b) { return a.ordinal < b.ordinal; });
  std::vector<std::string> lines;
  for (const Action& action : sorted) lines.push_back(action.ToString("demo"));
  if (!plan.waiting.empty()) lines.push_back("waiting");
  return absl::StrJoin(lines, "; ");
}

}  // namespace radctl::testing
