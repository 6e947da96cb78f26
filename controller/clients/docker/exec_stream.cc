#include "controller/clients/docker/exec_stream.h"

#include <cstdint>

#include "absl/strings/str_cat.h"

namespace radctl::docker {
namespace {

constexpr size_t kHeaderSize = 8;

}  // namespace

absl::Status ExecStreamDemuxer::Feed(absl::string_view piece) {
  if (!broken_.ok()) return broken_;
  pending_.append(piece.data(), piece.size());
  size_t consumed = 0;
  while (pending_.size() - consumed >= kHeaderSize) {
    const auto* header = reinterpret_cast<const unsigned char*>(pending_.data() + consumed);
    const size_t size = (uint32_t{header[4]} << 24) | (uint32_t{header[5]} << 16) |
                        (uint32_t{header[6]} << 8) | uint32_t{header[7]};
    // Bytes 1-3 are always zero; anything else means the frame boundaries were lost.
    if (header[0] > 2 || header[1] != 0 || header[2] != 0 || header[3] != 0) {
      broken_ = absl::InternalError(absl::StrCat(
          "unexpected answer from the Docker engine for an exec: bad frame header (stream ",
          static_cast<int>(header[0]), "); is the exec attached to a tty?"));
      return broken_;
    }
    if (pending_.size() - consumed - kHeaderSize < size) break;  // the rest comes later
    const absl::string_view payload(pending_.data() + consumed + kHeaderSize, size);
    // Stream 0 (stdin) is documented as written to stdout.
    (header[0] == 2 ? stderr_ : stdout_).append(payload.data(), payload.size());
    consumed += kHeaderSize + size;
  }
  pending_.erase(0, consumed);
  return absl::OkStatus();
}

absl::Status ExecStreamDemuxer::Finish() const {
  if (!broken_.ok()) return broken_;
  if (!pending_.empty()) {
    return absl::InternalError(absl::StrCat("the exec output stream ended inside a frame (",
                                            pending_.size(), " bytes left over)"));
  }
  return absl::OkStatus();
}

}  // namespace radctl::docker
