// A controller on a FakeWorld for unit tests of the loop, observer and executor: the real
// ReconcileLoop, Observer and Executor, with the fakes behind their interfaces and a cluster
// store in a temporary directory. What the controller prints goes to `log()`.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

#include "absl/strings/str_cat.h"
#include "controller/loop/reconcile_loop.h"
#include "controller/state/cluster_credentials.h"
#include "controller/state/cluster_store.h"
#include "controller/state/event_log.h"
#include "controller/state/primary_record.h"
#include "crd-like-specs/cluster_spec.h"
#include "reconcilers/naming.h"
#include "tests/fakes/fake_world.h"

namespace radctl::testing {

// A new, empty directory of this harness's own. A name made of the process id would not do: a
// run that was killed leaves its directory (with a recorded primary) behind, and a later test
// process given the same pid would start with that cluster state.
inline std::filesystem::path NewStateRoot() {
  std::string path = (std::filesystem::temp_directory_path() / "radctl-loop-test-XXXXXX").string();
  if (mkdtemp(path.data()) == nullptr) {
    throw std::runtime_error("cannot make a temporary directory in " + path);
  }
  return path;
}

inline ClusterSpec FakeSpec(int nodes = 3) {
  ClusterSpec spec;
  spec.name = "demo";
  spec.nodes = nodes;
  spec.postgres.image = "radctl/postgres:15";
  spec.bouncer.port = 6543;  // resolved: the loop never sees `auto`
  return spec;
}

class ControllerHarness {
 public:
  explicit ControllerHarness(ClusterSpec spec = FakeSpec())
      : spec_(std::move(spec)),
        world_(spec_.name),
        root_(NewStateRoot()),
        store_(root_.string(), spec_.name, world_.clock()),
        events_(log_, &store_, /*json_lines=*/false, world_.clock()) {
    // As apply makes them: passwords, SCRAM secrets, a CA and a server certificate.
    absl::StatusOr<ClusterSecrets> secrets = EnsureCredentials(store_, spec_, world_.clock().Now());
    if (secrets.ok()) secrets_ = *secrets;
    NewController();
  }
  ~ControllerHarness() {
    loop_.reset();
    record_.Detach();
    lease_.reset();
    std::filesystem::remove_all(root_);
  }

  FakeWorld& world() { return world_; }
  ClusterSpec& spec() { return spec_; }
  ClusterStore& store() { return store_; }
  ReconcileLoop& loop() { return *loop_; }
  const ClusterSecrets& secrets() const { return secrets_; }
  std::string log() const { return log_.str(); }

  // The record of the primary under the cluster's lease, for an Executor run outside the loop:
  // the controller lets the lease go (it takes it again when it next acts).
  PrimaryRecord& record() {
    if (lease_ != nullptr && record_.attached()) return record_;
    NewController();
    docker::ContainerConfig config;
    config.name = LeaseName(spec_.name);
    config.mounts = {{LeaseVolumeName(spec_.name), "/var/lib/radctl-lease"}};
    absl::StatusOr<std::unique_ptr<EngineLease>> lease = world_.env().runtime.TakeLease(config);
    if (!lease.ok()) throw std::runtime_error(std::string(lease.status().message()));
    lease_ = *std::move(lease);
    if (absl::Status attached = record_.Attach(*lease_).status(); !attached.ok()) {
      throw std::runtime_error(std::string(attached.message()));
    }
    return record_;
  }

  // A controller started afresh (what a restart after a crash looks like: no memory).
  void NewController(absl::Duration converge_timeout = absl::Minutes(10)) {
    record_.Detach();
    lease_.reset();
    loop_.reset();
    LoopOptions options;
    options.converge_timeout = converge_timeout;
    loop_ = std::make_unique<ReconcileLoop>(world_.env(), secrets_, events_, options, store_);
  }

  absl::Status Converge() {
    bool acted = false;
    return loop_->Converge(spec_, &acted);
  }
  absl::Status Converge(bool* acted) { return loop_->Converge(spec_, acted); }

  // Lets the controller act for about `fake_time` without requiring convergence.
  void RunFor(absl::Duration fake_time) {
    NewController(fake_time);
    (void)Converge();
    NewController();
  }

  // The credentials for the current spec (a changed spec.auth.password), as apply keeps them; a
  // controller started afresh with them.
  absl::Status ReloadCredentials() {
    absl::StatusOr<ClusterSecrets> secrets = EnsureCredentials(store_, spec_, world_.clock().Now());
    if (!secrets.ok()) return secrets.status();
    secrets_ = *secrets;
    NewController();
    return absl::OkStatus();
  }

  // A 3-node cluster, converged: primary 1, standbys 2 and 3, the bouncer on 1.
  absl::Status BringUp() { return Converge(); }

 private:
  ClusterSpec spec_;
  FakeWorld world_;
  std::filesystem::path root_;
  ClusterStore store_;
  std::ostringstream log_;
  EventLog events_;
  ClusterSecrets secrets_;
  PrimaryRecord record_{store_};
  std::unique_ptr<EngineLease> lease_;  // record()'s
  std::unique_ptr<ReconcileLoop> loop_;
};

}  // namespace radctl::testing
