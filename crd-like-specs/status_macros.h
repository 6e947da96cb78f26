// Small local stand-ins for absl's RETURN_IF_ERROR / ASSIGN_OR_RETURN, which Debian's abseil
// (20220623) does not ship. Same shapes, so they can be swapped for the real ones later.
// Lives in the lowest layer so every module can use it.
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define RADCTL_CONCAT_INNER_(a, b) a##b
#define RADCTL_CONCAT_(a, b) RADCTL_CONCAT_INNER_(a, b)

// Returns from the enclosing function when `expr` yields a non-OK absl::Status.
#define RETURN_IF_ERROR(expr)                        \
  do {                                               \
    ::absl::Status radctl_status_ = (expr);          \
    if (!radctl_status_.ok()) return radctl_status_; \
  } while (0)

// `ASSIGN_OR_RETURN(auto x, StatusOrExpr())`: declares/assigns x or returns the error. `lhs` is
// a declaration, which parentheses would break: bugprone-macro-parentheses does not apply.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(RADCTL_CONCAT_(radctl_statusor_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                           \
  if (!statusor.ok()) return statusor.status();     \
  lhs = std::move(statusor).value()
// NOLINTEND(bugprone-macro-parentheses)
