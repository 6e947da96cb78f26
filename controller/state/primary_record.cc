#include "controller/state/primary_record.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "crd-like-specs/status_macros.h"

namespace radctl {

absl::StatusOr<PrimaryRecord::Attached> PrimaryRecord::Attach(const EngineLease& lease) {
  std::lock_guard<std::mutex> lock(mu_);
  lease_ = nullptr;
  on_engine_.reset();
  ASSIGN_OR_RETURN(RecordedPrimary local, store_.LoadPrimary());
  absl::StatusOr<ClusterSecrets> secrets = store_.LoadSecrets();
  if (!secrets.ok() && !absl::IsNotFound(secrets.status())) return secrets.status();
  cluster_ca_ = secrets.ok() && !secrets->ca.cert.empty() ? FileDigest(secrets->ca.cert) : "";
  absl::StatusOr<std::string> text = lease.ReadFile(kPrimaryRecordFile);
  if (!text.ok() && !absl::IsNotFound(text.status())) return text.status();
  Attached attached;
  std::string engine_cluster_ca;
  if (text.ok()) {
    absl::StatusOr<RecordedPrimary> engine = DecodeRecordedPrimary(*text, &engine_cluster_ca);
    if (!engine.ok()) {
      return absl::DataLossError(absl::StrCat(
          "the record of the primary kept with the controller's lease is damaged (",
          engine.status().message(), "); remove the volume ", LeaseVolumeName(store_.cluster()),
          " (docker volume rm) to go on with the state directory's"));
    }
    if (engine_cluster_ca == cluster_ca_) {
      on_engine_ = *engine;
    } else {
      attached.replaced_another_clusters = true;
    }
    if (on_engine_.has_value() && engine->generation > local.generation) {
      attached.adopted = *engine;
      attached.replaced = local;
      if (absl::Status saved = store_.SavePrimary(*engine); !saved.ok()) {
        attached.state_directory_error = std::string(saved.message());
      }
    }
  }
  if (!on_engine_.has_value() || local.generation > on_engine_->generation) {
    // The next holder must find at least what this one knows.
    RETURN_IF_ERROR(lease.WriteFile(
        kPrimaryRecordFile, EncodeRecordedPrimary(local, store_.clock().Now(), cluster_ca_)));
    on_engine_ = local;
  }
  lease_ = &lease;
  return attached;
}

bool PrimaryRecord::attached() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lease_ != nullptr;
}

void PrimaryRecord::Detach() {
  std::lock_guard<std::mutex> lock(mu_);
  lease_ = nullptr;
}

absl::StatusOr<RecordedPrimary> PrimaryRecord::Load() {
  ASSIGN_OR_RETURN(RecordedPrimary local, store_.LoadPrimary());
  std::lock_guard<std::mutex> lock(mu_);
  // The engine's copy wins a tie: it is the one every holder of the lease reads.
  if (!on_engine_.has_value() || on_engine_->generation < local.generation) return local;
  if (lease_ != nullptr && on_engine_->generation > local.generation) {
    // The state directory fell behind (it could not be written): it catches up once it can.
    (void)store_.SavePrimary(*on_engine_);
  }
  return *on_engine_;
}

absl::Status PrimaryRecord::Save(RecordedPrimary record, std::string* state_directory_error) {
  state_directory_error->clear();
  std::lock_guard<std::mutex> lock(mu_);
  if (lease_ == nullptr) {
    return absl::AbortedError(
        "the record of the primary is written only under the controller's lease on the engine, "
        "which this controller does not hold now");
  }
  ASSIGN_OR_RETURN(RecordedPrimary local, store_.LoadPrimary());
  record.generation =
      std::max(local.generation, on_engine_.has_value() ? on_engine_->generation : 0) + 1;
  RETURN_IF_ERROR(lease_->WriteFile(
      kPrimaryRecordFile, EncodeRecordedPrimary(record, store_.clock().Now(), cluster_ca_)));
  on_engine_ = record;
  if (absl::Status saved = store_.SavePrimary(record); !saved.ok()) {
    *state_directory_error = std::string(saved.message());
  }
  return absl::OkStatus();
}

}  // namespace radctl
