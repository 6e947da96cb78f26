#include "crd-like-specs/spec_validators.h"

#include <algorithm>
#include <array>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "crd-like-specs/backup_schedule.h"
#include "crd-like-specs/cluster_spec.h"
#include "crd-like-specs/status_macros.h"
#include "crd-like-specs/time_text.h"

namespace radctl {
namespace {

// NAMEDATALEN - 1: PostgreSQL silently truncates longer identifiers.
constexpr size_t kMaxIdentifierLength = 63;
constexpr size_t kMinPasswordLength = 8;

struct ManagedParameter {
  std::string_view name;
  std::string_view why;
};

constexpr std::string_view kListenWhy =
    "radctl decides where Postgres listens; clients connect through the bouncer (spec.bouncer)";
constexpr std::string_view kReplicationWhy = "streaming replication and failover depend on it";
constexpr std::string_view kStandbyWhy =
    "radctl and repmgr set it on each standby to follow the current primary";
constexpr std::string_view kFilesWhy = "the file layout is fixed by the radctl/postgres image";

constexpr std::string_view kArchiveWhy =
    "it follows spec.backup.enabled (pgBackRest archives WAL into the backup repository)";

// Parameters radctl sets itself; a user value would break replication, failover or the image.
constexpr std::array<ManagedParameter, 23> kManagedParameters = {{
    {"listen_addresses", kListenWhy},
    {"port", kListenWhy},
    {"unix_socket_directories", kListenWhy},
    {"wal_level", kReplicationWhy},
    {"hot_standby", kReplicationWhy},
    {"max_wal_senders", kReplicationWhy},
    {"max_replication_slots", kReplicationWhy},
    {"wal_log_hints", "pg_rewind needs it to rejoin a former primary as a standby"},
    {"primary_conninfo", kStandbyWhy},
    {"primary_slot_name", kStandbyWhy},
    {"restore_command", kStandbyWhy},
    {"recovery_target_timeline", kStandbyWhy},
    {"synchronous_standby_names", "it follows spec.replication.synchronous"},
    {"data_directory", kFilesWhy},
    {"hba_file", kFilesWhy},
    {"ident_file", kFilesWhy},
    {"config_file", kFilesWhy},
    {"password_encryption",
     "PgBouncer and repmgr must read the password hashes radctl creates (spec.auth)"},
    {"archive_mode", kArchiveWhy},
    {"archive_command", kArchiveWhy},
    {"archive_library", kArchiveWhy},
    {"max_slot_wal_keep_size", "it follows spec.replication.maxSlotWalKeepSize"},
    {"cluster_name",
     "radctl sets it to the node name so logs and pg_stat_replication tell nodes apart"},
}};

// Names radctl gives its own roles and databases, or leaves to PostgreSQL and PgBouncer:
// postgres (the superuser and its database), repmgr (the replication manager's role and
// database), pgbouncer (PgBouncer's admin console), radctl, and streaming_replica (the role
// `radctl export --migrate-from` creates for CloudNativePG).
constexpr std::array<std::string_view, 5> kReservedNames = {"postgres", "repmgr", "pgbouncer",
                                                            "radctl", "streaming_replica"};
// Databases every cluster has already: CREATE DATABASE would fail on them.
constexpr std::array<std::string_view, 2> kTemplateDatabases = {"template0", "template1"};
// Role names PostgreSQL refuses for a new role whatever the quoting.
constexpr std::array<std::string_view, 2> kReservedRoleNames = {"public", "none"};

// PostgreSQL 15's reserved keywords (src/include/parser/kwlist.h, RESERVED_KEYWORD): radctl
// writes the role and database names unquoted in SQL, where these cannot be names.
constexpr std::array<std::string_view, 77> kReservedKeywords = {"all",          "analyse",
                                                                "analyze",      "and",
                                                                "any",          "array",
                                                                "as",           "asc",
                                                                "asymmetric",   "both",
                                                                "case",         "cast",
                                                                "check",        "collate",
                                                                "column",       "constraint",
                                                                "create",       "current_catalog",
                                                                "current_date", "current_role",
                                                                "current_time", "current_timestamp",
                                                                "current_user", "default",
                                                                "deferrable",   "desc",
                                                                "distinct",     "do",
                                                                "else",         "end",
                                                                "except",       "false",
                                                                "fetch",        "for",
                                                                "foreign",      "from",
                                                                "grant",        "group",
                                                                "having",       "in",
                                                                "initially",    "intersect",
                                                                "into",         "lateral",
                                                                "leading",      "limit",
                                                                "localtime",    "localtimestamp",
                                                                "not",          "null",
                                                                "offset",       "on",
                                                                "only",         "or",
                                                                "order",        "placing",
                                                                "primary",      "references",
                                                                "returning",    "select",
                                                                "session_user", "some",
                                                                "symmetric",    "table",
                                                                "then",         "to",
                                                                "trailing",     "true",
                                                                "union",        "unique",
                                                                "user",         "using",
                                                                "variadic",     "when",
                                                                "where",        "window",
                                                                "with"};
// And its TYPE_FUNC_NAME_KEYWORDs: allowed as a role's name, not as a database's.
constexpr std::array<std::string_view, 23> kTypeFuncNameKeywords = {
    "authorization", "binary", "collation", "concurrently", "cross",   "current_schema",
    "freeze",        "full",   "ilike",     "inner",        "is",      "isnull",
    "join",          "left",   "like",      "natural",      "notnull", "outer",
    "overlaps",      "right",  "similar",   "tablesample",  "verbose"};

template <size_t N>
bool OneOf(const std::array<std::string_view, N>& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}
constexpr std::array<std::string_view, 3> kPoolModes = {"session", "transaction", "statement"};
constexpr std::array<std::string_view, 5> kCompressions = {"none", "gz", "bz2", "lz4", "zst"};
constexpr size_t kMaxVolumeNameLength = 100;

// Debian's abseil has its own string_view type, not std::string_view.
absl::string_view AsAbsl(std::string_view text) { return {text.data(), text.size()}; }

absl::Status CheckRange(int64_t value, int64_t min, int64_t max) {
  if (value >= min && value <= max) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrFormat("must be between %d and %d, got %d", min, max, value));
}

bool IsLowerAlnum(char c) { return absl::ascii_islower(c) || absl::ascii_isdigit(c); }

// ^[a-z0-9]([a-z0-9-]*[a-z0-9])?$
bool IsDnsLabel(std::string_view name) {
  return !name.empty() && IsLowerAlnum(name.front()) && IsLowerAlnum(name.back()) &&
         std::all_of(name.begin(), name.end(), [](char c) { return IsLowerAlnum(c) || c == '-'; });
}

// ^[a-z_][a-z0-9_]*$ plus any characters in `also` after the first.
bool IsLowerIdentifier(std::string_view name, std::string_view also = "") {
  auto is_start = [](char c) { return absl::ascii_islower(c) || c == '_'; };
  auto is_rest = [&](char c) {
    return is_start(c) || absl::ascii_isdigit(c) || also.find(c) != std::string_view::npos;
  };
  return !name.empty() && is_start(name.front()) && std::all_of(name.begin(), name.end(), is_rest);
}

// One part of a dotted quad: 0..255 without leading zeros (010 reads as octal in some tools).
bool IsOctet(absl::string_view part) {
  int value = 0;
  if (part.empty() || part.size() > 3 || (part.size() > 1 && part[0] == '0')) return false;
  if (!std::all_of(part.begin(), part.end(), absl::ascii_isdigit)) return false;
  return absl::SimpleAtoi(part, &value) && value <= 255;
}

}  // namespace

std::string QuotedForMessage(std::string_view text) {
  constexpr size_t kMaxQuotedLength = 40;
  bool cut = text.size() > kMaxQuotedLength;
  if (cut) text = text.substr(0, kMaxQuotedLength);
  return absl::StrCat("\"", absl::Utf8SafeCEscape(AsAbsl(text)), cut ? "...\"" : "\"");
}

absl::Status CheckApiVersion(std::string_view api_version) {
  if (api_version == kApiVersion) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrFormat("must be \"%s\", got %s", kApiVersion, QuotedForMessage(api_version)));
}

absl::Status CheckKind(std::string_view kind) {
  if (kind == kKind) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrFormat("must be \"%s\", got %s", kKind, QuotedForMessage(kind)));
}

absl::Status CheckClusterName(std::string_view name) {
  if (name.size() > kMaxClusterNameLength) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "must be at most %d characters (it prefixes container and host names), got %d",
        kMaxClusterNameLength, name.size()));
  }
  if (!IsDnsLabel(name)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "must be a lowercase RFC 1123 label (a-z, 0-9 and '-', starting and ending with a "
        "letter or digit), got ",
        QuotedForMessage(name)));
  }
  return absl::OkStatus();
}

absl::Status CheckNodeCount(int64_t nodes) { return CheckRange(nodes, kMinNodes, kMaxNodes); }

absl::Status CheckPostgresVersion(int64_t version) {
  if (version == kSupportedPostgresVersion) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrFormat("only PostgreSQL %d is supported, got %d",
                                                    kSupportedPostgresVersion, version));
}

absl::Status CheckImage(std::string_view image) {
  if (std::none_of(image.begin(), image.end(), absl::ascii_isspace)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "must be a Docker image reference without spaces, got ", QuotedForMessage(image)));
}

absl::Status CheckParameterName(std::string_view name) {
  if (!IsLowerIdentifier(name, ".")) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "invalid parameter name %s: must match ^[a-z_][a-z0-9_.]*$", QuotedForMessage(name)));
  }
  if (name == "radctl" || absl::StartsWith(AsAbsl(name), "radctl.")) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s is radctl's own: radctl sets the radctl.* parameters itself (radctl.config_hash "
        "tells which configuration a node runs); choose another name",
        QuotedForMessage(name)));
  }
  for (const ManagedParameter& managed : kManagedParameters) {
    if (managed.name == name) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s is managed by radctl: %s", QuotedForMessage(name), managed.why));
    }
  }
  if (name == "ssl" || absl::StartsWith(AsAbsl(name), "ssl_")) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s is managed by radctl: it follows spec.tls (radctl makes and renews the certificates)",
        QuotedForMessage(name)));
  }
  return absl::OkStatus();
}

absl::Status CheckParameterValue(std::string_view value) {
  if (value.find_first_of("\n\r") == std::string_view::npos) return absl::OkStatus();
  return absl::InvalidArgumentError("must be a single line (postgresql.conf has one per line)");
}

absl::Status CheckPort(int64_t port) { return CheckRange(port, 1, 65535); }

absl::Status CheckBindAddress(std::string_view address) {
  std::vector<absl::string_view> parts = absl::StrSplit(AsAbsl(address), '.');
  if (parts.size() == 4 && std::all_of(parts.begin(), parts.end(), IsOctet)) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("must be an IPv4 address such as 127.0.0.1 (0.0.0.0: every interface), got ",
                   QuotedForMessage(address)));
}

bool IsLoopbackAddress(std::string_view address) {
  return CheckBindAddress(address).ok() && absl::StartsWith(AsAbsl(address), "127.");
}

absl::Status CheckPoolMode(std::string_view mode) {
  if (std::find(kPoolModes.begin(), kPoolModes.end(), mode) != kPoolModes.end()) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("must be one of session, transaction, statement; got ", QuotedForMessage(mode)));
}

absl::Status CheckProfile(std::string_view profile) {
  if (profile == kProfileStandard || profile == kProfileSmall) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("must be standard or small; got ", QuotedForMessage(profile)));
}

absl::Status CheckDetectionMs(int64_t detection_ms) { return CheckRange(detection_ms, 100, 60000); }

absl::Status CheckMaxMovedAside(int64_t count) { return CheckRange(count, 1, 20); }

absl::Status CheckSynchronousNumber(int64_t number) { return CheckRange(number, 1, kMaxNodes - 1); }

absl::Status CheckWalSize(std::string_view size) {
  absl::string_view text = AsAbsl(size);
  if (text == "-1") return absl::OkStatus();
  size_t digits = 0;
  while (digits < text.size() && absl::ascii_isdigit(text[digits])) ++digits;
  absl::string_view unit = text.substr(digits);
  const std::array<absl::string_view, 5> units = {"", "kB", "MB", "GB", "TB"};
  if (digits > 0 && std::find(units.begin(), units.end(), unit) != units.end()) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "must be a size such as 512MB, 1GB or 2TB (units kB, MB, GB, TB), or -1 for no limit; got ",
      QuotedForMessage(size)));
}

absl::Status CheckParameterKeepsPromises(std::string_view name, std::string_view value,
                                         bool synchronous) {
  std::string lower = absl::AsciiStrToLower(AsAbsl(value));
  auto off = [&] { return lower == "off" || lower == "false" || lower == "no" || lower == "0"; };
  if (name == "include" || name == "include_dir" || name == "include_if_exists") {
    return absl::InvalidArgumentError(
        "radctl renders the whole postgresql.conf from the spec; a file included from elsewhere "
        "would change nodes behind its back (set the parameters here instead)");
  }
  if (name == "fsync" && off()) {
    return absl::InvalidArgumentError(
        "off lets a crash corrupt the data directory: a failover or rejoin could then lose or "
        "damage committed data");
  }
  if (name == "full_page_writes" && off()) {
    return absl::InvalidArgumentError(
        "off makes pg_rewind impossible: every returning former primary would have to be "
        "cloned again instead of rejoined");
  }
  if (name == "synchronous_commit" && synchronous && (lower == "local" || off())) {
    return absl::InvalidArgumentError(absl::StrCat(
        QuotedForMessage(value),
        " acknowledges commits no standby has, which spec.replication.synchronous "
        "promises not to lose; use on, remote_write or remote_apply, or turn synchronous off"));
  }
  return absl::OkStatus();
}

namespace {

// What role and database names have in common: a lowercase identifier within PostgreSQL's
// length, no reserved keyword, not one of radctl's own.
absl::Status CheckSqlName(std::string_view name) {
  if (name.size() > kMaxIdentifierLength) {
    return absl::InvalidArgumentError(
        absl::StrFormat("must be at most %d characters (PostgreSQL's identifier limit), got %d",
                        kMaxIdentifierLength, name.size()));
  }
  if (!IsLowerIdentifier(name)) {
    return absl::InvalidArgumentError(
        absl::StrCat("must be a lowercase SQL identifier matching ^[a-z_][a-z0-9_]*$, got ",
                     QuotedForMessage(name)));
  }
  if (OneOf(kReservedNames, name)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s is reserved: radctl uses postgres, repmgr, pgbouncer, radctl and streaming_replica "
        "itself",
        QuotedForMessage(name)));
  }
  if (OneOf(kReservedKeywords, name)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s is an SQL reserved keyword, which PostgreSQL does not take as a name; expected "
        "another name (e.g. %s_app)",
        QuotedForMessage(name), name));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckRoleName(std::string_view name) {
  RETURN_IF_ERROR(CheckSqlName(name));
  if (absl::StartsWith(AsAbsl(name), "pg_")) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s is reserved: PostgreSQL keeps role names starting with pg_ for its own roles",
        QuotedForMessage(name)));
  }
  if (OneOf(kReservedRoleNames, name)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s is reserved: PostgreSQL gives it a meaning of its own in GRANT and "
                        "refuses it as a role's name",
                        QuotedForMessage(name)));
  }
  return absl::OkStatus();
}

absl::Status CheckDatabaseName(std::string_view name) {
  RETURN_IF_ERROR(CheckSqlName(name));
  if (OneOf(kTemplateDatabases, name)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s is reserved: every PostgreSQL cluster has it as a template for new databases",
        QuotedForMessage(name)));
  }
  if (OneOf(kTypeFuncNameKeywords, name)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s is an SQL keyword that PostgreSQL does not take as a database's name; expected "
        "another name (e.g. %s_db)",
        QuotedForMessage(name), name));
  }
  return absl::OkStatus();
}

absl::Status CheckPassword(std::string_view password) {
  if (password.empty()) return absl::OkStatus();  // radctl generates one
  if (password.size() < kMinPasswordLength) {
    return absl::InvalidArgumentError(
        absl::StrFormat("must be at least %d characters (or empty to have one generated), got %d",
                        kMinPasswordLength, password.size()));
  }
  if (password.find_first_of("'\"\\\n\r") != std::string_view::npos) {
    return absl::InvalidArgumentError(
        "must not contain a single quote, double quote, backslash or newline (they would need "
        "quoting in config files)");
  }
  // SCRAM secrets are computed by radctl (for the role and the bouncer's userlist alike); for
  // printable ASCII that needs no SASLprep normalisation.
  if (!std::all_of(password.begin(), password.end(),
                   [](char c) { return c >= 0x20 && c < 0x7f; })) {
    return absl::InvalidArgumentError("must be printable ASCII characters");
  }
  return absl::OkStatus();
}

absl::Status CheckPasswordFile(std::string_view path) {
  if (!path.empty() && path.find_first_of("\n\r") == std::string_view::npos) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      "must name a file holding the password (e.g. /run/secrets/db_password)");
}

absl::Status CheckBackupSchedule(std::string_view schedule) {
  if (schedule.empty()) return absl::OkStatus();  // the default: no scheduled backups
  return ParseBackupSchedule(schedule).status();
}

absl::Status CheckRetentionFull(int64_t full) { return CheckRange(full, 1, 100); }

absl::Status CheckVolumeName(std::string_view name) {
  auto allowed = [](char c) { return absl::ascii_isalnum(c) || c == '_' || c == '.' || c == '-'; };
  if (name.empty() || name.size() > kMaxVolumeNameLength || !absl::ascii_isalnum(name.front()) ||
      !std::all_of(name.begin(), name.end(), allowed)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "must be a Docker volume name ([A-Za-z0-9][A-Za-z0-9_.-]*, at most %d characters), got %s",
        kMaxVolumeNameLength, QuotedForMessage(name)));
  }
  return absl::OkStatus();
}

absl::Status CheckCompression(std::string_view compression) {
  if (std::find(kCompressions.begin(), kCompressions.end(), compression) != kCompressions.end()) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("must be one of none, gz, bz2, lz4, zst; got ", QuotedForMessage(compression)));
}

absl::Status CheckRecoveryTime(std::string_view time) {
  if (ParseTimeWithZone(time).has_value()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("must be a time with its zone: RFC 3339 such as 2024-05-01T10:00:00Z, or as "
                   "psql prints it such as 2024-05-01 10:00:00.5+00; got ",
                   QuotedForMessage(time)));
}

absl::Status CheckLsn(std::string_view lsn) {
  std::vector<absl::string_view> parts = absl::StrSplit(AsAbsl(lsn), '/');
  auto hex = [](absl::string_view part) {
    return !part.empty() && part.size() <= 8 &&
           std::all_of(part.begin(), part.end(), absl::ascii_isxdigit);
  };
  if (parts.size() == 2 && hex(parts[0]) && hex(parts[1])) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("must be a WAL position such as 0/3000060 (two hexadecimal numbers), got ",
                   QuotedForMessage(lsn)));
}

}  // namespace radctl
