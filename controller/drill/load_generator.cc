#include "controller/drill/load_generator.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "controller/drill/measure.h"

namespace radctl::drill {

std::string SetupSql() {
  return absl::StrCat("DROP SCHEMA IF EXISTS ", kDrillSchema, " CASCADE; CREATE SCHEMA ",
                      kDrillSchema, "; ", "CREATE TABLE ", kDrillSchema,
                      ".writes (round int NOT NULL, writer int NOT NULL, ",
                      "seq bigint NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp(), ",
                      "PRIMARY KEY (round, writer, seq)); ", "CREATE TABLE ", kDrillSchema,
                      ".split_probe (node text, at timestamptz)");
}

std::string TeardownSql() {
  return absl::StrCat("DROP SCHEMA IF EXISTS ", kDrillSchema, " CASCADE");
}

LoadGenerator::LoadGenerator(const Clock& clock, PgEndpoint endpoint, LoadOptions options)
    : clock_(clock), endpoint_(std::move(endpoint)), options_(options) {
  endpoint_.application_name = "radctl-drill";
  interval_ = absl::Seconds(options_.writers / std::max(options_.rate, 0.001));
  in_flight_ = std::make_unique<std::atomic<int>[]>(options_.writers + options_.readers);
  for (int i = 0; i < options_.writers + options_.readers; ++i) in_flight_[i] = 0;
}

LoadGenerator::~LoadGenerator() { Stop(); }

void LoadGenerator::Start(int round) {
  round_ = round;
  stop_ = false;
  for (int i = 0; i < options_.writers; ++i) {
    threads_.emplace_back([this, i] { RunClient(i, /*read=*/false); });
  }
  for (int i = 0; i < options_.readers; ++i) {
    threads_.emplace_back([this, i] { RunClient(options_.writers + i, /*read=*/true); });
  }
}

void LoadGenerator::Stop() {
  stop_ = true;
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

void LoadGenerator::RunClient(int client, bool read) {
  const int index = read ? client - options_.writers : client;
  std::unique_ptr<PgConnection> conn;
  int64_t seq = 0;
  // Writers start spread over one interval, as independent clients would.
  absl::Time next = clock_.Now() + interval_ * client / std::max(1, options_.writers);
  while (!stop_) {
    const absl::Time now = clock_.Now();
    if (next > now) {
      clock_.SleepFor(std::min(next - now, absl::Milliseconds(100)));
      continue;
    }
    ClientOp op;
    op.client = index;
    op.read = read;
    // -1 ("about to read the round") before reading it: Drained() can never miss a statement of
    // the old round that read round_ just before SetRound().
    in_flight_[client] = -1;
    op.round = round_;
    in_flight_[client] = op.round;
    op.seq = ++seq;
    op.start = clock_.Now();
    absl::Status status = absl::OkStatus();
    if (conn == nullptr || conn->broken()) {
      conn.reset();
      absl::StatusOr<std::unique_ptr<PgConnection>> connected =
          PgConnection::Connect(clock_, endpoint_, options_.connect_timeout);
      if (connected.ok()) {
        conn = std::move(*connected);
      } else {
        status = connected.status();
      }
    }
    if (status.ok()) {
      const std::string sql =
          read ? absl::StrCat("SELECT count(*) FROM ", kDrillSchema,
                              ".writes WHERE round = ", op.round,
                              " AND writer = ", index % std::max(1, options_.writers))
               : absl::StrCat("INSERT INTO ", kDrillSchema, ".writes (round, writer, seq) VALUES (",
                              op.round, ", ", index, ", ", op.seq, ")");
      status = conn->Execute(sql, options_.statement_timeout);
    }
    op.end = clock_.Now();
    op.ok = status.ok();
    if (!status.ok()) op.error = NormaliseError(std::string(status.message()));
    {
      std::lock_guard<std::mutex> lock(mu_);
      ops_.push_back(std::move(op));
    }
    in_flight_[client] = 0;
    next += interval_;
    // A slow statement does not cause a burst afterwards: the pace restarts from now.
    if (next < clock_.Now()) next = clock_.Now();
  }
}

bool LoadGenerator::Drained(int round) const {
  for (int i = 0; i < options_.writers + options_.readers; ++i) {
    const int in_flight = in_flight_[i];
    if (in_flight == -1 || (in_flight != 0 && in_flight <= round)) return false;
  }
  return true;
}

std::vector<ClientOp> LoadGenerator::Ops(absl::Time from, absl::Time to) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<ClientOp> ops;
  for (const ClientOp& op : ops_) {
    if (op.end >= from && op.end <= to) ops.push_back(op);
  }
  return ops;
}

int LoadGenerator::WritersAcknowledgedSince(absl::Time since) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<bool> acknowledged(options_.writers, false);
  for (const ClientOp& op : ops_) {
    if (!op.read && op.ok && op.start >= since) acknowledged[op.client] = true;
  }
  return static_cast<int>(std::count(acknowledged.begin(), acknowledged.end(), true));
}

std::vector<std::pair<int, int64_t>> LoadGenerator::Acknowledged(int round) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::pair<int, int64_t>> keys;
  for (const ClientOp& op : ops_) {
    if (!op.read && op.ok && op.round == round) keys.emplace_back(op.client, op.seq);
  }
  return keys;
}

void LoadGenerator::Forget(absl::Time before) {
  std::lock_guard<std::mutex> lock(mu_);
  ops_.erase(
      std::remove_if(ops_.begin(), ops_.end(), [&](const ClientOp& op) { return op.end < before; }),
      ops_.end());
}

}  // namespace radctl::drill
