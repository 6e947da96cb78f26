// Where and as whom the controller reaches a node's Postgres and the bouncer's admin console:
// through the ports published on the host's loopback (DESIGN.md, "Naming"). Pure.
#pragma once

#include "controller/clients/postgres/pg_connection.h"
#include "controller/config/secrets.h"
#include "crd-like-specs/cluster_spec.h"

namespace radctl {

// A node's Postgres as repmgr (superuser) through its published port. With spec.tls the node is
// verified against the cluster's CA. Until every node and bouncer has once served TLS
// (secrets.tls_required), a node that does not serve it yet (TLS just switched on, a cluster
// taken over from a radctl without TLS) is connected to without, so that the planner can see
// and reconfigure it; after that, never.
PgEndpoint NodeEndpoint(const ClusterSpec& spec, const ClusterSecrets& secrets, int host_port);
// The bouncer's admin console through its published port (verified likewise).
PgEndpoint BouncerAdminEndpoint(const ClusterSpec& spec, const ClusterSecrets& secrets,
                                int host_port);
// The app user through the bouncer's published port (`host_port`), as a client of the cluster.
PgEndpoint AppEndpoint(const ClusterSpec& spec, const ClusterSecrets& secrets, int host_port);

}  // namespace radctl
