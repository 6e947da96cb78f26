// The clusters one watcher serves, as its HTTP endpoint sees them. The set changes while the
// watcher runs (spec files added to or removed from a watched directory); readers get shared
// copies, so a cluster removed meanwhile stays valid until the request that holds it ends.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "controller/config/secrets.h"
#include "controller/reporting/controller_state.h"
#include "controller/state/cluster_store.h"

namespace radctl {

struct WatchedCluster {
  std::string name;
  std::string file;  // the spec file it is applied from
  std::shared_ptr<ControllerState> state;
  std::shared_ptr<ClusterStore> store;
  ClusterSecrets secrets;
};

class WatchedClusters {
 public:
  void Put(std::shared_ptr<const WatchedCluster> cluster);
  void Remove(const std::string& name);
  std::vector<std::shared_ptr<const WatchedCluster>> List() const;  // by name
  // Null when it is not watched.
  std::shared_ptr<const WatchedCluster> Find(const std::string& name) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const WatchedCluster>> clusters_;
};

}  // namespace radctl
