#include "reconcilers/next_step.h"

namespace radctl {

NextStep NextStepAfter(const absl::Status& status, int aborted_in_a_row) {
  switch (status.code()) {
    case absl::StatusCode::kAborted:
      return aborted_in_a_row <= kObserveNowInARow ? NextStep::kObserveNow : NextStep::kBackOff;
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kPermissionDenied:
      return NextStep::kWaitForUser;
    default:
      return NextStep::kBackOff;
  }
}

bool WatchOnAfterApply(const absl::Status& status, bool end_on_failure) {
  if (absl::IsCancelled(status)) return false;
  return status.ok() || absl::IsDeadlineExceeded(status) || !end_on_failure;
}

bool FailureIsTransient(const absl::Status& status) {
  return absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status) || absl::IsAborted(status);
}

}  // namespace radctl
