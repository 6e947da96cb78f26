// Names and labels of everything a cluster owns. The cluster's identity lives in Docker: every
// object is named from the cluster name and an ordinal and carries these labels, so observing
// needs nothing but the engine.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace radctl {

inline constexpr char kLabelCluster[] = "io.radctl.cluster";
inline constexpr char kLabelComponent[] = "io.radctl.component";  // "postgres" | "bouncer"
inline constexpr char kLabelOrdinal[] = "io.radctl.ordinal";
inline constexpr char kLabelSpecHash[] = "io.radctl.spec-hash";
inline constexpr char kComponentPostgres[] = "postgres";
inline constexpr char kComponentBouncer[] = "bouncer";
inline constexpr char kComponentReadBouncer[] = "bouncer-read";  // the read-only endpoint

// Docker Compose's own labels, so `docker compose ls/ps` and other tools group the objects.
inline constexpr char kLabelComposeProject[] = "com.docker.compose.project";
inline constexpr char kLabelComposeService[] = "com.docker.compose.service";
inline constexpr char kLabelComposeNumber[] = "com.docker.compose.container-number";

inline constexpr int kPostgresPort = 5432;
inline constexpr int kBouncerPort = 6432;  // inside the bouncer container

std::string NetworkName(const std::string& cluster);              // demo-net
std::string NodeName(const std::string& cluster, int ordinal);    // demo-pg-2
std::string VolumeName(const std::string& cluster, int ordinal);  // demo-pg-2-data
std::string BouncerName(const std::string& cluster);              // demo-bouncer
std::string ReadBouncerName(const std::string& cluster);          // demo-bouncer-read

// Ordinal of a node name of this cluster ("demo-pg-2" -> 2), nullopt for other names.
std::optional<int> OrdinalFromNodeName(const std::string& cluster, const std::string& name);

using LabelMap = std::map<std::string, std::string>;

// Labels for a node's container and volume, the bouncer, and cluster-wide objects (network).
LabelMap NodeLabels(const std::string& cluster, int ordinal, const std::string& spec_hash);
LabelMap BouncerLabels(const std::string& cluster, const std::string& spec_hash);
LabelMap ReadBouncerLabels(const std::string& cluster, const std::string& spec_hash);
LabelMap ClusterLabels(const std::string& cluster);

// Backups: the repository volume a node container mounts is named in a label on it, so a node
// made without it is visible; a recovery's helper container is short-lived and the cluster's.
inline constexpr char kLabelBackupRepository[] = "io.radctl.backup-repository";
inline constexpr char kComponentBackup[] = "backup";        // the backup repository volume
inline constexpr char kComponentRestore[] = "restore";      // a recovery's helper container
std::string RestoreHelperName(const std::string& cluster);  // demo-restore
LabelMap RepositoryLabels(const std::string& cluster);
LabelMap RestoreHelperLabels(const std::string& cluster);

// The controller's lease on the engine (ContainerRuntime::TakeLease): one controller acts on a
// cluster at a time, however many state directories name it. Not labelled as the cluster's, so
// that observing and deleting the cluster never touch it.
inline constexpr char kLabelLease[] = "io.radctl.lease";               // the cluster's name
inline constexpr char kLabelLeaseHolder[] = "io.radctl.lease-holder";  // "pid 4711 on HOST"
std::string LeaseName(const std::string& cluster);                     // demo-controller-lease
// The volume the lease's container mounts: what a controller keeps on the engine for the next
// holder (primary_record.h). Labelled as the cluster's: deleted with its volumes, kept with them.
std::string LeaseVolumeName(const std::string& cluster);  // demo-controller-state

}  // namespace radctl
