#include "controller/reporting/watched_clusters.h"

namespace radctl {

void WatchedClusters::Put(std::shared_ptr<const WatchedCluster> cluster) {
  std::lock_guard<std::mutex> lock(mu_);
  clusters_[cluster->name] = std::move(cluster);
}

void WatchedClusters::Remove(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  clusters_.erase(name);
}

std::vector<std::shared_ptr<const WatchedCluster>> WatchedClusters::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::shared_ptr<const WatchedCluster>> list;
  list.reserve(clusters_.size());
  for (const auto& [name, cluster] : clusters_) list.push_back(cluster);
  return list;
}

std::shared_ptr<const WatchedCluster> WatchedClusters::Find(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = clusters_.find(name);
  return it == clusters_.end() ? nullptr : it->second;
}

}  // namespace radctl
