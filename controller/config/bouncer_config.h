// PgBouncer's pgbouncer.ini and userlist.txt, rendered from the spec (pure, unit-tested). The
// controller uploads both and RELOADs; the target is the only part that changes on failover.
#pragma once

#include <string>

#include "controller/config/secrets.h"
#include "crd-like-specs/cluster_spec.h"

namespace radctl {

inline constexpr char kBouncerConfigDir[] = "/etc/pgbouncer";
inline constexpr int kBouncerUid = 999;  // fixed in images/pgbouncer/Dockerfile

// `target_host` is the primary's node name, or "" before there is one (clients are refused with
// "no such database" rather than sent anywhere: the bouncer follows, never leads).
std::string RenderPgbouncerIni(const ClusterSpec& spec, const std::string& target_host);
std::string RenderUserlist(const ClusterSpec& spec, const ClusterSecrets& secrets);

}  // namespace radctl
