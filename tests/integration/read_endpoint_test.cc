// The read-only endpoint (spec.bouncer.readPort) on the real engine, on one 3-node cluster under a
// watcher, as a user sees it through psql with the URI `status -o uri --read` prints: it answers
// from standbys (pg_is_in_recovery() = true) spread over both of them, keeps answering while a
// standby is killed (the killed one is taken out, and put back once it streams again), and falls
// back to the primary when no standby answers.
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
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
// the bouncer opens several server connections: "true 172.18.0.3" per client that succeeded.
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

// New connections through `uri`, one after the other, in the background (a shell loop), until
// Stop: when each started, and whether it was answered by a standby.
struct ReadAttempt {
  absl::Time start;
  bool ok = false;
  std::string text;
};
class ReadLoop {
 public:
  explicit ReadLoop(const std::string& uri) {
    std::remove(kStop);
    std::remove(kDone);
    Shell(absl::StrCat(
        "nohup sh -c ",
        ShellQuote(absl::StrCat(
            "while [ ! -e ", kStop, " ]; do s=$(date +%s%3N); ", "if out=$(psql -XAt ",
            ShellQuote(uri), " -c ",
            ShellQuote("SELECT pg_is_in_recovery() || ' ' || host(inet_server_addr())"),
            " 2>&1); then echo \"$s ok $out\"; else echo \"$s fail $(echo $out)\"; fi; done; ",
            "touch ", kDone)),
        " >", kLog, " 2>&1 &"));
  }
  ~ReadLoop() { Stop(); }
  std::vector<ReadAttempt> Attempts() const {
    std::vector<ReadAttempt> attempts;
    for (absl::string_view line :
         absl::StrSplit(Shell(absl::StrCat("cat ", kLog)).out, '\n', absl::SkipEmpty())) {
      std::vector<std::string> fields = absl::StrSplit(line, absl::MaxSplits(' ', 2));
      int64_t ms = 0;
      if (fields.size() < 3 || !absl::SimpleAtoi(fields[0], &ms)) continue;
      attempts.push_back({absl::FromUnixMillis(ms),
                          fields[1] == "ok" && absl::StartsWith(fields[2], "true "), fields[2]});
    }
    return attempts;
  }
  // The loop checks for the stop file between reads, and says when it has ended.
  std::vector<ReadAttempt> Stop() {
    Shell(absl::StrCat("touch ", kStop));
    EXPECT_TRUE(WaitFor(
        [](std::string* observed) {
          *observed = "the read loop has not ended";
          return Shell(absl::StrCat("test -e ", kDone)).exit_code == 0;
        },
        absl::Seconds(20)));
    return Attempts();
  }

 private:
  static constexpr char kStop[] = "/tmp/radctl-it-ro-read-loop.stop";
  static constexpr char kLog[] = "/tmp/radctl-it-ro-read-loop.log";
  static constexpr char kDone[] = "/tmp/radctl-it-ro-read-loop.done";
};

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
      [&](std::string* seen) {
        return ReadEndpointIs(cluster, {cluster.Node(2), cluster.Node(3)}, false, seen);
      },
      absl::Seconds(30)));

  const std::string uri = std::string(absl::StripAsciiWhitespace(
      Radctl(absl::StrCat("status ", cluster.name(), " -o uri --read")).out));
  ASSERT_THAT(uri, HasSubstr(absl::StrCat(":", kReadPort, "/")));
  ASSERT_THAT(uri, HasSubstr("sslmode=verify-full&sslrootcert="));

  // Reads come from standbys, and new server connections go to both of them in turn.
  CommandResult first = Read(uri);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_THAT(first.out, ::testing::StartsWith("true "));
  std::set<std::string> reached;
  for (const std::string& line : ConcurrentReads(uri, 4)) {
    EXPECT_THAT(line, ::testing::StartsWith("true ")) << line;
    reached.insert(line.substr(5));
  }
  EXPECT_EQ(reached, (std::set<std::string>{pg2, pg3}));

  // A standby is killed while a reader opens a new connection through the read endpoint again
  // and again (as an application does after an error). The controller takes it out; every read
  // that starts once that is done succeeds, from a standby.
  ReadLoop loop(uri);
  ASSERT_TRUE(WaitFor(
      [&](std::string* observed) {
        *observed = absl::StrCat(loop.Attempts().size(), " reads");
        return loop.Attempts().size() >= 3;
      },
      absl::Seconds(10)));
  const absl::Time killed = absl::Now();
  ASSERT_EQ(Shell(absl::StrCat("docker kill ", cluster.Node(3))).exit_code, 0);
  absl::Time taken_out = absl::InfinitePast();
  ASSERT_TRUE(WaitFor(
      [&](std::string* observed) {
        taken_out =
            EventTime(cluster, absl::StrCat(cluster.Node(3), " taken out of the read endpoint"),
                      killed, observed);
        return taken_out != absl::InfinitePast();
      },
      absl::Seconds(20)));
  // The watcher starts the killed standby again; once it streams it is put back (the event
  // comes first, then the retarget, which status then shows).
  absl::Time put_back = absl::InfinitePast();
  ASSERT_TRUE(WaitFor(
      [&](std::string* observed) {
        put_back = EventTime(cluster, absl::StrCat(cluster.Node(3), " put into the read endpoint"),
                             taken_out + absl::Nanoseconds(1), observed);
        return put_back != absl::InfinitePast();
      },
      absl::Seconds(40)));
  ASSERT_TRUE(WaitFor(
      [&](std::string* seen) {
        return ReadEndpointIs(cluster, {cluster.Node(2), cluster.Node(3)}, false, seen);
      },
      absl::Seconds(10)));
  const absl::Time back = absl::Now();
  ASSERT_TRUE(WaitFor(
      [&](std::string* observed) {
        *observed = "no read started after pg-3 was put back";
        std::vector<ReadAttempt> attempts = loop.Attempts();
        return !attempts.empty() && attempts.back().start > back;
      },
      absl::Seconds(10)));
  std::vector<ReadAttempt> attempts = loop.Stop();
  int during = 0;
  int failed = 0;
  for (const ReadAttempt& attempt : attempts) {
    if (attempt.start < killed) continue;
    ++during;
    if (!attempt.ok) ++failed;
    // The retarget (upload + RELOAD) ends within a second of its event; from then on no read
    // may reach the dead standby.
    if (attempt.start > taken_out + absl::Seconds(1)) {
      EXPECT_TRUE(attempt.ok) << "a read after the retarget failed: " << attempt.text;
    }
  }
  std::cerr << "standby killed -> taken out of the read endpoint (event): "
            << absl::FormatDuration(taken_out - killed) << "; put back after "
            << absl::FormatDuration(put_back - killed) << "; reads meanwhile: " << failed << " of "
            << during << " failed\n";

  std::string observed;

  // No standby answers (both frozen): the read endpoint falls back to the primary, and says so.
  const absl::Time frozen = absl::Now();
  ASSERT_EQ(Shell(absl::StrCat("docker pause ", cluster.Node(2), " ", cluster.Node(3))).exit_code,
            0);
  EXPECT_TRUE(WaitFor(
      [&](std::string* seen) { return ReadEndpointIs(cluster, {cluster.Node(1)}, true, seen); },
      absl::Seconds(20)));
  CommandResult fallback = Read(uri);
  EXPECT_EQ(fallback.exit_code, 0) << fallback.err;
  EXPECT_THAT(fallback.out, ::testing::StartsWith("false ")) << "served by a standby?";
  CommandResult table = Radctl(absl::StrCat("status ", cluster.name()));
  EXPECT_THAT(table.out, HasSubstr(absl::StrCat("fallback: primary ", cluster.Node(1))));
  const absl::Time fell_back =
      EventTime(cluster, "read endpoint falls back to the primary", frozen, &observed);
  EXPECT_NE(fell_back, absl::InfinitePast()) << observed;
  std::cerr << "both standbys frozen -> falls back to the primary (event): "
            << absl::FormatDuration(fell_back - frozen) << "\n";
  ASSERT_EQ(Shell(absl::StrCat("docker unpause ", cluster.Node(2), " ", cluster.Node(3))).exit_code,
            0);
  EXPECT_TRUE(WaitFor(
      [&](std::string* seen) {
        return ReadEndpointIs(cluster, {cluster.Node(2), cluster.Node(3)}, false, seen);
      },
      absl::Seconds(30)));
}

}  // namespace
}  // namespace radctl::it
