// The read-only endpoint's decisions (pure): which nodes it serves. A standby is eligible when it
// streams from the current primary and its replay lags the primary by at most
// spec.bouncer.readMaxLag; with none eligible the endpoint falls back to the primary. The planner
// (plan.cc) retargets the read bouncer when this differs from what it serves.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "crd-like-specs/cluster_spec.h"
#include "reconcilers/observed_state.h"

namespace radctl {

struct ReadTargets {
  std::vector<int> ordinals;  // the eligible standbys, ascending; or {primary} as a fallback
  bool fallback = false;
  // Why each standby that is not eligible is not ("replay lag 40.0MB > readMaxLag 16MB").
  std::map<int, std::string> excluded;
  // How far each eligible standby's replay is behind the primary, in bytes.
  std::map<int, int64_t> lag;
};

// `candidates`: the desired standbys with no disruptive action planned in this pass (a restart,
// a replacement, a rebuild). `primary` is the writable primary.
ReadTargets ChooseReadTargets(const ClusterSpec& spec, const ObservedState& observed, int primary,
                              const std::vector<int>& candidates);

// The ordinals named by the read bouncer's host list ("demo-pg-2,demo-pg-3"), ascending; a name
// that is not one of this cluster's nodes makes the list unknown (empty).
std::vector<int> ReadTargetsFromHosts(const std::string& cluster, const std::string& hosts);
// The host list for the read bouncer's configuration: node names joined by commas.
std::string ReadHosts(const std::string& cluster, const std::vector<int>& ordinals);

// What the read bouncer serves, as observed: the nodes it lists (ascending) and whether that is
// the fallback, i.e. it lists only the primary (the writable one, else the recorded one).
struct ObservedReadEndpoint {
  std::vector<int> serves;
  bool fallback = false;
};
ObservedReadEndpoint ReadEndpointOf(const ClusterSpec& spec, const ObservedState& observed);

// "512B", "3.5kB", "40.0MB", "1.2GB".
std::string FormatBytes(int64_t bytes);

}  // namespace radctl
