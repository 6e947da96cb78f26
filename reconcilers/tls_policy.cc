#include "reconcilers/tls_policy.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "crd-like-specs/spec_validators.h"
#include "reconcilers/naming.h"

namespace radctl {

std::vector<std::string> CertificateNames(const ClusterSpec& spec) {
  std::vector<std::string> names = {"localhost", "127.0.0.1"};
  if (spec.bouncer.bind != "0.0.0.0" && spec.bouncer.bind != "127.0.0.1") {
    names.push_back(spec.bouncer.bind);
  }
  names.push_back(BouncerName(spec.name));
  names.push_back(ReadBouncerName(spec.name));
  // Every node the cluster could have: scaling up needs no new certificate.
  for (int ordinal = 1; ordinal <= kMaxNodes; ++ordinal)
    names.push_back(NodeName(spec.name, ordinal));
  return names;
}

std::string CertificateRenewalReason(const ClusterSpec& spec, const KeptCertificate& certificate,
                                     absl::Time now) {
  if (!spec.tls.enabled || certificate.fingerprint.empty()) return "";
  std::vector<std::string> missing;
  for (const std::string& name : CertificateNames(spec)) {
    if (std::find(certificate.names.begin(), certificate.names.end(), name) ==
        certificate.names.end()) {
      missing.push_back(name);
    }
  }
  if (!missing.empty()) {
    return absl::StrCat("the server certificate does not name ", absl::StrJoin(missing, ", "),
                        ": issuing one that does");
  }
  if (certificate.not_after - now <= kRenewBefore) {
    return absl::StrCat(
        "the server certificate expires at ",
        absl::FormatTime("%Y-%m-%d %H:%M UTC", certificate.not_after, absl::UTCTimeZone()),
        " (renewed ", absl::ToInt64Hours(kRenewBefore) / 24, " days before): issuing a new one");
  }
  return "";
}

std::string NodeTlsDrift(const ClusterSpec& spec, const KeptCertificate& certificate,
                         const NodeObservation& node) {
  if (!node.reachable) return "";
  if (node.ssl != spec.tls.enabled) {
    return spec.tls.enabled ? "TLS is on in the spec but the node does not serve it"
                            : "TLS is off in the spec but the node serves it";
  }
  if (spec.tls.enabled && !certificate.fingerprint.empty() &&
      node.tls_certificate != certificate.fingerprint) {
    return absl::StrCat("the node presents certificate ",
                        node.tls_certificate.empty() ? "(none of radctl's)" : node.tls_certificate,
                        ", not the cluster's current one ", certificate.fingerprint);
  }
  return "";
}

std::string RequireTlsReason(const ClusterSpec& spec, const std::vector<int>& desired,
                             const ObservedState& observed) {
  if (!spec.tls.enabled || observed.tls_required || observed.certificate.fingerprint.empty())
    return "";
  for (int ordinal : desired) {
    const NodeObservation* node = observed.Node(ordinal);
    if (node == nullptr || !node->reachable || !node->ssl ||
        !NodeTlsDrift(spec, observed.certificate, *node).empty()) {
      return "";
    }
  }
  auto serves_current_files = [](const BouncerObservation& bouncer) {
    return bouncer.reachable && bouncer.files_current;
  };
  if (!serves_current_files(observed.bouncer)) return "";
  if (spec.bouncer.read_port != kNoReadPort && !serves_current_files(observed.read_bouncer))
    return "";
  return "every node and bouncer serves TLS with the cluster's certificate: radctl's own "
         "connections never fall back to plaintext from now on";
}

std::string AllowPlaintextReason(const ClusterSpec& spec, const ObservedState& observed) {
  if (spec.tls.enabled || !observed.tls_required) return "";
  return "TLS is off in the spec: the requirement is dropped, so that turning TLS on again "
         "reaches nodes that do not serve it yet";
}

}  // namespace radctl
