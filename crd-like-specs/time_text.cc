#include "crd-like-specs/time_text.h"

#include <algorithm>

#include "absl/strings/ascii.h"

namespace radctl {
namespace {

bool AllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), absl::ascii_isdigit);
}

// psql writes the offset as +HH, +HH:MM or +HH:MM:SS; RFC 3339 wants +HH:MM (or Z).
std::optional<std::string> NormalOffset(std::string_view offset) {
  if (offset == "Z" || offset == "z") return std::string("Z");
  if (offset.size() < 3 || (offset[0] != '+' && offset[0] != '-')) return std::nullopt;
  std::string_view hours = offset.substr(1, 2);
  std::string_view rest = offset.substr(3);
  std::string minutes = "00";
  if (!rest.empty()) {
    if (rest.size() == 2 && AllDigits(rest)) {  // +0530
      minutes = std::string(rest);
    } else if (rest.size() >= 3 && rest[0] == ':' && AllDigits(rest.substr(1, 2)) &&
               (rest.size() == 3 || rest.substr(3) == ":00")) {
      minutes = std::string(rest.substr(1, 2));
    } else {
      return std::nullopt;
    }
  }
  if (!AllDigits(hours)) return std::nullopt;
  return std::string(1, offset[0]) + std::string(hours) + ":" + minutes;
}

}  // namespace

std::optional<absl::Time> ParseTimeWithZone(std::string_view text) {
  // "YYYY-MM-DD" then 'T', 't' or one space, then the time of day and its zone.
  if (text.size() < 20 || (text[10] != 'T' && text[10] != 't' && text[10] != ' ')) {
    return std::nullopt;
  }
  std::string normal(text.substr(0, 10));
  normal += 'T';
  std::string_view clock = text.substr(11);
  size_t zone = clock.find_first_of("Zz+-");
  if (zone == std::string_view::npos) return std::nullopt;  // a time without its zone
  std::optional<std::string> offset = NormalOffset(clock.substr(zone));
  if (!offset.has_value()) return std::nullopt;
  normal += std::string(clock.substr(0, zone)) + *offset;
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, normal, &time, &error)) return std::nullopt;
  return time;
}

std::string FormatRfc3339(absl::Time time) {
  return absl::FormatTime(absl::RFC3339_full, time, absl::UTCTimeZone());
}

}  // namespace radctl
