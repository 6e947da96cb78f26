// What the chaos tests share: a watcher (`radctl apply --watch`) in the background, a writer
// through the endpoint, and the checks a user makes after a fault (no acknowledged row lost, a
// new primary the bouncer points to).
#pragma once

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/integration/harness.h"
#include "tests/support/process.h"
#include "tests/support/writer.h"

namespace radctl::it {

inline constexpr absl::Duration kHealTimeout = absl::Seconds(60);

// `radctl apply --watch` on the cluster, in the background. Declared after the TestCluster, it
// is stopped before the cluster is deleted; its log is printed when the test has failed.
class Watcher {
 public:
  // With `http_port`, it serves /metrics there (127.0.0.1), which WaitPasses reads.
  explicit Watcher(const TestCluster& cluster, int http_port = 0);
  ~Watcher();
  void Start();
  testsupport::Process& process() { return *process_; }
  std::string Log() const { return process_->Log(); }

  // Waits until the controller has completed `passes` more reconcile passes (observe, plan,
  // act) than when called, or `timeout`. A test that checks that the controller does *not* do
  // something gives it passes to decide in, not a stretch of wall time: on a loaded machine a
  // fixed sleep may hold fewer passes than it seems. Needs an http_port.
  ::testing::AssertionResult WaitPasses(int passes, absl::Duration timeout) const;

 private:
  int64_t Passes() const;  // radctl_reconcile_runs_total; -1 when /metrics does not answer

  const TestCluster& cluster_;
  int http_port_;
  std::string log_path_;
  std::unique_ptr<testsupport::Process> process_;
};

// Creates the writer's table and starts writing through the endpoint every 50 ms.
std::unique_ptr<testsupport::Writer> StartWriter(const TestCluster& cluster);

// Every id the writer saw acknowledged is in the table.
::testing::AssertionResult NoAcknowledgedRowLost(const TestCluster& cluster,
                                                 const testsupport::Writer& writer);

// Writes succeed again after `since`.
::testing::AssertionResult WritesResume(const testsupport::Writer& writer, absl::Time since);

// Another node than `old_primary` is the writable primary and the bouncer points to it; its
// name goes to `new_primary`.
::testing::AssertionResult WaitNewPrimary(const TestCluster& cluster,
                                          const std::string& old_primary, std::string* new_primary);

}  // namespace radctl::it
