#include "tests/fakes/wal_history.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace radctl::testing {

WalHistory WalHistory::Initial(uint64_t uid, Lsn start) {
  WalHistory history;
  history.spans_.push_back({1, uid, start});
  history.end_ = start;
  return history;
}

Lsn WalHistory::Append(Lsn bytes) {
  end_ += bytes;
  return end_;
}

void WalHistory::Branch(int id, uint64_t uid) { spans_.push_back({id, uid, end_}); }

std::optional<Lsn> WalHistory::SpanEnd(uint64_t uid) const {
  for (size_t i = 0; i < spans_.size(); ++i) {
    if (spans_[i].uid != uid) continue;
    return i + 1 < spans_.size() ? spans_[i + 1].begin : end_;
  }
  return std::nullopt;
}

bool WalHistory::Holds(const Commit& commit) const {
  std::optional<Lsn> span_end = SpanEnd(commit.uid);
  return span_end.has_value() && commit.end <= *span_end;
}

bool WalHistory::SameAs(const WalHistory& other) const {
  return end_ == other.end_ &&
         std::equal(spans_.begin(), spans_.end(), other.spans_.begin(), other.spans_.end(),
                    [](const TimelineSpan& a, const TimelineSpan& b) {
                      return a.id == b.id && a.uid == b.uid && a.begin == b.begin;
                    });
}

bool WalHistory::Continues(const WalHistory& prefix) const {
  if (prefix.empty()) return true;
  std::optional<Lsn> span_end = SpanEnd(prefix.uid());
  return span_end.has_value() && prefix.end() <= *span_end;
}

Lsn WalHistory::CommonEnd(const WalHistory& other) const {
  Lsn common = 0;
  for (size_t i = 0; i < spans_.size() && i < other.spans_.size(); ++i) {
    if (spans_[i].uid != other.spans_[i].uid) break;
    Lsn mine = i + 1 < spans_.size() ? spans_[i + 1].begin : end_;
    Lsn theirs = i + 1 < other.spans_.size() ? other.spans_[i + 1].begin : other.end_;
    common = std::min(mine, theirs);
    if (mine != theirs) break;
  }
  return common;
}

WalHistory WalHistory::Prefix(Lsn end) const {
  WalHistory prefix;
  for (const TimelineSpan& span : spans_) {
    if (!prefix.spans_.empty() && span.begin > end) break;
    prefix.spans_.push_back(span);
  }
  prefix.end_ = std::min(end, end_);
  return prefix;
}

std::optional<Lsn> WalHistory::SwitchPoint(int id) const {
  for (size_t i = 0; i + 1 < spans_.size(); ++i) {
    if (spans_[i].id == id) return spans_[i + 1].begin;
  }
  return std::nullopt;
}

std::string WalHistory::ToString() const {
  if (spans_.empty()) return "no WAL";
  std::string text;
  for (const TimelineSpan& span : spans_) {
    absl::StrAppend(&text, text.empty() ? "" : " -> ", "tl ", span.id, " (uid ", span.uid,
                    ") from ", FormatLsn(span.begin));
  }
  absl::StrAppend(&text, ", end ", FormatLsn(end_));
  return text;
}

}  // namespace radctl::testing
