#include "reconcilers/next_step.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

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

FailureReport ReportOfFailure(const absl::Status& status) {
  const std::string message(status.message());
  if (absl::IsUnavailable(status)) return {"Unavailable", message};
  if (NextStepAfter(status) == NextStep::kWaitForUser) {
    return {"NeedsYou", absl::StrCat(message, " (retrying every ",
                                     absl::FormatDuration(kUserFixRetry), " and on every change)")};
  }
  return {"ReconcileFailed", message};
}

bool TryStartAgain(const std::string& failed_digest, absl::Time retry_after,
                   const std::string& digest, absl::Time now) {
  return digest != failed_digest || now >= retry_after;
}

namespace {
constexpr char kHeldByAnotherController[] = "radctl.io/held-by-another-controller";
}  // namespace

absl::Status HeldByAnotherController(const std::string& message) {
  absl::Status status = absl::FailedPreconditionError(message);
  status.SetPayload(kHeldByAnotherController, absl::Cord("1"));
  return status;
}

bool IsHeldByAnotherController(const absl::Status& status) {
  return status.GetPayload(kHeldByAnotherController).has_value();
}

bool WatchOnAfterApply(const absl::Status& status, bool end_on_failure) {
  if (absl::IsCancelled(status)) return false;
  return status.ok() || absl::IsDeadlineExceeded(status) || IsHeldByAnotherController(status) ||
         !end_on_failure;
}

bool FailureIsTransient(const absl::Status& status) {
  return absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status) || absl::IsAborted(status);
}

}  // namespace radctl
