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

// The least a probe waits, even for a node whose silence has reached detectionMs already: time
// for a node that has just come back to answer on its kept session (milliseconds on loopback).
inline constexpr absl::Duration kShortestProbe = absl::Milliseconds(50);

// The nodes silent at the loop's last look (by ordinal), each with the time its silence reaches
// detectionMs.
std::map<int, absl::Time> SilenceDeadlines(const LoopMemory& memory, const FailoverSpec& failover);

// The probe timeout, at `now`, of each node whose probe is shortened (the others get
// ProbeTimingsFor(failover).timeout): a silent node's probe ends at its deadline (lasting at
// least kShortestProbe), so that the pass which counts the silence plans the failover at
// detectionMs, not a whole probe timeout later. Only around the deadline: long past it (a
// standby, or a primary nobody could fail over from), a node that comes back needs time for a
// new login (50-75 ms with TLS on a busy machine), or it would stay silent for good.
std::map<int, absl::Duration> ShortenedProbeTimeouts(const LoopMemory& memory,
                                                     const FailoverSpec& failover, absl::Time now);

}  // namespace radctl
