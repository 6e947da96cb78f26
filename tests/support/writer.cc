#include "tests/support/writer.h"

#include <algorithm>

namespace radctl::testsupport {

void Writer::Start() {
  thread_ = std::thread([this] {
    absl::Time next = absl::Now();
    while (!stop_) {
      Attempt attempt;
      attempt.start = absl::Now();
      auto conn = PgConnection::Connect(RealClock(), endpoint_, absl::Seconds(30));
      if (!conn.ok()) {
        attempt.error = std::string(conn.status().message());
      } else {
        auto rows = (*conn)->Query("INSERT INTO writer_rows DEFAULT VALUES RETURNING id",
                                   absl::Seconds(30));
        if (rows.ok() && !rows->empty()) {
          attempt.ok = true;
          attempt.id = std::stoll((*rows)[0][0].value_or("0"));
        } else {
          attempt.error = rows.ok() ? "no row returned" : std::string(rows.status().message());
        }
      }
      attempt.end = absl::Now();
      {
        std::lock_guard<std::mutex> lock(mu_);
        attempts_.push_back(attempt);
      }
      next += interval_;
      absl::Time now = absl::Now();
      if (next > now) {
        absl::SleepFor(next - now);
      } else {
        next = now;  // a slow attempt does not cause a burst afterwards
      }
    }
  });
}

void Writer::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

std::vector<Writer::Attempt> Writer::attempts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return attempts_;
}

int Writer::Succeeded(absl::Time after) const {
  int count = 0;
  for (const Attempt& attempt : attempts()) count += attempt.ok && attempt.start >= after;
  return count;
}

int Writer::Failed(absl::Time after) const {
  int count = 0;
  for (const Attempt& attempt : attempts()) count += !attempt.ok && attempt.start >= after;
  return count;
}

absl::Duration Writer::LongestGap(absl::Time from, absl::Time to) const {
  absl::Duration longest = absl::ZeroDuration();
  absl::Time previous = from;
  for (const Attempt& attempt : attempts()) {
    if (!attempt.ok || attempt.end < from || attempt.end > to) continue;
    longest = std::max(longest, attempt.end - previous);
    previous = attempt.end;
  }
  return std::max(longest, to - previous);
}

std::vector<int64_t> Writer::AcknowledgedIds() const {
  std::vector<int64_t> ids;
  for (const Attempt& attempt : attempts()) {
    if (attempt.ok) ids.push_back(attempt.id);
  }
  return ids;
}

}  // namespace radctl::testsupport
