#include "controller/export/cnpg_manifest.h"

#include <algorithm>
#include <iterator>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "controller/config/bouncer_config.h"
#include "controller/config/node_config.h"
#include "controller/export/yaml_text.h"

namespace radctl::exporting {
namespace {

using Json = nlohmann::ordered_json;

// Parameters CloudNativePG sets itself and refuses in spec.postgresql.parameters (its webhook).
// From docs/src/postgresql_conf.md, "Fixed parameters", cloudnative-pg/cloudnative-pg.
constexpr absl::string_view kCnpgFixedParameters[] = {"allow_system_table_mods",
                                                      "archive_cleanup_command",
                                                      "archive_command",
                                                      "archive_mode",
                                                      "archive_timeout",
                                                      "bonjour",
                                                      "bonjour_name",
                                                      "cluster_name",
                                                      "config_file",
                                                      "data_directory",
                                                      "data_sync_retry",
                                                      "event_source",
                                                      "external_pid_file",
                                                      "full_page_writes",
                                                      "hba_file",
                                                      "hot_standby",
                                                      "huge_pages",
                                                      "ident_file",
                                                      "jit_provider",
                                                      "listen_addresses",
                                                      "log_destination",
                                                      "log_directory",
                                                      "log_file_mode",
                                                      "log_filename",
                                                      "log_rotation_age",
                                                      "log_rotation_size",
                                                      "log_truncate_on_rotation",
                                                      "logging_collector",
                                                      "port",
                                                      "primary_conninfo",
                                                      "primary_slot_name",
                                                      "promote_trigger_file",
                                                      "recovery_end_command",
                                                      "recovery_min_apply_delay",
                                                      "recovery_target",
                                                      "recovery_target_action",
                                                      "recovery_target_inclusive",
                                                      "recovery_target_lsn",
                                                      "recovery_target_name",
                                                      "recovery_target_time",
                                                      "recovery_target_timeline",
                                                      "recovery_target_xid",
                                                      "restart_after_crash",
                                                      "restore_command",
                                                      "shared_preload_libraries",
                                                      "ssl",
                                                      "ssl_ca_file",
                                                      "ssl_cert_file",
                                                      "ssl_ciphers",
                                                      "ssl_crl_file",
                                                      "ssl_dh_params_file",
                                                      "ssl_ecdh_curve",
                                                      "ssl_key_file",
                                                      "ssl_max_protocol_version",
                                                      "ssl_min_protocol_version",
                                                      "ssl_passphrase_command",
                                                      "ssl_passphrase_command_supports_reload",
                                                      "ssl_prefer_server_ciphers",
                                                      "stats_temp_directory",
                                                      "synchronous_standby_names",
                                                      "syslog_facility",
                                                      "syslog_ident",
                                                      "syslog_sequence_numbers",
                                                      "syslog_split_messages",
                                                      "unix_socket_directories",
                                                      "unix_socket_group",
                                                      "unix_socket_permissions",
                                                      "wal_level",
                                                      "wal_log_hints"};

template <size_t N>
bool Contains(const absl::string_view (&list)[N], absl::string_view name) {
  return std::find(std::begin(list), std::end(list), name) != std::end(list);
}

// PgBouncer settings a Pooler accepts in spec.pgbouncer.parameters (docs/src/
// connection_pooling.md, "PgBouncer configuration options"); the rest CloudNativePG manages.
constexpr absl::string_view kPoolerParameters[] = {"application_name_add_host",
                                                   "autodb_idle_timeout",
                                                   "client_idle_timeout",
                                                   "client_login_timeout",
                                                   "default_pool_size",
                                                   "disable_pqexec",
                                                   "idle_transaction_timeout",
                                                   "log_connections",
                                                   "log_disconnections",
                                                   "log_pooler_errors",
                                                   "log_stats",
                                                   "max_client_conn",
                                                   "max_db_connections",
                                                   "max_user_connections",
                                                   "min_pool_size",
                                                   "query_timeout",
                                                   "query_wait_timeout",
                                                   "reserve_pool_size",
                                                   "reserve_pool_timeout",
                                                   "server_check_delay",
                                                   "server_check_query",
                                                   "server_connect_timeout",
                                                   "server_fast_close",
                                                   "server_idle_timeout",
                                                   "server_lifetime",
                                                   "server_login_retry",
                                                   "server_reset_query",
                                                   "server_reset_query_always",
                                                   "server_round_robin",
                                                   "stats_period",
                                                   "verbose",
                                                   "ignore_startup_parameters"};

// The [pgbouncer] settings radctl runs with, read from the one renderer of pgbouncer.ini so the
// two cannot drift apart, filtered to what a Pooler accepts.
Json PoolerParameters(const ClusterSpec& spec) {
  Json parameters = Json::object();
  bool in_section = false;
  for (absl::string_view line : absl::StrSplit(RenderPgbouncerIni(spec, ""), '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == ';') continue;
    if (line[0] == '[') {
      in_section = line == "[pgbouncer]";
      continue;
    }
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(line, absl::MaxSplits('=', 1));
    std::string key(absl::StripAsciiWhitespace(kv.first));
    std::string value(absl::StripAsciiWhitespace(kv.second));
    // CloudNativePG always ignores extra_float_digits and options already (what radctl sets).
    if (!in_section || key == "ignore_startup_parameters" || key == "pool_mode") continue;
    if (!Contains(kPoolerParameters, key)) continue;
    parameters[key] = value;
  }
  return parameters;
}

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

Json Postgresql(const ClusterSpec& spec, const CnpgOptions& options,
                std::vector<std::string>& notes) {
  Json postgresql = Json::object();
  Json parameters = Json::object();
  for (const auto& [name, value] : spec.postgres.parameters) {
    if (name == "shared_preload_libraries") {
      postgresql["shared_preload_libraries"] = SplitList(value);
      continue;
    }
    if (Contains(kCnpgFixedParameters, name)) {
      notes.push_back(absl::StrCat("postgres.parameters.", name,
                                   " is left out: CloudNativePG sets it itself and refuses it"));
      continue;
    }
    parameters[name] = value;
  }
  if (options.migrate_from && !spec.postgres.parameters.count("max_wal_senders")) {
    // A hot standby refuses to run with fewer WAL senders than its primary had; the copy
    // replays WAL as a standby before it is promoted, so it needs radctl's value.
    parameters["max_wal_senders"] = "16";
  }
  if (!parameters.empty()) postgresql["parameters"] = parameters;
  if (spec.replication.synchronous) {
    if (spec.nodes >= 2) {
      // radctl waits for ANY 1 standby and never acknowledges a commit without one: that is
      // quorum replication of one with durability required, not preferred.
      postgresql["synchronous"] = {
          {"method", "any"}, {"number", 1}, {"dataDurability", "required"}};
    } else {
      notes.push_back(
          "replication.synchronous is on, but with one node there is no standby to "
          "wait for (radctl does not wait either): not exported");
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

Json ExternalClusters(const ClusterSpec& spec, const HostPort& source) {
  Json parameters = {{"host", source.host},
                     {"port", absl::StrCat(source.port)},
                     {"user", kReplicationUser},
                     {"dbname", "postgres"},
                     // radctl's nodes do not serve TLS: prefer lets a TLS-terminating tunnel work.
                     {"sslmode", "prefer"}};
  return Json::array(
      {{{"name", SourceName(spec.name)},
        {"connectionParameters", parameters},
        {"password", {{"name", ReplicationSecretName(spec.name)}, {"key", "password"}}}}});
}

Json ClusterDocument(const ClusterSpec& spec, const CnpgOptions& options,
                     std::vector<std::string>& notes) {
  Json cluster_spec = Json::object();
  cluster_spec["instances"] = spec.nodes;
  cluster_spec["imageName"] =
      absl::StrCat("ghcr.io/cloudnative-pg/postgresql:", spec.postgres.version);
  // radctl restarts standbys first and moves the primary away with a switchover.
  cluster_spec["primaryUpdateMethod"] = "switchover";
  Json postgresql = Postgresql(spec, options, notes);
  if (!postgresql.empty()) cluster_spec["postgresql"] = postgresql;
  cluster_spec["bootstrap"] = Bootstrap(spec, options);
  if (options.migrate_from) {
    cluster_spec["externalClusters"] = ExternalClusters(spec, *options.migrate_from);
  }
  cluster_spec["storage"] = {{"size", StorageSize(options.data_bytes)}};
  // radctl serves Prometheus metrics; CloudNativePG's exporter runs on every instance (9187),
  // with the default queries, and a PodMonitor lets a Prometheus Operator scrape it.
  cluster_spec["monitoring"] = {{"disableDefaultQueries", false}, {"enablePodMonitor", true}};
  return {{"apiVersion", kCnpgApiVersion},
          {"kind", "Cluster"},
          {"metadata",
           {{"name", spec.name}, {"labels", {{"app.kubernetes.io/created-by", "radctl-export"}}}}},
          {"spec", cluster_spec}};
}

Json PoolerDocument(const ClusterSpec& spec, std::vector<std::string>& notes) {
  std::string pool_mode = spec.bouncer.pool_mode;
  if (pool_mode == "statement") {
    // Anything that works in statement mode works in transaction mode; the reverse is not true.
    notes.push_back(
        "bouncer.poolMode statement does not exist in a Pooler (session or "
        "transaction): exported as transaction, which runs everything statement "
        "mode runs");
    pool_mode = "transaction";
  }
  Json pgbouncer = {{"poolMode", pool_mode}};
  Json parameters = PoolerParameters(spec);
  if (!parameters.empty()) pgbouncer["parameters"] = parameters;
  return {{"apiVersion", kCnpgApiVersion},
          {"kind", "Pooler"},
          {"metadata",
           {{"name", PoolerName(spec.name)},
            {"labels", {{"app.kubernetes.io/created-by", "radctl-export"}}}}},
          {"spec",
           {{"cluster", {{"name", spec.name}}},
            // radctl runs one bouncer on one host; two pods keep the endpoint up while one
            // of them is rescheduled.
            {"instances", 2},
            {"type", "rw"},
            {"pgbouncer", pgbouncer}}}};
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
std::string SourceName(const std::string& cluster) { return cluster + "-radctl"; }
std::string PoolerName(const std::string& cluster) { return cluster + "-pooler-rw"; }
std::string ReadPoolerName(const std::string& cluster) { return cluster + "-pooler-ro"; }

std::string StorageSize(std::optional<int64_t> data_bytes) {
  constexpr int64_t kGiB = int64_t{1} << 30;
  if (!data_bytes || *data_bytes <= 0) return "1Gi";
  int64_t gib = (2 * *data_bytes + kGiB - 1) / kGiB;
  return absl::StrCat(std::max<int64_t>(gib, 1), "Gi");
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
  CnpgExport result;
  std::vector<std::string>& notes = result.notes;
  Json cluster = ClusterDocument(spec, options, notes);
  Json pooler = PoolerDocument(spec, notes);
  // The read endpoint's counterpart: a Pooler of type ro, in front of CloudNativePG's -ro
  // Service (the ready replicas).
  std::optional<Json> read_pooler;
  if (spec.bouncer.read_port != kNoReadPort) {
    std::vector<std::string> ignored;  // the same notes as the rw Pooler's
    read_pooler = PoolerDocument(spec, ignored);
    (*read_pooler)["metadata"]["name"] = ReadPoolerName(spec.name);
    (*read_pooler)["spec"]["type"] = "ro";
  }

  // What has no counterpart, said once, in the order of the spec.
  if (!spec.postgres.image.empty() &&
      spec.postgres.image != absl::StrCat("radctl/postgres:", spec.postgres.version)) {
    notes.push_back(absl::StrCat("postgres.image ", spec.postgres.image,
                                 " is not used: CloudNativePG runs its own operand images"));
  }
  notes.push_back(absl::StrCat(
      "bouncer.port ", spec.bouncer.port, " and bouncer.bind ", spec.bouncer.bind,
      " do not map: inside Kubernetes the endpoint is the Service ", PoolerName(spec.name),
      ":5432 (expose it with a LoadBalancer or Ingress of your own)"));
  if (read_pooler) {
    notes.push_back(absl::StrCat(
        "bouncer.readPort ", spec.bouncer.read_port, " is the Pooler ", ReadPoolerName(spec.name),
        " (type ro): it serves CloudNativePG's ready replicas; bouncer.readMaxLag (",
        spec.bouncer.read_max_lag,
        ") and the fallback to the primary when no standby is eligible do not map"));
  }
  notes.push_back(
      absl::StrCat("failover.detectionMs (", spec.failover.detection_ms,
                   ") does not map: CloudNativePG "
                   "detects a failed primary through its instance manager and Kubernetes probes; "
                   "failoverDelay (an extra wait after detection) stays 0"));
  if (!spec.failover.enabled) {
    notes.push_back("failover.enabled: false does not map: CloudNativePG always fails over");
  }
  if (!options.data_bytes) {
    notes.push_back("storage.size is 1Gi: the volumes could not be measured (no node running?)");
  }

  std::vector<Json> secret_docs;
  if (options.show_secrets) {
    secret_docs.push_back(
        BasicAuthSecret(AppSecretName(spec.name), spec.auth.user, secrets.app_password));
  } else {
    notes.push_back(absl::StrCat(
        "Secret ", AppSecretName(spec.name), " (the password of ", spec.auth.user,
        ") is not printed: add --show-secrets, or create it with\n"
        "  kubectl create secret generic ",
        AppSecretName(spec.name), " --type=kubernetes.io/basic-auth --from-literal=username=",
        spec.auth.user, " --from-literal=password=PASSWORD\n  (radctl status ", spec.name,
        " -o uri shows the password)"));
  }
  if (options.migrate_from) {
    const HostPort& source = *options.migrate_from;
    if (options.show_secrets && !options.replication_password.empty()) {
      secret_docs.push_back(BasicAuthSecret(ReplicationSecretName(spec.name), kReplicationUser,
                                            options.replication_password));
    } else {
      notes.push_back(absl::StrCat(
          "Secret ", ReplicationSecretName(spec.name), " (the password of ", kReplicationUser,
          " on the source) is not printed: add --create-replication-user --show-secrets to have "
          "radctl create the role and print it, or create both yourself"));
    }
    notes.push_back(absl::StrCat(
        "migration: the Cluster starts as a pg_basebackup copy of ", source.host, ":", source.port,
        ", which must be the current primary as seen from the Kubernetes pods. "
        "radctl publishes node ports on 127.0.0.1 only: make the primary reachable (e.g. an SSH "
        "tunnel or a TCP proxy to its published port), and stop writes before you switch the "
        "applications over. It needs the role ",
        kReplicationUser,
        " (LOGIN REPLICATION) on the "
        "source; radctl's pg_hba.conf already allows replication connections with SCRAM from "
        "any address (host replication all all scram-sha-256). The copy keeps radctl's repmgr "
        "role and database: drop them once it runs"));
  }

  std::string header = absl::StrCat(
      "Cluster ", spec.name, " exported by radctl as CloudNativePG manifests (", kCnpgApiVersion,
      ").\nApply with: kubectl apply -f FILE (the CloudNativePG operator must "
      "be installed).\n");
  if (options.data_bytes) {
    absl::StrAppend(&header, "storage.size ", StorageSize(options.data_bytes), ": twice the ",
                    (*options.data_bytes + (1 << 20) - 1) >> 20,
                    " MiB the fullest node volume uses, at least 1Gi.\n");
  }
  if (!notes.empty()) {
    absl::StrAppend(&header, "\nWhat does not map, or needs doing by hand:\n");
    for (const std::string& note : notes) {
      absl::StrAppend(&header, "- ", absl::StrReplaceAll(note, {{"\n", "\n  "}}), "\n");
    }
  }
  result.yaml = Comment(header);
  for (const Json& doc : secret_docs) absl::StrAppend(&result.yaml, "---\n", ToYaml(doc));
  absl::StrAppend(&result.yaml, "---\n", ToYaml(cluster));
  absl::StrAppend(&result.yaml, "---\n", ToYaml(pooler));
  if (read_pooler) absl::StrAppend(&result.yaml, "---\n", ToYaml(*read_pooler));
  return result;
} catch (const nlohmann::json::exception& e) {
  return absl::InternalError(absl::StrCat("rendering the CloudNativePG manifests: ", e.what()));
}

}  // namespace radctl::exporting
