// How often and how patiently the controller probes nodes, derived from spec.failover.detectionMs
// by this one function (applied again whenever the spec changes). Pure.
#pragma once

#include <map>

#include "absl/time/time.h"
#include "crd-like-specs/cluster_spec.h"
#include "reconcilers/memory.h"

namespace radctl {

struct ProbeTimings {
  // Watch mode observes at least this often: a few probes fit in one detection window.
  absl::Duration interval;
  // A probe answers within this or counts as "not answering". A healthy node answers on loopback
  // in milliseconds; one slow probe does not fail a node over, detectionMs of silence does.
  absl::Duration timeout;
};

ProbeTimings ProbeTimingsFor(const FailoverSpec& failover);

// The nodes silent at the loop's last look (by ordinal), each with the time its silence reaches
// detectionMs: the observer ends their probes then, so that the pass which counts the silence
// plans the failover at detectionMs, not a whole probe timeout later.
std::map<int, absl::Time> SilenceDeadlines(const LoopMemory& memory, const FailoverSpec& failover);

}  // namespace radctl
