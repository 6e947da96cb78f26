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

// The record to write for `next` (the primary, its timeline, the k to record and, when it
// records what the primary runs now, its current position as synchronous_since) after
// `previous`. On the same primary and timeline what is known of earlier commits is kept: a
// stricter k recorded before the reload keeps synchronous_since (commits since then were
// acknowledged by more); a changed k that the primary runs now starts a new synchronous_since
// and keeps the old span, with the smaller k of what it merges, as the earlier one. Raising k
// (ANY 1 -> ANY 2) must not let a failover forget that earlier commits may live on one
// standby only.
RecordedPrimary NextRecord(const RecordedPrimary& previous, const RecordedPrimary& next);

// The k a failover must count its quorum with when its best standby has received up to `best`:
// the recorded k, or the earlier span's when `best` lacks commits from it and that k is smaller.
int QuorumNumberFor(const ClusterSpec& spec, const RecordedPrimary& recorded, Lsn best);

// From which position on no acknowledged commit is lost when the best standby has received up
// to `best` and the quorum was counted with QuorumNumberFor: commits before it may have been
// acknowledged without standbys (0: not known, any may have been).
Lsn ProtectedSince(const RecordedPrimary& recorded, Lsn best);

}  // namespace radctl
