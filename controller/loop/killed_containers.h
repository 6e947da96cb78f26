// The containers of a cluster the engine was asked to SIGKILL (`docker kill`, or a stop whose
// grace ran out), as the loop's event stream tells it. A SIGKILL to a container's first process
// ends every process in it at once (its PID namespace goes with it), but the engine lists the
// container as running until its clean-up ends and it reports `die`, 0.1-0.3 s later: the
// observer reports such a container as killed from the `kill` event on, so that a dead primary
// is failed over from without waiting for the engine's bookkeeping.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "absl/time/time.h"
#include "controller/clients/docker/docker_types.h"

namespace radctl {

class KilledContainers {
 public:
  // From the event stream, in its order: a `kill` with signal 9 marks the container; its `die`,
  // a `start` or `destroy` (a container of the same name made again) ends the mark.
  void Note(const docker::Event& event, absl::Time now);
  // Events may have been missed (the stream broke): only the engine's listing counts.
  void Forget();
  // Marked, and no longer ago than an engine reports a death in: past that the engine's own
  // state is trusted again, whatever happened to the `die` event.
  [[nodiscard]] bool Killed(const std::string& container, absl::Time now) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, absl::Time> killed_at_;  // by container name
};

}  // namespace radctl
