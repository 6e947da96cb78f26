#include "controller/state/event_log.h"

#include <nlohmann/json.hpp>
#include <ostream>

#include "absl/strings/str_format.h"

namespace radctl {

std::string EventLog::FormatLine(const EventRecord& event) {
  std::string time = absl::FormatTime("%H:%M:%E3S", event.time, absl::LocalTimeZone());
  if (event.object.empty()) return absl::StrCat(time, "   ", event.message);  // progress
  return absl::StrFormat("%s %-7s %-14s %-14s %s", time, event.type == "Warning" ? "WARN" : "",
                         event.object, event.reason, event.message);
}

void EventLog::Normal(const std::string& object, const std::string& reason,
                      const std::string& message) {
  Emit({clock_.Now(), "Normal", object, reason, message}, true);
}

void EventLog::Warning(const std::string& object, const std::string& reason,
                       const std::string& message) {
  Emit({clock_.Now(), "Warning", object, reason, message}, true);
}

void EventLog::Progress(const std::string& message) {
  Emit({clock_.Now(), "Normal", "", "", message}, false);
}

void EventLog::Emit(EventRecord event, bool keep) {
  std::lock_guard<std::mutex> lock(mu_);
  if (json_lines_) {
    nlohmann::json json = {
        {"time", absl::FormatTime(absl::RFC3339_full, event.time, absl::UTCTimeZone())},
        {"level", event.type == "Warning" ? "warning" : "info"},
        {"object", event.object},
        {"reason", event.reason},
        {"message", event.message}};
    out_ << json.dump() << "\n";
  } else {
    out_ << FormatLine(event) << "\n";
  }
  out_.flush();
  if (keep && store_ != nullptr) {
    absl::Status status = store_->AppendEvent(event);
    if (!status.ok()) out_ << "radctl: cannot keep event: " << status.message() << "\n";
  }
}

}  // namespace radctl
