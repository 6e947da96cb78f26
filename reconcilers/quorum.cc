#include "reconcilers/quorum.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "crd-like-specs/spec_validators.h"

namespace radctl {

int SynchronousNumber(const std::string& synchronous_standby_names) {
  absl::string_view text = absl::StripAsciiWhitespace(synchronous_standby_names);
  if (text.empty()) return 0;
  if (!absl::ConsumePrefix(&text, "ANY ") && !absl::ConsumePrefix(&text, "any ")) {
    absl::ConsumePrefix(&text, "FIRST ");
    absl::ConsumePrefix(&text, "first ");
  }
  size_t end = text.find_first_of(" (");
  int k = 0;
  if (end != absl::string_view::npos && absl::SimpleAtoi(text.substr(0, end), &k)) return k;
  return 1;  // a bare list of names: FIRST 1
}

int WantedSynchronousNumber(const ClusterSpec& spec) {
  if (!spec.replication.synchronous || spec.nodes < 2) return 0;
  return spec.replication.synchronous_number;
}

int FailoverSynchronousNumber(const ClusterSpec& spec, const RecordedPrimary& recorded) {
  if (recorded.ordinal != 0 && recorded.synchronous_number >= 0) {
    return recorded.synchronous_number;
  }
  return spec.replication.synchronous ? 1 : 0;
}

int FailoverStrictness(int k) { return k <= 0 ? 0 : kMaxNodes + 1 - k; }

RecordedPrimary NextRecord(const RecordedPrimary& previous, const RecordedPrimary& next) {
  // A span that may have been asynchronous ends what is known of earlier commits.
  const bool same_term = previous.ordinal == next.ordinal && previous.timeline == next.timeline &&
                         previous.synchronous_number > 0 && previous.synchronous_since != 0 &&
                         previous.asynchronous_from == 0;
  if (!same_term || next.synchronous_number <= 0) return next;
  RecordedPrimary record = next;
  if (next.synchronous_since == 0 || next.synchronous_number == previous.synchronous_number) {
    // Recorded before the reload (stricter: each commit since was acknowledged by at least as
    // many), or the same k again: what is known of earlier commits still holds.
    record.synchronous_since = previous.synchronous_since;
    record.earlier_number = previous.earlier_number;
    record.earlier_since = previous.earlier_since;
    return record;
  }
  if (previous.earlier_number > 0) {
    record.earlier_number = std::min(previous.synchronous_number, previous.earlier_number);
    record.earlier_since = previous.earlier_since;
  } else {
    record.earlier_number = previous.synchronous_number;
    record.earlier_since = previous.synchronous_since;
  }
  return record;
}

namespace {

// The best standby lacks commits acknowledged before k last changed, with the earlier k.
bool LacksEarlierSpan(const RecordedPrimary& recorded, Lsn best) {
  return best < recorded.synchronous_since && recorded.earlier_number > 0;
}

}  // namespace

int QuorumNumberFor(const ClusterSpec& spec, const RecordedPrimary& recorded, Lsn best) {
  const int k = FailoverSynchronousNumber(spec, recorded);
  return k > 0 && LacksEarlierSpan(recorded, best) ? std::min(k, recorded.earlier_number) : k;
}

Lsn ProtectedSince(const RecordedPrimary& recorded, Lsn best) {
  return LacksEarlierSpan(recorded, best) ? recorded.earlier_since : recorded.synchronous_since;
}

}  // namespace radctl
