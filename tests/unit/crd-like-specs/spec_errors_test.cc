// Invalid specs, one table row each: the YAML and the full text of every error expected, in the
// order reported. A row's name says what is wrong with it.
#include <string>
#include <vector>

#include "crd-like-specs/spec_parser.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace radctl {
namespace {

using ::testing::ElementsAreArray;

struct BadSpec {
  std::string name;
  std::string yaml;
  std::vector<std::string> errors;
};

// A valid head with metadata.name = `name`, on lines 1-4.
std::string Head(const std::string& name = "demo") {
  std::string head = "apiVersion: radctl.io/v1alpha1\nkind: PostgresCluster\nmetadata:\n";
  return head + "  name: " + name + "\n";
}

// A document whose spec section is `body`: "spec:" is line 5, so `body` starts on line 6.
std::string Spec(const std::string& body) { return Head() + "spec:\n" + body; }

const std::vector<BadSpec>& BadSpecs() {
  static const auto* const kRows = new std::vector<BadSpec>{
      // Unknown and duplicate keys.
      {"NodeInsteadOfNodesSuggestsNodes",
       Spec("  node: 3\n"),
       {"t.yaml:6:3: spec.node: unknown field \"node\"; did you mean \"nodes\"?"}},
      {"PoolModeInSnakeCaseSuggestsCamelCase",
       Spec("  bouncer:\n    pool_mode: session\n"),
       {"t.yaml:7:5: spec.bouncer.pool_mode: unknown field \"pool_mode\"; did you mean "
        "\"poolMode\"?"}},
      {"UnrelatedUnknownFieldListsTheKnownOnes",
       Spec("  bouncer:\n    tls: true\n"),
       {"t.yaml:7:5: spec.bouncer.tls: unknown field \"tls\"; known fields are port, bind, "
        "poolMode, readPort, readMaxLag"}},
      {"UnknownTopLevelField",
       Head() + "status: {}\n",
       {"t.yaml:5:1: status: unknown field \"status\"; known fields are apiVersion, kind, "
        "metadata, spec"}},
      {"DuplicateNodes",
       Spec("  nodes: 3\n  nodes: 5\n"),
       {"t.yaml:7:3: spec.nodes: duplicate field \"nodes\"; first given at line 6"}},
      // spec.tls
      {"TlsOffOnEveryInterface",
       Spec("  bouncer:\n    bind: 0.0.0.0\n  tls:\n    enabled: false\n"),
       {"t.yaml:9:14: spec.tls.enabled: TLS can be turned off only for an endpoint bound to "
        "loopback, but spec.bouncer.bind is 0.0.0.0: clients elsewhere would send passwords and "
        "data in the clear"}},
      {"SslParameterIsManaged",
       Spec("  postgres:\n    parameters:\n      ssl: \"off\"\n"),
       {"t.yaml:8:7: spec.postgres.parameters.ssl: \"ssl\" is managed by radctl: it follows "
        "spec.tls (radctl makes and renews the certificates)"}},
      // spec.nodes
      {"NodesZero",
       Spec("  nodes: 0\n"),
       {"t.yaml:6:10: spec.nodes: must be between 1 and 9, got 0"}},
      {"NodesTen",
       Spec("  nodes: 10\n"),
       {"t.yaml:6:10: spec.nodes: must be between 1 and 9, got 10"}},
      {"NodesAsAWord",
       Spec("  nodes: three\n"),
       {"t.yaml:6:10: spec.nodes: expected an integer, got \"three\""}},
      {"NodesQuoted",
       Spec("  nodes: \"3\"\n"),
       {"t.yaml:6:10: spec.nodes: expected an integer, got the string \"3\""}},
      {"NodesFractional",
       Spec("  nodes: 3.5\n"),
       {"t.yaml:6:10: spec.nodes: expected an integer, got \"3.5\""}},
      {"NodesLeftEmpty",
       Spec("  nodes:\n"),
       {"t.yaml:6:3: spec.nodes: expected an integer, got null"}},
      {"NodesHugeInteger",
       Spec("  nodes: 99999999999999999999\n"),
       {"t.yaml:6:10: spec.nodes: the integer \"99999999999999999999\" is too large"}},
      // spec.postgres
      {"Version14",
       Spec("  postgres:\n    version: 14\n"),
       {"t.yaml:7:14: spec.postgres.version: only PostgreSQL 15 is supported, got 14"}},
      {"ImageWithSpace",
       Spec("  postgres:\n    image: radctl/postgres 15\n"),
       {"t.yaml:7:12: spec.postgres.image: must be a Docker image reference without spaces, got "
        "\"radctl/postgres 15\""}},
      {"ManagedParameterWalLevel",
       Spec("  postgres:\n    parameters:\n      wal_level: minimal\n"),
       {"t.yaml:8:7: spec.postgres.parameters.wal_level: \"wal_level\" is managed by radctl: "
        "streaming replication and failover depend on it"}},
      {"ManagedParameterPort",
       Spec("  postgres:\n    parameters:\n      port: 5433\n"),
       {"t.yaml:8:7: spec.postgres.parameters.port: \"port\" is managed by radctl: radctl decides "
        "where Postgres listens; clients connect through the bouncer (spec.bouncer)"}},
      {"ParameterNameWithUppercaseAndDash",
       Spec("  postgres:\n    parameters:\n      Max-Connections: 10\n"),
       {"t.yaml:8:7: spec.postgres.parameters.Max-Connections: invalid parameter name "
        "\"Max-Connections\": must match ^[a-z_][a-z0-9_.]*$"}},
      {"ParameterValueIsAList",
       Spec("  postgres:\n    parameters:\n      shared_preload_libraries: [a, b]\n"),
       {"t.yaml:8:33: spec.postgres.parameters.shared_preload_libraries: expected a string, "
        "number or boolean, got a sequence"}},
      {"ParameterValueOnTwoLines",
       Spec("  postgres:\n    parameters:\n      log_line_prefix: \"a\\nb\"\n"),
       {"t.yaml:8:24: spec.postgres.parameters.log_line_prefix: must be a single line "
        "(postgresql.conf has one per line)"}},
      {"ParametersAsAList",
       Spec("  postgres:\n    parameters:\n      - work_mem=8MB\n"),
       {"t.yaml:8:7: spec.postgres.parameters: expected a mapping, got a sequence"}},
      // spec.bouncer
      {"PortAbove65535",
       Spec("  bouncer:\n    port: 70000\n"),
       {"t.yaml:7:11: spec.bouncer.port: must be between 1 and 65535, got 70000"}},
      {"PortZero",
       Spec("  bouncer:\n    port: 0\n"),
       {"t.yaml:7:11: spec.bouncer.port: must be between 1 and 65535, got 0"}},
      {"ReadPortIsTheWritePort",
       Spec("  bouncer:\n    port: 6543\n    readPort: 6543\n"),
       {"t.yaml:8:15: spec.bouncer.readPort: must differ from spec.bouncer.port (6543): the "
        "read endpoint is a second bouncer on the same address"}},
      {"ReadPortNotANumber",
       Spec("  bouncer:\n    readPort: six\n"),
       {"t.yaml:7:15: spec.bouncer.readPort: expected an integer, got \"six\""}},
      {"ReadMaxLagWithoutUnit",
       Spec("  bouncer:\n    readPort: 6544\n    readMaxLag: 16 MB\n"),
       {"t.yaml:8:17: spec.bouncer.readMaxLag: must be a size such as 512MB, 1GB or 2TB (units "
        "kB, MB, GB, TB), or -1 for no limit; got \"16 MB\""}},
      {"BindToAHostName",
       Spec("  bouncer:\n    bind: localhost\n"),
       {"t.yaml:7:11: spec.bouncer.bind: must be an IPv4 address such as 127.0.0.1 (0.0.0.0: "
        "every interface), got \"localhost\""}},
      {"BindOctetAbove255",
       Spec("  bouncer:\n    bind: 10.0.0.256\n"),
       {"t.yaml:7:11: spec.bouncer.bind: must be an IPv4 address such as 127.0.0.1 (0.0.0.0: "
        "every interface), got \"10.0.0.256\""}},
      {"UnknownPoolMode",
       Spec("  bouncer:\n    poolMode: batch\n"),
       {"t.yaml:7:15: spec.bouncer.poolMode: must be one of session, transaction, statement; got "
        "\"batch\""}},
      // spec.replication, spec.failover
      {"SynchronousYes",
       Spec("  replication:\n    synchronous: yes\n"),
       {"t.yaml:7:18: spec.replication.synchronous: expected true or false, got \"yes\""}},
      {"SynchronousNumberZero",
       Spec("  replication:\n    synchronous: {number: 0}\n"),
       {"t.yaml:7:27: spec.replication.synchronous.number: must be between 1 and 8, got 0"}},
      {"SynchronousNumberAsManyAsStandbysWouldStopWrites",
       Spec("  nodes: 3\n  replication:\n    synchronous:\n      number: 3\n"),
       {"t.yaml:9:15: spec.replication.synchronous.number: must be less than spec.nodes (3): "
        "with 2 standbys, 3 acknowledgements would stop every write"}},
      {"MaxSlotWalKeepSizeWithoutUnit",
       Spec("  replication:\n    maxSlotWalKeepSize: lots\n"),
       {"t.yaml:7:25: spec.replication.maxSlotWalKeepSize: must be a size such as 512MB, 1GB or "
        "2TB (units kB, MB, GB, TB), or -1 for no limit; got \"lots\""}},
      // Parameters that would break a promise.
      {"FsyncOff",
       Spec("  postgres:\n    parameters:\n      fsync: 'off'\n"),
       {"t.yaml:8:14: spec.postgres.parameters.fsync: off lets a crash corrupt the data "
        "directory: a failover or rejoin could then lose or damage committed data"}},
      {"FullPageWritesOffWouldMakeEveryRejoinARebuild",
       Spec("  postgres:\n    parameters:\n      full_page_writes: false\n"),
       {"t.yaml:8:25: spec.postgres.parameters.full_page_writes: off makes pg_rewind impossible: "
        "every returning former primary would have to be cloned again instead of rejoined"}},
      {"SynchronousCommitLocalWithSynchronousReplication",
       Spec("  postgres:\n    parameters:\n      synchronous_commit: local\n"
            "  replication:\n    synchronous: true\n"),
       {"t.yaml:8:27: spec.postgres.parameters.synchronous_commit: \"local\" acknowledges "
        "commits no standby has, which spec.replication.synchronous promises not to lose; use on, "
        "remote_write or remote_apply, or turn synchronous off"}},
      {"IncludeDir",
       Spec("  postgres:\n    parameters:\n      include_dir: conf.d\n"),
       {"t.yaml:8:20: spec.postgres.parameters.include_dir: radctl renders the whole "
        "postgresql.conf from the spec; a file included from elsewhere would change nodes behind "
        "its back (set the parameters here instead)"}},
      {"MaxSlotWalKeepSizeIsASpecField",
       Spec("  postgres:\n    parameters:\n      max_slot_wal_keep_size: 10GB\n"),
       {"t.yaml:8:7: spec.postgres.parameters.max_slot_wal_keep_size: \"max_slot_wal_keep_size\" "
        "is managed by radctl: it follows spec.replication.maxSlotWalKeepSize"}},
      {"EnabledQuoted",
       Spec("  failover:\n    enabled: \"true\"\n"),
       {"t.yaml:7:14: spec.failover.enabled: expected true or false, got the string \"true\""}},
      {"DetectionMsBelow100",
       Spec("  failover:\n    detectionMs: 50\n"),
       {"t.yaml:7:18: spec.failover.detectionMs: must be between 100 and 60000, got 50"}},
      {"DetectionMsAboveAMinute",
       Spec("  failover:\n    detectionMs: 60001\n"),
       {"t.yaml:7:18: spec.failover.detectionMs: must be between 100 and 60000, got 60001"}},
      // spec.auth
      {"ReservedAuthUser",
       Spec("  auth:\n    user: postgres\n"),
       {"t.yaml:7:11: spec.auth.user: \"postgres\" is reserved: radctl uses postgres, repmgr, "
        "pgbouncer, radctl and streaming_replica itself"}},
      {"ReservedAuthDatabase",
       Spec("  auth:\n    database: repmgr\n"),
       {"t.yaml:7:15: spec.auth.database: \"repmgr\" is reserved: radctl uses postgres, repmgr, "
        "pgbouncer, radctl and streaming_replica itself"}},
      {"AuthUserWithUppercase",
       Spec("  auth:\n    user: App\n"),
       {"t.yaml:7:11: spec.auth.user: must be a lowercase SQL identifier matching "
        "^[a-z_][a-z0-9_]*$, got \"App\""}},
      {"PasswordShorterThan8",
       Spec("  auth:\n    password: hunter2\n"),
       {"t.yaml:7:15: spec.auth.password: must be at least 8 characters (or empty to have one "
        "generated), got 7"}},
      {"PasswordWithSingleQuote",
       Spec("  auth:\n    password: \"it's-a-secret\"\n"),
       {"t.yaml:7:15: spec.auth.password: must not contain a single quote, double quote, "
        "backslash or newline (they would need quoting in config files)"}},
      // metadata
      {"NameWithUppercase",
       Head("Demo"),
       {"t.yaml:4:9: metadata.name: must be a lowercase RFC 1123 label (a-z, 0-9 and '-', "
        "starting and ending with a letter or digit), got \"Demo\""}},
      {"NameWithUnderscore",
       Head("my_db"),
       {"t.yaml:4:9: metadata.name: must be a lowercase RFC 1123 label (a-z, 0-9 and '-', "
        "starting and ending with a letter or digit), got \"my_db\""}},
      {"NameWithLeadingDash",
       Head("-demo"),
       {"t.yaml:4:9: metadata.name: must be a lowercase RFC 1123 label (a-z, 0-9 and '-', "
        "starting and ending with a letter or digit), got \"-demo\""}},
      {"NameOf41Characters",
       Head(std::string(41, 'a')),
       {"t.yaml:4:9: metadata.name: must be at most 40 characters (it prefixes container and "
        "host names), got 41"}},
      {"NameMisspelled",
       "apiVersion: radctl.io/v1alpha1\nkind: PostgresCluster\nmetadata:\n  nam: demo\n",
       {"t.yaml:4:3: metadata.nam: unknown field \"nam\"; did you mean \"name\"?",
        "t.yaml:4:3: metadata.name: required field is missing"}},
      {"MetadataMissing",
       "apiVersion: radctl.io/v1alpha1\nkind: PostgresCluster\n",
       {"t.yaml:1:1: metadata: required field is missing"}},
      // apiVersion, kind, the document
      {"OldApiVersion",
       "apiVersion: radctl.io/v1\nkind: PostgresCluster\nmetadata:\n  name: demo\n",
       {"t.yaml:1:13: apiVersion: must be \"radctl.io/v1alpha1\", got \"radctl.io/v1\""}},
      {"KindOfAnotherOperator",
       "apiVersion: radctl.io/v1alpha1\nkind: Cluster\nmetadata:\n  name: demo\n",
       {"t.yaml:2:7: kind: must be \"PostgresCluster\", got \"Cluster\""}},
      {"SpecIsAList",
       Spec("  - nodes: 3\n"),
       {"t.yaml:6:3: spec: expected a mapping, got a sequence"}},
      {"DocumentIsAList",
       "- apiVersion: radctl.io/v1alpha1\n",
       {"t.yaml:1:1: expected a mapping with apiVersion, kind, metadata and spec, got a "
        "sequence"}},
      {"SyntaxErrorUnclosedFlowSequence",
       Spec("  nodes: [3\n  bouncer: {}\n"),
       {"t.yaml:7:10: invalid YAML: end of sequence flow not found"}},
      {"SyntaxErrorBadIndentation",
       Spec("  nodes: 3\n   bouncer: {}\n"),
       {"t.yaml:7:11: invalid YAML: illegal map value"}},
      {"EmptyDocument", "", {"t.yaml: the file is empty; expected a PostgresCluster spec"}},
      {"OnlyComments",
       "# nodes: 3\n",
       {"t.yaml: the file is empty; expected a PostgresCluster spec"}},
      {"TwoDocuments",
       Head() + "---\n" + Head(),
       {"t.yaml:6:1: a spec file holds one document, found 2"}},
      {"SeveralErrorsReportedTogetherInLineOrder",
       "apiVersion: radctl.io/v2\n"  // line 1
       "kind: PostgresCluster\n"
       "spec:\n"
       "  nodes: 0\n"  // line 4
       "  bouncer:\n"
       "    port: 0\n"              // line 6
       "    poolmode: session\n"    // line 7
       "  auth: {user: radctl}\n",  // line 8
       // metadata is found missing last but reported at the top, where it belongs.
       {"t.yaml:1:1: metadata: required field is missing",
        "t.yaml:1:13: apiVersion: must be \"radctl.io/v1alpha1\", got \"radctl.io/v2\"",
        "t.yaml:4:10: spec.nodes: must be between 1 and 9, got 0",
        "t.yaml:6:11: spec.bouncer.port: must be between 1 and 65535, got 0",
        "t.yaml:7:5: spec.bouncer.poolmode: unknown field \"poolmode\"; did you mean "
        "\"poolMode\"?",
        "t.yaml:8:16: spec.auth.user: \"radctl\" is reserved: radctl uses postgres, repmgr, "
        "pgbouncer, radctl and streaming_replica itself"}},
  };
  return *kRows;
}

class SpecErrorsTest : public ::testing::TestWithParam<BadSpec> {};

TEST_P(SpecErrorsTest, ReportsEveryErrorWithPlaceAndPath) {
  const BadSpec& row = GetParam();
  SpecParseResult result = ParseClusterSpec(row.yaml, "t.yaml");
  std::vector<std::string> errors;
  for (const FieldError& error : result.errors) errors.push_back(error.ToString());
  EXPECT_THAT(errors, ElementsAreArray(row.errors)) << "spec:\n" << row.yaml;
  EXPECT_FALSE(result.ok());
  // An invalid spec yields nothing half-filled.
  EXPECT_EQ(result.spec, ClusterSpec());
}

INSTANTIATE_TEST_SUITE_P(BadSpecs, SpecErrorsTest, ::testing::ValuesIn(BadSpecs()),
                         [](const ::testing::TestParamInfo<BadSpec>& row) {
                           return row.param.name;
                         });

}  // namespace
}  // namespace radctl
