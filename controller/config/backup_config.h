// pgBackRest's configuration on a node and the archive settings of postgresql.conf, rendered
// from spec.backup (pure: unit-tested, no I/O). Every node gets the same: whichever is primary
// archives and backs up into the repository volume mounted at kRepositoryMount.
#pragma once

#include <string>

#include "controller/config/secrets.h"
#include "crd-like-specs/cluster_spec.h"

namespace radctl {

// The cluster's repository volume, in every node container when backups are enabled.
inline constexpr char kRepositoryMount[] = "/var/lib/pgbackrest";
// Another cluster's repository, read-only, in the helper container of a recovery.
inline constexpr char kSourceRepositoryMount[] = "/var/lib/pgbackrest-source";
// In the node's home (its volume), uploaded with the other node files.
inline constexpr char kPgbackrestConfPath[] = "/var/lib/postgresql/pgbackrest.conf";
// Parallel copy and compression processes of a backup or restore: two cores are common on the
// hosts radctl runs on; more processes only compete.
inline constexpr int kPgbackrestProcessMax = 2;
// pgBackRest's lock files: per container, in its own /tmp.
inline constexpr char kPgbackrestLockPath[] = "/tmp/pgbackrest";

// pgbackrest.conf: the repository (path, retention, compression) and the stanza, named after
// the cluster, for the node's data directory.
std::string RenderPgbackrestConf(const ClusterSpec& spec);

// The postgresql.conf lines for archiving: archive_mode on with pgBackRest's archive-push when
// backups are enabled, off otherwise. archive_timeout bounds how old the newest archived WAL
// can be when writes are rare (a recovery reaches at most what was archived).
std::string RenderArchiveSettings(const ClusterSpec& spec);

// SQL run once on a restored primary (psql, as postgres, over the local socket): the restored
// catalog has the source's roles and passwords; the new cluster's are set (repmgr's, the app
// user's, created with its database when the source had other names), and repmgr's records of
// the source's other nodes are dropped (node 1 registers itself again, the standbys as they
// clone).
std::string RenderRestoreSql(const ClusterSpec& spec, const ClusterSecrets& secrets);

// `pgbackrest --config=... --stanza=NAME` and the options every command shares.
std::string PgbackrestCommand(const ClusterSpec& spec);

}  // namespace radctl
