#include "controller/export/cnpg_manifest.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "controller/config/node_config.h"
#include "controller/export/cnpg_parameters.h"
#include "controller/export/yaml_text.h"
#include "crd-like-specs/backup_schedule.h"

namespace radctl::exporting {
namespace {

using Json = nlohmann::ordered_json;

// What the export says besides the manifests: `Lost` for a spec field whose meaning does not
// carry over (--strict refuses those), `Note` for what to know or do by hand.
class Findings {
 public:
  void Lost(const std::string& field, const std::string& why) {
    not_carried_.push_back(absl::StrCat(field, ": ", why));
  }
  void Note(std::string text) { notes_.push_back(std::move(text)); }
  std::vector<std::string>& not_carried() { return not_carried_; }
  std::vector<std::string>& notes() { return notes_; }

 private:
  std::vector<std::string> not_carried_;
  std::vector<std::string> notes_;
};

// "a, 'b'" -> ["a", "b"]: postgresql.conf's list syntax.
std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    item = absl::StripAsciiWhitespace(item);
    if (item.size() >= 2 && (item.front() == '\'' || item.front() == '"') &&
        item.back() == item.front()) {
      item = item.substr(1, item.size() - 2);
    }
    if (!item.empty()) items.emplace_back(item);
  }
  return items;
}

// "name = 'value'" lines of a section of radctl's own postgresql.conf, read from its one
// renderer so the two cannot drift apart: the settings `spec.profile` adds.
std::vector<std::pair<std::string, std::string>> ProfileSettings(const ClusterSpec& spec) {
  std::vector<std::pair<std::string, std::string>> settings;
  bool in_profile = false;
  for (absl::string_view line : absl::StrSplit(RenderPostgresqlConf(spec), '\n')) {
    if (absl::StartsWith(line, "# spec.profile:")) {
      in_profile = true;
      continue;
    }
    if (!in_profile) continue;
    if (line.empty() || line[0] == '#') break;
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(line, absl::MaxSplits('=', 1));
    std::string value(absl::StripAsciiWhitespace(kv.second));
    if (value.size() >= 2 && value.front() == '\'') value = value.substr(1, value.size() - 2);
    settings.emplace_back(std::string(absl::StripAsciiWhitespace(kv.first)), value);
  }
  return settings;
}

Json Postgresql(const ClusterSpec& spec, const CnpgOptions& options, Findings& findings) {
  Json postgresql = Json::object();
  Json parameters = Json::object();
  // The profile's sizes, then the spec's parameters over them, as radctl writes them.
  for (const auto& [name, value] : ProfileSettings(spec)) parameters[name] = value;
  // The slot bound radctl keeps; CloudNativePG uses slots for its replicas too.
  parameters["max_slot_wal_keep_size"] = spec.replication.max_slot_wal_keep_size;
  for (const auto& [name, value] : spec.postgres.parameters) {
    if (name == "shared_preload_libraries") {
      postgresql["shared_preload_libraries"] = SplitList(value);
      continue;
    }
    if (CnpgRefusesParameter(name)) {
      findings.Lost(absl::StrCat("postgres.parameters.", name),
                    "CloudNativePG sets it itself and its webhook refuses it (left out)");
      continue;
    }
    parameters[name] = value;
  }
  if (options.migrate_from && !spec.postgres.parameters.count("max_wal_senders")) {
    // A hot standby refuses to run with fewer WAL senders than its primary had; the copy
    // replays WAL as a standby before it is promoted, so it needs radctl's value.
    parameters["max_wal_senders"] = "16";
  }
  postgresql["parameters"] = parameters;
  if (spec.replication.synchronous) {
    if (spec.nodes >= 2) {
      // radctl's promise, in CloudNativePG's terms: ANY k standbys acknowledge a commit, and a
      // commit waits rather than go ahead without them (required); failover promotes only a
      // replica that a quorum shows holds every acknowledged commit (failoverQuorum, 1.28+).
      postgresql["synchronous"] = {{"method", "any"},
                                   {"number", spec.replication.synchronous_number},
                                   {"dataDurability", "required"},
                                   {"failoverQuorum", true}};
    } else {
      findings.Note(
          "replication.synchronous is on, but with one node there is no standby to wait for "
          "(radctl does not wait either): not exported");
    }
  }
  return postgresql;
}

Json SecretRef(const std::string& name) { return {{"name", name}}; }

Json Bootstrap(const ClusterSpec& spec, const CnpgOptions& options) {
  if (options.migrate_from) {
    return {{"pg_basebackup",
             {{"source", SourceName(spec.name)},
              {"database", spec.auth.database},
              {"owner", spec.auth.user},
              {"secret", SecretRef(AppSecretName(spec.name))}}}};
  }
  // The same initdb radctl runs: checksums on (pg_rewind relies on them), UTF8, C.UTF-8.
  return {{"initdb",
           {{"database", spec.auth.database},
            {"owner", spec.auth.user},
            {"secret", SecretRef(AppSecretName(spec.name))},
            {"dataChecksums", true},
            {"encoding", "UTF8"},
            {"localeCollate", "C.UTF-8"},
            {"localeCType", "C.UTF-8"}}}};
}

Json ExternalClusters(const ClusterSpec& spec, const CnpgOptions& options) {
  const HostPort& source = *options.migrate_from;
  // radctl's nodes serve TLS with a certificate of the cluster's own CA. Through a tunnel the
  // host name is not one the certificate names, so the CA is verified, not the name.
  const bool verify = spec.tls.enabled && !options.source_ca_pem.empty();
  Json parameters = {{"host", source.host},
                     {"port", absl::StrCat(source.port)},
                     {"user", kReplicationUser},
                     {"dbname", "postgres"},
                     {"sslmode", verify             ? "verify-ca"
                                 : spec.tls.enabled ? "require"
                                                    : "prefer"}};
  Json cluster = {{"name", SourceName(spec.name)},
                  {"connectionParameters", parameters},
                  {"password", {{"name", ReplicationSecretName(spec.name)}, {"key", "password"}}}};
  if (verify) {
    cluster["sslRootCert"] = {{"name", SourceCaSecretName(spec.name)}, {"key", "ca.crt"}};
  }
  return Json::array({cluster});
}

// spec.backup: WAL archiving and backups through the barman-cloud plugin into an object store.
// radctl's repository is a Docker volume on this host, so the store itself cannot carry over.
Json BackupPlugins(const ClusterSpec& spec, Findings& findings) {
  const BackupSpec& backup = spec.backup;
  findings.Lost("backup.repository",
                absl::StrCat("radctl's repository is the Docker volume ", BackupRepository(spec),
                             " on this host; CloudNativePG archives into an object store, the "
                             "ObjectStore ",
                             ObjectStoreName(spec.name),
                             " (barmancloud.cnpg.io/v1) that you create (an example below)"));
  findings.Lost(absl::StrCat("backup.retention.full ", backup.retention_full),
                "barman-cloud keeps backups for a time (ObjectStore "
                "spec.retentionPolicy, e.g. \"30d\"), not by count");
  if (backup.compression != "none") {
    findings.Note(absl::StrCat(
        "backup.compression ", backup.compression,
        ": set the ObjectStore's spec.configuration.wal.compression and data.compression "
        "(barman-cloud offers gzip, bzip2 and snappy for both, lz4, xz and zstd for WAL)"));
  }
  findings.Note(absl::StrCat(
      "the Cluster archives WAL through the barman-cloud plugin (install it beside the "
      "operator) into the ObjectStore ",
      ObjectStoreName(spec.name),
      ", which you create for your object storage, e.g.:\n"
      "apiVersion: barmancloud.cnpg.io/v1\n"
      "kind: ObjectStore\n"
      "metadata: {name: ",
      ObjectStoreName(spec.name),
      "}\n"
      "spec:\n"
      "  configuration:\n"
      "    destinationPath: s3://BUCKET/",
      spec.name,
      "\n"
      "    s3Credentials:\n"
      "      accessKeyId: {name: SECRET, key: ACCESS_KEY_ID}\n"
      "      secretAccessKey: {name: SECRET, key: ACCESS_SECRET_KEY}\n"
      "  retentionPolicy: \"30d\""));
  return Json::array({{{"name", kBarmanCloudPlugin},
                       {"isWALArchiver", true},
                       {"parameters", {{"barmanObjectName", ObjectStoreName(spec.name)}}}}});
}

Json ClusterDocument(const ClusterSpec& spec, const CnpgOptions& options, Findings& findings) {
  Json cluster_spec = Json::object();
  cluster_spec["instances"] = spec.nodes;
  cluster_spec["imageName"] =
      absl::StrCat("ghcr.io/cloudnative-pg/postgresql:", spec.postgres.version);
  // radctl restarts standbys first and moves the primary away with a switchover.
  cluster_spec["primaryUpdateMethod"] = "switchover";
  cluster_spec["postgresql"] = Postgresql(spec, options, findings);
  cluster_spec["bootstrap"] = Bootstrap(spec, options);
  if (options.migrate_from) cluster_spec["externalClusters"] = ExternalClusters(spec, options);
  // Slots for every replica, as radctl keeps one per standby (CloudNativePG's default, written
  // so that the promise is visible in the manifest).
  cluster_spec["replicationSlots"] = {{"highAvailability", {{"enabled", true}}}};
  if (spec.backup.enabled) cluster_spec["plugins"] = BackupPlugins(spec, findings);
  cluster_spec["storage"] = {{"size", StorageSize(options.data_bytes)}};
  return {{"apiVersion", kCnpgApiVersion},
          {"kind", "Cluster"},
          {"metadata",
           {{"name", spec.name}, {"labels", {{"app.kubernetes.io/created-by", "radctl-export"}}}}},
          {"spec", cluster_spec}};
}

// What the Pooler runs PgBouncer with. radctl's own hold timings (10 s query_wait_timeout,
// server_login_retry 0) belong to its repoint, which holds clients for well under a second; in
// front of CloudNativePG a failover takes as long as its probes and the Service's move (tens of
// seconds), so clients wait PgBouncer's default two minutes rather than fail.
Json PoolerParameters() {
  return {{"max_client_conn", "1000"},
          {"default_pool_size", "20"},
          {"query_wait_timeout", "120"},
          {"log_connections", "0"},
          {"log_disconnections", "0"}};
}

Json PoolerDocument(const ClusterSpec& spec, const std::string& name, const std::string& type) {
  // Anything that works in statement mode works in transaction mode; the reverse is not true.
  std::string pool_mode =
      spec.bouncer.pool_mode == "statement" ? "transaction" : spec.bouncer.pool_mode;
  return {{"apiVersion", kCnpgApiVersion},
          {"kind", "Pooler"},
          {"metadata",
           {{"name", name}, {"labels", {{"app.kubernetes.io/created-by", "radctl-export"}}}}},
          {"spec",
           {{"cluster", {{"name", spec.name}}},
            // radctl runs one bouncer on one host; two pods keep the endpoint up while one
            // of them is rescheduled.
            {"instances", 2},
            {"type", type},
            {"pgbouncer", {{"poolMode", pool_mode}, {"parameters", PoolerParameters()}}}}}};
}

Json ScheduledBackupDocument(const ClusterSpec& spec) {
  return {{"apiVersion", kCnpgApiVersion},
          {"kind", "ScheduledBackup"},
          {"metadata",
           {{"name", ScheduledBackupName(spec.name)},
            {"labels", {{"app.kubernetes.io/created-by", "radctl-export"}}}}},
          {"spec",
           {{"cluster", {{"name", spec.name}}},
            {"schedule", CnpgSchedule(spec.backup.schedule)},
            // As radctl takes the first full backup once the stanza exists.
            {"immediate", true},
            {"backupOwnerReference", "self"},
            {"method", "plugin"},
            {"pluginConfiguration", {{"name", kBarmanCloudPlugin}}}}}};
}

Json BasicAuthSecret(const std::string& name, const std::string& user,
                     const std::string& password) {
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"metadata", {{"name", name}}},
          {"type", "kubernetes.io/basic-auth"},
          {"stringData", {{"username", user}, {"password", password}}}};
}

std::string Comment(const std::string& text) {
  std::string out;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    absl::StrAppend(&out, line.empty() ? "#" : "# ", line, "\n");
  }
  return out;
}

// The spec fields that have no CloudNativePG counterpart, in the order of the spec. A field at
// radctl's default is not reported where the default is what CloudNativePG does too.
void SpecFindings(const ClusterSpec& spec, const CnpgOptions& options, Findings& findings) {
  if (!spec.postgres.image.empty() &&
      spec.postgres.image != absl::StrCat("radctl/postgres:", spec.postgres.version)) {
    findings.Lost(absl::StrCat("postgres.image ", spec.postgres.image),
                  "CloudNativePG runs its own operand images");
  }
  findings.Note(absl::StrCat("bouncer.port ", spec.bouncer.port, " and bouncer.bind ",
                             spec.bouncer.bind, ": inside Kubernetes the endpoint is the Service ",
                             PoolerName(spec.name),
                             ":5432 (expose it with a LoadBalancer or Ingress of your own)"));
  if (spec.bouncer.pool_mode == "statement") {
    findings.Lost("bouncer.poolMode statement",
                  "a Pooler knows session and transaction; exported as transaction, which runs "
                  "everything statement mode runs");
  }
  if (spec.bouncer.read_port != kNoReadPort) {
    findings.Lost(absl::StrCat("bouncer.readMaxLag ", spec.bouncer.read_max_lag),
                  absl::StrCat("the read endpoint is the Pooler ", ReadPoolerName(spec.name),
                               " (type ro) over CloudNativePG's ready replicas; neither the lag "
                               "bound nor the fallback to the primary when no standby is "
                               "eligible exists there"));
  }
  const FailoverSpec defaults;
  if (spec.failover.detection_ms != defaults.detection_ms) {
    findings.Lost(absl::StrCat("failover.detectionMs ", spec.failover.detection_ms),
                  "CloudNativePG detects a failed primary through its instance manager and "
                  "Kubernetes probes; failoverDelay (an extra wait after that) stays 0");
  } else {
    findings.Note(
        "failover.detectionMs: CloudNativePG detects a failed primary through its instance "
        "manager and Kubernetes probes, in seconds rather than radctl's 1000 ms");
  }
  if (!spec.failover.enabled) {
    findings.Lost("failover.enabled false", "CloudNativePG always fails over");
  }
  if (!spec.tls.enabled) {
    findings.Lost("tls.enabled false", "CloudNativePG always serves TLS (clients must use it)");
  }
  if (spec.bootstrap.recovery.has_value()) {
    findings.Lost(
        absl::StrCat("bootstrap.recovery from cluster ", spec.bootstrap.recovery->from_cluster),
        "the source's repository is a Docker volume here; the exported Cluster "
        "starts empty (initdb), or as a copy with --migrate-from");
  }
  if (spec.backup.enabled && spec.backup.schedule.empty()) {
    findings.Note(
        "backup.schedule is empty: no ScheduledBackup (take backups with "
        "kubectl cnpg backup, method plugin)");
  }
  if (!spec.backup.enabled) {
    findings.Note("backup.enabled is false: no WAL archive and no backups, as here");
  }
  findings.Note(absl::StrCat("replication.maxMovedAside ", spec.replication.max_moved_aside,
                             ": CloudNativePG recreates an instance's PVC instead of keeping the "
                             "replaced data beside it"));
  if (!options.data_bytes) {
    findings.Note("storage.size is 1Gi: the volumes could not be measured (no node running?)");
  }
  findings.Note(
      "monitoring: CloudNativePG's exporter runs on every instance (port 9187, metrics); create "
      "a PodMonitor for the Cluster's pods if a Prometheus Operator is to scrape it");
}

}  // namespace

absl::StatusOr<HostPort> ParseHostPort(absl::string_view text) {
  size_t colon = text.rfind(':');
  HostPort result;
  if (colon == absl::string_view::npos || colon == 0 ||
      !absl::SimpleAtoi(text.substr(colon + 1), &result.port) || result.port < 1 ||
      result.port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--migrate-from: expected HOST:PORT of the current primary as Kubernetes can reach it "
        "(e.g. db.example.com:5432), got \"",
        text, "\""));
  }
  result.host = std::string(text.substr(0, colon));
  if (result.host.size() > 2 && result.host.front() == '[' && result.host.back() == ']') {
    result.host = result.host.substr(1, result.host.size() - 2);  // [::1]:5432
  }
  return result;
}

std::string AppSecretName(const std::string& cluster) { return cluster + "-app-user"; }
std::string ReplicationSecretName(const std::string& cluster) {
  return cluster + "-source-replication";
}
std::string SourceCaSecretName(const std::string& cluster) { return cluster + "-source-ca"; }
std::string SourceName(const std::string& cluster) { return cluster + "-radctl"; }
std::string PoolerName(const std::string& cluster) { return cluster + "-pooler-rw"; }
std::string ReadPoolerName(const std::string& cluster) { return cluster + "-pooler-ro"; }
std::string ObjectStoreName(const std::string& cluster) { return cluster + "-backup"; }
std::string ScheduledBackupName(const std::string& cluster) { return cluster + "-scheduled"; }

std::string StorageSize(std::optional<int64_t> data_bytes) {
  constexpr int64_t kGiB = int64_t{1} << 30;
  if (!data_bytes || *data_bytes <= 0) return "1Gi";
  int64_t gib = (2 * *data_bytes + kGiB - 1) / kGiB;
  return absl::StrCat(std::max<int64_t>(gib, 1), "Gi");
}

std::string CnpgSchedule(const std::string& schedule) {
  absl::StatusOr<BackupSchedule> parsed = ParseBackupSchedule(schedule);
  if (parsed.ok() && parsed->is_interval) {
    // Go's duration syntax: hours, minutes and seconds.
    int64_t seconds = absl::ToInt64Seconds(parsed->interval);
    return absl::StrCat("@every ", seconds / 3600, "h", (seconds / 60) % 60, "m", seconds % 60,
                        "s");
  }
  return absl::StrCat("0 ", schedule);  // the seconds field first
}

std::string ReplicationUserSql(const std::string& password) {
  // Idempotent: run again, it only sets the password.
  return absl::StrCat(
      "DO $radctl$ BEGIN\n"
      "  IF EXISTS (SELECT FROM pg_roles WHERE rolname = '",
      kReplicationUser,
      "') THEN\n"
      "    ALTER ROLE ",
      kReplicationUser, " WITH LOGIN REPLICATION PASSWORD ", QuoteLiteral(password),
      ";\n"
      "  ELSE\n"
      "    CREATE ROLE ",
      kReplicationUser, " WITH LOGIN REPLICATION PASSWORD ", QuoteLiteral(password),
      ";\n"
      "  END IF;\n"
      "END $radctl$;\n");
}

absl::StatusOr<CnpgExport> RenderCnpg(const ClusterSpec& spec, const ClusterSecrets& secrets,
                                      const CnpgOptions& options) try {
  Findings findings;
  Json cluster = ClusterDocument(spec, options, findings);
  std::vector<Json> poolers = {PoolerDocument(spec, PoolerName(spec.name), "rw")};
  // The read endpoint's counterpart: a Pooler of type ro, in front of CloudNativePG's -ro
  // Service (the ready replicas).
  if (spec.bouncer.read_port != kNoReadPort) {
    poolers.push_back(PoolerDocument(spec, ReadPoolerName(spec.name), "ro"));
  }
  std::optional<Json> scheduled;
  if (spec.backup.enabled && !spec.backup.schedule.empty()) {
    scheduled = ScheduledBackupDocument(spec);
    if (!ParseBackupSchedule(spec.backup.schedule)->is_interval) {
      findings.Note(absl::StrCat("backup.schedule \"", spec.backup.schedule,
                                 "\" (UTC here) runs in the operator's time zone there"));
    }
  }
  SpecFindings(spec, options, findings);

  std::vector<Json> secret_docs;
  const bool password_known = !secrets.app_password.empty();
  if (options.show_secrets && password_known) {
    secret_docs.push_back(
        BasicAuthSecret(AppSecretName(spec.name), spec.auth.user, secrets.app_password));
  } else {
    findings.Note(absl::StrCat(
        "Secret ", AppSecretName(spec.name), " (the password of ", spec.auth.user, ") is ",
        password_known ? "not printed: add --show-secrets, or create it with"
                       : "not known here (the cluster was never applied): create it with",
        "\n  kubectl create secret generic ", AppSecretName(spec.name),
        " --type=kubernetes.io/basic-auth --from-literal=username=", spec.auth.user,
        " --from-literal=password=PASSWORD",
        password_known ? absl::StrCat("\n  (radctl status ", spec.name, " -o uri shows it)") : ""));
  }
  if (options.migrate_from) {
    const HostPort& source = *options.migrate_from;
    if (options.show_secrets && !options.replication_password.empty()) {
      secret_docs.push_back(BasicAuthSecret(ReplicationSecretName(spec.name), kReplicationUser,
                                            options.replication_password));
    } else {
      findings.Note(absl::StrCat(
          "Secret ", ReplicationSecretName(spec.name), " (the password of ", kReplicationUser,
          " on the source) is not printed: add --create-replication-user --show-secrets to have "
          "radctl create the role and print it, or create both yourself"));
    }
    if (spec.tls.enabled && !options.source_ca_pem.empty()) {
      // A CA certificate is public: it verifies, it does not let anyone in.
      secret_docs.push_back({{"apiVersion", "v1"},
                             {"kind", "Secret"},
                             {"metadata", {{"name", SourceCaSecretName(spec.name)}}},
                             {"type", "Opaque"},
                             {"stringData", {{"ca.crt", options.source_ca_pem}}}});
    }
    findings.Note(absl::StrCat(
        "migration: the Cluster starts as a pg_basebackup copy of ", source.host, ":", source.port,
        ", which must be the current primary as seen from the Kubernetes pods. "
        "radctl publishes node ports on 127.0.0.1 only: make the primary reachable (e.g. an SSH "
        "tunnel or a TCP proxy to its published port), and stop writes before you switch the "
        "applications over. The nodes serve TLS with a certificate of the cluster's own CA, ",
        spec.tls.enabled && !options.source_ca_pem.empty()
            ? absl::StrCat("which the copy verifies (sslmode verify-ca, Secret ",
                           SourceCaSecretName(spec.name), ")")
            : "which the copy does not verify (the CA was not available)",
        ". It needs the role ", kReplicationUser,
        " (LOGIN REPLICATION) on the source; radctl's pg_hba.conf already allows replication "
        "connections with SCRAM over TLS from any address (hostssl replication all all "
        "scram-sha-256). The copy keeps radctl's repmgr role and database: drop them once it "
        "runs"));
  }

  CnpgExport result;
  result.not_carried = findings.not_carried();
  result.notes = findings.notes();
  std::string header = absl::StrCat(
      "Cluster ", spec.name, " exported by radctl as CloudNativePG manifests (", kCnpgApiVersion,
      ", checked against CloudNativePG ", kCnpgSourceVersion,
      ").\nApply with: kubectl apply -f FILE (the CloudNativePG operator must be installed",
      spec.backup.enabled ? ", and the barman-cloud plugin" : "", ").\n");
  if (options.data_bytes) {
    absl::StrAppend(&header, "storage.size ", StorageSize(options.data_bytes), ": twice the ",
                    (*options.data_bytes + (1 << 20) - 1) >> 20,
                    " MiB the fullest node volume uses, at least 1Gi.\n");
  }
  if (!result.not_carried.empty()) {
    absl::StrAppend(&header, "\nWhat does not carry over (radctl export --strict refuses this):\n");
    for (const std::string& lost : result.not_carried) {
      absl::StrAppend(&header, "- ", absl::StrReplaceAll(lost, {{"\n", "\n  "}}), "\n");
    }
  }
  if (!result.notes.empty()) {
    absl::StrAppend(&header, "\nTo know, or to do by hand:\n");
    for (const std::string& note : result.notes) {
      absl::StrAppend(&header, "- ", absl::StrReplaceAll(note, {{"\n", "\n  "}}), "\n");
    }
  }
  result.yaml = Comment(header);
  for (const Json& doc : secret_docs) absl::StrAppend(&result.yaml, "---\n", ToYaml(doc));
  absl::StrAppend(&result.yaml, "---\n", ToYaml(cluster));
  for (const Json& pooler : poolers) absl::StrAppend(&result.yaml, "---\n", ToYaml(pooler));
  if (scheduled) absl::StrAppend(&result.yaml, "---\n", ToYaml(*scheduled));
  return result;
} catch (const nlohmann::json::exception& e) {
  return absl::InternalError(absl::StrCat("rendering the CloudNativePG manifests: ", e.what()));
}

}  // namespace radctl::exporting
