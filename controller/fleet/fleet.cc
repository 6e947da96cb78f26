#include "controller/fleet/fleet.h"

#include <iostream>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "controller/fleet/spec_sources.h"
#include "controller/operations/cluster_removal.h"
#include "controller/state/cluster_lock.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/next_step.h"

namespace radctl {
namespace {

// How often a watched directory is read again (when a cluster that could not start is tried
// again: TryStartAgain in reconcilers/next_step.h).
constexpr absl::Duration kRescanInterval = absl::Seconds(1);

// A stopped apply gives running actions this long, then ends as a kill would (every action is
// safe to repeat; an exec into a container cannot be interrupted).
constexpr absl::Duration kStopGrace = absl::Milliseconds(1500);

// `stop` is set from a signal handler, which cannot notify: looked at every 100 ms.
void SleepUnlessStopped(const Clock& clock, absl::Duration duration,
                        const std::atomic<bool>& stop) {
  const absl::Time until = clock.Monotonic() + duration;
  while (!stop && clock.Monotonic() < until) clock.SleepFor(absl::Milliseconds(100));
}

}  // namespace

Fleet::Fleet(const Env& env, FleetOptions options, WatchedClusters& watched)
    : env_(env),
      options_(std::move(options)),
      watched_(watched),
      log_(std::cerr, nullptr, options_.json_logs, env.clock),
      spec_files_(env.clock) {}

Fleet::~Fleet() { StopAll(); }

WorkerOptions Fleet::OptionsForWorker(bool several) const {
  WorkerOptions worker;
  worker.state_root = options_.state_root;
  worker.watch = options_.watch;
  worker.json_logs = options_.json_logs;
  worker.name_in_progress = several;
  worker.end_on_failure = !several;
  return worker;
}

absl::StatusOr<std::vector<Fleet::Candidate>> Fleet::Scan(bool strict) {
  ASSIGN_OR_RETURN(SpecSources sources, ListSpecFiles(options_.sources));
  std::vector<Candidate> found;
  std::vector<std::string> errors;
  std::map<std::string, std::string> path_of;  // cluster name -> the file that named it first
  unreadable_.clear();
  for (const std::string& path : sources.files) {
    absl::StatusOr<SpecFile> file = spec_files_.Read(path);
    std::string problem;
    if (!file.ok()) {
      problem = std::string(file.status().message());
    } else if (auto [it, added] = path_of.emplace(file->spec.name, path); !added) {
      problem = absl::StrCat(path, ": metadata.name ", file->spec.name, " is also the name in ",
                             it->second, "; each cluster needs a spec file of its own");
    }
    if (problem.empty()) {
      found.push_back({path, *std::move(file)});
      reported_.erase(path);
    } else if (strict) {
      errors.push_back(problem);
    } else {
      unreadable_.insert(path);
      if (reported_[path] != problem) {
        reported_[path] = problem;
        log_.Progress(absl::StrCat("ignored until it is fixed: ", problem));
      }
    }
  }
  spec_files_.KeepOnly(sources.files);
  if (!errors.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(absl::StrJoin(errors, "\n"), "\nNothing was changed."));
  }
  if (found.empty() && strict && !sources.has_directory) {
    return absl::InvalidArgumentError("no spec file given: -f FILE or -f DIRECTORY");
  }
  several_ = sources.has_directory || found.size() > 1;
  return found;
}

absl::Status Fleet::StartWorker(const Candidate& candidate) {
  const std::string& name = candidate.file.spec.name;
  absl::StatusOr<std::unique_ptr<ClusterWorker>> worker =
      ClusterWorker::Prepare(env_, candidate.path, candidate.file, OptionsForWorker(several_));
  if (!worker.ok()) {
    retry_[name] = Retry{candidate.file.digest, env_.clock.Monotonic() + kStartRetryInterval};
    std::string problem = absl::StrCat("cluster ", name, " (", candidate.path,
                                       ") not started: ", worker.status().message());
    if (several_ && reported_[name] != problem) log_.Progress(problem);
    reported_[name] = problem;
    return worker.status();
  }
  retry_.erase(name);
  reported_.erase(name);
  (*worker)->Start();
  watched_.Put((*worker)->watched());
  workers_[name] = *std::move(worker);
  return absl::OkStatus();
}

absl::Status Fleet::Apply(const std::atomic<bool>& stop) {
  ASSIGN_OR_RETURN(std::vector<Candidate> candidates, Scan(/*strict=*/true));
  std::vector<std::string> failed;
  absl::Status first_failure;
  for (const Candidate& candidate : candidates) {
    absl::Status started = StartWorker(candidate);
    if (!started.ok() && !several_) return started;
    if (!started.ok()) {
      failed.push_back(candidate.file.spec.name);
      if (first_failure.ok()) first_failure = started;
    }
  }
  absl::Time stop_seen = absl::InfinitePast();
  for (;;) {
    bool all_done = true;
    for (const auto& [name, worker] : workers_) all_done = all_done && worker->Finished();
    if (stop && stop_seen == absl::InfinitePast()) {
      stop_seen = env_.clock.Monotonic();
      for (const auto& [name, worker] : workers_) worker->RequestStop();
    }
    if (stop && (all_done || env_.clock.Monotonic() - stop_seen > kStopGrace)) {
      // Actions still running (a clone in the background) are cut off like by a kill.
      log_.Progress("stopped (signal); apply again to go on from here");
      std::cerr.flush();
      std::_Exit(1);
    }
    if (all_done) break;
    env_.clock.SleepFor(absl::Milliseconds(20));
  }
  for (const auto& [name, worker] : workers_) {
    if (worker->result().ok()) continue;
    if (!several_) return worker->result();
    log_.Progress(absl::StrCat("cluster ", name, " failed: ", worker->result().message()));
    failed.push_back(name);
    if (first_failure.ok()) first_failure = worker->result();
  }
  if (failed.empty()) return absl::OkStatus();
  return absl::Status(
      first_failure.code(),
      absl::StrCat(failed.size(), " of ", candidates.size(),
                   " clusters did not converge: ", absl::StrJoin(failed, ", "), " (see above)"));
}

absl::Status Fleet::Watch(const std::atomic<bool>& stop) {
  ASSIGN_OR_RETURN(SpecSources sources, ListSpecFiles(options_.sources));
  // Files named one by one must all be valid; a directory's may be fixed while watching.
  ASSIGN_OR_RETURN(std::vector<Candidate> candidates, Scan(/*strict=*/!sources.has_directory));
  for (const Candidate& candidate : candidates) {
    absl::Status started = StartWorker(candidate);
    if (!started.ok() && !several_) return started;
  }
  if (several_) {
    log_.Progress(absl::StrCat("watching ", workers_.size(), " clusters from ",
                               absl::StrJoin(options_.sources, ", "), "; Ctrl-C to stop"));
  }
  while (!stop) {
    SleepUnlessStopped(env_.clock, kRescanInterval, stop);
    if (stop) break;
    for (const auto& [name, worker] : workers_) {
      // Only a single cluster's worker ends on its own: with the failure apply exits with.
      if (!several_ && worker->Finished() && !worker->result().ok()) {
        absl::Status failure = worker->result();
        StopAll();
        return failure;
      }
    }
    if (sources.has_directory) Resync();
    ReapStopped();
  }
  StopAll();
  return absl::OkStatus();
}

void Fleet::Resync() {
  absl::StatusOr<std::vector<Candidate>> scanned = Scan(/*strict=*/false);
  if (!scanned.ok()) {
    std::string problem(scanned.status().message());
    if (reported_["-f"] != problem) log_.Progress(absl::StrCat("cannot read specs: ", problem));
    reported_["-f"] = problem;
    return;  // an unreadable directory is not a directory emptied: stop nothing
  }
  reported_.erase("-f");
  std::map<std::string, const Candidate*> wanted;
  for (const Candidate& candidate : *scanned) wanted[candidate.file.spec.name] = &candidate;

  for (auto it = workers_.begin(); it != workers_.end();) {
    auto want = wanted.find(it->first);
    if (want != wanted.end() && want->second->path == it->second->path()) {
      ++it;
      continue;
    }
    // A file that does not parse right now is one being edited, not one removed: its worker
    // stays on the last valid spec (and says so) and, above all, --prune leaves it alone.
    if (want == wanted.end() && unreadable_.count(it->second->path()) > 0) {
      ++it;
      continue;
    }
    const bool gone = want == wanted.end();
    log_.Progress(absl::StrCat(
        "cluster ", it->first, ": ", it->second->path(),
        gone ? " is gone: stopped watching it"
             : absl::StrCat(" no longer names it (", want->second->path, " does): watching anew"),
        gone && options_.prune ? "; --prune: removing its containers, keeping its data volumes"
        : gone ? absl::StrCat("; it keeps running (radctl delete ", it->first, " removes it)")
               : ""));
    it->second->RequestStop();
    watched_.Remove(it->first);
    stopping_.push_back({std::move(it->second), gone && options_.prune});
    it = workers_.erase(it);
  }
  ReapStopped();

  for (const auto& [name, candidate] : wanted) {
    if (workers_.count(name)) continue;
    bool still_stopping = false;
    for (const Stopping& s : stopping_) still_stopping |= s.worker->name() == name;
    if (still_stopping) continue;  // its lock is still held: next scan
    auto retry = retry_.find(name);
    if (retry != retry_.end() && !TryStartAgain(retry->second.digest, retry->second.after,
                                                candidate->file.digest, env_.clock.Monotonic())) {
      continue;
    }
    if (StartWorker(*candidate).ok()) {
      log_.Progress(absl::StrCat("cluster ", name, ": watching it (", candidate->path, ")"));
    }
  }
}

void Fleet::ReapStopped() {
  for (auto it = stopping_.begin(); it != stopping_.end();) {
    if (!it->worker->Finished()) {
      ++it;
      continue;
    }
    std::string name = it->worker->name();
    bool prune = it->prune;
    it->worker.reset();  // joins, and lets go of the cluster's lock
    it = stopping_.erase(it);
    if (!prune) continue;
    ClusterStore store(options_.state_root, name, env_.clock);
    absl::StatusOr<ClusterLock> lock =
        ClusterLock::Acquire(env_.clock, store.dir(), name, "radctl apply --watch --prune");
    absl::Status removed = lock.status();
    bool found = false;
    if (lock.ok()) {
      RemovalOptions removal;
      removal.keep_volumes = true;
      removed = RemoveCluster(env_.runtime, store, name, removal, log_, &found);
    }
    log_.Progress(removed.ok()
                      ? absl::StrCat("cluster ", name,
                                     " pruned (volumes and passwords kept: radctl "
                                     "delete ",
                                     name, " removes them)")
                      : absl::StrCat("cluster ", name, " not pruned: ", removed.message()));
  }
}

void Fleet::StopAll() {
  for (auto& [name, worker] : workers_) worker->RequestStop();
  for (auto& [name, worker] : workers_) {
    worker->Join();
    watched_.Remove(name);
  }
  workers_.clear();
  for (Stopping& s : stopping_) s.worker->Join();
  stopping_.clear();
}

}  // namespace radctl
