// The value rules of a PostgresCluster spec, one small pure function per rule. Each returns OK
// or InvalidArgument whose message becomes a FieldError's text ("must be between 1 and 9, got
// 10"); where the value was written is the parser's business. Also usable by commands that take
// a value on the command line (radctl scale --nodes N).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace radctl {

// A value as error messages show it: in double quotes, escaped, cut after 40 characters so that
// the message fits on a line.
std::string QuotedForMessage(std::string_view text);

inline constexpr int kMinNodes = 1;
inline constexpr int kMaxNodes = 9;
inline constexpr int kSupportedPostgresVersion = 15;
// Longest metadata.name: it prefixes container names (demo-pg-1) and is used as a hostname.
inline constexpr size_t kMaxClusterNameLength = 40;

[[nodiscard]] absl::Status CheckApiVersion(std::string_view api_version);
[[nodiscard]] absl::Status CheckKind(std::string_view kind);
// A lowercase RFC 1123 label of at most kMaxClusterNameLength characters.
[[nodiscard]] absl::Status CheckClusterName(std::string_view name);
[[nodiscard]] absl::Status CheckNodeCount(int64_t nodes);
[[nodiscard]] absl::Status CheckPostgresVersion(int64_t version);
// A Docker image reference; only the obvious mistakes are caught here.
[[nodiscard]] absl::Status CheckImage(std::string_view image);
// A postgresql.conf name that radctl does not set itself (radctl.* are radctl's own).
[[nodiscard]] absl::Status CheckParameterName(std::string_view name);
// A value that fits on one postgresql.conf line.
[[nodiscard]] absl::Status CheckParameterValue(std::string_view value);
[[nodiscard]] absl::Status CheckPort(int64_t port);
// A dotted-quad IPv4 address; 0.0.0.0 means every interface.
[[nodiscard]] absl::Status CheckBindAddress(std::string_view address);
// 127.x.x.x: reachable from this host only.
bool IsLoopbackAddress(std::string_view address);
[[nodiscard]] absl::Status CheckPoolMode(std::string_view mode);
[[nodiscard]] absl::Status CheckProfile(std::string_view profile);
// k of `synchronous: {number: k}`.
[[nodiscard]] absl::Status CheckSynchronousNumber(int64_t number);
// A postgresql.conf size ("512MB", "1GB", "1024" kB) or "-1".
[[nodiscard]] absl::Status CheckWalSize(std::string_view size);
// Parameters whose value would break a promise radctl makes: durability (fsync, full_page_writes,
// synchronous_commit with synchronous replication) or the single configuration file (include*).
[[nodiscard]] absl::Status CheckParameterKeepsPromises(std::string_view name,
                                                       std::string_view value, bool synchronous);
[[nodiscard]] absl::Status CheckDetectionMs(int64_t detection_ms);
[[nodiscard]] absl::Status CheckMaxMovedAside(int64_t count);
// auth.user: a lowercase SQL identifier PostgreSQL accepts as a new role's name unquoted (no
// reserved keyword, not pg_*, public, none) and that radctl does not use itself.
[[nodiscard]] absl::Status CheckRoleName(std::string_view name);
// auth.database: likewise for a new database (not template0, template1, postgres, repmgr, ...).
[[nodiscard]] absl::Status CheckDatabaseName(std::string_view name);
// Empty (generate one) or at least 8 characters that need no quoting in config files. The
// message never repeats the password.
[[nodiscard]] absl::Status CheckPassword(std::string_view password);

// A file name: not empty, one line.
[[nodiscard]] absl::Status CheckPasswordFile(std::string_view path);

// spec.backup: the schedule (backup_schedule.h), how many full backups are kept, the repository
// volume's name and the compression pgBackRest uses.
[[nodiscard]] absl::Status CheckBackupSchedule(std::string_view schedule);
[[nodiscard]] absl::Status CheckRetentionFull(int64_t full);
// A Docker volume name: [A-Za-z0-9][A-Za-z0-9_.-]*, at most 100 characters.
[[nodiscard]] absl::Status CheckVolumeName(std::string_view name);
[[nodiscard]] absl::Status CheckCompression(std::string_view compression);
// spec.bootstrap.recovery targets: a time with its zone (RFC 3339, or as psql prints it: see
// time_text.h), and a WAL position "X/X".
[[nodiscard]] absl::Status CheckRecoveryTime(std::string_view time);
[[nodiscard]] absl::Status CheckLsn(std::string_view lsn);

}  // namespace radctl
