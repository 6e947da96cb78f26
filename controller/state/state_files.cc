#include "controller/state/state_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "controller/state/cluster_store.h"

namespace radctl {
namespace {

absl::Status ErrnoStatus(const std::string& what) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(errno)));
}

class LocalFiles : public StateFiles {
 public:
  absl::StatusOr<std::string> Read(const std::string& path) const override {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      if (errno == ENOENT) return absl::NotFoundError(absl::StrCat(path, " does not exist"));
      return ErrnoStatus(absl::StrCat("cannot read ", path));
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
  }
  bool Exists(const std::string& path) const override {
    struct stat st;
    return stat(path.c_str(), &st) == 0;
  }
  absl::Status Write(const std::string& path, const std::string& content, int mode) const override {
    return WriteFileAtomically(path, content, mode);
  }
  absl::Status Append(const std::string& path, const std::string& line) const override {
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return ErrnoStatus(absl::StrCat("cannot open ", path));
    ssize_t written = write(fd, line.data(), line.size());  // one write: whole lines or nothing
    close(fd);
    if (written != static_cast<ssize_t>(line.size())) {
      return ErrnoStatus(absl::StrCat("cannot append to ", path));
    }
    return absl::OkStatus();
  }
  void Remove(const std::string& path) const override {
    std::error_code error;
    std::filesystem::remove(path, error);
  }
  absl::Status EnsureDirectory(const std::string& dir) const override {
    return EnsureStateDirectory(dir);
  }
};

}  // namespace

const StateFiles& LocalStateFiles() {
  static const LocalFiles* files = new LocalFiles();
  return *files;
}

// The cluster's directory holds its passwords: it must be a real directory of ours that nobody
// else can read or write. A new one is made so; an existing one is checked, not repaired behind
// the user's back.
absl::Status EnsureStateDirectory(const std::string& dir) {
  if (dir.empty() || dir[0] != '/') {
    return absl::FailedPreconditionError(
        absl::StrCat("no usable state directory (", dir.empty() ? "none" : dir,
                     "): set RADCTL_STATE_DIR or --state-dir to an absolute path"));
  }
  struct stat st;
  if (lstat(dir.c_str(), &st) != 0) {
    std::error_code error;
    std::filesystem::create_directories(std::filesystem::path(dir).parent_path(), error);
    if (error || (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)) {
      return absl::PermissionDeniedError(
          absl::StrCat("cannot create state directory ", dir, ": ",
                       error ? error.message() : std::string(std::strerror(errno)),
                       " (set RADCTL_STATE_DIR to a writable directory)"));
    }
    if (lstat(dir.c_str(), &st) != 0) return ErrnoStatus(absl::StrCat("cannot look at ", dir));
  }
  if (!S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "state directory ", dir,
        " is not a directory (a symbolic link or a file): refusing to "
        "keep the cluster's passwords there; remove it or choose another RADCTL_STATE_DIR"));
  }
  if (st.st_uid != geteuid()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "state directory ", dir, " belongs to uid ", st.st_uid, ", not to you (uid ", geteuid(),
        "): refusing to use it; run radctl as its owner or choose another RADCTL_STATE_DIR"));
  }
  if ((st.st_mode & 0077) != 0) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "state directory %s has mode %04o: others could read the cluster's passwords; run "
        "chmod 700 %s",
        dir, st.st_mode & 07777, dir));
  }
  return absl::OkStatus();
}

absl::Status WriteFileAtomically(const std::string& path, const std::string& content, int mode) {
  std::string temp = absl::StrCat(path, ".tmp.", getpid());
  // A new file of our own: not one planted in advance, not followed through a link. A stale
  // temp file (a crash of a process with the same pid) is removed first.
  constexpr int kFlags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
  int fd = open(temp.c_str(), kFlags, mode);
  if (fd < 0 && errno == EEXIST && unlink(temp.c_str()) == 0) fd = open(temp.c_str(), kFlags, mode);
  if (fd < 0) return ErrnoStatus(absl::StrCat("cannot write ", temp));
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      absl::Status status = ErrnoStatus(absl::StrCat("cannot write ", temp));
      close(fd);
      unlink(temp.c_str());
      return status;
    }
    done += static_cast<size_t>(n);
  }
  bool synced = fsync(fd) == 0;
  bool closed = close(fd) == 0;
  if (!synced || !closed) {
    absl::Status status = ErrnoStatus(absl::StrCat("cannot sync ", temp));
    unlink(temp.c_str());
    return status;
  }
  if (rename(temp.c_str(), path.c_str()) != 0) {
    return ErrnoStatus(absl::StrCat("cannot rename ", temp, " to ", path));
  }
  std::string dir = std::filesystem::path(path).parent_path().string();
  int dir_fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    fsync(dir_fd);  // makes the rename itself durable
    close(dir_fd);
  }
  return absl::OkStatus();
}

}  // namespace radctl
