// PgBouncer's pgbouncer.ini and userlist.txt, rendered from the spec (pure, unit-tested). The
// controller uploads both and RELOADs; the target is the only part that changes on failover.
#pragma once

#include <string>
#include <vector>

#include "controller/clients/docker/docker_types.h"
#include "controller/config/secrets.h"
#include "crd-like-specs/cluster_spec.h"
#include "reconcilers/client_hold.h"  // kClientHoldLimitSeconds

namespace radctl {

inline constexpr char kBouncerConfigDir[] = "/etc/pgbouncer";
inline constexpr int kBouncerUid = 999;  // fixed in images/pgbouncer/Dockerfile

// `target_host` is the primary's node name, or "" before there is one (clients are refused with
// "no such database" rather than sent anywhere: the bouncer follows, never leads). `files` names
// the userlist and TLS files (BouncerFilesGeneration); "" for the plain userlist.txt and no TLS
// (what an exported configuration shows).
std::string RenderPgbouncerIni(const ClusterSpec& spec, const std::string& target_host,
                               const std::string& files = "");
// The userlist: SCRAM secrets, never passwords.
std::string RenderUserlist(const ClusterSpec& spec, const ClusterSecrets& secrets);

// A digest of everything secret the bouncer reads (userlist, certificate and key, TLS on or off):
// it names the files, so that SHOW CONFIG's auth_file tells whether the bouncer runs with the
// current ones.
std::string BouncerFilesGeneration(const ClusterSpec& spec, const ClusterSecrets& secrets);
std::string BouncerAuthFile(const std::string& generation);  // /etc/pgbouncer/userlist-<g>.txt
// pgbouncer.ini, the userlist and the TLS files, for UploadFiles into kBouncerConfigDir.
std::vector<docker::FileToUpload> BouncerFiles(const ClusterSpec& spec,
                                               const ClusterSecrets& secrets,
                                               const std::string& target_host);

}  // namespace radctl
