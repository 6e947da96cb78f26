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

const NodeObservation* MostAdvanced(const std::vector<const NodeObservation*>& standbys) {
  const NodeObservation* best = nullptr;
  for (const NodeObservation* node : standbys) {
    if (best == nullptr || MoreAdvanced(*node, *best)) best = node;
  }
  return best;
}

std::vector<RepmgrNode> TrustedRecords(const std::vector<NodeObservation>& nodes) {
  std::vector<const NodeObservation*> with_records;
  for (const NodeObservation& node : nodes) {
    if (!node.reachable || !node.repmgr_records) continue;
    if (node.IsWritablePrimary()) return *node.repmgr_records;
    with_records.push_back(&node);
  }
  const NodeObservation* best = MostAdvanced(with_records);
  return best == nullptr ? std::vector<RepmgrNode>{} : *best->repmgr_records;
}

}  // namespace radctl
