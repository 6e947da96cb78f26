// After a round: are all of its acknowledged writes there? Checked on the primary, and on every
// standby streaming from it once the standby has replayed past the primary's WAL position taken
// after the round's last write was answered, each over its published port.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "controller/clients/clock.h"
#include "controller/clients/postgres/pg_connection.h"
#include "controller/drill/cluster_probe.h"

namespace radctl::drill {

using WriteKey = std::pair<int, int64_t>;  // (writer, seq) within a round

struct WriteCheckResult {
  int64_t acknowledged = 0;
  int64_t lost = 0;                        // missing on at least one checked node
  std::map<std::string, int64_t> missing;  // node -> acknowledged rows it lacks
  std::vector<std::string> checked;
  std::vector<std::string> unchecked;  // "demo-pg-3: not streaming from demo-pg-2"
  std::vector<WriteKey> examples;      // a few lost keys, for the message
};

// The acknowledged keys absent from `present`.
std::vector<WriteKey> MissingKeys(const std::vector<WriteKey>& acknowledged,
                                  const std::set<WriteKey>& present);

// `node_login` carries user, password and database; host and port are filled per node.
WriteCheckResult CheckAcknowledgedWrites(const Clock& clock, const ClusterView& view,
                                         const std::string& primary, const PgEndpoint& node_login,
                                         int round, const std::vector<WriteKey>& acknowledged,
                                         absl::Duration replay_timeout);

}  // namespace radctl::drill
