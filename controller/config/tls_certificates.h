// The cluster's X.509 material, made with OpenSSL's libcrypto: a CA of its own (one per cluster)
// and the server certificate every node and the bouncer present, signed by it. Keys are ECDSA
// P-256 (small, fast to make and to handshake with). No files here: ClusterTls (state/) keeps
// them with the cluster.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace radctl {

// A certificate and its private key, PEM-encoded.
struct CertificateAndKey {
  std::string cert;
  std::string key;
};

// What a certificate says, as far as radctl cares.
struct CertificateFacts {
  absl::Time not_after = absl::InfinitePast();
  std::vector<std::string> names;  // subjectAltName: DNS names and IP addresses, as text
  std::string fingerprint;         // SHA-256 of the DER encoding, first 16 hex digits
};

// A self-signed CA certificate (basicConstraints CA:TRUE, keyCertSign) valid from `now` for
// `validity`.
[[nodiscard]] absl::StatusOr<CertificateAndKey> MakeCertificateAuthority(
    const std::string& common_name, absl::Time now, absl::Duration validity);

// A server certificate signed by `ca` for `names` (IP addresses become IP SANs, the rest DNS
// SANs), valid from `now` for `validity`.
[[nodiscard]] absl::StatusOr<CertificateAndKey> IssueServerCertificate(
    const CertificateAndKey& ca, const std::vector<std::string>& names, absl::Time now,
    absl::Duration validity);

// Reads a PEM certificate. InvalidArgument when it is not one.
[[nodiscard]] absl::StatusOr<CertificateFacts> ReadCertificate(const std::string& pem);

}  // namespace radctl
