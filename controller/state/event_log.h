// Every decision and its outcome is visible: EventLog prints one line per event on stderr
// ("time  object  reason  message") and keeps it with the cluster (radctl events). Safe to use
// from the executor's parallel actions.
#pragma once

#include <iosfwd>
#include <mutex>
#include <string>

#include "controller/clients/clock.h"
#include "controller/state/cluster_store.h"

namespace radctl {

class EventLog {
 public:
  // `store` may be null (dry runs keep nothing). Events are stamped with `clock`'s time.
  EventLog(std::ostream& out, ClusterStore* store, bool json_lines, const Clock& clock)
      : out_(out), store_(store), json_lines_(json_lines), clock_(clock) {}

  void Normal(const std::string& object, const std::string& reason, const std::string& message);
  void Warning(const std::string& object, const std::string& reason, const std::string& message);
  // Progress of the command itself, printed but not kept as an event.
  void Progress(const std::string& message);

  // A watcher of several clusters names the cluster in its progress lines ("demo: ...").
  void set_progress_prefix(std::string cluster) { progress_prefix_ = std::move(cluster); }

  static std::string FormatLine(const EventRecord& event);

 private:
  void Emit(EventRecord event, bool keep);
  std::ostream& out_;
  ClusterStore* store_;
  bool json_lines_;
  const Clock& clock_;
  std::string progress_prefix_;
  std::mutex mu_;
};

}  // namespace radctl
