// Times as people type them: RFC 3339 ("2026-12-06T03:50:19Z") and the form psql prints a
// timestamptz in ("2026-12-06 03:50:19.555224+00"), both with their zone. The spec keeps one
// form, RFC 3339 in UTC, whatever was typed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/time/time.h"

namespace radctl {

// nullopt when `text` is neither form or names no zone.
std::optional<absl::Time> ParseTimeWithZone(std::string_view text);

// RFC 3339 in UTC, fractions of a second kept: "2026-12-06T03:50:19.555224+00:00".
std::string FormatRfc3339(absl::Time time);

}  // namespace radctl
