// What this radctl binary was built from: version, git commit and build settings, stamped at
// build time (controller/cli/build_info.cmake writes build_info.cc only when they change, so an
// unchanged tree relinks nothing).
#pragma once

namespace radctl {

struct BuildInfo {
  const char* version;       // "0.1.0"
  const char* git_commit;    // full hash, "unknown" outside a git checkout
  const char* git_describe;  // "8f213c4-dirty": with uncommitted changes at build time
  const char* commit_date;   // ISO 8601 date of that commit (not of the build: reproducible)
  const char* build_type;    // CMAKE_BUILD_TYPE
  const char* compiler;      // "GNU 12.2.0"
};

const BuildInfo& GetBuildInfo();

}  // namespace radctl
