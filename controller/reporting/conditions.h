// Conditions, the way Kubernetes objects report them: a few named statements about the cluster,
// each True or False with a reason, a message and when it last changed. Pure: derived from the
// spec, the observation and the plan, carrying over transition times from `previous`.
#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "crd-like-specs/cluster_spec.h"
#include "reconcilers/observed_state.h"
#include "reconcilers/plan.h"

namespace radctl {

// Every condition's type, in the order ComputeConditions reports them.
inline constexpr const char* kConditionTypes[] = {"Ready", "Degraded", "FailingOver",
                                                  "Reconciling"};

struct Condition {
  std::string type;  // one of kConditionTypes
  bool status = false;
  std::string reason;  // CamelCase
  std::string message;
  absl::Time last_transition = absl::InfinitePast();
};

// Ready: the endpoint reaches a writable primary. Degraded: fewer streaming standbys than the
// spec wants. FailingOver: a failover is being made. Reconciling: observed differs from desired.
std::vector<Condition> ComputeConditions(const ClusterSpec& spec, const ObservedState& observed,
                                         const Plan& plan, const std::vector<Condition>& previous,
                                         absl::Time now);

const Condition* FindCondition(const std::vector<Condition>& conditions, const std::string& type);

}  // namespace radctl
