// ClusterSpecToYaml (declared in spec_parser.h): the inverse of ParseClusterSpec.
#include "crd-like-specs/spec_parser.h"
#include "yaml-cpp/yaml.h"

namespace radctl {
namespace {

void EmitPostgres(YAML::Emitter& out, const PostgresSpec& postgres) {
  out << YAML::Key << "postgres" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "version" << YAML::Value << postgres.version;
  // An empty image is left out so that reading it back applies the default again.
  if (!postgres.image.empty()) out << YAML::Key << "image" << YAML::Value << postgres.image;
  out << YAML::Key << "parameters" << YAML::Value;
  if (postgres.parameters.empty()) out << YAML::Flow;  // "{}" rather than a dangling block
  out << YAML::BeginMap;
  for (const auto& [name, value] : postgres.parameters) {
    // Quoted: "200" must come back as the text "200", whatever it looks like.
    out << YAML::Key << name << YAML::Value << YAML::DoubleQuoted << value;
  }
  out << YAML::EndMap << YAML::EndMap;
}

void EmitBouncer(YAML::Emitter& out, const BouncerSpec& bouncer) {
  out << YAML::Key << "bouncer" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "port" << YAML::Value;
  if (bouncer.port == kAutoPort) {
    out << "auto";
  } else {
    out << bouncer.port;
  }
  out << YAML::Key << "bind" << YAML::Value << bouncer.bind;
  out << YAML::Key << "poolMode" << YAML::Value << bouncer.pool_mode;
  if (bouncer.read_port != kNoReadPort) {
    out << YAML::Key << "readPort" << YAML::Value;
    if (bouncer.read_port == kAutoReadPort) {
      out << "auto";
    } else {
      out << bouncer.read_port;
    }
    out << YAML::Key << "readMaxLag" << YAML::Value << bouncer.read_max_lag;
  }
  out << YAML::EndMap;
}

void EmitReplicationAndFailover(YAML::Emitter& out, const ClusterSpec& spec) {
  out << YAML::Key << "replication" << YAML::Value << YAML::BeginMap;
  if (spec.replication.synchronous && spec.replication.synchronous_number != 1) {
    out << YAML::Key << "synchronous" << YAML::Value << YAML::BeginMap << YAML::Key << "number"
        << YAML::Value << spec.replication.synchronous_number << YAML::EndMap;
  } else {
    out << YAML::Key << "synchronous" << YAML::Value << spec.replication.synchronous;
  }
  out << YAML::Key << "maxSlotWalKeepSize" << YAML::Value
      << spec.replication.max_slot_wal_keep_size;
  out << YAML::Key << "maxMovedAside" << YAML::Value << spec.replication.max_moved_aside;
  out << YAML::EndMap;
  out << YAML::Key << "failover" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "enabled" << YAML::Value << spec.failover.enabled;
  out << YAML::Key << "detectionMs" << YAML::Value << spec.failover.detection_ms;
  out << YAML::EndMap;
}

void EmitAuth(YAML::Emitter& out, const AuthSpec& auth) {
  out << YAML::Key << "auth" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "user" << YAML::Value << auth.user;
  out << YAML::Key << "database" << YAML::Value << auth.database;
  out << YAML::Key << "password" << YAML::Value << YAML::DoubleQuoted << auth.password;
  out << YAML::EndMap;
}

// Left out when it is the default (no backups, default settings): specs that never used backups
// read as they always did.
void EmitBackup(YAML::Emitter& out, const ClusterSpec& spec) {
  const BackupSpec& backup = spec.backup;
  BackupSpec defaults;
  bool is_default = backup.enabled == defaults.enabled && backup.schedule == defaults.schedule &&
                    backup.retention_full == defaults.retention_full &&
                    backup.repository == defaults.repository &&
                    backup.compression == defaults.compression;
  if (is_default) return;
  out << YAML::Key << "backup" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "enabled" << YAML::Value << backup.enabled;
  // Quoted: a cron expression starting with * would read as an alias.
  if (!backup.schedule.empty()) {
    out << YAML::Key << "schedule" << YAML::Value << YAML::DoubleQuoted << backup.schedule;
  }
  out << YAML::Key << "retention" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key
      << "full" << YAML::Value << backup.retention_full << YAML::EndMap;
  if (!backup.repository.empty()) {
    out << YAML::Key << "repository" << YAML::Value << backup.repository;
  }
  out << YAML::Key << "compression" << YAML::Value << backup.compression;
  out << YAML::EndMap;
}

void EmitBootstrap(YAML::Emitter& out, const BootstrapSpec& bootstrap) {
  if (!bootstrap.recovery.has_value()) return;
  const RecoverySpec& recovery = *bootstrap.recovery;
  out << YAML::Key << "bootstrap" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "recovery" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "fromCluster" << YAML::Value << recovery.from_cluster;
  if (!recovery.target_time.empty()) {
    out << YAML::Key << "targetTime" << YAML::Value << YAML::DoubleQuoted << recovery.target_time;
  }
  if (!recovery.target_lsn.empty()) {
    out << YAML::Key << "targetLSN" << YAML::Value << YAML::DoubleQuoted << recovery.target_lsn;
  }
  if (recovery.latest) out << YAML::Key << "latest" << YAML::Value << true;
  if (!recovery.repository.empty()) {
    out << YAML::Key << "repository" << YAML::Value << recovery.repository;
  }
  out << YAML::EndMap << YAML::EndMap;
}

void EmitTls(YAML::Emitter& out, const TlsSpec& tls) {
  out << YAML::Key << "tls" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "enabled" << YAML::Value << tls.enabled;
  out << YAML::EndMap;
}

}  // namespace

std::string ClusterSpecToYaml(const ClusterSpec& spec) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "apiVersion" << YAML::Value << kApiVersion;
  out << YAML::Key << "kind" << YAML::Value << kKind;
  out << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << spec.name;
  out << YAML::EndMap;
  out << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "nodes" << YAML::Value << spec.nodes;
  if (spec.profile != kProfileStandard)
    out << YAML::Key << "profile" << YAML::Value << spec.profile;
  EmitPostgres(out, spec.postgres);
  EmitBouncer(out, spec.bouncer);
  EmitReplicationAndFailover(out, spec);
  EmitAuth(out, spec.auth);
  EmitBackup(out, spec);
  EmitBootstrap(out, spec.bootstrap);
  EmitTls(out, spec.tls);
  out << YAML::EndMap << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace radctl
