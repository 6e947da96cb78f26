#include "crd-like-specs/spec_fields.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"

namespace radctl {
namespace {

constexpr std::string_view kSection = "section";

std::vector<SpecFieldDoc> MakeTable() {
  return {
      {"apiVersion", "string", "", "radctl.io/v1alpha1", "Always `radctl.io/v1alpha1`.", true},
      {"kind", "string", "", "PostgresCluster", "Always `PostgresCluster`.", true},
      {"metadata", kSection, "", "", "Who the cluster is.", true},
      {"metadata.name", "RFC 1123 label, at most 40 characters", "", "shop",
       "The cluster's name. It prefixes every container, volume and network (`shop-pg-1`, "
       "`shop-pg-1-data`, `shop-bouncer`, `shop-net`) and is their host name on the network.",
       true},
      {"spec", kSection, "", "", "What is desired; every field below has a default.", false},
      {"spec.nodes", "integer 1..9", "3", "3",
       "How many Postgres nodes: one primary, the rest streaming standbys. Scaling down removes "
       "the highest ordinals (never the primary) and their data.",
       false},
      {"spec.profile", "standard | small", "standard", "small",
       "How Postgres is sized. `standard` is PostgreSQL's own defaults; `small` is for CI with "
       "many "
       "clusters per host: shared_buffers 16MB, work_mem 2MB, maintenance_work_mem 16MB, "
       "min_wal_size 32MB, max_wal_size 256MB. `postgres.parameters` win over "
       "either.",
       false},
      {"spec.postgres", kSection, "", "", "The Postgres that runs on every node.", false},
      {"spec.postgres.version", "integer", "15", "15", "The major version; only 15 is supported.",
       false},
      {"spec.postgres.image", "Docker image reference", "radctl/postgres:<version>",
       "radctl/postgres:15",
       "The node image. Changing it, or rebuilding the same tag, rolls the nodes one at a time "
       "(standbys first, then a switchover).",
       false},
      {"spec.postgres.parameters", "map of name to string", "{}",
       "{max_connections: \"200\", work_mem: 8MB}",
       "postgresql.conf settings, checked by the image's own Postgres before they reach a node. "
       "Refused: the settings radctl manages (listening, replication, archiving, `ssl*`, "
       "`synchronous_standby_names`, ...), radctl's own `radctl.*` names, `include*`, and values "
       "that would break a promise (`fsync: off`, `full_page_writes: off`, "
       "`synchronous_commit: local|off` with synchronous replication). A change that needs a "
       "restart rolls through the standbys, then a switchover.",
       false},
      {"spec.bouncer", kSection, "", "",
       "PgBouncer: the one endpoint clients use. It follows the primary; clients are held, not "
       "failed, while the primary changes.",
       false},
      {"spec.bouncer.port", "port 1..65535 | auto", "auto", "6543",
       "Where the endpoint is published. `auto` (or no port) picks a free port in 20000-29999 "
       "once and keeps it with the cluster. A port another program holds is refused at apply.",
       false},
      {"spec.bouncer.bind", "IPv4 address", "127.0.0.1", "127.0.0.1",
       "The host address the endpoint is published on; `0.0.0.0` accepts connections from other "
       "hosts (and then requires TLS).",
       false},
      {"spec.bouncer.poolMode", "session | transaction | statement", "transaction", "session",
       "PgBouncer's pool mode.", false},
      {"spec.bouncer.readPort", "port 1..65535 | auto", "", "6544",
       "A second, read-only endpoint serving the streaming standbys round-robin (and the primary "
       "when no standby is eligible). Absent: none.",
       false},
      {"spec.bouncer.readMaxLag", "size (kB, MB, GB, TB) | -1", "16MB", "64MB",
       "A standby further behind the primary than this is taken out of the read endpoint; -1: no "
       "bound.",
       false},
      {"spec.replication", kSection, "", "", "How standbys follow the primary.", false},
      {"spec.replication.synchronous", "true | false | {number: k}", "false", "true",
       "`true` is ANY 1 standby, `{number: k}` ANY k: a commit is acknowledged once k standbys "
       "have it, and a failover promotes only a standby that provably holds every acknowledged "
       "commit (it waits for enough standbys to be seen, with no time limit). `false`: "
       "asynchronous; a failover may lose the most recent commits, and says how many bytes.",
       false},
      {"spec.replication.synchronous.number", "integer 1..8, below spec.nodes", "1", "1",
       "k of `synchronous: {number: k}`: how many standbys acknowledge each commit.", true},
      {"spec.replication.maxSlotWalKeepSize", "size (kB, MB, GB, TB) | -1", "1GB", "2GB",
       "The most WAL a replication slot may hold for a standby that stays away; past it the "
       "standby is rebuilt rather than the disk filled. -1: no limit.",
       false},
      {"spec.replication.maxMovedAside", "integer 1..20", "3", "3",
       "A node whose data must be replaced (a former primary pg_rewind cannot rejoin, a standby "
       "that cannot follow or start) keeps its old data directory beside the new one, as "
       "`data.radctl-old-<time>` in its volume: radctl never deletes one. A node keeping this "
       "many is not rebuilt: radctl says so and waits until one is removed with `radctl aside "
       "NAME NODE --remove DIR` (`radctl aside NAME` lists them; `radctl status` counts them).",
       false},
      {"spec.failover", kSection, "", "", "When the primary is replaced.", false},
      {"spec.failover.enabled", "boolean", "true", "true",
       "false: radctl never promotes a standby on its own (it still restarts a dead primary).",
       false},
      {"spec.failover.detectionMs", "integer 100..60000", "1000", "1000",
       "How long the primary may be unreachable (or its container dead) before a failover "
       "starts.",
       false},
      {"spec.auth", kSection, "", "", "The application's role and database.", false},
      {"spec.auth.user", "SQL name", "app", "shopper",
       "The application's role. Refused: SQL reserved keywords, `pg_*`, `public`, `none`, and "
       "the names radctl uses itself (postgres, repmgr, pgbouncer, radctl, streaming_replica).",
       false},
      {"spec.auth.database", "SQL name", "app", "orders",
       "The application's database. Refused: SQL keywords PostgreSQL does not take as a name, "
       "`template0`, `template1`, and the names radctl uses itself.",
       false},
      {"spec.auth.password", "string, 8 printable ASCII characters or more", "\"\"",
       "\"correct-horse-battery\"",
       "Empty: generated once and kept with the cluster (`radctl status NAME -o uri` shows it). "
       "Set: used as is; a changed password is rolled out without dropping connected clients.",
       false},
      {"spec.auth.passwordFile", "file name", "", "/run/secrets/shop_password",
       "A file holding the password (a Compose or Kubernetes secret; a trailing newline is left "
       "out), instead of spec.auth.password. Relative to the spec file's folder. Read with the "
       "spec: a changed file is picked up when the spec is applied again (a watcher, when the "
       "spec file changes).",
       false},
      {"spec.backup", kSection, "", "",
       "Backups with pgBackRest into a repository volume, and continuous WAL archiving.", false},
      {"spec.backup.enabled", "boolean", "false", "true",
       "Archive WAL and take backups. Turning it on for a running cluster restarts every node "
       "(rolled, a switchover last).",
       false},
      {"spec.backup.schedule", "interval | 5-field cron (UTC)", "\"\"", "\"0 3 * * *\"",
       "When scheduled full backups are taken while watching: an interval (`30m`, `6h`) or a cron "
       "expression in UTC. Empty: only `radctl backup`.",
       false},
      {"spec.backup.retention", kSection, "", "", "How many backups are kept.", false},
      {"spec.backup.retention.full", "integer 1..100", "2", "2",
       "Full backups kept; older ones, and the WAL only they needed, expire.", false},
      {"spec.backup.repository", "Docker volume name", "<name>-backup", "shop-backup",
       "The repository volume, on this Docker host.", false},
      {"spec.backup.compression", "none | gz | bz2 | lz4 | zst", "lz4", "zst",
       "How pgBackRest compresses backups and archived WAL.", false},
      {"spec.bootstrap", kSection, "", "",
       "Where a new cluster's data comes from (read only while node 1 has no data).", false},
      {"spec.bootstrap.recovery", kSection, "", "",
       "Restore the first node from another cluster's backups to a point in time (`radctl "
       "restore` writes this). Exactly one of targetTime, targetLSN and latest.",
       false},
      {"spec.bootstrap.recovery.fromCluster", "cluster name", "", "shop",
       "The cluster whose repository is restored; not this one.", true},
      {"spec.bootstrap.recovery.targetTime", "time with zone", "", "\"2026-05-01T10:00:00Z\"",
       "Recover to this time: RFC 3339, or as psql prints a timestamptz "
       "(`2026-05-01 10:00:00.5+00`); kept as RFC 3339.",
       false},
      {"spec.bootstrap.recovery.targetLSN", "WAL position", "", "\"0/3000060\"",
       "Recover to this WAL position.", false},
      {"spec.bootstrap.recovery.latest", "boolean", "false", "true", "Recover everything archived.",
       false},
      {"spec.bootstrap.recovery.repository", "Docker volume name", "<fromCluster>-backup",
       "shop-backup", "The source's repository volume.", false},
      {"spec.tls", kSection, "", "", "TLS on every connection.", false},
      {"spec.tls.enabled", "boolean", "true", "true",
       "radctl makes a CA per cluster and a server certificate, renewed 30 days before it "
       "expires. `false` only where the endpoint is bound to a loopback address.",
       false},
  };
}

}  // namespace

const std::vector<SpecFieldDoc>& SpecFieldTable() {
  static const std::vector<SpecFieldDoc>* table = new std::vector<SpecFieldDoc>(MakeTable());
  return *table;
}

const SpecFieldDoc* FindSpecField(std::string_view path) {
  for (const SpecFieldDoc& field : SpecFieldTable()) {
    if (field.path == path) return &field;
  }
  return nullptr;
}

std::string SpecReferenceMarkdown() {
  std::string text =
      "# Spec reference\n\n"
      "Every field of a `PostgresCluster` spec (`apiVersion: radctl.io/v1alpha1`). Generated "
      "from\nthe field table the parser reads (`crd-like-specs/spec_fields.cc`) by "
      "`hack/docs.sh`; a unit\ntest fails when this file, the table and the parser disagree.\n\n"
      "A spec is read strictly: an unknown field, a wrong type or a value out of range is an "
      "error\nnaming the file, line, column and field (`demo.yaml:6:3: spec.node: unknown field "
      "\"node\";\ndid you mean \"nodes\"?`), every error is reported at once, and nothing "
      "changes (exit 2).\n";
  for (const SpecFieldDoc& field : SpecFieldTable()) {
    const size_t depth = std::count(field.path.begin(), field.path.end(), '.');
    const std::string path(field.path);
    const std::string description(field.description);
    if (field.type == kSection) {
      absl::StrAppend(&text, depth == 0 ? "\n## `" : "\n### `", path, "`\n\n", description,
                      field.required ? " Required." : "", "\n");
      continue;
    }
    absl::StrAppend(&text, "\n- **`", path, "`** (", std::string(field.type),
                    field.default_value.empty()
                        ? ""
                        : absl::StrCat("; default `", std::string(field.default_value), "`"),
                    field.required ? "; required" : "", "): ", description, " Example: `",
                    std::string(field.example), "`.\n");
  }
  return text;
}

}  // namespace radctl
