#include "reconcilers/read_endpoint.h"

#include <algorithm>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "reconcilers/naming.h"

namespace radctl {

ReadTargets ChooseReadTargets(const ClusterSpec& spec, const ObservedState& observed, int primary,
                              const std::vector<int>& candidates) {
  ReadTargets result;
  const NodeObservation* writable = observed.Node(primary);
  const std::string primary_name = NodeName(spec.name, primary);
  const int64_t bound = ReadMaxLagBytes(spec.bouncer);
  for (int ordinal : candidates) {
    const NodeObservation* node = observed.Node(ordinal);
    if (ordinal == primary || node == nullptr) continue;
    if (!node->IsStreamingFrom(primary_name)) {
      result.excluded[ordinal] = !node->reachable
                                     ? absl::StrCat("does not answer (", node->probe_error, ")")
                                 : !node->in_recovery ? std::string("is not a standby")
                                 : node->wal_receiver.status.empty()
                                     ? std::string("has no WAL receiver")
                                     : absl::StrCat("is not streaming from ", primary_name,
                                                    " (WAL receiver ", node->wal_receiver.status,
                                                    " from ", node->wal_receiver.sender_host, ")");
      continue;
    }
    // Both positions come from the same observation; an idle primary is not ahead at all.
    const int64_t lag = writable == nullptr
                            ? 0
                            : std::max<int64_t>(0, static_cast<int64_t>(writable->current_lsn) -
                                                       static_cast<int64_t>(node->replay_lsn));
    if (bound >= 0 && lag > bound) {
      result.excluded[ordinal] = absl::StrCat("replay lag ", FormatBytes(lag), " > readMaxLag ",
                                              spec.bouncer.read_max_lag);
      continue;
    }
    result.ordinals.push_back(ordinal);
    result.lag[ordinal] = lag;
  }
  std::sort(result.ordinals.begin(), result.ordinals.end());
  if (result.ordinals.empty()) {
    result.ordinals = {primary};
    result.fallback = true;
  }
  return result;
}

std::vector<int> ReadTargetsFromHosts(const std::string& cluster, const std::string& hosts) {
  std::vector<int> ordinals;
  for (absl::string_view host : absl::StrSplit(hosts, ',', absl::SkipWhitespace())) {
    std::optional<int> ordinal =
        OrdinalFromNodeName(cluster, std::string(absl::StripAsciiWhitespace(host)));
    if (!ordinal) return {};
    ordinals.push_back(*ordinal);
  }
  std::sort(ordinals.begin(), ordinals.end());
  return ordinals;
}

std::string ReadHosts(const std::string& cluster, const std::vector<int>& ordinals) {
  std::vector<std::string> names;
  names.reserve(ordinals.size());
  for (int ordinal : ordinals) names.push_back(NodeName(cluster, ordinal));
  return absl::StrJoin(names, ",");
}

ObservedReadEndpoint ReadEndpointOf(const ClusterSpec& spec, const ObservedState& observed) {
  ObservedReadEndpoint result;
  result.serves = ReadTargetsFromHosts(spec.name, observed.read_bouncer.target_host);
  if (result.serves.size() != 1) return result;
  int primary = observed.recorded_primary.ordinal;
  for (const NodeObservation& node : observed.nodes) {
    if (node.IsWritablePrimary()) primary = node.ordinal;
  }
  result.fallback = result.serves[0] == primary;
  return result;
}

std::string FormatBytes(int64_t bytes) {
  if (bytes >= (int64_t{1} << 30)) return absl::StrFormat("%.1fGB", bytes / double(1 << 30));
  if (bytes >= (int64_t{1} << 20)) return absl::StrFormat("%.1fMB", bytes / double(1 << 20));
  if (bytes >= (int64_t{1} << 10)) return absl::StrFormat("%.1fkB", bytes / double(1 << 10));
  return absl::StrCat(bytes, "B");
}

}  // namespace radctl
