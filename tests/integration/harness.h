// What integration tests need to act like a user: run radctl and docker, connect through the
// endpoint, look inside a node with `docker exec psql`, and wait for a condition with a deadline
// (never a bare sleep), printing what was last observed when the deadline passes.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/clients/postgres/pg_connection.h"
#include "gtest/gtest.h"
#include "tests/support/writer.h"

namespace radctl::it {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// `text` as one word for /bin/sh.
std::string ShellQuote(const std::string& text);
// Runs `command` with /bin/sh; RADCTL_STATE_DIR points at the tests' own state directory.
CommandResult Shell(const std::string& command);
// Runs the radctl under test with `args` (already shell-quoted where needed).
CommandResult Radctl(const std::string& args);

// Polls `condition` until it returns true or `timeout` passes, every 100 ms or, for a condition
// that takes longer than 50 ms to answer, twice its time. `condition` may fill `observed` with
// what it saw; on timeout that text is the failure message.
::testing::AssertionResult WaitFor(const std::function<bool(std::string* observed)>& condition,
                                   absl::Duration timeout);

// The ordinal in a node name: "it-apply-pg-2" -> 2 (clusters in tests have fewer than 10 nodes).
int OrdinalOf(const std::string& node_name);

// Waits until the writer has had `count` writes acknowledged that started after `since`.
::testing::AssertionResult WritesFlow(const testsupport::Writer& writer, absl::Time since,
                                      int count = 5, absl::Duration timeout = absl::Seconds(60));

// A cluster owned by one test: named it-<suffix>, with its own bouncer port (0: `port: auto`).
class TestCluster {
 public:
  TestCluster(std::string name, int nodes, int port, std::string extra_spec = "");
  ~TestCluster();  // deletes the cluster, also when the test failed

  const std::string& name() const { return name_; }
  const std::string& spec_path() const { return spec_path_; }
  std::string Node(int ordinal) const { return name_ + "-pg-" + std::to_string(ordinal); }
  // Rewrites the spec file (e.g. another node count).
  void WriteSpec(int nodes, const std::string& extra_spec = "");

  CommandResult Apply(const std::string& extra_args = "") const;
  absl::StatusOr<nlohmann::json> Status() const;
  std::string Uri() const;
  // The endpoint (the bouncer) as the app user, from the URI radctl gives.
  absl::StatusOr<PgEndpoint> Endpoint() const;
  // A connection through the endpoint (the bouncer) as the app user, kept by the caller.
  absl::StatusOr<std::unique_ptr<PgConnection>> ConnectEndpoint() const;
  // A session on the bouncer's admin console (database pgbouncer), as radctl's admin user.
  absl::StatusOr<std::unique_ptr<PgConnection>> BouncerConsole() const;
  // Runs SQL through the endpoint (the bouncer) as the app user.
  absl::StatusOr<std::vector<std::vector<std::string>>> QueryEndpoint(const std::string& sql) const;
  // Runs SQL inside a node as postgres over its local socket: what a user sees with docker exec.
  absl::StatusOr<std::string> QueryNode(int ordinal, const std::string& sql,
                                        const std::string& db = "app") const;
  // One writable primary that the bouncer points to and `standbys` standbys streaming from it,
  // as `status -o json` reports it; `primary` gets its name.
  bool Healthy(int standbys, std::string* observed, std::string* primary = nullptr) const;
  // Waits until Healthy (up to `timeout`).
  ::testing::AssertionResult WaitHealthy(int standbys, absl::Duration timeout,
                                         std::string* primary = nullptr) const;
  // Waits until `sql` returns `expected` on the node (e.g. a replicated row).
  ::testing::AssertionResult WaitNodeQuery(int ordinal, const std::string& sql,
                                           const std::string& expected,
                                           absl::Duration timeout) const;

  // The path of `file` in the cluster's state directory (e.g. "secrets.json").
  std::string StateFile(const std::string& file) const;

  // Docker objects labelled as this cluster's: "containers", "networks", "volumes".
  std::vector<std::string> LabelledObjects(const std::string& kind) const;
  void RemoveEverything() const;

 private:
  std::string name_;
  int port_;
  std::string spec_path_;
};

// A cluster the tests of one suite share (ctest runs a suite in one process), for tests that
// each begin with a healthy cluster of this spec and may end with another primary: brought up by
// the first test that asks, handed to each later one converged (radctl apply) and healthy, or,
// when it is not within a minute, deleted and brought up afresh, so that a test that broke it
// costs the next one time, never a failure. Deleted after the suite's last test.
TestCluster& SharedCluster(const std::string& name, int nodes, int port,
                           const std::string& extra_spec = "");

}  // namespace radctl::it
