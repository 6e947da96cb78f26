// The spec files that `apply -f` arguments name: a file as given; a directory's *.yaml and *.yml
// files (not its subdirectories, not hidden files), sorted by name.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace radctl {

struct SpecSources {
  std::vector<std::string> files;
  bool has_directory = false;  // the set may change while watching
};

// InvalidArgument when an argument names nothing ("-f x.yaml: no such file or directory").
[[nodiscard]] absl::StatusOr<SpecSources> ListSpecFiles(const std::vector<std::string>& args);

}  // namespace radctl
