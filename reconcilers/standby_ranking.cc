#include "reconcilers/standby_ranking.h"

#include <algorithm>

namespace radctl {

Lsn PromotableLsn(const NodeObservation& node) {
  return std::max(node.receive_lsn, node.replay_lsn);
}

bool MoreAdvanced(const NodeObservation& a, const NodeObservation& b) {
  if (a.timeline != b.timeline) return a.timeline > b.timeline;
  if (PromotableLsn(a) != PromotableLsn(b)) return PromotableLsn(a) > PromotableLsn(b);
  return a.ordinal < b.ordinal;
}

std::optional<int> MostAdvancedStandby(const ObservedState& observed, int max_ordinal) {
  const NodeObservation* best = nullptr;
  for (const NodeObservation& node : observed.nodes) {
    if (node.ordinal > max_ordinal || !node.IsReachableStandby()) continue;
    if (best == nullptr || MoreAdvanced(node, *best)) best = &node;
  }
  if (best == nullptr) return std::nullopt;
  return best->ordinal;
}

std::vector<RepmgrNode> TrustedRecords(const std::vector<NodeObservation>& nodes) {
  const NodeObservation* best = nullptr;
  for (const NodeObservation& node : nodes) {
    if (!node.reachable || !node.repmgr_records) continue;
    if (node.IsWritablePrimary()) return *node.repmgr_records;
    if (best == nullptr || MoreAdvanced(node, *best)) best = &node;
  }
  return best == nullptr ? std::vector<RepmgrNode>{} : *best->repmgr_records;
}

}  // namespace radctl
