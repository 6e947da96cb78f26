// Files a Postgres node is configured with, rendered from the spec (pure: unit-tested, no I/O).
// The controller uploads them; nothing is edited in place with sed.
#pragma once

#include <string>

#include "controller/clients/docker/docker_types.h"
#include "controller/config/secrets.h"
#include "crd-like-specs/cluster_spec.h"

namespace radctl {

inline constexpr char kNodeHome[] = "/var/lib/postgresql";  // the node's volume
inline constexpr char kDataDir[] = "/var/lib/postgresql/data";
inline constexpr char kRepmgrConfPath[] = "/var/lib/postgresql/repmgr.conf";
inline constexpr char kPgBinDir[] = "/usr/lib/postgresql/15/bin";
inline constexpr int kPostgresUid = 999;  // fixed in images/postgres/Dockerfile

// A file for a node's volume, owned by postgres: `path` relative to kNodeHome or absolute.
docker::FileToUpload PostgresFile(std::string path, std::string content, int mode = 0600);

// postgresql.conf: replication settings radctl needs, then spec.postgres.parameters. The same
// file on every node (clones copy it), so nothing in it depends on a node's role.
std::string RenderPostgresqlConf(const ClusterSpec& spec);

// synchronous_standby_names for the spec: "ANY k (...)" over every node but only when
// synchronous replication is on and there is a standby to wait for; "" otherwise.
std::string SynchronousStandbyNames(const ClusterSpec& spec);

// pg_hba.conf: trust only on the container's own socket, SCRAM everywhere else; with
// `require_tls` only over TLS (plaintext connections are refused).
std::string RenderPgHbaConf(bool require_tls);

// repmgr.conf of node `ordinal`; repmgrd is not used (the controller decides failover).
std::string RenderRepmgrConf(const ClusterSpec& spec, int ordinal);

// ~/.pgpass for the postgres OS user: repmgr's password for repmgr, pg_basebackup, pg_rewind
// and the WAL receiver.
std::string RenderPgpass(const ClusterSecrets& secrets);

// SQL run once on a new primary: roles and databases, with their passwords.
std::string RenderBootstrapSql(const ClusterSpec& spec, const ClusterSecrets& secrets);

// A string as an SQL literal: 'it''s'.
std::string QuoteLiteral(const std::string& text);
// A string as a postgresql.conf value: quotes doubled and backslashes escaped ('C:\\temp\\').
std::string QuoteConfValue(const std::string& text);

}  // namespace radctl
