// `radctl export --format cnpg`: the same cluster as CloudNativePG manifests: a Cluster
// (postgresql.cnpg.io/v1), a Pooler per endpoint, with backups a ScheduledBackup through the
// barman-cloud plugin, and the Secrets they reference. Pure: no I/O, so it is unit-tested against
// CloudNativePG's CRDs and parameter lists (v1.30.0). Every promise radctl makes is kept where
// CloudNativePG has the means (the synchronous quorum and failoverQuorum, data checksums); what
// does not carry over is listed at the top of the output and returned, never dropped silently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "controller/config/secrets.h"
#include "crd-like-specs/cluster_spec.h"

namespace radctl::exporting {

inline constexpr char kCnpgApiVersion[] = "postgresql.cnpg.io/v1";
// The role CloudNativePG's documentation names for streaming from a source outside Kubernetes
// (and the name it uses for its own replicas, so the copied role is simply taken over).
inline constexpr char kReplicationUser[] = "streaming_replica";
// The CNPG-I plugin that archives WAL and takes backups into an object store.
inline constexpr char kBarmanCloudPlugin[] = "barman-cloud.cloudnative-pg.io";

struct HostPort {
  std::string host;
  int port = 0;
};
// "db.example.com:5432" -> {host, port}; InvalidArgument (exit 2) with what was expected.
[[nodiscard]] absl::StatusOr<HostPort> ParseHostPort(absl::string_view text);

struct CnpgOptions {
  // Bytes used by the largest node volume; nullopt when it could not be measured.
  std::optional<int64_t> data_bytes;
  // Set: bootstrap by pg_basebackup from this address of the current primary.
  std::optional<HostPort> migrate_from;
  // The cluster's CA certificate (PEM), to verify the source with --migrate-from; "" unknown.
  std::string source_ca_pem;
  // Include Secret manifests with passwords. Without it they are left out and the header says
  // how to create them: printing a password needs an explicit request (as `status -o uri`).
  bool show_secrets = false;
  // kReplicationUser's password, known only when this export has just set it.
  std::string replication_password;
};

struct CnpgExport {
  std::string yaml;  // documents separated by "---", header comments first
  // Everything the header says: what does not carry over, and what needs doing by hand.
  std::vector<std::string> notes;
  // The spec fields whose meaning does not carry over ("failover.detectionMs 2500: ..."), one
  // line each; `export --strict` refuses to print when there is any.
  std::vector<std::string> not_carried;
};

// Internal only if building the documents failed (nlohmann's exceptions stay in here).
[[nodiscard]] absl::StatusOr<CnpgExport> RenderCnpg(const ClusterSpec& spec,
                                                    const ClusterSecrets& secrets,
                                                    const CnpgOptions& options);

// Names of what the export creates, so that the CLI and tests agree with the renderer.
std::string AppSecretName(const std::string& cluster);          // demo-app-user
std::string ReplicationSecretName(const std::string& cluster);  // demo-source-replication
std::string SourceCaSecretName(const std::string& cluster);     // demo-source-ca
std::string SourceName(const std::string& cluster);             // demo-radctl
std::string PoolerName(const std::string& cluster);             // demo-pooler-rw
std::string ReadPoolerName(const std::string& cluster);         // demo-pooler-ro (readPort)
std::string ObjectStoreName(const std::string& cluster);        // demo-backup
std::string ScheduledBackupName(const std::string& cluster);    // demo-scheduled

// Storage for one instance: twice what the largest volume uses (room for growth and WAL),
// rounded up to whole GiB, at least 1Gi; "1Gi" when unknown.
std::string StorageSize(std::optional<int64_t> data_bytes);

// spec.backup.schedule in the form a ScheduledBackup takes (robfig/cron with seconds): an
// interval "6h" -> "@every 6h0m0s", a 5-field cron "0 3 * * *" -> "0 0 3 * * *".
std::string CnpgSchedule(const std::string& schedule);

// SQL, run as a superuser on the source primary, that creates kReplicationUser (or resets its
// password): LOGIN REPLICATION and nothing more, which is all pg_basebackup needs.
std::string ReplicationUserSql(const std::string& password);

}  // namespace radctl::exporting
