// Demultiplexes the raw stream of an attached, tty-less exec (POST /exec/{id}/start): frames of
// an 8-byte header [stream, 0, 0, 0, size as big-endian uint32] and `size` bytes of output, where
// stream 1 is stdout and 2 is stderr. Frames arrive split across network reads at any byte.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace radctl::docker {

class ExecStreamDemuxer {
 public:
  // Takes the next piece of the stream. Internal on a header that cannot be one (we would have
  // lost the frame boundaries); the demuxer then takes nothing more.
  [[nodiscard]] absl::Status Feed(absl::string_view piece);
  // OK when the stream ended on a frame boundary; Internal when it stopped mid-frame.
  [[nodiscard]] absl::Status Finish() const;

  const std::string& stdout_text() const { return stdout_; }
  const std::string& stderr_text() const { return stderr_; }

 private:
  std::string pending_;  // bytes of the frame not yet complete, header included
  std::string stdout_;
  std::string stderr_;
  absl::Status broken_;
};

}  // namespace radctl::docker
