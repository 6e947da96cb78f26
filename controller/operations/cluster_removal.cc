#include "controller/operations/cluster_removal.h"

#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/naming.h"

namespace radctl {

absl::Status RemoveCluster(const ContainerRuntime& runtime, ClusterStore& store,
                           const std::string& name, RemovalOptions options, EventLog& events,
                           bool* found) {
  ASSIGN_OR_RETURN(std::vector<docker::ContainerSummary> containers,
                   runtime.ListContainers(kLabelCluster, name));
  std::vector<absl::Status> results(containers.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < containers.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = runtime.RemoveContainer(containers[i].name); });
  }
  for (std::thread& thread : threads) thread.join();
  for (size_t i = 0; i < containers.size(); ++i) {
    RETURN_IF_ERROR(results[i]);
    events.Progress(absl::StrCat("removed container ", containers[i].name));
  }
  ASSIGN_OR_RETURN(std::vector<docker::NetworkSummary> networks,
                   runtime.ListNetworks(kLabelCluster, name));
  for (const docker::NetworkSummary& network : networks) {
    RETURN_IF_ERROR(runtime.RemoveNetwork(network.name));
    events.Progress(absl::StrCat("removed network ", network.name));
  }
  ASSIGN_OR_RETURN(std::vector<docker::VolumeSummary> volumes,
                   runtime.ListVolumes(kLabelCluster, name));
  for (const docker::VolumeSummary& volume : volumes) {
    if (options.keep_volumes) {
      events.Progress(absl::StrCat("kept volume ", volume.name, " (its data)"));
      continue;
    }
    RETURN_IF_ERROR(runtime.RemoveVolume(volume.name));
    events.Progress(absl::StrCat("removed volume ", volume.name, " and its data"));
  }
  RETURN_IF_ERROR(store.Remove(/*keep_secrets=*/options.keep_volumes));
  *found = !containers.empty() || !networks.empty() || !volumes.empty();
  return absl::OkStatus();
}

}  // namespace radctl
