// One cluster that a controller applies and (in watch mode) keeps healthy: its lock, what is
// kept with it, its loop, on a thread of its own so that nothing one cluster does (a clone of
// many GB, an engine call that hangs) delays another's failover.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "controller/clients/env.h"
#include "controller/loop/reconcile_loop.h"
#include "controller/reporting/watched_clusters.h"
#include "controller/state/cluster_lock.h"
#include "controller/state/desired_state_loader.h"
#include "controller/state/event_log.h"

namespace radctl {

struct WorkerOptions {
  std::string state_root;
  bool watch = false;
  bool json_logs = false;
  // Progress lines name the cluster (a controller of several).
  bool name_in_progress = false;
  // A first convergence that fails for a reason only the user can fix ends the worker (one
  // cluster applied from one file: apply exits with it) rather than being reported while the
  // watch goes on (a directory of clusters: the others must not stop for it).
  bool end_on_failure = true;
};

class ClusterWorker {
 public:
  // Everything that may refuse before anything changes: the images, the port, the lock, the
  // configuration, the passwords. `path` is the spec file `file` was read from.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<ClusterWorker>> Prepare(
      const Env& env, const std::string& path, const SpecFile& file, WorkerOptions options);
  ~ClusterWorker();  // stops, and waits for the actions still running

  // Converges, then (watch mode) watches until RequestStop, on the worker's thread.
  void Start();
  void RequestStop() { stop_ = true; }
  bool Finished() const { return finished_; }
  void Join();
  // Once Finished: why the first convergence failed (OK when it did not, or watching went on).
  const absl::Status& result() const { return result_; }

  const std::string& name() const { return desired_.name; }
  const std::string& path() const { return path_; }
  std::shared_ptr<const WatchedCluster> watched() const { return watched_; }

 private:
  ClusterWorker(const Env& env, std::string path, WorkerOptions options,
                std::shared_ptr<ClusterStore> store, ClusterLock lock);
  void Run();
  void PrintReady(absl::Duration took, bool acted) const;

  const Env& env_;
  std::string path_;
  WorkerOptions options_;
  std::shared_ptr<ClusterStore> store_;
  ClusterLock lock_;
  EventLog events_;
  DesiredStateLoader loader_;
  ClusterSpec desired_;
  std::shared_ptr<WatchedCluster> watched_;
  std::unique_ptr<ReconcileLoop> loop_;  // after what it refers to: ended first
  std::atomic<bool> stop_{false};
  std::atomic<bool> finished_{false};
  absl::Status result_;
  std::thread thread_;
};

}  // namespace radctl
