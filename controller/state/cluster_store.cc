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
#include "reconcilers/lsn.h"
#include "reconcilers/spec_hash.h"

namespace radctl {
namespace {

constexpr size_t kMaxEvents = 1000;  // events.jsonl keeps the most recent ones

nlohmann::json EventToJson(const EventRecord& event) {
  return {{"time", absl::FormatTime(absl::RFC3339_full, event.time, absl::UTCTimeZone())},
          {"type", event.type},
          {"object", event.object},
          {"reason", event.reason},
          {"message", event.message}};
}

}  // namespace

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

ClusterStore::ClusterStore(const std::string& root, const std::string& cluster, const Clock& clock,
                           const StateFiles& files)
    : root_(root),
      cluster_(cluster),
      dir_(absl::StrCat(root, "/", cluster)),
      files_(files),
      clock_(clock) {}

std::string ClusterStore::Path(const std::string& file) const {
  return absl::StrCat(dir_, "/", file);
}

absl::StatusOr<ClusterSecrets> ClusterStore::LoadSecrets() const {
  ASSIGN_OR_RETURN(std::string text, files_.Read(Path("secrets.json")));
  try {
    nlohmann::json json = nlohmann::json::parse(text);
    ClusterSecrets secrets;
    secrets.app_password = json.at("app_password").get<std::string>();
    secrets.repmgr_password = json.at("repmgr_password").get<std::string>();
    secrets.bouncer_password = json.at("bouncer_password").get<std::string>();
    secrets.app_scram = json.value("app_scram", "");
    secrets.bouncer_scram = json.value("bouncer_scram", "");
    RETURN_IF_ERROR(ReadTlsFiles(files_, dir_, secrets));
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
  RETURN_IF_ERROR(files_.EnsureDirectory(dir_));
  nlohmann::json json = {{"app_password", secrets.app_password},
                         {"repmgr_password", secrets.repmgr_password},
                         {"bouncer_password", secrets.bouncer_password},
                         {"app_scram", secrets.app_scram},
                         {"bouncer_scram", secrets.bouncer_scram}};
  return files_.Write(Path("secrets.json"), json.dump(2) + "\n", 0600);
}

absl::StatusOr<ClusterSpec> ClusterStore::LoadSpec() const {
  std::string path = Path("spec.yaml");
  ASSIGN_OR_RETURN(std::string text, files_.Read(path));
  SpecParseResult parsed = ParseClusterSpec(text, path);
  if (!parsed.ok()) {
    return absl::DataLossError(absl::StrCat("stored spec ", path,
                                            " is damaged: ", parsed.errors[0].ToString(),
                                            "; apply the spec file again"));
  }
  return parsed.spec;
}

absl::Status ClusterStore::SaveSpec(const ClusterSpec& spec, const std::string& file_digest) {
  RETURN_IF_ERROR(files_.EnsureDirectory(dir_));
  // The stored spec holds the app password when the user gave one: same mode as secrets.
  RETURN_IF_ERROR(files_.Write(Path("spec.yaml"), ClusterSpecToYaml(spec), 0600));
  // A new cluster: this radctl's format.
  RETURN_IF_ERROR(RecordStateFormat(files_, dir_, "radctl"));
  if (!file_digest.empty()) {
    RETURN_IF_ERROR(files_.Write(Path("applied-file.digest"), file_digest + "\n", 0600));
  }
  return absl::OkStatus();
}

std::string ClusterStore::LoadFileDigest() const {
  absl::StatusOr<std::string> text = files_.Read(Path("applied-file.digest"));
  if (!text.ok()) return "";
  return std::string(absl::StripAsciiWhitespace(*text));
}

Requests ClusterStore::LoadRequests() const {
  // Asked before every probe of a watched primary and almost never there: a stat, not a stream
  // opened to fail (that was a twelfth of an idle watcher's CPU).
  const std::string path = Path("requests.json");
  if (!files_.Exists(path)) return {};
  absl::StatusOr<std::string> text = files_.Read(path);
  if (!text.ok()) return {};
  try {
    nlohmann::json json = nlohmann::json::parse(*text);
    absl::Time at;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, json.at("requested_at").get<std::string>(), &at,
                         &error) ||
        clock_.Now() - at > kRequestLifetime) {
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
  RETURN_IF_ERROR(files_.EnsureDirectory(dir_));
  nlohmann::json json = {
      {"switchover_to", requests.switchover_to},
      {"promote", requests.promote},
      {"requested_at", absl::FormatTime(absl::RFC3339_full, clock_.Now(), absl::UTCTimeZone())}};
  return files_.Write(Path("requests.json"), json.dump(2) + "\n", 0600);
}

void ClusterStore::ClearRequests() { files_.Remove(Path("requests.json")); }

absl::StatusOr<RecordedPrimary> ClusterStore::LoadPrimary() const {
  absl::StatusOr<std::string> text = files_.Read(Path("primary.json"));
  if (absl::IsNotFound(text.status())) return RecordedPrimary{};
  RETURN_IF_ERROR(text.status());
  absl::StatusOr<RecordedPrimary> recorded = DecodeRecordedPrimary(*text);
  if (!recorded.ok()) {
    return absl::DataLossError(absl::StrCat(Path("primary.json"), " is damaged (",
                                            recorded.status().message(),
                                            "): it records who is primary; restore it or remove "
                                            "it to let radctl find the primary again"));
  }
  return recorded;
}

absl::Status ClusterStore::SavePrimary(const RecordedPrimary& primary) {
  RETURN_IF_ERROR(files_.EnsureDirectory(dir_));
  return files_.Write(Path("primary.json"), EncodeRecordedPrimary(primary, clock_.Now()), 0600);
}

std::string EncodeRecordedPrimary(const RecordedPrimary& primary, absl::Time recorded_at,
                                  const std::string& cluster_ca) {
  nlohmann::json json = {
      {"generation", primary.generation},
      {"ordinal", primary.ordinal},
      {"timeline", primary.timeline},
      {"synchronous_number", primary.synchronous_number},
      {"synchronous_since", FormatLsn(primary.synchronous_since)},
      {"earlier_synchronous_number", primary.earlier_number},
      {"earlier_synchronous_since", FormatLsn(primary.earlier_since)},
      {"asynchronous_from", FormatLsn(primary.asynchronous_from)},
      {"recorded_at", absl::FormatTime(absl::RFC3339_full, recorded_at, absl::UTCTimeZone())}};
  if (!cluster_ca.empty()) json["cluster_ca"] = cluster_ca;
  return json.dump(2) + "\n";
}

absl::StatusOr<RecordedPrimary> DecodeRecordedPrimary(const std::string& text,
                                                      std::string* cluster_ca) {
  try {
    nlohmann::json json = nlohmann::json::parse(text);
    RecordedPrimary recorded{json.at("ordinal").get<int>(), json.at("timeline").get<int>(),
                             json.value("synchronous_number", -1)};
    recorded.synchronous_since = ParseLsn(json.value("synchronous_since", "")).value_or(0);
    recorded.earlier_number = json.value("earlier_synchronous_number", 0);
    recorded.earlier_since = ParseLsn(json.value("earlier_synchronous_since", "")).value_or(0);
    recorded.asynchronous_from = ParseLsn(json.value("asynchronous_from", "")).value_or(0);
    recorded.generation = json.value("generation", int64_t{0});
    if (cluster_ca != nullptr) *cluster_ca = json.value("cluster_ca", "");
    return recorded;
  } catch (const nlohmann::json::exception& e) {
    return absl::DataLossError(e.what());
  }
}

absl::StatusOr<std::string> ClusterStore::ReadDocument(const std::string& file) const {
  return files_.Read(Path(file));
}

absl::Status ClusterStore::WriteDocument(const std::string& file, const std::string& content) {
  RETURN_IF_ERROR(files_.EnsureDirectory(dir_));
  return files_.Write(Path(file), content, 0600);
}

absl::Status ClusterStore::AppendEvent(const EventRecord& event) {
  RETURN_IF_ERROR(files_.EnsureDirectory(dir_));
  const std::string path = Path("events.jsonl");
  RETURN_IF_ERROR(files_.Append(path, EventToJson(event).dump() + "\n"));
  // Bound the file: at the first append of this process and every kMaxEvents after, keep the
  // newest kMaxEvents.
  if (appended_++ % kMaxEvents != 0) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::string text, files_.Read(path));
  std::vector<std::string> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
  if (lines.size() > kMaxEvents) {
    lines.erase(lines.begin(), lines.end() - kMaxEvents);
    RETURN_IF_ERROR(files_.Write(path, absl::StrJoin(lines, "\n") + "\n", 0600));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<EventRecord>> ClusterStore::LoadEvents() const {
  absl::StatusOr<std::string> text = files_.Read(Path("events.jsonl"));
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

// The directory as a whole: radctl delete, on the local filesystem.
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
