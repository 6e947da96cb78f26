#include "controller/operations/backup_info.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "reconcilers/lsn.h"

namespace radctl {
namespace {

using Json = nlohmann::json;

std::string TextOr(const Json& json, const char* key) {
  auto it = json.find(key);
  return it != json.end() && it->is_string() ? it->get<std::string>() : "";
}

absl::Time UnixTime(const Json& json, const char* key) {
  auto it = json.find(key);
  if (it == json.end() || !it->is_number()) return absl::InfinitePast();
  return absl::FromUnixSeconds(it->get<int64_t>());
}

BackupRecord DecodeBackup(const Json& item) {
  BackupRecord record;
  record.label = item.at("label").get<std::string>();
  record.type = item.at("type").get<std::string>();
  const Json& timestamp = item.at("timestamp");
  record.start = UnixTime(timestamp, "start");
  record.stop = UnixTime(timestamp, "stop");
  const Json& info = item.at("info");
  record.size = info.value("size", int64_t{0});
  if (auto repository = info.find("repository"); repository != info.end()) {
    // What this backup added to the repository (a diff or incr stores only what changed).
    record.repo_size = repository->value("delta", int64_t{0});
  }
  if (auto lsn = item.find("lsn"); lsn != item.end()) {
    record.lsn_start = ParseLsn(TextOr(*lsn, "start")).value_or(0);
    record.lsn_stop = ParseLsn(TextOr(*lsn, "stop")).value_or(0);
  }
  if (auto archive = item.find("archive"); archive != item.end()) {
    record.wal_start = TextOr(*archive, "start");
    record.wal_stop = TextOr(*archive, "stop");
  }
  return record;
}

}  // namespace

absl::StatusOr<BackupInfo> DecodeBackupInfo(const std::string& text, const std::string& stanza) {
  try {
    const Json json = Json::parse(text);
    for (const Json& entry : json) {
      if (entry.value("name", "") != stanza) continue;
      BackupInfo info;
      const Json& status = entry.at("status");
      info.status_code = status.value("code", 99);
      info.status_message = status.value("message", "");
      // 1: no stanza directory; 3: a directory without its info files (stanza-create mends it).
      info.stanza_exists = info.status_code != 1 && info.status_code != 3;
      if (auto lock = status.find("lock"); lock != status.end()) {
        info.backup_running = lock->value("/backup/held"_json_pointer, false);
      }
      for (const Json& backup : entry.value("backup", Json::array())) {
        if (backup.value("error", false)) continue;  // a backup with errors restores nothing
        info.backups.push_back(DecodeBackup(backup));
      }
      for (const Json& archive : entry.value("archive", Json::array())) {
        // The newest database's archive (after a stanza-upgrade there are several).
        info.archive_min = TextOr(archive, "min");
        info.archive_max = TextOr(archive, "max");
      }
      return info;
    }
    return absl::InvalidArgumentError(
        absl::StrCat("pgBackRest's info names no stanza \"", stanza, "\""));
  } catch (const Json::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read pgBackRest's info: ", e.what(), ": ", text.substr(0, 200)));
  }
}

std::string HumanBytes(int64_t bytes) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  if (unit == 0) return absl::StrCat(bytes, " B");
  // Three significant digits: 1.50 GB, 36.4 MB, 800 kB.
  const int decimals = value < 10 ? 2 : value < 100 ? 1 : 0;
  return absl::StrFormat("%.*f %s", decimals, value, units[unit]);
}

}  // namespace radctl
