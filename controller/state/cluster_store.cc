#include "controller/state/cluster_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "controller/state/cluster_tls.h"
#include "controller/state/state_format.h"
#include "crd-like-specs/spec_parser.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/spec_hash.h"

namespace radctl {
namespace {

constexpr size_t kMaxEvents = 1000;  // events.jsonl keeps the most recent ones

absl::Status ErrnoStatus(const std::string& what) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(errno)));
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return absl::NotFoundError(absl::StrCat(path, " does not exist"));
    return ErrnoStatus(absl::StrCat("cannot read ", path));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

nlohmann::json EventToJson(const EventRecord& event) {
  return {{"time", absl::FormatTime(absl::RFC3339_full, event.time, absl::UTCTimeZone())},
          {"type", event.type},
          {"object", event.object},
          {"reason", event.reason},
          {"message", event.message}};
}

}  // namespace

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

std::string ClusterStore::DefaultRoot() {
  if (const char* dir = std::getenv("RADCTL_STATE_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  if (geteuid() == 0) return "/var/lib/radctl";
  if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg != nullptr && *xdg != '\0') {
    return absl::StrCat(xdg, "/radctl");
  }
  // Never a shared place like /tmp: the state holds passwords. Without HOME there is no
  // default, and commands that need one say so (set RADCTL_STATE_DIR).
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home != '/') return "";
  return absl::StrCat(home, "/.local/state/radctl");
}

ClusterStore::ClusterStore(const std::string& root, const std::string& cluster)
    : root_(root), dir_(absl::StrCat(root, "/", cluster)) {}

std::string ClusterStore::Path(const std::string& file) const {
  return absl::StrCat(dir_, "/", file);
}

absl::StatusOr<ClusterSecrets> ClusterStore::LoadSecrets() const {
  ASSIGN_OR_RETURN(std::string text, ReadFile(Path("secrets.json")));
  try {
    nlohmann::json json = nlohmann::json::parse(text);
    ClusterSecrets secrets;
    secrets.app_password = json.at("app_password").get<std::string>();
    secrets.repmgr_password = json.at("repmgr_password").get<std::string>();
    secrets.bouncer_password = json.at("bouncer_password").get<std::string>();
    secrets.app_scram = json.value("app_scram", "");
    secrets.bouncer_scram = json.value("bouncer_scram", "");
    RETURN_IF_ERROR(ReadTlsFiles(dir_, secrets));
    return secrets;
  } catch (const nlohmann::json::exception& e) {
    return absl::DataLossError(absl::StrCat(Path("secrets.json"), " is damaged (", e.what(),
                                            "); the cluster's passwords cannot be recovered "
                                            "from it: delete the cluster and apply again"));
  }
}

absl::StatusOr<ClusterSecrets> ClusterStore::LoadOrCreateSecrets(const ClusterSpec& spec) {
  absl::StatusOr<ClusterSecrets> stored = LoadSecrets();
  if (stored.ok() || !absl::IsNotFound(stored.status())) return stored;
  ClusterSecrets secrets;
  secrets.app_password = spec.auth.password.empty() ? GeneratePassword() : spec.auth.password;
  secrets.repmgr_password = GeneratePassword();
  secrets.bouncer_password = GeneratePassword();
  RETURN_IF_ERROR(SaveSecrets(secrets));
  return secrets;
}

absl::Status ClusterStore::SaveSecrets(const ClusterSecrets& secrets) {
  RETURN_IF_ERROR(EnsureStateDirectory(dir_));
  nlohmann::json json = {{"app_password", secrets.app_password},
                         {"repmgr_password", secrets.repmgr_password},
                         {"bouncer_password", secrets.bouncer_password},
                         {"app_scram", secrets.app_scram},
                         {"bouncer_scram", secrets.bouncer_scram}};
  return WriteFileAtomically(Path("secrets.json"), json.dump(2) + "\n", 0600);
}

absl::StatusOr<ClusterSpec> ClusterStore::LoadSpec() const {
  std::string path = Path("spec.yaml");
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  SpecParseResult parsed = ParseClusterSpec(text, path);
  if (!parsed.ok()) {
    return absl::DataLossError(absl::StrCat("stored spec ", path,
                                            " is damaged: ", parsed.errors[0].ToString(),
                                            "; apply the spec file again"));
  }
  return parsed.spec;
}

absl::Status ClusterStore::SaveSpec(const ClusterSpec& spec, const std::string& file_digest) {
  RETURN_IF_ERROR(EnsureStateDirectory(dir_));
  // The stored spec holds the app password when the user gave one: same mode as secrets.
  RETURN_IF_ERROR(WriteFileAtomically(Path("spec.yaml"), ClusterSpecToYaml(spec), 0600));
  RETURN_IF_ERROR(RecordStateFormat(dir_, "radctl"));  // a new cluster: this radctl's format
  if (!file_digest.empty()) {
    RETURN_IF_ERROR(WriteFileAtomically(Path("applied-file.digest"), file_digest + "\n", 0600));
  }
  return absl::OkStatus();
}

std::string ClusterStore::LoadFileDigest() const {
  absl::StatusOr<std::string> text = ReadFile(Path("applied-file.digest"));
  if (!text.ok()) return "";
  return std::string(absl::StripAsciiWhitespace(*text));
}

Requests ClusterStore::LoadRequests() const {
  // Asked before every probe of a watched primary and almost never there: a stat, not a stream
  // opened to fail (that was a twelfth of an idle watcher's CPU).
  const std::string path = Path("requests.json");
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return {};
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return {};
  try {
    nlohmann::json json = nlohmann::json::parse(*text);
    absl::Time at;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, json.at("requested_at").get<std::string>(), &at,
                         &error) ||
        absl::Now() - at > kRequestLifetime) {
      return {};
    }
    Requests requests;
    requests.switchover_to = json.value("switchover_to", 0);
    requests.promote = json.value("promote", 0);
    return requests;
  } catch (const nlohmann::json::exception&) {
    return {};
  }
}

absl::Status ClusterStore::SaveRequests(const Requests& requests) {
  RETURN_IF_ERROR(EnsureStateDirectory(dir_));
  nlohmann::json json = {
      {"switchover_to", requests.switchover_to},
      {"promote", requests.promote},
      {"requested_at", absl::FormatTime(absl::RFC3339_full, absl::Now(), absl::UTCTimeZone())}};
  return WriteFileAtomically(Path("requests.json"), json.dump(2) + "\n", 0600);
}

void ClusterStore::ClearRequests() {
  std::error_code error;
  std::filesystem::remove(Path("requests.json"), error);
}

absl::StatusOr<RecordedPrimary> ClusterStore::LoadPrimary() const {
  absl::StatusOr<std::string> text = ReadFile(Path("primary.json"));
  if (absl::IsNotFound(text.status())) return RecordedPrimary{};
  RETURN_IF_ERROR(text.status());
  try {
    nlohmann::json json = nlohmann::json::parse(*text);
    return RecordedPrimary{json.at("ordinal").get<int>(), json.at("timeline").get<int>()};
  } catch (const nlohmann::json::exception& e) {
    return absl::DataLossError(absl::StrCat(Path("primary.json"), " is damaged (", e.what(),
                                            "): it records who is primary; restore it or remove "
                                            "it to let radctl find the primary again"));
  }
}

absl::Status ClusterStore::SavePrimary(const RecordedPrimary& primary) {
  RETURN_IF_ERROR(EnsureStateDirectory(dir_));
  nlohmann::json json = {
      {"ordinal", primary.ordinal},
      {"timeline", primary.timeline},
      {"recorded_at", absl::FormatTime(absl::RFC3339_full, absl::Now(), absl::UTCTimeZone())}};
  return WriteFileAtomically(Path("primary.json"), json.dump(2) + "\n", 0600);
}

absl::StatusOr<std::string> ClusterStore::ReadDocument(const std::string& file) const {
  return ReadFile(Path(file));
}

absl::Status ClusterStore::WriteDocument(const std::string& file, const std::string& content) {
  RETURN_IF_ERROR(EnsureStateDirectory(dir_));
  return WriteFileAtomically(Path(file), content, 0600);
}

absl::Status ClusterStore::AppendEvent(const EventRecord& event) {
  RETURN_IF_ERROR(EnsureStateDirectory(dir_));
  std::string path = Path("events.jsonl");
  std::string line = EventToJson(event).dump() + "\n";
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return ErrnoStatus(absl::StrCat("cannot open ", path));
  ssize_t written = write(fd, line.data(), line.size());  // one append: whole lines or nothing
  close(fd);
  if (written != static_cast<ssize_t>(line.size())) return ErrnoStatus("cannot append event");
  // Bound the file: when it holds twice the limit, keep the newest kMaxEvents.
  struct stat st;
  if (stat(path.c_str(), &st) == 0 && st.st_size > static_cast<off_t>(kMaxEvents * 2 * 200)) {
    ASSIGN_OR_RETURN(std::string text, ReadFile(path));
    std::vector<std::string> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
    if (lines.size() > kMaxEvents) {
      lines.erase(lines.begin(), lines.end() - kMaxEvents);
      RETURN_IF_ERROR(WriteFileAtomically(path, absl::StrJoin(lines, "\n") + "\n", 0600));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<EventRecord>> ClusterStore::LoadEvents() const {
  absl::StatusOr<std::string> text = ReadFile(Path("events.jsonl"));
  if (absl::IsNotFound(text.status())) return std::vector<EventRecord>{};
  if (!text.ok()) return text.status();
  std::vector<EventRecord> events;
  for (absl::string_view line : absl::StrSplit(*text, '\n', absl::SkipEmpty())) {
    try {
      nlohmann::json json = nlohmann::json::parse(std::string(line));
      EventRecord event;
      std::string error;
      if (!absl::ParseTime(absl::RFC3339_full, json.at("time").get<std::string>(), &event.time,
                           &error)) {
        continue;
      }
      event.type = json.value("type", "Normal");
      event.object = json.value("object", "");
      event.reason = json.value("reason", "");
      event.message = json.value("message", "");
      events.push_back(std::move(event));
    } catch (const nlohmann::json::exception&) {
      continue;  // a line torn by a crash is skipped, not fatal
    }
  }
  return events;
}

absl::Status ClusterStore::Remove(bool keep_secrets) {
  std::error_code error;
  if (!std::filesystem::exists(dir_, error)) return absl::OkStatus();
  for (const auto& entry : std::filesystem::directory_iterator(dir_, error)) {
    if (keep_secrets &&
        (entry.path().filename() == "secrets.json" || entry.path().filename() == kTlsDirectory)) {
      continue;
    }
    if (entry.path().filename() == "lock") continue;  // held by the caller; removed last
    std::filesystem::remove_all(entry.path(), error);
    if (error)
      return absl::InternalError(
          absl::StrCat("cannot remove ", entry.path().string(), ": ", error.message()));
  }
  if (!keep_secrets) std::filesystem::remove_all(dir_, error);
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

std::string FileDigest(const std::string& content) { return Fnv1a64Hex(content); }

std::string GeneratePassword() {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::ifstream random("/dev/urandom", std::ios::binary);
  std::string password;
  while (password.size() < 24) {
    unsigned char byte = static_cast<unsigned char>(random.get());
    if (byte >= 248) continue;  // 248 = 4 * 62: keeps the choice uniform
    password.push_back(kAlphabet[byte % 62]);
  }
  return password;
}

}  // namespace radctl
