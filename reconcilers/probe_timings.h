// How often and how patiently the controller probes nodes, derived from spec.failover.detectionMs
// by this one function (applied again whenever the spec changes). Pure.
#pragma once

#include "absl/time/time.h"
#include "crd-like-specs/cluster_spec.h"

namespace radctl {

struct ProbeTimings {
  // Watch mode observes at least this often: a few probes fit in one detection window.
  absl::Duration interval;
  // A probe answers within this or counts as "not answering". A healthy node answers on loopback
  // in milliseconds; one slow probe does not fail a node over, detectionMs of silence does.
  absl::Duration timeout;
};

ProbeTimings ProbeTimingsFor(const FailoverSpec& failover);

}  // namespace radctl
