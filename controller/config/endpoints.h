// Where and as whom the controller reaches a node's Postgres and the bouncer's admin console:
// through the ports published on the host's loopback (DESIGN.md, "Naming"). Pure.
#pragma once

#include "controller/clients/postgres/pg_connection.h"
#include "controller/config/secrets.h"
#include "crd-like-specs/cluster_spec.h"

namespace radctl {

// A node's Postgres as repmgr (superuser) through its published port.
PgEndpoint NodeEndpoint(const ClusterSecrets& secrets, int host_port);
// The bouncer's admin console through its published port.
PgEndpoint BouncerAdminEndpoint(const ClusterSpec& spec, const ClusterSecrets& secrets,
                                int host_port);

}  // namespace radctl
