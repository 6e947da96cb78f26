// TLS decisions (pure): which names the cluster's server certificate must carry, when it is
// renewed, and when a node serves TLS other than the spec asks. The planner (plan.cc) calls them.
#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "crd-like-specs/cluster_spec.h"
#include "reconcilers/observed_state.h"

namespace radctl {

inline constexpr absl::Duration kCaValidity = absl::Hours(24 * 3650);
inline constexpr absl::Duration kServerCertificateValidity = absl::Hours(24 * 365);
// A server certificate is renewed this long before it expires: a controller that runs now and
// then (apply in CI) still renews in time, and a failing renewal leaves weeks to notice.
inline constexpr absl::Duration kRenewBefore = absl::Hours(24 * 30);

// Every name a client may use to reach a node or the bouncer, and verify (sslmode=verify-full):
// localhost and 127.0.0.1 (the published ports), the bind address when it is another one, the
// node names (replication, the bouncer's server connections) and the bouncers' names.
std::vector<std::string> CertificateNames(const ClusterSpec& spec);

// Why the kept server certificate must be renewed now ("" when it need not, or when TLS is off or
// none is kept).
std::string CertificateRenewalReason(const ClusterSpec& spec, const KeptCertificate& certificate,
                                     absl::Time now);

// Why a reachable node must be reconfigured for TLS ("" when it serves what the spec asks).
std::string NodeTlsDrift(const ClusterSpec& spec, const KeptCertificate& certificate,
                         const NodeObservation& node);

// Why radctl's own connections should refuse plaintext from now on ("" when not yet, or
// already): TLS is on and every desired node, the bouncer and the read bouncer serve it with the
// cluster's certificate. Until then a node that does not serve TLS yet is probed without it, so
// that it can be seen and reconfigured (TLS just switched on, a cluster taken over).
std::string RequireTlsReason(const ClusterSpec& spec, const std::vector<int>& desired,
                             const ObservedState& observed);
// Why that requirement is dropped ("" when it is not kept or TLS is on): TLS is off, and turning
// it on again must reach nodes that do not serve it yet.
std::string AllowPlaintextReason(const ClusterSpec& spec, const ObservedState& observed);

}  // namespace radctl
