// What pooled clients see when the primary is `docker kill`ed under load, checked with the client
// users reach for: pgbench through the endpoint (8 clients, 200 tps, simple protocol), which
// aborts a client on its first error. A client may lose only the transaction it had in flight on
// the dead primary ("server conn crashed?"); one that was idle or between transactions must be
// held and served by the new primary, never turned away ("server login has been failing, try
// again later (server_login_retry)"). pgbench runs from the radctl/postgres image (the same
// PostgreSQL 15 build) on the host's network, against the published endpoint.
//
// The two ways a dying primary fails one of PgBouncer's logins (and so turns away every client
// that arrives next, until radctl's hold) are each made certain in a test of their own: the
// primary dies in the middle of the login, and the login comes after Docker has removed the
// dead primary's name. Both run without a controller until the clients are waiting, so no hold
// can hide the failed login.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
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
  return absl::StrCat("docker run --rm --name ", cluster.name(), "-pgbench",
                      " --network host --user root -v ", ca, ":", ca,
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

// The primary's sessions and what each waits on, its standbys and the names it waits for: what
// a person looks at when writes stop.
std::string WhatThePrimaryWaitsOn(const TestCluster& cluster, const std::string& primary) {
  int ordinal = 0;
  if (!absl::SimpleAtoi(primary.substr(primary.rfind('-') + 1), &ordinal)) return "";
  std::string seen;
  for (const char* sql :
       {"SELECT string_agg(concat_ws(' ', pid, usename, application_name, state, wait_event_type, "
        "wait_event, xact_start, left(query, 60)), E'\\n') FROM pg_stat_activity",
        "SELECT string_agg(concat_ws(' ', application_name, state, sync_state, sent_lsn, "
        "flush_lsn), E'\\n') FROM pg_stat_replication",
        "SELECT current_setting('synchronous_standby_names') || ' at ' || pg_current_wal_lsn()"}) {
    absl::StatusOr<std::string> rows = cluster.QueryNode(ordinal, sql);
    absl::StrAppend(&seen, "\n", rows.ok() ? *rows : rows.status().ToString());
  }
  return seen;
}

// SHOW POOLS, the app database's row: `column` as a number (-1 when there is no such row).
int AppPoolColumn(PgConnection& console, int column) {
  absl::StatusOr<PgRows> pools = console.Query("SHOW POOLS", absl::Seconds(5));
  if (!pools.ok()) return -1;
  for (const PgRow& row : *pools) {
    int value = 0;
    if (row.size() > static_cast<size_t>(column) && row[0] == "app" &&
        absl::SimpleAtoi(row[column].value_or(""), &value)) {
      return value;
    }
  }
  return -1;
}
constexpr int kClientsWaiting = 3;  // cl_waiting
constexpr int kMaxWaitMicros = 14;  // maxwait_us: how long the oldest waiting client has waited

// The app database's server connections in the bouncer (SHOW SERVERS: the third column).
int AppServers(PgConnection& console) {
  absl::StatusOr<PgRows> servers = console.Query("SHOW SERVERS", absl::Seconds(5));
  if (!servers.ok()) return -1;
  int count = 0;
  for (const PgRow& row : *servers) count += row.size() > 2 && row[2] == "app";
  return count;
}

// Kills `node` at the latest moment of a PgBouncer login to it: a helper container in the
// node's network and process namespaces (the bouncer image has nft) lets the first six
// messages of each new connection from `bouncer_ip` through and holds back the seventh. A
// TLS + SCRAM login sends seven (SSLRequest, two ClientHellos around the HelloRetryRequest,
// Finished, StartupMessage, SASLInitialResponse, SASLResponse), so at that moment the node has
// given five of its six answers. The helper then kills the node's processes at once, before
// the node could send any answer again. Holding back the seventh message also holds back the
// acknowledgement it carries of the node's fifth answer, which a real death never does (the
// message would reach the node's kernel, which takes the acknowledgement and resets the
// connection): the node's kernel would retransmit that answer ~0.2 s later with its FIN in the
// same segment, a close carrying data that the bouncer rightly lets pass. So once the seventh
// message came, the node's segments with data on that connection are dropped too; its plain
// FIN and reset go out, as after a real death. Connections made before stay untouched.
// Returns once the helper is armed.
::testing::AssertionResult KillDuringTheNextLogin(const std::string& node,
                                                  const std::string& bouncer_ip) {
  const std::string from = absl::StrCat("ip saddr ", bouncer_ip, " tcp dport 5432");
  const std::string script = absl::StrCat(
      "nft -f - <<EOF\n", "table inet stall_login {\n chain input {\n",
      "  type filter hook input priority filter; policy accept;\n", "  ", from,
      " tcp flags & (syn | ack) == syn ct mark set 100\n", "  ", from,
      " tcp flags & psh == psh ct mark >= 100 ct mark < 107 ct mark set ct mark map ",
      "{ 100 : 101, 101 : 102, 102 : 103, 103 : 104, 104 : 105, 105 : 106, 106 : 107 }\n", "  ",
      from, " ct mark 107 counter drop\n }\n", " chain output {\n",
      "  type filter hook output priority filter; policy accept;\n", "  ip daddr ", bouncer_ip,
      " tcp sport 5432 ct mark 107 tcp flags & psh == psh drop\n }\n}\nEOF\n", "echo armed\n",
      "until nft list table inet stall_login | grep -q 'packets [1-9]'; do :; done\n",
      // Every process but the helper and tini (a PID namespace's init ignores a SIGKILL from
      // inside it); tini exits with its killed child, and the container with it, as on a
      // `docker kill`.
      "kill -9 -1\n");
  const std::string helper = node + "-killer";
  CommandResult started = Shell(absl::StrCat(
      "docker run -d --rm --name ", helper, " --network container:", node, " --pid container:",
      node, " --cap-add NET_ADMIN --entrypoint sh radctl/pgbouncer -c ", ShellQuote(script)));
  if (started.exit_code != 0) return ::testing::AssertionFailure() << started.err;
  return WaitFor(
      [&](std::string* observed) {
        *observed = Shell(absl::StrCat("docker logs ", helper, " 2>&1")).out;
        return absl::StrContains(*observed, "armed");
      },
      absl::Seconds(10));
}

std::string BouncerAddress(const TestCluster& cluster) {
  return std::string(absl::StripAsciiWhitespace(
      Shell(absl::StrCat("docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}",
                         "{{end}}' ", cluster.name(), "-bouncer"))
          .out));
}

// A query on `session` in a thread of its own, so that the test can act while it waits.
class QueryInFlight {
 public:
  explicit QueryInFlight(PgConnection& session)
      : thread_([this, &session] {
          result_ = session.Query("SELECT 1", absl::Seconds(30)).status();
          done_ = true;
        }) {}
  ~QueryInFlight() { Result(); }
  bool done() const { return done_; }
  const absl::Status& Result() {
    if (thread_.joinable()) thread_.join();
    return result_;
  }

 private:
  absl::Status result_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

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
    // This run's transactions only: the last run's last second may be less than a second ago.
    absl::StatusOr<std::vector<std::vector<std::string>>> started =
        cluster.QueryEndpoint("SELECT now()::timestamp");
    ASSERT_TRUE(started.ok()) << started.status();
    const std::string since = (*started)[0][0];
    CommandResult load;
    std::atomic<bool> finished{false};
    std::thread pgbench([&] {
      load = Shell(
          Pgbench(cluster, absl::StrCat("-n -c ", kClients, " -j 2 -R 200 -T 10 -M simple 2>&1")));
      finished = true;
    });
    // pgbench ends at -T only between transactions: one that hangs is stopped, so that the
    // thread ends (a test that ends with it running aborts the whole binary), after what
    // `stuck_on` waits on is taken.
    auto stop_pgbench = [&](const std::string& stuck_on) {
      const std::string sessions = WhatThePrimaryWaitsOn(cluster, stuck_on);
      const std::string container = cluster.name() + "-pgbench";
      const std::string state =
          Shell(absl::StrCat("docker ps -a --filter name=", container, " --format '{{.Status}}'"))
              .out;
      Shell(absl::StrCat("docker kill ", container));
      pgbench.join();
      return absl::StrCat(load.out, load.err, "\npgbench's container: ", state, "---- ", stuck_on,
                          " ----", sessions);
    };
    // Let every client connect and run for a while before the kill.
    const bool running = WaitFor(
        [&](std::string* observed) {
          absl::StatusOr<std::vector<std::vector<std::string>>> n = cluster.QueryEndpoint(
              absl::StrCat("SELECT count(*) FROM pgbench_history WHERE mtime > '", since, "'"));
          *observed = n.ok() ? absl::StrCat((*n)[0][0], " transactions of this run")
                             : std::string(n.status().message());
          return n.ok() && std::stoi((*n)[0][0]) >= 100;
        },
        absl::Seconds(20));
    if (!running) FAIL() << "pgbench did not get going before the kill:\n" << stop_pgbench(primary);
    ASSERT_EQ(Shell(absl::StrCat("docker kill ", primary)).exit_code, 0);
    std::string new_primary;
    const ::testing::AssertionResult new_primary_found =
        WaitNewPrimary(cluster, primary, &new_primary);
    // -T 10 and a failover well within it: a run still going a minute after the kill is stuck.
    if (!WaitFor([&](std::string*) { return finished.load(); }, absl::Seconds(60))) {
      FAIL() << "pgbench did not end after the kill:\n" << stop_pgbench(new_primary);
    }
    pgbench.join();
    ASSERT_TRUE(new_primary_found);

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
}

// The bouncer's console and two clients connected through the endpoint of a 2-node cluster,
// neither with anything in flight (a has been served once, so the app's pool exists).
struct IdleClients {
  std::string primary;
  std::unique_ptr<PgConnection> console;
  std::unique_ptr<PgConnection> a;
  std::unique_ptr<PgConnection> b;
};

void BringUpWithIdleClients(const TestCluster& cluster, IdleClients* clients) {
  ASSERT_EQ(cluster.Apply().exit_code, 0);
  ASSERT_TRUE(cluster.WaitHealthy(1, kHealTimeout, &clients->primary));
  absl::StatusOr<std::unique_ptr<PgConnection>> console = cluster.BouncerConsole();
  absl::StatusOr<std::unique_ptr<PgConnection>> a = cluster.ConnectEndpoint();
  absl::StatusOr<std::unique_ptr<PgConnection>> b = cluster.ConnectEndpoint();
  ASSERT_TRUE(console.ok() && a.ok() && b.ok());
  clients->console = *std::move(console);
  clients->a = *std::move(a);
  clients->b = *std::move(b);
  ASSERT_TRUE(clients->a->Execute("SELECT 1", absl::Seconds(5)).ok());
}

// b's query, sent now, after a's login has failed or would have: b must wait beside a, not be
// turned away; a controller started then fails over and both are served.
void ExpectBothHeldThenServed(const TestCluster& cluster, IdleClients& clients,
                              QueryInFlight& query_a) {
  QueryInFlight query_b(*clients.b);
  EXPECT_TRUE(WaitFor(
      [&](std::string* observed) {
        int waiting = AppPoolColumn(*clients.console, kClientsWaiting);
        *observed = query_b.done() ? query_b.Result().ToString()
                                   : absl::StrCat(waiting, " clients waiting");
        return waiting == 2;
      },
      absl::Seconds(5)))
      << "b, with nothing in flight, must wait beside a";
  Watcher watcher(cluster);
  EXPECT_TRUE(query_a.Result().ok()) << query_a.Result();
  EXPECT_TRUE(query_b.Result().ok()) << query_b.Result();
}

TEST(PooledClientsTest, APrimaryDyingInTheMiddleOfTheBouncersLoginTurnsNoClientAway) {
  TestCluster cluster("it-midlogin", 2, 16625);
  IdleClients clients;
  ASSERT_NO_FATAL_FAILURE(BringUpWithIdleClients(cluster, &clients));
  const std::string& primary = clients.primary;
  // No server connection left: a's next query needs a new login, in which the primary dies.
  ASSERT_TRUE(clients.console->Execute("RECONNECT app", absl::Seconds(5)).ok());
  ASSERT_TRUE(WaitFor(
      [&](std::string* observed) {
        int servers = AppServers(*clients.console);
        *observed = absl::StrCat(servers, " server connections of app");
        return servers == 0;
      },
      absl::Seconds(10)));
  ASSERT_TRUE(KillDuringTheNextLogin(primary, BouncerAddress(cluster)));
  QueryInFlight query_a(*clients.a);
  ASSERT_TRUE(WaitFor(
      [&](std::string* observed) {
        CommandResult running =
            Shell(absl::StrCat("docker inspect -f '{{.State.Running}}' ", primary));
        *observed = query_a.done() ? "a was served: its login never came to its last message"
                                   : absl::StrCat(primary, " running: ", running.out);
        return absl::StartsWith(running.out, "false");
      },
      absl::Seconds(10)));
  ExpectBothHeldThenServed(cluster, clients, query_a);
}

TEST(PooledClientsTest, ALoginAfterDockerForgotTheDeadPrimarysNameTurnsNoClientAway) {
  TestCluster cluster("it-forgotten", 2, 16626);
  IdleClients clients;
  ASSERT_NO_FATAL_FAILURE(BringUpWithIdleClients(cluster, &clients));
  const std::string& primary = clients.primary;
  ASSERT_EQ(Shell(absl::StrCat("docker kill ", primary, " && docker wait ", primary)).exit_code, 0);
  // Asked in the standby's container: in the bouncer's, an answer that the name does not
  // exist never arrives (the fix under test).
  const std::string lookup =
      absl::StrCat("docker exec ", cluster.Node(3 - OrdinalOf(primary)), " getent hosts ", primary);
  ASSERT_TRUE(WaitFor(
      [&](std::string* observed) {
        CommandResult found = Shell(lookup);
        *observed = absl::StrCat("Docker's DNS still resolves ", primary, ": ", found.out);
        return found.exit_code != 0;
      },
      absl::Seconds(10)));
  // a's query needs a login, whose lookup of the name finds nothing; b arrives after it.
  QueryInFlight query_a(*clients.a);
  ASSERT_TRUE(WaitFor(
      [&](std::string* observed) {
        int waited = AppPoolColumn(*clients.console, kMaxWaitMicros);
        *observed = query_a.done() ? query_a.Result().ToString()
                                   : absl::StrCat("a has waited ", waited, " us");
        return waited >= 200'000;
      },
      absl::Seconds(5)));
  ExpectBothHeldThenServed(cluster, clients, query_a);
}

}  // namespace
}  // namespace radctl::it
