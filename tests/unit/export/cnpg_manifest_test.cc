// radctl export --format cnpg: every document is checked against CloudNativePG's published CRD
// schemas (the subset in cnpg-crd-subset/), every mappable spec field is found in it, passwords
// appear only when asked for, and what does not map is said.
#include "controller/export/cnpg_manifest.h"

#include <map>

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

YAML::Node CrdSchema(const std::string& file) {
  return YAML::LoadFile(std::string(CNPG_CRD_SUBSET_DIR) + "/" + file)["openAPIV3Schema"];
}

// A core/v1 Secret as CloudNativePG reads a basic-auth one (username and password keys).
constexpr char kBasicAuthSecretSchema[] = R"(
type: object
required: [apiVersion, kind, metadata, type, stringData]
properties:
  apiVersion: {type: string, enum: [v1]}
  kind: {type: string, enum: [Secret]}
  metadata: {type: object, required: [name], properties: {name: {type: string}}}
  type: {type: string, enum: [kubernetes.io/basic-auth]}
  stringData:
    type: object
    required: [username, password]
    properties: {username: {type: string}, password: {type: string}}
)";

// The documents of an export by kind ("Cluster", "Pooler", "Secret/NAME").
std::map<std::string, YAML::Node> Documents(const std::string& yaml) {
  std::map<std::string, YAML::Node> docs;
  for (const YAML::Node& doc : YAML::LoadAll(yaml)) {
    if (doc.IsNull()) continue;  // the header comment before the first "---"
    std::string kind = doc["kind"].as<std::string>();
    if (kind == "Secret") kind += "/" + doc["metadata"]["name"].as<std::string>();
    docs[kind] = doc;
  }
  return docs;
}

// Every violation of every document of `yaml`, prefixed with its kind.
std::vector<std::string> SchemaErrors(const std::string& yaml) {
  static const YAML::Node clusters = CrdSchema("clusters.yaml");
  static const YAML::Node poolers = CrdSchema("poolers.yaml");
  static const YAML::Node secret = YAML::Load(kBasicAuthSecretSchema);
  std::vector<std::string> errors;
  for (const auto& [kind, doc] : Documents(yaml)) {
    const YAML::Node& schema = kind == "Cluster" ? clusters : kind == "Pooler" ? poolers : secret;
    for (const std::string& error : radctl::testing::ValidateAgainstSchema(schema, doc)) {
      errors.push_back(kind + ": " + error);
    }
    EXPECT_EQ(doc["apiVersion"].as<std::string>(),
              kind.rfind("Secret", 0) == 0 ? "v1" : kCnpgApiVersion);
  }
  return errors;
}

TEST(CnpgManifestTest, EveryDocumentMatchesCloudNativePgSchemas) {
  struct Row {
    const char* name;
    std::string spec;
    CnpgOptions options;
  };
  CnpgOptions migrate;
  migrate.migrate_from = HostPort{"db.example.com", 15432};
  migrate.show_secrets = true;
  migrate.replication_password = "repl-Pw-123";
  CnpgOptions secrets;
  secrets.show_secrets = true;
  secrets.data_bytes = int64_t{5} << 30;
  const Row rows[] = {
      {"defaults", "  nodes: 3\n", {}},
      {"one node, synchronous", "  nodes: 1\n  replication: {synchronous: true}\n", {}},
      {"parameters that look like other types",
       "  nodes: 2\n  postgres:\n    parameters: {max_connections: \"200\", jit: \"off\", "
       "work_mem: \"8MB\", shared_preload_libraries: \"pg_stat_statements, auto_explain\", "
       "log_destination: \"stderr\"}\n  replication: {synchronous: true}\n",
       secrets},
      {"statement pooling, failover off",
       "  nodes: 3\n  bouncer: {poolMode: statement}\n  failover: {enabled: false}\n",
       {}},
      {"session pooling", "  nodes: 3\n  bouncer: {poolMode: session}\n", {}},
      {"migration", "  nodes: 3\n  replication: {synchronous: true}\n", migrate},
  };
  for (const Row& row : rows) {
    CnpgExport exported = RenderCnpg(Spec(row.spec), kSecrets, row.options).value();
    EXPECT_THAT(SchemaErrors(exported.yaml), IsEmpty()) << row.name << "\n" << exported.yaml;
    EXPECT_EQ(Documents(exported.yaml).count("Cluster"), 1u) << row.name;
    EXPECT_EQ(Documents(exported.yaml).count("Pooler"), 1u) << row.name;
  }
}

TEST(CnpgManifestTest, TheReadEndpointIsAPoolerOfTypeRo) {
  CnpgExport exported =
      RenderCnpg(Spec("  nodes: 3\n  bouncer: {readPort: 6544, readMaxLag: 64MB}\n"), kSecrets, {})
          .value();
  EXPECT_THAT(SchemaErrors(exported.yaml), IsEmpty()) << exported.yaml;
  std::map<std::string, std::string> poolers;  // name -> type
  for (const YAML::Node& doc : YAML::LoadAll(exported.yaml)) {
    if (doc.IsNull() || doc["kind"].as<std::string>() != "Pooler") continue;
    poolers[doc["metadata"]["name"].as<std::string>()] = doc["spec"]["type"].as<std::string>();
  }
  EXPECT_EQ(poolers, (std::map<std::string, std::string>{{"shop-pooler-ro", "ro"},
                                                         {"shop-pooler-rw", "rw"}}));
  EXPECT_THAT(exported.notes, Contains(HasSubstr("bouncer.readMaxLag (64MB) and the fallback to "
                                                 "the primary when no standby is eligible do not "
                                                 "map")));
}

TEST(CnpgManifestTest, CarriesEveryMappableSpecField) {
  ClusterSpec spec = Spec(
      "  nodes: 3\n  postgres:\n    parameters: {max_connections: \"250\", jit: \"off\", "
      "shared_preload_libraries: \"pg_stat_statements,'auto_explain'\"}\n"
      "  bouncer: {poolMode: session}\n  replication: {synchronous: true}\n"
      "  auth: {user: shopper, database: orders}\n");
  CnpgOptions options;
  options.data_bytes = int64_t{700} << 20;  // 700 MiB in the fullest volume
  auto docs = Documents(RenderCnpg(spec, kSecrets, options).value().yaml);
  const YAML::Node cluster = docs["Cluster"]["spec"];
  EXPECT_EQ(docs["Cluster"]["metadata"]["name"].as<std::string>(), "shop");
  EXPECT_EQ(cluster["instances"].as<int>(), 3);
  EXPECT_EQ(cluster["imageName"].as<std::string>(), "ghcr.io/cloudnative-pg/postgresql:15");
  EXPECT_EQ(cluster["postgresql"]["parameters"]["max_connections"].as<std::string>(), "250");
  EXPECT_EQ(cluster["postgresql"]["parameters"]["jit"].as<std::string>(), "off");
  EXPECT_FALSE(cluster["postgresql"]["parameters"]["shared_preload_libraries"]);
  EXPECT_THAT(cluster["postgresql"]["shared_preload_libraries"].as<std::vector<std::string>>(),
              ElementsAre("pg_stat_statements", "auto_explain"));
  // None of radctl's own settings (replication, listening) is carried over.
  EXPECT_FALSE(cluster["postgresql"]["parameters"]["wal_sender_timeout"]);
  EXPECT_FALSE(cluster["postgresql"]["parameters"]["max_wal_senders"]);
  EXPECT_EQ(cluster["postgresql"]["synchronous"]["method"].as<std::string>(), "any");
  EXPECT_EQ(cluster["postgresql"]["synchronous"]["number"].as<int>(), 1);
  EXPECT_EQ(cluster["postgresql"]["synchronous"]["dataDurability"].as<std::string>(), "required");
  const YAML::Node initdb = cluster["bootstrap"]["initdb"];
  EXPECT_EQ(initdb["database"].as<std::string>(), "orders");
  EXPECT_EQ(initdb["owner"].as<std::string>(), "shopper");
  EXPECT_EQ(initdb["secret"]["name"].as<std::string>(), AppSecretName("shop"));
  EXPECT_TRUE(initdb["dataChecksums"].as<bool>());
  EXPECT_EQ(cluster["storage"]["size"].as<std::string>(), "2Gi");  // 2 x 700 MiB, rounded up
  EXPECT_TRUE(cluster["monitoring"]["enablePodMonitor"].as<bool>());
  EXPECT_FALSE(cluster["externalClusters"]);

  const YAML::Node pooler = docs["Pooler"]["spec"];
  EXPECT_EQ(docs["Pooler"]["metadata"]["name"].as<std::string>(), "shop-pooler-rw");
  EXPECT_EQ(pooler["cluster"]["name"].as<std::string>(), "shop");
  EXPECT_EQ(pooler["type"].as<std::string>(), "rw");
  EXPECT_EQ(pooler["pgbouncer"]["poolMode"].as<std::string>(), "session");
  // What radctl runs PgBouncer with, as far as a Pooler accepts it.
  EXPECT_EQ(pooler["pgbouncer"]["parameters"]["server_login_retry"].as<std::string>(), "0");
  EXPECT_EQ(pooler["pgbouncer"]["parameters"]["max_client_conn"].as<std::string>(), "1000");
  EXPECT_EQ(pooler["pgbouncer"]["parameters"]["default_pool_size"].as<std::string>(), "20");
  EXPECT_FALSE(pooler["pgbouncer"]["parameters"]["dns_max_ttl"]);  // not a Pooler parameter
  EXPECT_FALSE(pooler["pgbouncer"]["parameters"]["listen_port"]);
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

TEST(CnpgManifestTest, MigrateFromBootstrapsByPgBasebackupFromAnExternalCluster) {
  ClusterSpec spec = Spec("  nodes: 3\n");
  CnpgOptions options;
  options.migrate_from = HostPort{"10.0.0.5", 15432};
  options.show_secrets = true;
  options.replication_password = "repl-Pw-123";
  auto docs = Documents(RenderCnpg(spec, kSecrets, options).value().yaml);
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
  EXPECT_EQ(source["password"]["name"].as<std::string>(), "shop-source-replication");
  EXPECT_EQ(source["password"]["key"].as<std::string>(), "password");
  EXPECT_EQ(docs["Secret/shop-source-replication"]["stringData"]["password"].as<std::string>(),
            "repl-Pw-123");
  // The copy replays WAL as a hot standby first: it needs as many WAL senders as radctl's nodes.
  EXPECT_EQ(cluster["postgresql"]["parameters"]["max_wal_senders"].as<std::string>(), "16");

  options.show_secrets = false;
  options.replication_password.clear();
  CnpgExport masked = RenderCnpg(spec, kSecrets, options).value();
  EXPECT_EQ(Documents(masked.yaml).count("Secret/shop-source-replication"), 0u);
  EXPECT_THAT(masked.notes, Contains(HasSubstr("--create-replication-user --show-secrets")));
  EXPECT_THAT(masked.notes, Contains(HasSubstr("host replication all all scram-sha-256")));
}

TEST(CnpgManifestTest, SaysWhatDoesNotMap) {
  ClusterSpec spec = Spec(
      "  nodes: 1\n  postgres:\n    parameters: {log_destination: \"stderr\"}\n"
      "  bouncer: {poolMode: statement, port: 7000}\n  replication: {synchronous: true}\n"
      "  failover: {enabled: false, detectionMs: 2500}\n");
  CnpgExport exported = RenderCnpg(spec, kSecrets, {}).value();
  EXPECT_THAT(exported.notes, Contains(HasSubstr("failover.detectionMs (2500) does not map")));
  EXPECT_THAT(exported.notes, Contains(HasSubstr("failover.enabled: false does not map")));
  EXPECT_THAT(exported.notes, Contains(HasSubstr("bouncer.port 7000")));
  EXPECT_THAT(exported.notes, Contains(HasSubstr("exported as transaction")));
  EXPECT_THAT(exported.notes, Contains(HasSubstr("postgres.parameters.log_destination")));
  EXPECT_THAT(exported.notes, Contains(HasSubstr("with one node there is no standby")));
  EXPECT_THAT(exported.notes, Contains(HasSubstr("could not be measured")));
  auto docs = Documents(exported.yaml);
  EXPECT_FALSE(docs["Cluster"]["spec"]["postgresql"]["synchronous"]);
  EXPECT_EQ(docs["Pooler"]["spec"]["pgbouncer"]["poolMode"].as<std::string>(), "transaction");
  // The notes head the file, as comments, so whoever applies it reads them.
  for (const std::string& note : exported.notes) {
    std::string first_line = note.substr(0, note.find('\n'));
    EXPECT_THAT(exported.yaml, HasSubstr("# - " + first_line));
  }
  EXPECT_EQ(exported.yaml.rfind("# ", 0), 0u);
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
