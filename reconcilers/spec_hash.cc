#include "reconcilers/spec_hash.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace radctl {
std::string Fnv1a64Hex(const std::string& text) {
  uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return absl::StrFormat("%016x", hash);
}

std::string NodeSpecHash(const ClusterSpec& spec) {
  return Fnv1a64Hex(absl::StrCat("image=", spec.postgres.image));
}

std::string ConfigHash(const ClusterSpec& spec) {
  // The node count matters only as far as synchronous replication is on at all (not for one node).
  std::string text =
      absl::StrCat("name=", spec.name, "\nsync=", spec.replication.synchronous && spec.nodes > 1,
                   "\nsync_number=", spec.replication.synchronous_number,
                   "\nmax_slot_wal_keep_size=", spec.replication.max_slot_wal_keep_size);
  // Only a profile other than the default counts, so clusters made before profiles keep their hash.
  if (spec.profile != kProfileStandard) absl::StrAppend(&text, "\nprofile=", spec.profile);
  for (const auto& [name, value] : spec.postgres.parameters) {
    absl::StrAppend(&text, "\n", name, "=", value);
  }
  // Archiving, and pgbackrest.conf uploaded with postgresql.conf; only when on, so that the
  // hash of a cluster without backups is what it always was.
  if (spec.backup.enabled) {
    absl::StrAppend(&text, "\nbackup=on repository=", BackupRepository(spec),
                    " retention_full=", spec.backup.retention_full,
                    " compression=", spec.backup.compression);
  }
  return Fnv1a64Hex(text);
}

namespace {

std::string BouncerFields(const ClusterSpec& spec) {
  return absl::StrCat("bind=", spec.bouncer.bind, "\nport=", spec.bouncer.port,
                      "\npool=", spec.bouncer.pool_mode, "\nuser=", spec.auth.user,
                      "\ndb=", spec.auth.database);
}

}  // namespace

std::string BouncerSpecHash(const ClusterSpec& spec) {
  // "holds": made by a radctl that creates it holding unanswered logins (bouncer_container.h).
  return Fnv1a64Hex(absl::StrCat(BouncerFields(spec), "\nholds=unanswered-logins"));
}

std::string BouncerSpecHashWithoutLoginHold(const ClusterSpec& spec) {
  return Fnv1a64Hex(BouncerFields(spec));
}

bool BouncerMadeFor(const ClusterSpec& spec, const std::string& hash) {
  return hash == BouncerSpecHash(spec) || hash == BouncerSpecHashWithoutLoginHold(spec);
}

std::string ReadBouncerSpecHash(const ClusterSpec& spec) {
  // "holds": made holding unanswered logins, like the write bouncer; one made earlier turns
  // readers away after a killed standby and is re-created.
  return Fnv1a64Hex(absl::StrCat("bind=", spec.bouncer.bind, "\nport=", spec.bouncer.read_port,
                                 "\npool=", spec.bouncer.pool_mode, "\nuser=", spec.auth.user,
                                 "\ndb=", spec.auth.database, "\nholds=unanswered-logins"));
}

}  // namespace radctl
