// Every cluster that `radctl apply` is given (-f FILE, several -f, -f DIR), each on a worker of
// its own, as a Kubernetes controller reconciles every object of its kind from one process. In
// watch mode a directory is read again every second: a spec added starts its cluster's worker,
// a spec removed stops it (the cluster keeps running; with --prune its containers are removed,
// its data volumes kept).
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "controller/clients/env.h"
#include "controller/fleet/cluster_worker.h"
#include "controller/fleet/spec_file_cache.h"
#include "controller/reporting/watched_clusters.h"
#include "controller/state/event_log.h"

namespace radctl {

struct FleetOptions {
  std::vector<std::string> sources;  // the -f arguments
  std::string state_root;
  bool watch = false;
  bool prune = false;
  bool json_logs = false;
};

class Fleet {
 public:
  // `watched` is what the HTTP endpoint serves: workers are added and removed as they come and go.
  Fleet(const Env& env, FleetOptions options, WatchedClusters& watched);
  ~Fleet();  // stops every worker

  // apply: every spec at once, until each cluster has converged. All specs are read first, so
  // one that is invalid (or two naming the same cluster) changes nothing. The first failure,
  // once all have ended; a stop ends it within about two seconds.
  [[nodiscard]] absl::Status Apply(const std::atomic<bool>& stop);

  // apply --watch: applies, then keeps every cluster healthy until `stop`. With one spec file,
  // a failure only the user can fix ends it, as apply does; with several, it is reported and
  // the others go on.
  [[nodiscard]] absl::Status Watch(const std::atomic<bool>& stop);

 private:
  struct Candidate {  // a spec file read during a scan
    std::string path;
    SpecFile file;
  };
  // Reads every source. `strict`: any invalid file or duplicate name is an error; otherwise
  // they are reported (once per content) and left out.
  absl::StatusOr<std::vector<Candidate>> Scan(bool strict);
  // Starts the cluster's worker; reports why not (and returns it) when it cannot start.
  absl::Status StartWorker(const Candidate& candidate);
  // Brings the workers in line with the specs found now (directory sources).
  void Resync();
  // Joins the workers asked to stop that have ended; prunes their clusters when asked to.
  void ReapStopped();
  void StopAll();
  WorkerOptions OptionsForWorker(bool several) const;

  const Env& env_;
  FleetOptions options_;
  WatchedClusters& watched_;
  EventLog log_;  // the controller's own progress (clusters' events go to their own logs)
  bool several_ = false;
  std::map<std::string, std::unique_ptr<ClusterWorker>> workers_;  // by cluster name
  struct Stopping {
    std::unique_ptr<ClusterWorker> worker;
    bool prune = false;
  };
  std::vector<Stopping> stopping_;
  std::map<std::string, std::string> reported_;  // what was said about a path or name, once
  std::set<std::string> unreadable_;             // files of the last scan that did not parse
  SpecFileCache spec_files_;
  struct Retry {
    std::string digest;  // the content that failed to start
    absl::Time after;    // on the clock's Monotonic()
  };
  std::map<std::string, Retry> retry_;  // clusters that could not start, by name
};

}  // namespace radctl
