#include "controller/fleet/spec_file_cache.h"

#include <sys/stat.h>

#include <algorithm>

namespace radctl {
namespace {

// Longer than any file system's timestamp tick (ext4, xfs: a few ms; some: a second).
constexpr absl::Duration kRacyWindow = absl::Seconds(2);

absl::Time FromTimespec(const timespec& ts) {
  return absl::FromUnixSeconds(ts.tv_sec) + absl::Nanoseconds(ts.tv_nsec);
}

}  // namespace

absl::StatusOr<SpecFile> SpecFileCache::Read(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    entries_.erase(path);
    return read_(path);  // says why it cannot be read
  }
  const Stamp stamp{static_cast<unsigned long>(st.st_ino), static_cast<long long>(st.st_size),
                    FromTimespec(st.st_mtim), FromTimespec(st.st_ctim)};
  auto it = entries_.find(path);
  const bool settled = clock_.Now() - std::max(stamp.modified, stamp.changed) > kRacyWindow;
  if (it != entries_.end() && it->second.stamp == stamp && settled) return it->second.file;
  absl::StatusOr<SpecFile> file = read_(path);
  entries_.insert_or_assign(path, Entry{stamp, file});
  return file;
}

void SpecFileCache::KeepOnly(const std::vector<std::string>& paths) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (std::find(paths.begin(), paths.end(), it->first) == paths.end()) {
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace radctl
