#include "controller/operations/cluster_removal.h"

#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
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

// How long a lease whose holder has just ended may still run (the engine ends it once it sees
// the holder's connection closed, in about a tenth of a second).
constexpr absl::Duration kLeaseEndWait = absl::Seconds(3);
constexpr absl::Duration kLeasePoll = absl::Milliseconds(50);

// Returns once no controller holds the cluster's lease and its container is gone (it mounts the
// volume that goes with the cluster's). FailedPrecondition while a controller holds it: it runs
// from a copy of the state directory or on another host, and would re-create what is removed.
absl::Status WaitForTheLeaseToEnd(const ContainerRuntime& runtime, const Clock& clock,
                                  const std::string& name) {
  const absl::Time give_up = clock.Monotonic() + kLeaseEndWait;
  while (true) {
    absl::StatusOr<docker::ContainerInfo> lease = runtime.InspectContainer(LeaseName(name));
    if (absl::IsNotFound(lease.status())) return absl::OkStatus();
    RETURN_IF_ERROR(lease.status());
    if (!lease->running && lease->state != "removing") {
      // Never started (its holder died first) or ended: nothing else removes it now.
      absl::Status removed = runtime.RemoveContainer(lease->id);
      if (!removed.ok() && !absl::IsAborted(removed)) return removed;
    } else if (clock.Monotonic() >= give_up) {
      auto holder = lease->labels.find(kLabelLeaseHolder);
      return absl::FailedPreconditionError(absl::StrCat(
          "a controller acts on cluster ", name, " (",
          holder == lease->labels.end() ? "holder unknown" : holder->second, ", container ",
          LeaseName(name),
          "), from a copy of this state directory or from another host: it would re-create what "
          "is deleted; stop it first. Nothing was removed"));
    }
    clock.SleepFor(kLeasePoll);
  }
}

}  // namespace

absl::Status RemoveCluster(const ContainerRuntime& runtime, ClusterStore& store,
                           const std::string& name, RemovalOptions options, EventLog& events,
                           bool* found) {
  RETURN_IF_ERROR(WaitForTheLeaseToEnd(runtime, store.clock(), name));
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
