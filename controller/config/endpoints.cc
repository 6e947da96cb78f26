#include "controller/config/endpoints.h"

namespace radctl {

PgEndpoint NodeEndpoint(const ClusterSecrets& secrets, int host_port) {
  PgEndpoint endpoint;
  endpoint.host = "127.0.0.1";
  endpoint.port = host_port;
  endpoint.user = kRepmgrUser;
  endpoint.password = secrets.repmgr_password;
  endpoint.dbname = kRepmgrDatabase;
  return endpoint;
}

PgEndpoint BouncerAdminEndpoint(const ClusterSpec& spec, const ClusterSecrets& secrets,
                                int host_port) {
  PgEndpoint endpoint;
  // A bouncer published on every address is reached through loopback like the rest.
  endpoint.host = spec.bouncer.bind == "0.0.0.0" ? "127.0.0.1" : spec.bouncer.bind;
  endpoint.port = host_port;
  endpoint.user = kBouncerAdminUser;
  endpoint.password = secrets.bouncer_password;
  endpoint.dbname = "pgbouncer";
  return endpoint;
}

}  // namespace radctl
