// The shell scripts of backups and recoveries, run with docker exec as postgres (tagged like
// node_scripts.h's, so a test's fake runtime tells them apart). In a node container the cluster's
// repository is at kRepositoryMount; a recovery's helper container has the node's volume as its
// home and the source's repository, read-only, at kSourceRepositoryMount. Pure: text only.
#pragma once

#include <string>

#include "crd-like-specs/cluster_spec.h"
#include "reconcilers/recovery_target.h"

namespace radctl {

// Exit code of a script when the repository volume is not mounted where it should be.
inline constexpr int kRepositoryNotMounted = 3;

// stanza-create, then `check`: a WAL switch archived end to end (it also retries, at once, any
// WAL whose archiving failed before the stanza existed).
std::string StanzaCreateScript(const ClusterSpec& spec);
// pgbackrest backup --type=`type` (full | diff | incr), then expire by the retention.
std::string BackupScript(const ClusterSpec& spec, const std::string& type);
// pgbackrest info --output=json for the cluster's stanza.
std::string BackupInfoScript(const ClusterSpec& spec);
// How far the running backup is, as pgBackRest's info says it ("42.17"); nothing when none runs.
std::string BackupProgressScript(const ClusterSpec& spec);
// On a primary of cluster `stanza` (with its own pgbackrest.conf): `check`, which switches WAL
// and waits until it is archived; prints "flushed". Prints "standby" on a standby.
std::string ArchiveFlushScript(const std::string& stanza);

// In a recovery's helper container:
// info --output=json of the source's stanza, from its repository.
std::string SourceInfoScript(const std::string& stanza);
// Empties the data directory (marker set) and restores `choice`'s backup into it, with the
// recovery settings for its target.
std::string RestoreScript(const std::string& stanza, const RecoveryChoice& choice);
// Starts Postgres (archiving off, no connections from outside) to replay the archive up to the
// target and promote; then clears the source's ALTER SYSTEM settings (restore_command,
// primary_conninfo, ...), runs radctl-restore.sql (roles and passwords of the new cluster) and
// stops cleanly. Prints how recovery ended (Postgres's own log lines).
std::string RecoverScript();

// In the node container afterwards: start, register as repmgr's primary, clear the marker.
std::string StartRestoredPrimaryScript();

}  // namespace radctl
