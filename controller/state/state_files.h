// StateFiles: the files a cluster's state directory holds, as one interface (leveldb's Env does
// files too). The real one is the local filesystem, every write crash-safe; the simulator's keeps
// them in memory and fails writes when asked (a full or read-only disk, a controller it killed).
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace radctl {

class StateFiles {
 public:
  virtual ~StateFiles() = default;
  // NotFound when the file does not exist.
  [[nodiscard]] virtual absl::StatusOr<std::string> Read(const std::string& path) const = 0;
  virtual bool Exists(const std::string& path) const = 0;
  // Replaces the file crash-safely: temp file, fsync, rename, fsync of the directory. A failed
  // write leaves the old content.
  [[nodiscard]] virtual absl::Status Write(const std::string& path, const std::string& content,
                                           int mode) const = 0;
  // Appends `line` in one write: whole lines or nothing.
  [[nodiscard]] virtual absl::Status Append(const std::string& path,
                                            const std::string& line) const = 0;
  // OK also when it does not exist.
  virtual void Remove(const std::string& path) const = 0;
  // Makes `dir` (0700) if missing; refuses one that is not a directory of this user's or that
  // others may read (FailedPrecondition, saying how to fix it): it holds the passwords.
  [[nodiscard]] virtual absl::Status EnsureDirectory(const std::string& dir) const = 0;
};

// The local filesystem; lives for the whole process.
const StateFiles& LocalStateFiles();

}  // namespace radctl
