// pgBackRest's `info --output=json`, decoded (pure, tested on literal JSON): the stanza's state,
// its backups and the archived WAL range, as the planner and `radctl backups` read them.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "reconcilers/observed_state.h"

namespace radctl {

struct BackupInfo {
  bool stanza_exists = false;
  int status_code = 0;         // pgBackRest's: 0 ok, 1 missing stanza path, 2 no valid backups, ...
  std::string status_message;  // "ok", "missing stanza path", ...
  std::vector<BackupRecord> backups;  // oldest first
  std::string archive_min;
  std::string archive_max;
  bool backup_running = false;  // pgBackRest's backup lock is held (in the container asked)
};

// InvalidArgument when the text is not the JSON pgBackRest writes, or names no stanza `stanza`.
[[nodiscard]] absl::StatusOr<BackupInfo> DecodeBackupInfo(const std::string& json,
                                                          const std::string& stanza);

// "1.2 GB", "312 MB", "800 kB", "12 B": sizes for people (powers of 1024, like pgBackRest).
std::string HumanBytes(int64_t bytes);

}  // namespace radctl
