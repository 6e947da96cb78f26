// The record of who is primary (safety rule 3), kept in two places: the state directory, which
// `status` and a starting controller read, and the files of the controller's lease on the engine
// (EngineLease::ReadFile), which whoever takes the lease next reads. The state directory alone
// cannot see a copy of itself: a controller started from a copy (another machine, a restored
// backup) acts while the original is stopped, and the original would then trust an older record
// and, say, point the endpoint at a primary the copy had failed over from. Every record carries
// a generation; of two copies, the one with the higher generation is the record. The engine's
// copy also names the cluster it is of (a digest of its CA certificate, which copies of the
// state directory share and a cluster created again under the same name does not): a record
// left by an earlier cluster of the name is not taken.
#pragma once

#include <mutex>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "controller/clients/container_runtime.h"
#include "controller/state/cluster_store.h"
#include "reconcilers/naming.h"
#include "reconcilers/observed_state.h"

namespace radctl {

// The lease's file the record is kept in.
inline constexpr char kPrimaryRecordFile[] = "primary.json";

class PrimaryRecord {
 public:
  explicit PrimaryRecord(ClusterStore& store) : store_(store) {}

  // What taking the lease found on the engine.
  struct Attached {
    // The engine's copy was newer than the state directory's: another controller wrote it.
    std::optional<RecordedPrimary> adopted;
    RecordedPrimary replaced;  // the state directory's, which `adopted` replaced
    // The newer copy could not be written to the state directory (it is the record all the
    // same: Load returns it): why, for the user.
    std::string state_directory_error;
    // The engine held the record of another cluster of this name (deleted since, its volume
    // left behind): replaced with this state directory's.
    bool replaced_another_clusters = false;
  };

  // With `lease` just taken: reads the engine's copy and keeps it as the record when it is the
  // newer one (also in the state directory, for `status`); gives the engine the state
  // directory's when the engine's is older or missing (a new volume, or one an older radctl
  // never wrote). Until then, and after a failure, Save refuses.
  [[nodiscard]] absl::StatusOr<Attached> Attach(const EngineLease& lease);
  bool attached() const;
  // Before the lease is let go or lost: Save refuses until the next Attach.
  void Detach();

  // The record: the state directory's, or the engine's once that is newer (then written to a
  // state directory that fell behind, once it can be, while the lease is held).
  [[nodiscard]] absl::StatusOr<RecordedPrimary> Load();

  // Writes `record` as the next generation: to the engine (while the lease is held), which makes
  // it the record, then to the state directory. When only the state directory's copy fails the
  // record stands, and `state_directory_error` says why (the caller warns: `status` reads the
  // state directory).
  [[nodiscard]] absl::Status Save(RecordedPrimary record, std::string* state_directory_error);

 private:
  ClusterStore& store_;
  mutable std::mutex mu_;
  const EngineLease* lease_ = nullptr;        // attached to
  std::string cluster_ca_;                    // this cluster's, as the engine's copy names it
  std::optional<RecordedPrimary> on_engine_;  // as last read or written there
};

}  // namespace radctl
