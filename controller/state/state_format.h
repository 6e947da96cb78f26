// The format of a cluster's state directory, and taking over one an older radctl wrote. The
// directory names its format in `format.json`; a radctl refuses a newer format than it knows
// (it could misread it and act on that), and brings an older one up to its own before it acts.
//   1  radctl before 0.1.0 (no format.json): passwords without SCRAM secrets, no tls/, a spec
//      written without the tls, backup and bootstrap fields.
//   2  SCRAM secrets beside the passwords, tls/ with the cluster's CA and server certificate,
//      the spec written with every field (this radctl).
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/state/cluster_store.h"

namespace radctl {

inline constexpr int kStateFormat = 2;

// The format of `store`'s directory: its format.json, 1 when there is none but the cluster was
// applied, 0 when it never was. DataLoss when format.json is damaged.
[[nodiscard]] absl::StatusOr<int> ReadStateFormat(const ClusterStore& store);

// Records kStateFormat, written by `writer` ("radctl 0.1.0"), when the directory has no format
// yet: a new cluster's state is this radctl's format from its first file.
[[nodiscard]] absl::Status RecordStateFormat(const StateFiles& files, const std::string& dir,
                                             const std::string& writer);

// FailedPrecondition, saying which radctl to use, when a newer radctl wrote `store`'s state.
[[nodiscard]] absl::Status CheckStateFormat(const ClusterStore& store);

// Brings an older format up to kStateFormat, in order, each step safe to repeat after a crash:
// 1 -> 2 computes the SCRAM secrets, makes the CA and server certificate (TLS is on by default
// now: the loop then reconfigures the nodes and the bouncer with it) and rewrites the stored
// spec with every field. Then records kStateFormat. `taken_over` (may be null) says what was
// done, for the user; empty when the format was current.
[[nodiscard]] absl::Status UpgradeStateFormat(ClusterStore& store, absl::Time now,
                                              const std::string& writer, std::string* taken_over);

}  // namespace radctl
