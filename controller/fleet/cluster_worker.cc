#include "controller/fleet/cluster_worker.h"

#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "controller/fleet/apply_checks.h"
#include "controller/reporting/status_report.h"
#include "controller/state/cluster_credentials.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/next_step.h"

namespace radctl {

absl::StatusOr<std::unique_ptr<ClusterWorker>> ClusterWorker::Prepare(const Env& env,
                                                                      const std::string& path,
                                                                      const SpecFile& file,
                                                                      WorkerOptions options) {
  RETURN_IF_ERROR(CheckImages(env.runtime, file.spec));
  RETURN_IF_ERROR(CheckBouncerPort(env.runtime, file.spec));
  auto store = std::make_shared<ClusterStore>(options.state_root, file.spec.name, env.clock);
  ASSIGN_OR_RETURN(ClusterLock lock,
                   ClusterLock::Acquire(env.clock, store->dir(), file.spec.name,
                                        options.watch ? "radctl apply --watch" : "radctl apply"));
  RETURN_IF_ERROR(CheckChangedConfiguration(env.runtime, *store, file.spec));
  std::unique_ptr<ClusterWorker> worker(
      new ClusterWorker(env, path, std::move(options), store, std::move(lock)));
  worker->loader_.set_validator([&env, store](const ClusterSpec& spec) {
    return CheckChangedConfiguration(env.runtime, *store, spec);
  });
  ASSIGN_OR_RETURN(worker->desired_, worker->loader_.Apply(file));
  // A port picked earlier for `auto` may have been taken while the cluster was away.
  if (file.spec.bouncer.port == kAutoPort || file.spec.bouncer.read_port == kAutoReadPort) {
    RETURN_IF_ERROR(CheckBouncerPort(env.runtime, worker->desired_));
  }
  RETURN_IF_ERROR(CheckSecretsMatchData(env.runtime, *store, worker->desired_.name));

  auto watched = std::make_shared<WatchedCluster>();
  watched->name = worker->desired_.name;
  watched->file = path;
  watched->store = store;
  ASSIGN_OR_RETURN(watched->secrets, EnsureCredentials(*store, worker->desired_, env.clock.Now()));
  watched->state = std::make_shared<ControllerState>(watched->name, store.get(), env.clock);
  worker->watched_ = watched;
  worker->loop_ = std::make_unique<ReconcileLoop>(env, watched->secrets, worker->events_,
                                                  LoopOptions{}, *store, watched->state.get());
  return worker;
}

ClusterWorker::ClusterWorker(const Env& env, std::string path, WorkerOptions options,
                             std::shared_ptr<ClusterStore> store, ClusterLock lock)
    : env_(env),
      path_(std::move(path)),
      options_(std::move(options)),
      store_(std::move(store)),
      lock_(std::move(lock)),
      events_(std::cerr, store_.get(), options_.json_logs, env_.clock),
      loader_(path_, *store_, events_) {}

ClusterWorker::~ClusterWorker() {
  RequestStop();
  Join();
}

void ClusterWorker::Start() {
  if (options_.name_in_progress) events_.set_progress_prefix(desired_.name);
  thread_ = std::thread([this] { Run(); });
}

void ClusterWorker::Join() {
  if (thread_.joinable()) thread_.join();
}

void ClusterWorker::Run() {
  absl::Time start = env_.clock.Monotonic();
  bool acted = false;
  absl::Status converged = loop_->Converge(desired_, &acted, &stop_);
  const bool watch_on = options_.watch && WatchOnAfterApply(converged, options_.end_on_failure);
  if (converged.ok()) PrintReady(env_.clock.Monotonic() - start, acted);
  if (!watch_on) {
    result_ = converged;
    finished_ = true;
    return;
  }
  if (!converged.ok()) {
    events_.Warning(desired_.name, "ApplyFailed",
                    absl::StrCat(converged.message(), "\n  (watching on: fix it and save ", path_,
                                 ", or it is retried from time to time)"));
  }
  if (options_.watch && !stop_) {
    events_.Progress(absl::StrCat("watching cluster ", desired_.name, " (", path_, ")"));
    loop_->Watch([this] { return loader_.Refresh(); }, stop_);
    events_.Progress(absl::StrCat("stopped watching cluster ", desired_.name));
  }
  finished_ = true;
}

void ClusterWorker::PrintReady(absl::Duration took, bool acted) const {
  std::string text = absl::StrCat(
      acted ? absl::StrFormat("cluster %s is ready (%.1fs)\n", desired_.name,
                              absl::ToDoubleSeconds(took))
            : absl::StrFormat("cluster %s is up to date: nothing to do\n", desired_.name),
      "  endpoint: ", EndpointUri(desired_, watched_->secrets, /*masked=*/true), "\n",
      "  connect:  psql \"$(radctl status ", desired_.name, " -o uri)\"\n");
  std::cout << text << std::flush;  // one write: clusters applied together do not interleave
}

}  // namespace radctl
