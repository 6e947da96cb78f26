#include "controller/operations/cluster_removal.h"

#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/naming.h"

namespace radctl {
namespace {

// `remove` applied to every item at once, one thread each (the engine serves each call in
// about a tenth of a second, mostly waiting); the statuses in the items' order.
template <typename Item, typename Remove>
std::vector<absl::Status> ForEachAtOnce(const std::vector<Item>& items, const Remove& remove) {
  std::vector<absl::Status> results(items.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < items.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = remove(items[i]); });
  }
  for (std::thread& thread : threads) thread.join();
  return results;
}

}  // namespace

absl::Status RemoveCluster(const ContainerRuntime& runtime, ClusterStore& store,
                           const std::string& name, RemovalOptions options, EventLog& events,
                           bool* found) {
  // A controller holding the lease runs from a copy of the state directory or on another host,
  // and would re-create what is removed.
  if (absl::Status ended = runtime.AwaitLeaseEnd(LeaseName(name)); !ended.ok()) {
    if (!absl::IsFailedPrecondition(ended)) return ended;
    return absl::FailedPreconditionError(absl::StrCat(
        "a controller acts on cluster ", name, " from a copy of this state directory or from ",
        "another host (", ended.message(), "): it would re-create what is deleted; stop it ",
        "first. Nothing was removed"));
  }
  ASSIGN_OR_RETURN(std::vector<docker::ContainerSummary> containers,
                   runtime.ListContainers(kLabelCluster, name));
  std::vector<absl::Status> results = ForEachAtOnce(
      containers, [&](const auto& container) { return runtime.RemoveContainer(container.name); });
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
  if (options.keep_volumes) {
    for (const docker::VolumeSummary& volume : volumes) {
      events.Progress(absl::StrCat("kept volume ", volume.name, " (its data)"));
    }
  } else {
    std::vector<absl::Status> removed = ForEachAtOnce(
        volumes, [&](const auto& volume) { return runtime.RemoveVolume(volume.name); });
    for (size_t i = 0; i < volumes.size(); ++i) {
      RETURN_IF_ERROR(removed[i]);
      events.Progress(absl::StrCat("removed volume ", volumes[i].name, " and its data"));
    }
  }
  RETURN_IF_ERROR(store.Remove(/*keep_secrets=*/options.keep_volumes));
  *found = !containers.empty() || !networks.empty() || !volumes.empty();
  return absl::OkStatus();
}

}  // namespace radctl
