#include "controller/config/endpoints.h"

namespace radctl {
namespace {

void Verify(const ClusterSpec& spec, const ClusterSecrets& secrets, PgEndpoint& endpoint) {
  if (spec.tls.enabled && !secrets.ca_file.empty()) {
    endpoint.sslrootcert = secrets.ca_file;
    endpoint.plaintext_fallback = !secrets.tls_required;
  }
}

// A bouncer published on every address is reached through loopback like the rest.
std::string BouncerHost(const ClusterSpec& spec) {
  return spec.bouncer.bind == "0.0.0.0" ? "127.0.0.1" : spec.bouncer.bind;
}

}  // namespace

PgEndpoint NodeEndpoint(const ClusterSpec& spec, const ClusterSecrets& secrets, int host_port) {
  PgEndpoint endpoint;
  endpoint.host = "127.0.0.1";
  endpoint.port = host_port;
  endpoint.user = kRepmgrUser;
  endpoint.password = secrets.repmgr_password;
  endpoint.dbname = kRepmgrDatabase;
  Verify(spec, secrets, endpoint);
  return endpoint;
}

PgEndpoint BouncerAdminEndpoint(const ClusterSpec& spec, const ClusterSecrets& secrets,
                                int host_port) {
  PgEndpoint endpoint;
  endpoint.host = BouncerHost(spec);
  endpoint.port = host_port;
  endpoint.user = kBouncerAdminUser;
  endpoint.password = secrets.bouncer_password;
  endpoint.dbname = "pgbouncer";
  Verify(spec, secrets, endpoint);
  return endpoint;
}

PgEndpoint AppEndpoint(const ClusterSpec& spec, const ClusterSecrets& secrets, int host_port) {
  PgEndpoint endpoint;
  endpoint.host = BouncerHost(spec);
  endpoint.port = host_port;
  endpoint.user = spec.auth.user;
  endpoint.password = secrets.app_password;
  endpoint.dbname = spec.auth.database;
  Verify(spec, secrets, endpoint);
  endpoint.plaintext_fallback = false;  // a client of the cluster: TLS as the spec says
  return endpoint;
}

}  // namespace radctl
