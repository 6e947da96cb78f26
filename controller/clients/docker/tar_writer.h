// A minimal ustar writer, for uploading generated files into a container in one request
// (PUT /containers/{id}/archive). Ownership and modes are set in the headers, so files land
// owned by the container's user (e.g. postgres, uid 999) without a chown afterwards.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "controller/clients/docker/docker_types.h"

namespace radctl::docker {

// An uncompressed ustar archive holding `files` in order, each stamped with `mtime` (seconds since
// the epoch). A path ending in "/" is a directory (its content must be empty); directories get
// the search bit wherever `mode` grants read, so the default 0644 yields a usable 0755.
// InvalidArgument for an empty or absolute path, a ".." component, or a path too long for ustar.
[[nodiscard]] absl::StatusOr<std::string> MakeTar(const std::vector<FileToUpload>& files,
                                                  int64_t mtime);

}  // namespace radctl::docker
