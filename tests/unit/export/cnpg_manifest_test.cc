// radctl export --format cnpg, checked against CloudNativePG v1.30.0 itself (its CRDs and the
// Go files with its parameter lists, in tests/unit/export/testdata/cnpg-v1.30.0): every document of
// every example's export matches its CRD with no unknown and no deprecated field, the parameters
// keep to CloudNativePG's own lists, radctl's promises are kept (the quorum's k, failoverQuorum,
// data checksums, backups through the barman-cloud plugin), and whatever does not carry over is
// said.
#include "controller/export/cnpg_manifest.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "absl/strings/numbers.h"
#include "controller/export/cnpg_parameters.h"
#include "crd-like-specs/spec_parser.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/export/crd_schema.h"
#include "yaml-cpp/yaml.h"

namespace radctl::exporting {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

ClusterSpec Spec(const std::string& spec_body, const std::string& name = "shop") {
  SpecParseResult parsed = ParseClusterSpec(
      "apiVersion: radctl.io/v1alpha1\nkind: PostgresCluster\nmetadata:\n  name: " + name +
          "\nspec:\n" + spec_body,
      "test.yaml");
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.errors[0].ToString());
  return parsed.spec;
}

const ClusterSecrets kSecrets = {"app-Secret-Pw1", "repmgr-Secret-Pw2", "bouncer-Secret-Pw3"};

std::string Reference(const std::string& file) {
  return std::string(CNPG_REFERENCE_DIR) + "/" + file;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The quoted names in the Go composite literal that follows `anchor` in `file`, up to its
// closing brace: the lists exactly as CloudNativePG's source has them.
std::set<std::string> GoListAfter(const std::string& file, const std::string& anchor) {
  const std::string text = ReadFile(Reference(file));
  size_t start = text.find(anchor);
  EXPECT_NE(start, std::string::npos) << anchor << " not found in " << file;
  if (start == std::string::npos) return {};
  size_t end = text.find("\n\t}", start);
  if (end == std::string::npos || text.find("})", start) < end) end = text.find("})", start);
  std::string body = text.substr(start, end - start);
  std::set<std::string> names;
  static const std::regex kName("\"([a-z0-9_.]+)\"");
  for (std::sregex_iterator it(body.begin(), body.end(), kName), last; it != last; ++it) {
    names.insert((*it)[1]);
  }
  return names;
}

const std::set<std::string>& GoFixedParameters() {
  static const std::set<std::string> names =
      GoListAfter("configuration.go", "FixedConfigurationParameters = map[string]string{");
  return names;
}

const std::set<std::string>& GoPoolerParameters() {
  static const std::set<std::string> names = GoListAfter(
      "pooler_webhook.go", "AllowedPgbouncerGenericConfigurationParameters = stringset.From(");
  return names;
}

// A core/v1 Secret as CloudNativePG reads one (basic-auth: username and password; Opaque: data).
constexpr char kSecretSchema[] = R"(
type: object
required: [apiVersion, kind, metadata, type, stringData]
properties:
  apiVersion: {type: string, enum: [v1]}
  kind: {type: string, enum: [Secret]}
  metadata: {type: object, required: [name], properties: {name: {type: string}}}
  type: {type: string, enum: [kubernetes.io/basic-auth, Opaque]}
  stringData: {type: object, additionalProperties: {type: string}}
)";

// The documents of an export by kind ("Cluster", "Pooler/NAME", "Secret/NAME").
std::map<std::string, YAML::Node> Documents(const std::string& yaml) {
  std::map<std::string, YAML::Node> docs;
  for (const YAML::Node& doc : YAML::LoadAll(yaml)) {
    if (doc.IsNull()) continue;  // the header comment before the first "---"
    std::string kind = doc["kind"].as<std::string>();
    if (kind == "Secret" || kind == "Pooler")
      kind += "/" + doc["metadata"]["name"].as<std::string>();
    docs[kind] = doc;
  }
  return docs;
}

// Every violation of every document of `yaml`: CRD schemas (unknown and deprecated fields
// included) and CloudNativePG's parameter lists.
std::vector<std::string> Violations(const std::string& yaml) {
  static const YAML::Node clusters =
      radctl::testing::LoadCrdSchema(Reference("postgresql.cnpg.io_clusters.yaml"));
  static const YAML::Node poolers =
      radctl::testing::LoadCrdSchema(Reference("postgresql.cnpg.io_poolers.yaml"));
  static const YAML::Node scheduled =
      radctl::testing::LoadCrdSchema(Reference("postgresql.cnpg.io_scheduledbackups.yaml"));
  static const YAML::Node secret = YAML::Load(kSecretSchema);
  std::vector<std::string> errors;
  for (const auto& [kind, doc] : Documents(yaml)) {
    const bool is_secret = kind.rfind("Secret", 0) == 0;
    const YAML::Node& schema = kind == "Cluster"              ? clusters
                               : kind.rfind("Pooler", 0) == 0 ? poolers
                               : kind == "ScheduledBackup"    ? scheduled
                                                              : secret;
    if (!is_secret && doc["apiVersion"].as<std::string>() != kCnpgApiVersion) {
      errors.push_back(kind + ": apiVersion " + doc["apiVersion"].as<std::string>());
    }
    for (const std::string& error : radctl::testing::ValidateAgainstSchema(schema, doc)) {
      errors.push_back(kind + ": " + error);
    }
    if (kind == "Cluster") {
      for (const auto& parameter : doc["spec"]["postgresql"]["parameters"]) {
        std::string name = parameter.first.as<std::string>();
        if (GoFixedParameters().count(name)) {
          errors.push_back("Cluster: parameter " + name + " is one CloudNativePG refuses");
        }
      }
    }
    if (kind.rfind("Pooler", 0) == 0) {
      for (const auto& parameter : doc["spec"]["pgbouncer"]["parameters"]) {
        std::string name = parameter.first.as<std::string>();
        if (!GoPoolerParameters().count(name)) {
          errors.push_back(kind + ": parameter " + name + " is not one a Pooler accepts");
        }
      }
    }
  }
  return errors;
}

TEST(CnpgReferenceTest, TheReferenceFilesAreThere) {
  ASSERT_TRUE(std::filesystem::exists(Reference("postgresql.cnpg.io_clusters.yaml")))
      << "CloudNativePG v1.30.0's files are expected in " << CNPG_REFERENCE_DIR;
  EXPECT_GT(GoFixedParameters().size(), 60u);
  EXPECT_GT(GoPoolerParameters().size(), 50u);
}

TEST(CnpgReferenceTest, RadctlsListsAreCloudNativePgsOwn) {
  const std::vector<std::string>& fixed = CnpgFixedParameters();
  EXPECT_EQ(std::set<std::string>(fixed.begin(), fixed.end()), GoFixedParameters());
  const std::vector<std::string>& pooler = CnpgPoolerParameters();
  EXPECT_EQ(std::set<std::string>(pooler.begin(), pooler.end()), GoPoolerParameters());
  // Refused by CloudNativePG, and accepted by it, respectively.
  EXPECT_TRUE(CnpgRefusesParameter("temp_tablespaces"));
  EXPECT_TRUE(CnpgRefusesParameter("synchronized_standby_slots"));
  for (const char* allowed :
       {"wal_level", "huge_pages", "ssl_min_protocol_version", "archive_timeout"}) {
    EXPECT_FALSE(CnpgRefusesParameter(allowed)) << allowed;
  }
}

TEST(CnpgManifestTest, EveryExampleExportsToValidManifests) {
  const std::filesystem::path examples =
      std::string(RADCTL_SOURCE_DIR) + "/crd-like-specs/examples";
  std::vector<ClusterSpec> specs;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(examples)) {
    if (entry.path().extension() != ".yaml") continue;
    const std::string text = ReadFile(entry.path().string());
    if (text.find("kind: PostgresCluster") == std::string::npos) continue;
    SpecParseResult parsed = ParseClusterSpec(text, entry.path().string());
    ASSERT_TRUE(parsed.ok()) << entry.path();
    specs.push_back(parsed.spec);
  }
  ASSERT_GE(specs.size(), 4u);
  // And specs that use what the examples do not.
  specs.push_back(Spec(
      "  nodes: 4\n  profile: small\n  postgres:\n    parameters: {max_connections: \"200\", jit: "
      "\"off\", work_mem: \"8MB\", shared_preload_libraries: \"pg_stat_statements, auto_explain\", "
      "log_destination: \"stderr\", temp_tablespaces: \"fast\", huge_pages: \"try\"}\n"
      "  bouncer: {poolMode: statement, readPort: 6544}\n"
      "  replication: {synchronous: {number: 2}, maxSlotWalKeepSize: 4GB}\n"
      "  backup: {enabled: true, schedule: \"6h\", retention: {full: 3}}\n"
      "  failover: {enabled: false, detectionMs: 2500}\n  tls: {enabled: false}\n"));
  CnpgOptions migrate;
  migrate.migrate_from = HostPort{"db.example.com", 15432};
  migrate.show_secrets = true;
  migrate.replication_password = "repl-Pw-123";
  migrate.source_ca_pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  CnpgOptions shown;
  shown.show_secrets = true;
  shown.data_bytes = int64_t{5} << 30;
  for (const ClusterSpec& spec : specs) {
    for (const CnpgOptions& options : {CnpgOptions{}, shown, migrate}) {
      CnpgExport exported = RenderCnpg(spec, kSecrets, options).value();
      EXPECT_THAT(Violations(exported.yaml), IsEmpty()) << spec.name << "\n" << exported.yaml;
      EXPECT_EQ(Documents(exported.yaml).count("Cluster"), 1u);
    }
  }
}

TEST(CnpgManifestTest, KeepsTheQuorumAndFailsOverOnlyWithIt) {
  for (int k : {1, 2, 3}) {
    ClusterSpec spec =
        Spec("  nodes: 4\n  replication: {synchronous: {number: " + std::to_string(k) + "}}\n");
    auto docs = Documents(RenderCnpg(spec, kSecrets, {}).value().yaml);
    const YAML::Node sync = docs["Cluster"]["spec"]["postgresql"]["synchronous"];
    EXPECT_EQ(sync["method"].as<std::string>(), "any");
    EXPECT_EQ(sync["number"].as<int>(), k);
    EXPECT_EQ(sync["dataDurability"].as<std::string>(), "required");
    EXPECT_TRUE(sync["failoverQuorum"].as<bool>());
  }
  auto asynchronous = Documents(RenderCnpg(Spec("  nodes: 3\n"), kSecrets, {}).value().yaml);
  EXPECT_FALSE(asynchronous["Cluster"]["spec"]["postgresql"]["synchronous"]);
}

TEST(CnpgManifestTest, CarriesEveryMappableSpecField) {
  ClusterSpec spec = Spec(
      "  nodes: 3\n  profile: small\n  postgres:\n    parameters: {max_connections: \"250\", "
      "jit: \"off\", work_mem: 4MB, shared_preload_libraries: "
      "\"pg_stat_statements,'auto_explain'\"}"
      "\n  bouncer: {poolMode: session}\n  replication: {synchronous: true, maxSlotWalKeepSize: "
      "3GB}\n  auth: {user: shopper, database: orders}\n");
  CnpgOptions options;
  options.data_bytes = int64_t{700} << 20;  // 700 MiB in the fullest volume
  CnpgExport exported = RenderCnpg(spec, kSecrets, options).value();
  auto docs = Documents(exported.yaml);
  const YAML::Node cluster = docs["Cluster"]["spec"];
  EXPECT_EQ(docs["Cluster"]["metadata"]["name"].as<std::string>(), "shop");
  EXPECT_EQ(cluster["instances"].as<int>(), 3);
  EXPECT_EQ(cluster["imageName"].as<std::string>(), "ghcr.io/cloudnative-pg/postgresql:15");
  const YAML::Node parameters = cluster["postgresql"]["parameters"];
  EXPECT_EQ(parameters["max_connections"].as<std::string>(), "250");
  EXPECT_EQ(parameters["jit"].as<std::string>(), "off");
  // The profile's sizes, the spec's parameters over them.
  EXPECT_EQ(parameters["shared_buffers"].as<std::string>(), "16MB");
  EXPECT_EQ(parameters["work_mem"].as<std::string>(), "4MB");
  EXPECT_EQ(parameters["max_slot_wal_keep_size"].as<std::string>(), "3GB");
  EXPECT_FALSE(parameters["shared_preload_libraries"]);
  EXPECT_THAT(cluster["postgresql"]["shared_preload_libraries"].as<std::vector<std::string>>(),
              ElementsAre("pg_stat_statements", "auto_explain"));
  // None of radctl's own settings (replication, listening) is carried over.
  EXPECT_FALSE(parameters["wal_sender_timeout"]);
  EXPECT_FALSE(parameters["max_wal_senders"]);
  EXPECT_FALSE(parameters["radctl.config_hash"]);
  const YAML::Node initdb = cluster["bootstrap"]["initdb"];
  EXPECT_EQ(initdb["database"].as<std::string>(), "orders");
  EXPECT_EQ(initdb["owner"].as<std::string>(), "shopper");
  EXPECT_EQ(initdb["secret"]["name"].as<std::string>(), AppSecretName("shop"));
  EXPECT_TRUE(initdb["dataChecksums"].as<bool>());
  EXPECT_EQ(cluster["storage"]["size"].as<std::string>(), "2Gi");  // 2 x 700 MiB, rounded up
  EXPECT_TRUE(cluster["replicationSlots"]["highAvailability"]["enabled"].as<bool>());
  EXPECT_FALSE(cluster["monitoring"]);  // enablePodMonitor is deprecated since 1.28
  EXPECT_FALSE(cluster["externalClusters"]);
  EXPECT_FALSE(cluster["plugins"]);
  EXPECT_THAT(exported.not_carried, IsEmpty());

  const YAML::Node pooler = docs["Pooler/shop-pooler-rw"]["spec"];
  EXPECT_EQ(pooler["cluster"]["name"].as<std::string>(), "shop");
  EXPECT_EQ(pooler["type"].as<std::string>(), "rw");
  EXPECT_EQ(pooler["pgbouncer"]["poolMode"].as<std::string>(), "session");
  EXPECT_EQ(pooler["pgbouncer"]["parameters"]["max_client_conn"].as<std::string>(), "1000");
  EXPECT_EQ(pooler["pgbouncer"]["parameters"]["default_pool_size"].as<std::string>(), "20");
}

// radctl holds clients for well under a second; a CloudNativePG failover takes tens of seconds,
// and a Pooler that gave up on waiting clients after radctl's 10 s would fail them.
TEST(CnpgManifestTest, PoolerClientsOutwaitACloudNativePgFailover) {
  auto docs = Documents(RenderCnpg(Spec("  nodes: 3\n"), kSecrets, {}).value().yaml);
  const YAML::Node parameters = docs["Pooler/shop-pooler-rw"]["spec"]["pgbouncer"]["parameters"];
  int wait = 0;
  ASSERT_TRUE(absl::SimpleAtoi(parameters["query_wait_timeout"].as<std::string>(), &wait));
  EXPECT_GE(wait, 60);
  EXPECT_FALSE(parameters["client_login_timeout"]);  // PgBouncer's own 60 s
  EXPECT_FALSE(parameters["server_login_retry"]);
}

TEST(CnpgManifestTest, BackupsGoThroughTheBarmanCloudPlugin) {
  ClusterSpec spec = Spec(
      "  nodes: 3\n  backup: {enabled: true, schedule: \"0 3 * * *\", retention: {full: 3}, "
      "compression: zst}\n");
  CnpgExport exported = RenderCnpg(spec, kSecrets, {}).value();
  auto docs = Documents(exported.yaml);
  const YAML::Node plugins = docs["Cluster"]["spec"]["plugins"];
  ASSERT_EQ(plugins.size(), 1u);
  EXPECT_EQ(plugins[0]["name"].as<std::string>(), kBarmanCloudPlugin);
  EXPECT_TRUE(plugins[0]["isWALArchiver"].as<bool>());
  EXPECT_EQ(plugins[0]["parameters"]["barmanObjectName"].as<std::string>(), "shop-backup");
  const YAML::Node scheduled = docs["ScheduledBackup"]["spec"];
  EXPECT_EQ(scheduled["cluster"]["name"].as<std::string>(), "shop");
  EXPECT_EQ(scheduled["schedule"].as<std::string>(), "0 0 3 * * *");
  EXPECT_EQ(scheduled["method"].as<std::string>(), "plugin");
  EXPECT_EQ(scheduled["pluginConfiguration"]["name"].as<std::string>(), kBarmanCloudPlugin);
  // The repository volume and a count of full backups have no counterpart: said, and --strict
  // refuses them.
  EXPECT_THAT(exported.not_carried, Contains(HasSubstr("backup.repository")));
  EXPECT_THAT(exported.not_carried, Contains(HasSubstr("backup.retention.full 3")));
  EXPECT_THAT(exported.notes, Contains(HasSubstr("kind: ObjectStore")));
  EXPECT_EQ(CnpgSchedule("6h"), "@every 6h0m0s");
  EXPECT_EQ(CnpgSchedule("90m"), "@every 1h30m0s");
  EXPECT_EQ(CnpgSchedule("*/15 * * * 1-5"), "0 */15 * * * 1-5");
}

TEST(CnpgManifestTest, PasswordsOnlyWhenAskedFor) {
  ClusterSpec spec = Spec("  nodes: 2\n");
  CnpgExport masked = RenderCnpg(spec, kSecrets, {}).value();
  EXPECT_THAT(masked.yaml, Not(HasSubstr(kSecrets.app_password)));
  EXPECT_THAT(masked.yaml, Not(HasSubstr(kSecrets.repmgr_password)));
  EXPECT_EQ(Documents(masked.yaml).count("Secret/shop-app-user"), 0u);
  EXPECT_THAT(masked.yaml, HasSubstr("--show-secrets"));
  // The Cluster still names the Secret: CloudNativePG waits for it rather than inventing a
  // password the application does not know.
  EXPECT_EQ(Documents(masked.yaml)["Cluster"]["spec"]["bootstrap"]["initdb"]["secret"]["name"]
                .as<std::string>(),
            "shop-app-user");

  CnpgOptions shown;
  shown.show_secrets = true;
  auto docs = Documents(RenderCnpg(spec, kSecrets, shown).value().yaml);
  ASSERT_EQ(docs.count("Secret/shop-app-user"), 1u);
  EXPECT_EQ(docs["Secret/shop-app-user"]["stringData"]["username"].as<std::string>(), "app");
  EXPECT_EQ(docs["Secret/shop-app-user"]["stringData"]["password"].as<std::string>(),
            kSecrets.app_password);
  // radctl's own superuser never leaves: CloudNativePG makes its own.
  EXPECT_THAT(RenderCnpg(spec, kSecrets, shown).value().yaml,
              Not(HasSubstr(kSecrets.repmgr_password)));
}

TEST(CnpgManifestTest, MigrateFromBootstrapsByPgBasebackupVerifyingTheClustersCa) {
  ClusterSpec spec = Spec("  nodes: 3\n");
  CnpgOptions options;
  options.migrate_from = HostPort{"10.0.0.5", 15432};
  options.show_secrets = true;
  options.replication_password = "repl-Pw-123";
  options.source_ca_pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  CnpgExport exported = RenderCnpg(spec, kSecrets, options).value();
  auto docs = Documents(exported.yaml);
  const YAML::Node cluster = docs["Cluster"]["spec"];
  EXPECT_FALSE(cluster["bootstrap"]["initdb"]);
  const YAML::Node basebackup = cluster["bootstrap"]["pg_basebackup"];
  EXPECT_EQ(basebackup["source"].as<std::string>(), "shop-radctl");
  EXPECT_EQ(basebackup["database"].as<std::string>(), "app");
  EXPECT_EQ(basebackup["owner"].as<std::string>(), "app");
  ASSERT_EQ(cluster["externalClusters"].size(), 1u);
  const YAML::Node source = cluster["externalClusters"][0];
  EXPECT_EQ(source["name"].as<std::string>(), "shop-radctl");
  EXPECT_EQ(source["connectionParameters"]["host"].as<std::string>(), "10.0.0.5");
  EXPECT_EQ(source["connectionParameters"]["port"].as<std::string>(), "15432");
  EXPECT_EQ(source["connectionParameters"]["user"].as<std::string>(), kReplicationUser);
  // The nodes serve TLS with the cluster's own CA: verified, whatever name the tunnel has.
  EXPECT_EQ(source["connectionParameters"]["sslmode"].as<std::string>(), "verify-ca");
  EXPECT_EQ(source["sslRootCert"]["name"].as<std::string>(), "shop-source-ca");
  EXPECT_EQ(docs["Secret/shop-source-ca"]["stringData"]["ca.crt"].as<std::string>(),
            options.source_ca_pem);
  EXPECT_EQ(source["password"]["name"].as<std::string>(), "shop-source-replication");
  EXPECT_EQ(docs["Secret/shop-source-replication"]["stringData"]["password"].as<std::string>(),
            "repl-Pw-123");
  // The copy replays WAL as a hot standby first: it needs as many WAL senders as radctl's nodes.
  EXPECT_EQ(cluster["postgresql"]["parameters"]["max_wal_senders"].as<std::string>(), "16");
  EXPECT_THAT(exported.yaml, Not(HasSubstr("do not serve TLS")));
  EXPECT_THAT(exported.notes, Contains(HasSubstr("hostssl replication all all scram-sha-256")));

  options.show_secrets = false;
  options.replication_password.clear();
  CnpgExport masked = RenderCnpg(spec, kSecrets, options).value();
  EXPECT_EQ(Documents(masked.yaml).count("Secret/shop-source-replication"), 0u);
  EXPECT_THAT(masked.notes, Contains(HasSubstr("--create-replication-user --show-secrets")));
}

TEST(CnpgManifestTest, SaysWhatDoesNotCarryOver) {
  ClusterSpec spec = Spec(
      "  nodes: 1\n  postgres:\n    image: my/postgres:15\n    parameters: {log_destination: "
      "\"stderr\"}\n  bouncer: {poolMode: statement, port: 7000}\n"
      "  replication: {synchronous: true}\n  failover: {enabled: false, detectionMs: 2500}\n"
      "  tls: {enabled: false}\n");
  CnpgExport exported = RenderCnpg(spec, kSecrets, {}).value();
  EXPECT_THAT(
      exported.not_carried,
      ElementsAre(HasSubstr("postgres.parameters.log_destination"),
                  HasSubstr("postgres.image my/postgres:15"),
                  HasSubstr("bouncer.poolMode statement"), HasSubstr("failover.detectionMs 2500"),
                  HasSubstr("failover.enabled false"), HasSubstr("tls.enabled false")));
  EXPECT_THAT(exported.notes, Contains(HasSubstr("bouncer.port 7000")));
  EXPECT_THAT(exported.notes, Contains(HasSubstr("with one node there is no standby")));
  EXPECT_THAT(exported.notes, Contains(HasSubstr("could not be measured")));
  auto docs = Documents(exported.yaml);
  EXPECT_FALSE(docs["Cluster"]["spec"]["postgresql"]["synchronous"]);
  EXPECT_EQ(docs["Pooler/shop-pooler-rw"]["spec"]["pgbouncer"]["poolMode"].as<std::string>(),
            "transaction");
  // Everything said heads the file, as comments, so whoever applies it reads it.
  for (const auto* list : {&exported.notes, &exported.not_carried}) {
    for (const std::string& line : *list) {
      std::string first_line = line.substr(0, line.find('\n'));
      EXPECT_THAT(exported.yaml, HasSubstr("# - " + first_line));
    }
  }
  EXPECT_EQ(exported.yaml.rfind("# ", 0), 0u);
  // A spec at radctl's defaults loses nothing.
  EXPECT_THAT(RenderCnpg(Spec("  nodes: 3\n"), kSecrets, {}).value().not_carried, IsEmpty());
}

TEST(CnpgManifestTest, TheReadEndpointIsAPoolerOfTypeRo) {
  CnpgExport exported =
      RenderCnpg(Spec("  nodes: 3\n  bouncer: {readPort: 6544, readMaxLag: 64MB}\n"), kSecrets, {})
          .value();
  auto docs = Documents(exported.yaml);
  EXPECT_EQ(docs["Pooler/shop-pooler-ro"]["spec"]["type"].as<std::string>(), "ro");
  EXPECT_EQ(docs["Pooler/shop-pooler-rw"]["spec"]["type"].as<std::string>(), "rw");
  EXPECT_THAT(exported.not_carried, Contains(HasSubstr("bouncer.readMaxLag 64MB")));
}

TEST(CnpgManifestTest, StorageIsTwiceTheFullestVolumeInWholeGiB) {
  constexpr int64_t kMiB = int64_t{1} << 20;
  EXPECT_EQ(StorageSize(std::nullopt), "1Gi");
  EXPECT_EQ(StorageSize(40 * kMiB), "1Gi");
  EXPECT_EQ(StorageSize(512 * kMiB), "1Gi");
  EXPECT_EQ(StorageSize(513 * kMiB), "2Gi");
  EXPECT_EQ(StorageSize(3 * 1024 * kMiB), "6Gi");
}

TEST(CnpgManifestTest, ParseHostPort) {
  absl::StatusOr<HostPort> parsed = ParseHostPort("db.example.com:5432");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->host, "db.example.com");
  EXPECT_EQ(parsed->port, 5432);
  parsed = ParseHostPort("[fd00::5]:15432");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->host, "fd00::5");
  for (const char* bad : {"db.example.com", ":5432", "db:0", "db:70000", "db:port", ""}) {
    EXPECT_TRUE(absl::IsInvalidArgument(ParseHostPort(bad).status())) << bad;
  }
}

TEST(CnpgManifestTest, ReplicationUserSqlGrantsOnlyLoginAndReplication) {
  std::string sql = ReplicationUserSql("it's-a-Pw");
  EXPECT_THAT(sql, HasSubstr("CREATE ROLE streaming_replica WITH LOGIN REPLICATION PASSWORD "
                             "'it''s-a-Pw'"));
  EXPECT_THAT(sql, HasSubstr("ALTER ROLE streaming_replica WITH LOGIN REPLICATION PASSWORD"));
  EXPECT_THAT(sql, Not(HasSubstr("SUPERUSER")));
}

}  // namespace
}  // namespace radctl::exporting
