#include "reconcilers/lsn.h"

#include "absl/strings/str_format.h"

namespace radctl {
namespace {

std::optional<uint32_t> ParseHex32(std::string_view text) {
  if (text.empty() || text.size() > 8) return std::nullopt;
  uint32_t value = 0;
  for (char c : text) {
    int digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else {
      return std::nullopt;
    }
    value = value * 16 + static_cast<uint32_t>(digit);
  }
  return value;
}

}  // namespace

std::optional<Lsn> ParseLsn(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto high = ParseHex32(text.substr(0, slash));
  auto low = ParseHex32(text.substr(slash + 1));
  if (!high || !low) return std::nullopt;
  return (static_cast<Lsn>(*high) << 32) | *low;
}

std::string FormatLsn(Lsn lsn) {
  return absl::StrFormat("%X/%X", static_cast<uint32_t>(lsn >> 32), static_cast<uint32_t>(lsn));
}

}  // namespace radctl
