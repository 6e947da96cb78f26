#include "controller/fleet/spec_sources.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace radctl {

absl::StatusOr<SpecSources> ListSpecFiles(const std::vector<std::string>& args) {
  SpecSources sources;
  for (const std::string& arg : args) {
    struct stat st;
    if (stat(arg.c_str(), &st) != 0) {
      return absl::InvalidArgumentError(absl::StrCat("-f ", arg, ": ", std::strerror(errno)));
    }
    if (!S_ISDIR(st.st_mode)) {
      sources.files.push_back(arg);
      continue;
    }
    sources.has_directory = true;
    DIR* dir = opendir(arg.c_str());
    if (dir == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("-f ", arg, ": ", std::strerror(errno)));
    }
    std::vector<std::string> found;
    while (dirent* entry = readdir(dir)) {
      std::string name = entry->d_name;
      if (name.empty() || name[0] == '.') continue;
      if (!absl::EndsWith(name, ".yaml") && !absl::EndsWith(name, ".yml")) continue;
      std::string path = absl::StrCat(arg, absl::EndsWith(arg, "/") ? "" : "/", name);
      struct stat file_st;
      if (stat(path.c_str(), &file_st) == 0 && S_ISREG(file_st.st_mode)) found.push_back(path);
    }
    closedir(dir);
    std::sort(found.begin(), found.end());
    sources.files.insert(sources.files.end(), found.begin(), found.end());
  }
  return sources;
}

}  // namespace radctl
