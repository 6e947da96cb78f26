// A client writing through the endpoint at a fixed interval, as the failover tests and
// benchmarks need it: one row per attempt, each on a fresh connection (like a short-lived
// client behind a pooler), recording which attempts succeeded, when, and which row ids were
// acknowledged, so that lost rows and the longest outage can be measured.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "controller/clients/postgres/pg_connection.h"

namespace radctl::testsupport {

class Writer {
 public:
  Writer(PgEndpoint endpoint, absl::Duration interval)
      : endpoint_(std::move(endpoint)), interval_(interval) {}
  ~Writer() { Stop(); }
  void Start();
  void Stop();

  struct Attempt {
    absl::Time start;
    absl::Time end;
    bool ok = false;
    int64_t id = 0;  // the row id acknowledged, when ok
    std::string error;
  };
  std::vector<Attempt> attempts() const;
  int Succeeded(absl::Time after = absl::InfinitePast()) const;
  int Failed(absl::Time after = absl::InfinitePast()) const;
  // Longest time between two acknowledged writes within [from, to] (its ends count as writes).
  absl::Duration LongestGap(absl::Time from, absl::Time to) const;
  std::vector<int64_t> AcknowledgedIds() const;

  // SQL creating the table the writer inserts into; run once before Start().
  static constexpr char kCreateTable[] =
      "CREATE TABLE IF NOT EXISTS writer_rows (id bigserial PRIMARY KEY, at timestamptz DEFAULT "
      "now())";

 private:
  PgEndpoint endpoint_;
  absl::Duration interval_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<Attempt> attempts_;
};

}  // namespace radctl::testsupport
