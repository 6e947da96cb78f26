// What pooled clients see when the primary is `docker kill`ed under load, checked with the client
// users reach for: pgbench through the endpoint (8 clients, 200 tps, simple protocol), which
// aborts a client on its first error. A client may lose only the transaction it had in flight on
// the dead primary ("server conn crashed?"); one that was idle or between transactions must be
// held and served by the new primary, never turned away ("server login has been failing, try
// again later (server_login_retry)"). pgbench runs from the radctl/postgres image (the same
// PostgreSQL 15 build) on the host's network, against the published endpoint.
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/harness.h"
#include "tests/integration/watch_support.h"

namespace radctl::it {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int kClients = 8;

// pgbench in a container on the host's network, with the cluster's CA mounted where the URI
// says it is.
std::string Pgbench(const TestCluster& cluster, const std::string& args) {
  const std::string ca = cluster.StateFile("tls/ca.crt");
  return absl::StrCat("docker run --rm --network host --user root -v ", ca, ":", ca,
                      ":ro --entrypoint /usr/lib/postgresql/15/bin/pgbench radctl/postgres:15 ",
                      ShellQuote(cluster.Uri()), " ", args);
}

// The lines of pgbench's output that say a client was aborted, and why.
std::vector<std::string> Aborts(const std::string& output) {
  std::vector<std::string> aborts;
  for (absl::string_view line : absl::StrSplit(output, '\n')) {
    if (absl::StrContains(line, "aborted in command")) aborts.emplace_back(line);
  }
  return aborts;
}

TEST(PooledClientsTest, AKilledPrimaryAbortsOnlyTheTransactionsInFlightOnIt) {
  TestCluster cluster("it-pooled", 3, 16620, "  replication:\n    synchronous: true\n");
  ASSERT_EQ(cluster.Apply().exit_code, 0);
  Watcher watcher(cluster);
  ASSERT_TRUE(cluster.WaitHealthy(2, kHealTimeout));
  CommandResult init = Shell(Pgbench(cluster, "-i -q -s 1"));
  ASSERT_EQ(init.exit_code, 0) << init.out << init.err;

  // Two kills, one pgbench run each (an aborted client does not come back within a run).
  for (int round = 1; round <= 2; ++round) {
    SCOPED_TRACE(absl::StrCat("kill ", round));
    std::string primary;
    ASSERT_TRUE(cluster.WaitHealthy(2, kHealTimeout, &primary));
    CommandResult load;
    std::thread pgbench([&] {
      load = Shell(
          Pgbench(cluster, absl::StrCat("-n -c ", kClients, " -j 2 -R 200 -T 10 -M simple 2>&1")));
    });
    // Let every client connect and run for a while before the kill.
    ASSERT_TRUE(WaitFor(
        [&](std::string* observed) {
          absl::StatusOr<std::vector<std::vector<std::string>>> n = cluster.QueryEndpoint(
              "SELECT count(*) FROM pgbench_history WHERE mtime > now() - interval '1 second'");
          *observed = n.ok() ? absl::StrCat((*n)[0][0], " transactions in the last second")
                             : std::string(n.status().message());
          return n.ok() && std::stoi((*n)[0][0]) >= 100;
        },
        absl::Seconds(20)));
    ASSERT_EQ(Shell(absl::StrCat("docker kill ", primary)).exit_code, 0);
    pgbench.join();

    std::string new_primary;
    ASSERT_TRUE(WaitNewPrimary(cluster, primary, &new_primary));
    const std::string output = load.out + load.err;
    EXPECT_THAT(output, Not(HasSubstr("server_login_retry")))
        << "a client with nothing in flight was turned away:\n"
        << output;
    for (const std::string& abort : Aborts(output)) {
      EXPECT_THAT(abort, HasSubstr("server conn crashed?")) << "only in-flight transactions abort";
    }
    EXPECT_THAT(output, HasSubstr("number of transactions actually processed"))
        << "pgbench ran to its end:\n"
        << output;
    std::cerr << "kill " << round << " of " << primary << ": " << Aborts(output).size() << " of "
              << kClients << " clients aborted\n";
  }
  if (::testing::Test::HasFailure()) std::cerr << "---- watcher log ----\n" << watcher.Log();
}

}  // namespace
}  // namespace radctl::it
