#include "controller/drill/write_check.h"

#include <algorithm>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "controller/drill/load_generator.h"

namespace radctl::drill {
namespace {

constexpr absl::Duration kTimeout = absl::Seconds(10);
constexpr int kExamples = 5;

absl::StatusOr<std::set<WriteKey>> RowsOf(PgConnection& conn, int round) {
  absl::StatusOr<PgRows> rows = conn.Query(
      absl::StrCat("SELECT writer, seq FROM ", kDrillSchema, ".writes WHERE round = ", round),
      kTimeout);
  if (!rows.ok()) return rows.status();
  std::set<WriteKey> present;
  for (const PgRow& row : *rows) {
    int writer = 0;
    int64_t seq = 0;
    if (row.size() == 2 && absl::SimpleAtoi(row[0].value_or(""), &writer) &&
        absl::SimpleAtoi(row[1].value_or(""), &seq)) {
      present.insert({writer, seq});
    }
  }
  return present;
}

}  // namespace

std::vector<WriteKey> MissingKeys(const std::vector<WriteKey>& acknowledged,
                                  const std::set<WriteKey>& present) {
  std::vector<WriteKey> missing;
  for (const WriteKey& key : acknowledged) {
    if (present.count(key) == 0) missing.push_back(key);
  }
  return missing;
}

WriteCheckResult CheckAcknowledgedWrites(const Clock& clock, const ClusterView& view,
                                         const std::string& primary, const PgEndpoint& node_login,
                                         int round, const std::vector<WriteKey>& acknowledged,
                                         absl::Duration replay_timeout) {
  WriteCheckResult result;
  result.acknowledged = static_cast<int64_t>(acknowledged.size());
  std::set<WriteKey> lost;
  auto connect = [&](const std::string& node) -> absl::StatusOr<std::unique_ptr<PgConnection>> {
    auto port = view.ports.find(node);
    if (port == view.ports.end() || port->second == 0) {
      return absl::UnavailableError("no published port");
    }
    PgEndpoint endpoint = node_login;
    endpoint.host = "127.0.0.1";
    endpoint.port = port->second;
    endpoint.application_name = "radctl-drill-check";
    return PgConnection::Connect(clock, endpoint, kTimeout);
  };
  auto record = [&](const std::string& node, const std::set<WriteKey>& present) {
    std::vector<WriteKey> missing = MissingKeys(acknowledged, present);
    result.checked.push_back(node);
    if (!missing.empty()) result.missing[node] = static_cast<int64_t>(missing.size());
    lost.insert(missing.begin(), missing.end());
  };

  absl::StatusOr<std::unique_ptr<PgConnection>> on_primary = connect(primary);
  absl::StatusOr<PgRows> lsn = on_primary.ok()
                                   ? (*on_primary)->Query("SELECT pg_current_wal_lsn()", kTimeout)
                                   : absl::StatusOr<PgRows>(on_primary.status());
  absl::StatusOr<std::set<WriteKey>> primary_rows =
      lsn.ok() ? RowsOf(**on_primary, round) : absl::StatusOr<std::set<WriteKey>>(lsn.status());
  if (!primary_rows.ok() || lsn->empty() || !(*lsn)[0][0]) {
    result.unchecked.push_back(absl::StrCat(
        primary,
        " (primary): ", primary_rows.ok() ? "no WAL position" : primary_rows.status().message()));
    return result;
  }
  record(primary, *primary_rows);
  const std::string position = *(*lsn)[0][0];

  std::vector<std::string> streaming = view.StreamingFrom(primary, absl::Seconds(5));
  for (const auto& [node, probe] : view.nodes) {
    if (node == primary) continue;
    if (std::find(streaming.begin(), streaming.end(), node) == streaming.end()) {
      result.unchecked.push_back(absl::StrCat(node, ": not streaming from ", primary));
      continue;
    }
    absl::StatusOr<std::unique_ptr<PgConnection>> conn = connect(node);
    if (!conn.ok()) {
      result.unchecked.push_back(absl::StrCat(node, ": ", conn.status().message()));
      continue;
    }
    // Replayed past the primary's position: everything acknowledged before it is there, or lost.
    const absl::Time deadline = clock.Monotonic() + replay_timeout;
    bool replayed = false;
    while (!replayed && clock.Monotonic() < deadline) {
      absl::StatusOr<PgRows> rows = (*conn)->Query(
          absl::StrCat("SELECT pg_last_wal_replay_lsn() >= '", position, "'::pg_lsn"), kTimeout);
      if (!rows.ok()) break;
      replayed = !rows->empty() && (*rows)[0][0].value_or("") == "t";
      if (!replayed) clock.SleepFor(absl::Milliseconds(100));
    }
    if (!replayed) {
      result.unchecked.push_back(absl::StrCat(node, ": had not replayed up to ", position,
                                              " within ", absl::FormatDuration(replay_timeout)));
      continue;
    }
    absl::StatusOr<std::set<WriteKey>> rows = RowsOf(**conn, round);
    if (!rows.ok()) {
      result.unchecked.push_back(absl::StrCat(node, ": ", rows.status().message()));
      continue;
    }
    record(node, *rows);
  }
  result.lost = static_cast<int64_t>(lost.size());
  for (const WriteKey& key : lost) {
    if (static_cast<int>(result.examples.size()) >= kExamples) break;
    result.examples.push_back(key);
  }
  return result;
}

}  // namespace radctl::drill
