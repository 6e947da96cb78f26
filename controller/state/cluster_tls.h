// Where a cluster's TLS material is kept: tls/ in its state directory, every file 0600. The CA's
// certificate has a file of its own (ca.crt: clients pass it as sslrootcert); the server
// certificate and its key are one file (server.pem), so that a renewal replaces both at once.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "controller/config/secrets.h"
#include "controller/state/state_files.h"

namespace radctl {

inline constexpr char kTlsDirectory[] = "tls";

// Reads the TLS files of the cluster directory `dir` into `secrets` (ca, server, ca_file,
// tls_required); what is missing stays empty (a CA without its certificate counts as missing).
[[nodiscard]] absl::Status ReadTlsFiles(const StateFiles& files, const std::string& dir,
                                        ClusterSecrets& secrets);
// Writes a new CA (key first: a CA certificate is never without its key).
[[nodiscard]] absl::Status WriteCertificateAuthority(const StateFiles& files,
                                                     const std::string& dir,
                                                     const CertificateAndKey& ca);
[[nodiscard]] absl::Status WriteServerCertificate(const StateFiles& files, const std::string& dir,
                                                  const CertificateAndKey& server);
// Keeps (or, with `required` false, drops) tls/required: radctl's own connections to the
// cluster refuse plaintext (ClusterSecrets::tls_required).
[[nodiscard]] absl::Status WriteTlsRequired(const StateFiles& files, const std::string& dir,
                                            bool required);

}  // namespace radctl
