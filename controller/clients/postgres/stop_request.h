// Where a node's entrypoint and the controller meet when the node's container is asked to stop
// (SIGTERM): images/postgres/entrypoint.sh writes the time of the request, the controller
// answers "wait" and later "go". Outside the data directory, so that no clone or rewind copies
// them, and removed by the entrypoint when the container starts again.
#pragma once

#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "reconcilers/observed_state.h"

namespace radctl {

inline constexpr char kStopRequestedFile[] = "/var/run/postgresql/radctl-stop-requested";
inline constexpr char kStopAnswerFile[] = "/var/run/postgresql/radctl-stop-answer";

// The request file's text, the time as `date +%s.%N` wrote it ("1700000000.123456789"), or
// InfinitePast when there is none or it cannot be read.
inline absl::Time ParseStopRequested(absl::string_view text) {
  double seconds = 0;
  if (!absl::SimpleAtod(absl::StripAsciiWhitespace(text), &seconds) || !(seconds > 0)) {
    return absl::InfinitePast();
  }
  return absl::FromUnixMicros(static_cast<int64_t>(std::llround(seconds * 1e6)));
}

// The answer file's text: "wait" or "go"; anything else is no answer.
inline StopAnswer ParseStopAnswer(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  if (text == "wait") return StopAnswer::kWait;
  if (text == "go") return StopAnswer::kGo;
  return StopAnswer::kNone;
}

}  // namespace radctl
