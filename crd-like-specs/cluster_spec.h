// The PostgresCluster spec (apiVersion radctl.io/v1alpha1): what the user wants.
// Plain types with their defaults; parsing and validation live in spec_parser.h.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace radctl {

inline constexpr char kApiVersion[] = "radctl.io/v1alpha1";
inline constexpr char kKind[] = "PostgresCluster";

struct PostgresSpec {
  int version = 15;
  std::string image;  // empty in the file: defaulted to "radctl/postgres:<version>"
  // postgresql.conf parameters; values kept as the text the user wrote.
  std::map<std::string, std::string> parameters;
};

// `bouncer.port: auto`, or no port: a free loopback port is picked on the first apply and kept
// with the cluster, so it stays the same across applies.
inline constexpr int kAutoPort = 0;

inline constexpr int kNoReadPort = 0;  // spec.bouncer.readPort absent: no read endpoint
// `readPort: auto`: picked on the first apply like `port: auto`, and kept with the cluster.
inline constexpr int kAutoReadPort = -1;

struct BouncerSpec {
  int port = kAutoPort;
  std::string bind = "127.0.0.1";
  std::string pool_mode = "transaction";  // session | transaction | statement
  // The read-only endpoint (a second bouncer serving the streaming standbys round-robin):
  // published on bind:read_port; kNoReadPort: none; kAutoReadPort until it is picked.
  int read_port = kNoReadPort;
  // A standby whose replay lags the primary by more than this is taken out of the read
  // endpoint: a size like 16MB (units kB, MB, GB, TB) or "-1" for no bound.
  std::string read_max_lag = "16MB";
};

struct ReplicationSpec {
  // Quorum-synchronous replication: a commit is acknowledged once `synchronous_number` standbys
  // have it (ANY k). In the file: `synchronous: true` (k = 1) or `synchronous: {number: k}`.
  bool synchronous = false;
  int synchronous_number = 1;
  // A slot may hold at most this much WAL for a standby that stays away; past it the standby is
  // rebuilt rather than the shared disk filled. "-1": no limit.
  std::string max_slot_wal_keep_size = "1GB";
  // A rebuild moves the node's data directory aside instead of deleting it; a node keeps at most
  // this many such copies, and one holding them all is not rebuilt until a person removes one.
  int max_moved_aside = 3;
};

struct FailoverSpec {
  bool enabled = true;
  int detection_ms = 1000;  // primary unreachable this long -> failover
};

// TLS on every connection: clients to the bouncer, the bouncer to the nodes, replication, and the
// controller to all of them. Certificates are made and renewed by radctl (a CA per cluster).
struct TlsSpec {
  // false only where every endpoint is bound to loopback (spec.bouncer.bind 127.x).
  bool enabled = true;
};

struct AuthSpec {
  std::string user = "app";
  std::string database = "app";
  std::string password;  // empty: generated once and kept with the cluster
  // A file holding the password (a Compose or Kubernetes secret), as written in the spec; the
  // spec file's reader (LoadClusterSpecFile) puts its content in `password`. Not compared by
  // operator==: the password it names is.
  std::string password_file;
};

// spec.profile: how Postgres is sized. "standard" is PostgreSQL's own defaults; "small" is for
// CI, many clusters per host: little shared memory and few connections (node_config.cc says
// what exactly). spec.postgres.parameters win over either.
inline constexpr char kProfileStandard[] = "standard";
inline constexpr char kProfileSmall[] = "small";

// Backups with pgBackRest into a repository volume, and continuous WAL archiving.
struct BackupSpec {
  bool enabled = false;
  // When scheduled backups are taken while watching: an interval ("6h", "30m", "15s") or a
  // 5-field cron expression in UTC ("0 3 * * *"); "" for none (radctl backup only).
  std::string schedule;
  int retention_full = 2;  // full backups kept (pgBackRest repo1-retention-full)
  std::string repository;  // Docker volume; empty in the file: defaulted to "<name>-backup"
  std::string compression = "lz4";  // none | gz | bz2 | lz4 | zst
};

// Where a new cluster's data comes from: the repository of another cluster, recovered to a point
// in time. Exactly one of target_time, target_lsn and latest is set.
struct RecoverySpec {
  std::string from_cluster;
  std::string target_time;  // RFC 3339, as written ("2024-05-01T10:00:00Z")
  std::string target_lsn;   // "0/3000060"
  bool latest = false;
  // The source's repository volume; empty in the file: defaulted to "<fromCluster>-backup".
  std::string repository;
};

struct BootstrapSpec {
  std::optional<RecoverySpec> recovery;  // nullopt: a new, empty cluster (initdb)
};

struct ClusterSpec {
  std::string name;  // metadata.name
  int nodes = 3;
  std::string profile = kProfileStandard;
  PostgresSpec postgres;
  BouncerSpec bouncer;
  ReplicationSpec replication;
  FailoverSpec failover;
  AuthSpec auth;
  BackupSpec backup;
  BootstrapSpec bootstrap;
  TlsSpec tls;

  // Where each field came from in the file ("spec.bouncer.port" -> line/column), so checks made
  // later (a port already in use) can point at the line. Empty for specs built in code.
  struct Position {
    int line = 0;    // 1-based
    int column = 0;  // 1-based
  };
  std::map<std::string, Position> positions;
  std::string source;  // file name the spec was read from, "" if built in code

  bool operator==(const ClusterSpec& o) const;  // compares the fields, not positions/source
};

// spec.bouncer.readMaxLag in bytes (kB = 1024 bytes, as Postgres counts); -1: no bound.
int64_t ReadMaxLagBytes(const BouncerSpec& bouncer);

// A cluster's backup repository volume when its spec names none: "<name>-backup".
std::string DefaultBackupRepository(const std::string& cluster);
// spec.backup.repository, else the default.
std::string BackupRepository(const ClusterSpec& spec);
// spec.bootstrap.recovery.repository, else the source cluster's default.
std::string SourceRepository(const RecoverySpec& recovery);

}  // namespace radctl
