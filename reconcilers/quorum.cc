#include "reconcilers/quorum.h"

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

}  // namespace radctl
