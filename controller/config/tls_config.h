// TLS settings of the nodes and of libpq connections between them, rendered from the spec and
// the cluster's certificate (pure). The files live in the node's volume beside the data
// directory, which initdb, clones and rebuilds replace.
#pragma once

#include <string>
#include <vector>

#include "controller/clients/docker/docker_types.h"
#include "controller/config/secrets.h"
#include "crd-like-specs/cluster_spec.h"

namespace radctl {

inline constexpr char kNodeTlsDir[] = "/var/lib/postgresql/tls";
// Included last by postgresql.conf (include_if_exists), so that it can change without the rest.
inline constexpr char kNodeTlsConf[] = "/var/lib/postgresql/tls/radctl-tls.conf";

// The first 16 hex digits of the SHA-256 of the server certificate; "" when there is none.
std::string CertificateFingerprint(const CertificateAndKey& server);

// ssl on (with the server certificate) when TLS is on and a certificate is kept, else off; and
// radctl.tls_certificate, the fingerprint the node reports (observed to tell a renewed
// certificate that has not reached it yet).
std::string RenderPostgresTlsConf(const ClusterSpec& spec, const ClusterSecrets& secrets);

// Files of `RenderPostgresTlsConf` and the certificates, relative to the node's home, for
// UploadFiles (the directory first). Nothing but the configuration when no certificate is kept.
std::vector<docker::FileToUpload> NodeTlsFiles(const ClusterSpec& spec,
                                               const ClusterSecrets& secrets);

// What node-to-node libpq connections add to their conninfo (replication, pg_rewind, repmgr):
// " sslmode=verify-full sslrootcert=..." with TLS on, "" with it off.
std::string NodeConninfoTls(const ClusterSpec& spec);

}  // namespace radctl
