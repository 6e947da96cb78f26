// The read-only endpoint (spec.bouncer.readPort) on the real engine, on one 3-node cluster under a
// watcher, as a user sees it through psql with the URI `status -o uri --read` prints: it answers
// from standbys (pg_is_in_recovery() = true) spread over both of them, keeps answering while a
// standby is killed (the killed one is taken out, and put back once it streams again), and falls
// back to the primary when no standby answers.
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/harness.h"
#include "tests/integration/watch_support.h"

namespace radctl::it {
namespace {

using ::testing::HasSubstr;

constexpr int kPort = 17110;
constexpr int kReadPort = 17111;

// The node's address on the cluster network: what inet_server_addr() says on it.
std::string Address(const std::string& container) {
  return std::string(absl::StripAsciiWhitespace(
      Shell(absl::StrCat("docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}"
                         "{{end}}' ",
                         container))
          .out));
}

// `clients` new connections at once through `uri`, each holding its server for a moment so that
// the bouncer opens several server connections: "t 172.18.0.3" per client that succeeded.
std::vector<std::string> ConcurrentReads(const std::string& uri, int clients) {
  std::string command;
  for (int i = 0; i < clients; ++i) {
    absl::StrAppend(&command, "psql -XAt ", ShellQuote(uri), " -c ",
                    ShellQuote("SELECT pg_is_in_recovery() || ' ' || host(inet_server_addr()) "
                               "FROM pg_sleep(0.5)"),
                    " & ");
  }
  absl::StrAppend(&command, "wait");
  return absl::StrSplit(Shell(command).out, '\n', absl::SkipEmpty());
}

CommandResult Read(const std::string& uri) {
  return Shell(absl::StrCat("psql -XAt ", ShellQuote(uri), " -c ",
                            ShellQuote("SELECT pg_is_in_recovery() || ' ' || "
                                       "host(inet_server_addr())")));
}

// The read endpoint as `status -o json` reports it.
bool ReadEndpointIs(const TestCluster& cluster, const std::vector<std::string>& serves,
                    bool fallback, std::string* observed) {
  absl::StatusOr<nlohmann::json> status = cluster.Status();
  if (!status.ok()) {
    *observed = std::string(status.status().message());
    return false;
  }
  const nlohmann::json& read = (*status)["read_endpoint"];
  *observed = read.dump();
  return read.is_object() && read["serves"] == nlohmann::json(serves) &&
         read["fallback"] == fallback;
}

// The first event whose message contains `text`, after `since`: its time.
absl::Time EventTime(const TestCluster& cluster, const std::string& text, absl::Time since,
                     std::string* observed) {
  CommandResult events = Radctl(absl::StrCat("events ", cluster.name(), " -o json"));
  *observed = events.out;
  nlohmann::json json = nlohmann::json::parse(events.out, nullptr, /*allow_exceptions=*/false);
  if (!json.is_array()) return absl::InfinitePast();
  for (const nlohmann::json& event : json) {
    absl::Time time;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, event["time"].get<std::string>(), &time, &error)) {
      continue;
    }
    if (time >= since && absl::StrContains(event["message"].get<std::string>(), text)) return time;
  }
  return absl::InfinitePast();
}

TEST(ReadEndpointTest, ServesStandbysThroughAKillAndFallsBackToThePrimary) {
  TestCluster cluster("ro-read", 3, kPort, absl::StrCat("    readPort: ", kReadPort, "\n"));
  CommandResult applied = cluster.Apply();
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  std::string primary;
  ASSERT_TRUE(cluster.WaitHealthy(2, absl::Seconds(90), &primary));
  ASSERT_EQ(primary, cluster.Node(1));
  const std::string pg2 = Address(cluster.Node(2));
  const std::string pg3 = Address(cluster.Node(3));
  ASSERT_FALSE(pg2.empty());
  Watcher watcher(cluster);
  ASSERT_TRUE(WaitFor(
      [&](std::string* observed) {
        return ReadEndpointIs(cluster, {cluster.Node(2), cluster.Node(3)}, false, observed);
      },
      absl::Seconds(30)));

  const std::string uri = std::string(absl::StripAsciiWhitespace(
      Radctl(absl::StrCat("status ", cluster.name(), " -o uri --read")).out));
  ASSERT_THAT(uri, HasSubstr(absl::StrCat(":", kReadPort, "/")));
  ASSERT_THAT(uri, HasSubstr("sslmode=verify-full&sslrootcert="));

  // Reads come from standbys, and new server connections go to both of them in turn.
  CommandResult first = Read(uri);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_THAT(first.out, ::testing::StartsWith("t "));
  std::set<std::string> reached;
  for (const std::string& line : ConcurrentReads(uri, 4)) {
    EXPECT_THAT(line, ::testing::StartsWith("t ")) << line;
    reached.insert(line.substr(2));
  }
  EXPECT_EQ(reached, (std::set<std::string>{pg2, pg3}));

  // A standby is killed: the controller takes it out; reads go on from the other one.
  const absl::Time killed = absl::Now();
  ASSERT_EQ(Shell(absl::StrCat("docker kill ", cluster.Node(3))).exit_code, 0);
  int during = 0;
  int failed_during = 0;
  absl::Time taken_out = absl::InfinitePast();
  ASSERT_TRUE(WaitFor(
      [&](std::string* observed) {
        ++during;
        if (Read(uri).exit_code != 0) ++failed_during;
        taken_out =
            EventTime(cluster, absl::StrCat(cluster.Node(3), " taken out of the read endpoint"),
                      killed, observed);
        return taken_out != absl::InfinitePast();
      },
      absl::Seconds(20)));
  std::cerr << "standby killed -> taken out of the read endpoint (event): "
            << absl::FormatDuration(taken_out - killed) << "; reads meanwhile: " << failed_during
            << " of " << during << " failed\n";
  for (int i = 0; i < 5; ++i) {
    CommandResult read = Read(uri);
    EXPECT_EQ(read.exit_code, 0) << read.err;
    // Served by pg-2, or by pg-3 once it streams again and is put back.
    EXPECT_THAT(read.out, ::testing::StartsWith("t ")) << read.out;
  }
  // The watcher starts the killed standby again; once it streams it is put back.
  ASSERT_TRUE(WaitFor(
      [&](std::string* observed) {
        return ReadEndpointIs(cluster, {cluster.Node(2), cluster.Node(3)}, false, observed);
      },
      absl::Seconds(40)));
  std::string observed;
  EXPECT_NE(EventTime(cluster, absl::StrCat(cluster.Node(3), " put into the read endpoint"), killed,
                      &observed),
            absl::InfinitePast())
      << observed;

  // No standby answers (both frozen): the read endpoint falls back to the primary, and says so.
  const absl::Time frozen = absl::Now();
  ASSERT_EQ(Shell(absl::StrCat("docker pause ", cluster.Node(2), " ", cluster.Node(3))).exit_code,
            0);
  EXPECT_TRUE(WaitFor(
      [&](std::string* observed) {
        return ReadEndpointIs(cluster, {cluster.Node(1)}, true, observed);
      },
      absl::Seconds(20)));
  std::cerr << "both standbys frozen -> fallback to the primary seen in status after "
            << absl::FormatDuration(absl::Now() - frozen) << "\n";
  CommandResult fallback = Read(uri);
  EXPECT_EQ(fallback.exit_code, 0) << fallback.err;
  EXPECT_THAT(fallback.out, ::testing::StartsWith("f ")) << "served by a standby?";
  CommandResult table = Radctl(absl::StrCat("status ", cluster.name()));
  EXPECT_THAT(table.out, HasSubstr(absl::StrCat("fallback: primary ", cluster.Node(1))));
  EXPECT_NE(EventTime(cluster, "read endpoint falls back to the primary", frozen, &observed),
            absl::InfinitePast())
      << observed;
  ASSERT_EQ(Shell(absl::StrCat("docker unpause ", cluster.Node(2), " ", cluster.Node(3))).exit_code,
            0);
  EXPECT_TRUE(WaitFor(
      [&](std::string* observed) {
        return ReadEndpointIs(cluster, {cluster.Node(2), cluster.Node(3)}, false, observed);
      },
      absl::Seconds(30)));
}

}  // namespace
}  // namespace radctl::it
