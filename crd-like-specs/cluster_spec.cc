#include "crd-like-specs/cluster_spec.h"

#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace radctl {
namespace {

// The fields, as one tuple per struct, so a new field is compared by adding it in one place.
auto Fields(const PostgresSpec& s) { return std::tie(s.version, s.image, s.parameters); }
auto Fields(const BouncerSpec& s) {
  return std::tie(s.port, s.bind, s.pool_mode, s.read_port, s.read_max_lag);
}
auto Fields(const ReplicationSpec& s) {
  return std::tie(s.synchronous, s.synchronous_number, s.max_slot_wal_keep_size, s.max_moved_aside);
}
auto Fields(const FailoverSpec& s) { return std::tie(s.enabled, s.detection_ms); }
auto Fields(const AuthSpec& s) { return std::tie(s.user, s.database, s.password); }
auto Fields(const BackupSpec& s) {
  return std::tie(s.enabled, s.schedule, s.retention_full, s.repository, s.compression);
}
auto Fields(const RecoverySpec& s) {
  return std::tie(s.from_cluster, s.target_time, s.target_lsn, s.latest, s.repository);
}
bool SameRecovery(const std::optional<RecoverySpec>& a, const std::optional<RecoverySpec>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a.has_value() || Fields(*a) == Fields(*b);
}
auto Fields(const TlsSpec& s) { return std::tie(s.enabled); }

}  // namespace

bool ClusterSpec::operator==(const ClusterSpec& o) const {
  // positions and source say where a spec came from, not what it asks for.
  return name == o.name && nodes == o.nodes && profile == o.profile &&
         Fields(postgres) == Fields(o.postgres) && Fields(bouncer) == Fields(o.bouncer) &&
         Fields(replication) == Fields(o.replication) && Fields(failover) == Fields(o.failover) &&
         Fields(auth) == Fields(o.auth) && Fields(backup) == Fields(o.backup) &&
         SameRecovery(bootstrap.recovery, o.bootstrap.recovery) && Fields(tls) == Fields(o.tls);
}

std::string DefaultBackupRepository(const std::string& cluster) {
  return absl::StrCat(cluster, "-backup");
}

std::string BackupRepository(const ClusterSpec& spec) {
  return spec.backup.repository.empty() ? DefaultBackupRepository(spec.name)
                                        : spec.backup.repository;
}

std::string SourceRepository(const RecoverySpec& recovery) {
  return recovery.repository.empty() ? DefaultBackupRepository(recovery.from_cluster)
                                     : recovery.repository;
}

int64_t ReadMaxLagBytes(const BouncerSpec& bouncer) {
  absl::string_view text = bouncer.read_max_lag;
  int64_t number = 0;
  size_t digits = 0;
  while (digits < text.size() && absl::ascii_isdigit(text[digits])) ++digits;
  // The parser accepts only digits and a unit (CheckWalSize); anything else means no bound.
  if (digits == 0 || !absl::SimpleAtoi(text.substr(0, digits), &number)) return -1;
  absl::string_view unit = text.substr(digits);
  int shift = unit == "kB" ? 10 : unit == "MB" ? 20 : unit == "GB" ? 30 : unit == "TB" ? 40 : 0;
  return number << shift;
}

}  // namespace radctl
