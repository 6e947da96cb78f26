// A PostgreSQL WAL position (pg_lsn): "16/B374D848" is 0x16B374D848. Kept as an integer so that
// "most advanced" is a plain comparison.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace radctl {

using Lsn = uint64_t;

std::optional<Lsn> ParseLsn(std::string_view text);  // nullopt for anything but "X/Y" in hex
std::string FormatLsn(Lsn lsn);                      // "0/5A3F2C8"

}  // namespace radctl
