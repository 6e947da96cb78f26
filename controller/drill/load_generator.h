// The drill's load: K writers (and optionally readers), each its own libpq connection through
// the endpoint, like the clients of an application pool. A writer inserts one uniquely keyed row
// per tick into radctl_drill.writes and reconnects after an error; every statement is recorded
// (start, end, outcome), so outages, failures and lost rows can be measured afterwards.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "controller/clients/clock.h"
#include "controller/clients/postgres/pg_connection.h"
#include "controller/drill/drill_result.h"

namespace radctl::drill {

inline constexpr char kDrillSchema[] = "radctl_drill";

// SQL run through the endpoint before the first round: a schema of the drill's own (an earlier,
// interrupted drill's is replaced), the writers' table and the scratch table the split-brain
// probes write into (and roll back).
std::string SetupSql();
// Run after the last round, also after a failed one.
std::string TeardownSql();

struct LoadOptions {
  int writers = 4;
  int readers = 0;
  double rate = 100;  // writes per second over all writers; each reader reads at a writer's pace
  absl::Duration connect_timeout = absl::Seconds(5);
  absl::Duration statement_timeout = absl::Seconds(15);
};

class LoadGenerator {
 public:
  LoadGenerator(const Clock& clock, PgEndpoint endpoint, LoadOptions options);
  ~LoadGenerator();  // stops
  LoadGenerator(const LoadGenerator&) = delete;
  LoadGenerator& operator=(const LoadGenerator&) = delete;

  void Start(int round);
  void Stop();

  // Rows written from now on carry `round`.
  void SetRound(int round) { round_ = round; }
  // True when no statement of a round <= `round` is still in flight: the acknowledged rows of
  // that round are then final.
  bool Drained(int round) const;

  // Statements that ended within [from, to].
  std::vector<ClientOp> Ops(absl::Time from, absl::Time to) const;
  // Writers with an acknowledged write that started at or after `since`.
  int WritersAcknowledgedSince(absl::Time since) const;
  // Keys (client, seq) of the acknowledged writes of `round`.
  std::vector<std::pair<int, int64_t>> Acknowledged(int round) const;
  // Forgets statements that ended before `before` (a long soak keeps only what it reports).
  void Forget(absl::Time before);

 private:
  void RunClient(int client, bool read);

  const Clock& clock_;
  PgEndpoint endpoint_;
  LoadOptions options_;
  absl::Duration interval_;
  std::atomic<int> round_{0};
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
  // Per client: the round of the statement in flight, 0 when none.
  std::unique_ptr<std::atomic<int>[]> in_flight_;
  mutable std::mutex mu_;
  std::vector<ClientOp> ops_;
};

}  // namespace radctl::drill
