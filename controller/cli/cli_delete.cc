// radctl delete NAME [--keep-volumes]
#include <iostream>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "controller/cli/cli_support.h"
#include "controller/cli/commands.h"
#include "controller/state/cluster_lock.h"
#include "controller/state/event_log.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/naming.h"

namespace radctl {

absl::Status RunDelete(const GlobalOptions& global, const DeleteOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<RealEnv> real, RealEnv::Connect());
  const ContainerRuntime& docker = real->env().runtime;
  ClusterStore store(global.state_dir, options.name);
  // A watcher would re-create what is deleted: refuse while one runs.
  ASSIGN_OR_RETURN(ClusterLock lock,
                   ClusterLock::Acquire(store.dir(), options.name, "radctl delete"));
  EventLog events(std::cerr, nullptr, global.json_logs);

  // Only objects labelled as this cluster's: nothing else is ever touched.
  ASSIGN_OR_RETURN(std::vector<docker::ContainerSummary> containers,
                   docker.ListContainers(kLabelCluster, options.name));
  std::vector<absl::Status> results(containers.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < containers.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = docker.RemoveContainer(containers[i].name); });
  }
  for (std::thread& thread : threads) thread.join();
  for (size_t i = 0; i < containers.size(); ++i) {
    RETURN_IF_ERROR(results[i]);
    events.Progress(absl::StrCat("removed container ", containers[i].name));
  }
  ASSIGN_OR_RETURN(std::vector<docker::NetworkSummary> networks,
                   docker.ListNetworks(kLabelCluster, options.name));
  for (const docker::NetworkSummary& network : networks) {
    RETURN_IF_ERROR(docker.RemoveNetwork(network.name));
    events.Progress(absl::StrCat("removed network ", network.name));
  }
  ASSIGN_OR_RETURN(std::vector<docker::VolumeSummary> volumes,
                   docker.ListVolumes(kLabelCluster, options.name));
  for (const docker::VolumeSummary& volume : volumes) {
    if (options.keep_volumes) {
      events.Progress(absl::StrCat("kept volume ", volume.name, " (its data)"));
      continue;
    }
    RETURN_IF_ERROR(docker.RemoveVolume(volume.name));
    events.Progress(absl::StrCat("removed volume ", volume.name, " and its data"));
  }
  RETURN_IF_ERROR(store.Remove(/*keep_secrets=*/options.keep_volumes));
  if (containers.empty() && networks.empty() && volumes.empty()) {
    std::cout << "cluster " << options.name << ": nothing to delete\n";
  } else {
    std::cout << "cluster " << options.name << " deleted"
              << (options.keep_volumes ? " (volumes and passwords kept)" : "") << "\n";
  }
  return absl::OkStatus();
}

}  // namespace radctl
