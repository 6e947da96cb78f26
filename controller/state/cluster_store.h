// What is kept with a cluster beyond Docker and Postgres: the last applied spec (so `scale` and
// a restarted watcher agree on what is desired), the generated passwords and recent events. One
// directory per cluster under the state root, deleted with the cluster; every file is written
// crash-safely (temp file, fsync, rename).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/clients/clock.h"
#include "controller/config/secrets.h"
#include "controller/state/state_files.h"
#include "crd-like-specs/cluster_spec.h"
#include "reconcilers/plan.h"

namespace radctl {

struct EventRecord {
  absl::Time time;
  std::string type = "Normal";  // "Normal" | "Warning"
  std::string object;           // "demo-pg-2"
  std::string reason;           // short, CamelCase: "Failover", "CloneStandby"
  std::string message;          // what and why
};

inline constexpr absl::Duration kRequestLifetime = absl::Minutes(5);

class ClusterStore {
 public:
  // $RADCTL_STATE_DIR, else /var/lib/radctl for root, else $XDG_STATE_HOME/radctl or
  // ~/.local/state/radctl.
  static std::string DefaultRoot();

  ClusterStore(const std::string& root, const std::string& cluster, const Clock& clock,
               const StateFiles& files = LocalStateFiles());
  const std::string& dir() const { return dir_; }
  const std::string& root() const { return root_; }
  const std::string& cluster() const { return cluster_; }
  const StateFiles& files() const { return files_; }
  const Clock& clock() const { return clock_; }

  // NotFound when the cluster was never applied from this machine.
  [[nodiscard]] absl::StatusOr<ClusterSecrets> LoadSecrets() const;
  // The stored secrets, or new ones (saved before returning) when there are none. The app
  // password comes from the spec when it gives one.
  [[nodiscard]] absl::StatusOr<ClusterSecrets> LoadOrCreateSecrets(const ClusterSpec& spec);
  // Passwords and SCRAM secrets (secrets.json); TLS files are cluster_tls.h's.
  [[nodiscard]] absl::Status SaveSecrets(const ClusterSecrets& secrets);

  [[nodiscard]] absl::StatusOr<ClusterSpec> LoadSpec() const;  // NotFound if never applied
  // `file_digest` identifies the file contents the spec was applied from ("" for `scale`, which
  // keeps the stored digest).
  [[nodiscard]] absl::Status SaveSpec(const ClusterSpec& spec, const std::string& file_digest);
  std::string LoadFileDigest() const;  // "" if none

  // Requests beyond the spec (a switchover). Ones older than kRequestLifetime are ignored: a
  // request nobody could carry out must not fire long after.
  Requests LoadRequests() const;
  [[nodiscard]] absl::Status SaveRequests(const Requests& requests);
  void ClearRequests();

  // Who is primary, on which timeline (safety rule 3), and with how many synchronous standbys it
  // commits (quorum.h): written before the bouncer is repointed to a new primary. An empty
  // record (ordinal 0) when none was written yet.
  [[nodiscard]] absl::StatusOr<RecordedPrimary> LoadPrimary() const;
  [[nodiscard]] absl::Status SavePrimary(const RecordedPrimary& primary);

  // Other documents kept with the cluster (what the watcher last concluded, for `status`),
  // by file name; their format is their owner's. NotFound when never written.
  [[nodiscard]] absl::StatusOr<std::string> ReadDocument(const std::string& file) const;
  [[nodiscard]] absl::Status WriteDocument(const std::string& file, const std::string& content);

  [[nodiscard]] absl::Status AppendEvent(const EventRecord& event);
  [[nodiscard]] absl::StatusOr<std::vector<EventRecord>> LoadEvents() const;

  // Removes the directory; keeps the secrets when `keep_secrets` (the kept volumes need them).
  [[nodiscard]] absl::Status Remove(bool keep_secrets);

 private:
  std::string Path(const std::string& file) const;
  std::string root_;
  std::string cluster_;
  std::string dir_;
  const StateFiles& files_;
  const Clock& clock_;   // requests' age, and when records were written (wall time: people read it)
  size_t appended_ = 0;  // events appended by this store: the file is trimmed now and then
};

// primary.json's text, stamped `recorded_at`, and back (DataLoss when it is not such a record).
// `cluster_ca` ("" none) says which cluster of the name it is of (primary_record.h).
std::string EncodeRecordedPrimary(const RecordedPrimary& primary, absl::Time recorded_at,
                                  const std::string& cluster_ca = "");
[[nodiscard]] absl::StatusOr<RecordedPrimary> DecodeRecordedPrimary(
    const std::string& text, std::string* cluster_ca = nullptr);

// Makes `dir` (0700) if missing; refuses one that is not a directory of this user's or that
// others may read (FailedPrecondition, saying how to fix it): it holds the passwords. On the
// local filesystem (LocalStateFiles).
[[nodiscard]] absl::Status EnsureStateDirectory(const std::string& dir);

// temp file in the same directory, fsync, rename over `path`, fsync the directory.
[[nodiscard]] absl::Status WriteFileAtomically(const std::string& path, const std::string& content,
                                               int mode);
// Content digest of a spec file (FNV-1a 64, hex).
std::string FileDigest(const std::string& content);
// 24 random letters and digits from /dev/urandom.
std::string GeneratePassword();

}  // namespace radctl
