// The PostgresCluster spec (apiVersion radctl.io/v1alpha1): what the user wants.
// Plain types with their defaults; parsing and validation live in spec_parser.h.
#pragma once

#include <map>
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

struct BouncerSpec {
  int port = kAutoPort;
  std::string bind = "127.0.0.1";
  std::string pool_mode = "transaction";  // session | transaction | statement
};

struct ReplicationSpec {
  // Quorum-synchronous replication: a commit is acknowledged once `synchronous_number` standbys
  // have it (ANY k). In the file: `synchronous: true` (k = 1) or `synchronous: {number: k}`.
  bool synchronous = false;
  int synchronous_number = 1;
  // A slot may hold at most this much WAL for a standby that stays away; past it the standby is
  // rebuilt rather than the shared disk filled. "-1": no limit.
  std::string max_slot_wal_keep_size = "1GB";
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
};

// spec.profile: how Postgres is sized. "standard" is PostgreSQL's own defaults; "small" is for
// CI, many clusters per host: little shared memory and few connections (node_config.cc says
// what exactly). spec.postgres.parameters win over either.
inline constexpr char kProfileStandard[] = "standard";
inline constexpr char kProfileSmall[] = "small";

struct ClusterSpec {
  std::string name;  // metadata.name
  int nodes = 3;
  std::string profile = kProfileStandard;
  PostgresSpec postgres;
  BouncerSpec bouncer;
  ReplicationSpec replication;
  FailoverSpec failover;
  AuthSpec auth;
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

}  // namespace radctl
