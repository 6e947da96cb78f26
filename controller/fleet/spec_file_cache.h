// The spec files of a watched directory, parsed again only when one changed. A watcher looks at
// its directory every second; parsing ten specs each time was a twentieth of the CPU of a
// controller watching ten idle clusters.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/clients/clock.h"
#include "controller/state/desired_state_loader.h"

namespace radctl {

class SpecFileCache {
 public:
  using Reader = std::function<absl::StatusOr<SpecFile>(const std::string& path)>;
  // `clock`'s wall time is what files' times are compared with.
  explicit SpecFileCache(const Clock& clock, Reader read = ReadSpecFile)
      : clock_(clock), read_(std::move(read)) {}

  // What ReadSpecFile(path) would give. The last result is reused while the file's inode, size,
  // modification and change times are those it was read with, unless it changed within the
  // last two seconds: a second write within one tick of the file system's clock, of the same
  // size, would leave them all alike.
  absl::StatusOr<SpecFile> Read(const std::string& path);

  // Forgets every file but these (the ones a scan found).
  void KeepOnly(const std::vector<std::string>& paths);

 private:
  struct Stamp {
    unsigned long inode = 0;
    long long size = 0;
    absl::Time modified;
    absl::Time changed;
    bool operator==(const Stamp& other) const {
      return inode == other.inode && size == other.size && modified == other.modified &&
             changed == other.changed;
    }
  };
  struct Entry {
    Stamp stamp;
    absl::StatusOr<SpecFile> file;
  };

  const Clock& clock_;
  Reader read_;
  std::map<std::string, Entry> entries_;
};

}  // namespace radctl
