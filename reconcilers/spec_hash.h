// Hashes of the spec fields a container is created from, stored as a label on it, so a changed
// spec (drift) is visible in Docker alone. Stable across runs and machines (FNV-1a, not
// absl::Hash, which is seeded per process).
#pragma once

#include <string>

#include "crd-like-specs/cluster_spec.h"

namespace radctl {

// FNV-1a 64 of `text`, as 16 hex digits: stable across runs and machines.
std::string Fnv1a64Hex(const std::string& text);

// Node containers: what cannot change without re-creating the container (the image).
std::string NodeSpecHash(const ClusterSpec& spec);
// postgresql.conf: every spec field it is rendered from (parameters, synchronous replication,
// the node names listed for it). Written into the file as radctl.config_hash, so a node reports
// which configuration it has loaded.
std::string ConfigHash(const ClusterSpec& spec);
// Bouncer container: published address and port, pool mode and auth names, and that it holds
// unanswered logins (made with the rules and the NET_ADMIN they need).
std::string BouncerSpecHash(const ClusterSpec& spec);
// The hash of a bouncer made for `spec` by a radctl that did not hold unanswered logins (the
// release of 2026-11-30 and earlier). Such a bouncer is kept, not re-created (that would drop
// every client): the rules are added to it from outside (ActionType::kAddLoginHold).
std::string BouncerSpecHashWithoutLoginHold(const ClusterSpec& spec);
// Whether a bouncer labelled `hash` was made for `spec`'s bouncer fields, by this radctl or an
// older one.
bool BouncerMadeFor(const ClusterSpec& spec, const std::string& hash);
// The read endpoint's bouncer: the same, with spec.bouncer.readPort.
std::string ReadBouncerSpecHash(const ClusterSpec& spec);

}  // namespace radctl
