#include "controller/state/event_log.h"

#include <nlohmann/json.hpp>
#include <ostream>

#include "absl/strings/str_cat.h"
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
  Emit({clock_.Now(), "Normal", "", "",
        progress_prefix_.empty() ? message : absl::StrCat(progress_prefix_, ": ", message)},
       false);
}

void EventLog::Emit(EventRecord event, bool keep) {
  std::string line;
  if (json_lines_) {
    nlohmann::json json = {
        {"time", absl::FormatTime(absl::RFC3339_full, event.time, absl::UTCTimeZone())},
        {"level", event.type == "Warning" ? "warning" : "info"},
        {"object", event.object},
        {"reason", event.reason},
        {"message", event.message}};
    line = json.dump() + "\n";
  } else {
    line = FormatLine(event) + "\n";
  }
  std::lock_guard<std::mutex> lock(mu_);
  {
    // Several clusters' logs may share one stream: each line is written whole.
    static std::mutex output_mu;
    std::lock_guard<std::mutex> output_lock(output_mu);
    out_ << line;
    out_.flush();
  }
  if (keep && store_ != nullptr) {
    absl::Status status = store_->AppendEvent(event);
    if (!status.ok()) out_ << "radctl: cannot keep event: " << status.message() << "\n";
  }
}

}  // namespace radctl
