// How many synchronous standbys a commit waits for, as the primary runs with it (ANY k of its
// synchronous_standby_names), and which k a failover counts its quorum with: the one recorded
// beside the primary, never the spec's (an edit of the spec while the primary is down must not
// lower the bar). The record is always at least as strict for a failover as what the primary
// may run: a stricter setting (asynchronous -> ANY k, or a smaller k) is recorded before the
// primary is reloaded with it, a laxer one only once the primary runs it. Pure.
#pragma once

#include <string>

#include "crd-like-specs/cluster_spec.h"
#include "reconcilers/observed_state.h"

namespace radctl {

// k of "ANY k (...)", "FIRST k (...)" or "k (...)"; 1 for a bare list of names; 0 when empty
// (asynchronous).
int SynchronousNumber(const std::string& synchronous_standby_names);

// k the spec asks for: 0 for asynchronous replication (or a single node).
int WantedSynchronousNumber(const ClusterSpec& spec);

// k a failover counts: the recorded one; when the record predates it (-1), 1 if the spec is
// synchronous (the most standbys to wait for), else 0.
int FailoverSynchronousNumber(const ClusterSpec& spec, const RecordedPrimary& recorded);

// How much a failover must wait for when the primary commits with ANY k: asynchronous (0) not
// at all, ANY 1 the most (every standby that may hold a commit but one... m - k + 1).
int FailoverStrictness(int k);

}  // namespace radctl
