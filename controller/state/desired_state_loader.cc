#include "controller/state/desired_state_loader.h"

#include <sys/stat.h>

#include "absl/strings/str_cat.h"
#include "controller/state/auto_port.h"
#include "crd-like-specs/spec_parser.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/desired_state.h"

namespace radctl {
namespace {

int64_t Mtime(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return 0;
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

}  // namespace

absl::StatusOr<SpecFile> ReadSpecFile(const std::string& path) {
  std::string content;
  absl::StatusOr<ClusterSpec> spec = LoadClusterSpecFile(path, &content);
  if (!spec.ok()) {
    // A file that cannot be read is bad input like an invalid one (exit 2).
    return absl::InvalidArgumentError(std::string(spec.status().message()));
  }
  return SpecFile{*std::move(spec), FileDigest(content)};
}

absl::StatusOr<ClusterSpec> DesiredStateLoader::Apply(const SpecFile& file, bool keep) {
  absl::StatusOr<ClusterSpec> stored = store_.LoadSpec();
  DesiredState desired = MergeDesired(file.spec, file.digest, stored.ok() ? &*stored : nullptr,
                                      store_.LoadFileDigest());
  if (!desired.note.empty()) events_.Progress(desired.note);
  if (desired.spec.bouncer.port == kAutoPort) {
    ASSIGN_OR_RETURN(desired.spec.bouncer.port, PickBouncerPort(store_, desired.spec.bouncer.bind));
    events_.Progress(absl::StrCat("bouncer.port: auto -> ", desired.spec.bouncer.bind, ":",
                                  desired.spec.bouncer.port, " (kept with the cluster)"));
  }
  RETURN_IF_ERROR(ResolveReadPort(desired.spec));
  if (keep) RETURN_IF_ERROR(store_.SaveSpec(desired.spec, file.digest));
  current_ = desired.spec;
  NoteTimes();
  return desired.spec;
}

absl::Status DesiredStateLoader::ResolveReadPort(ClusterSpec& spec) {
  if (spec.bouncer.read_port != kAutoReadPort) return absl::OkStatus();
  // Never the write endpoint's port (which may itself have been picked just now).
  for (int attempt = 0; attempt < 10 && spec.bouncer.read_port <= kNoReadPort; ++attempt) {
    ASSIGN_OR_RETURN(int port, PickBouncerPort(store_, spec.bouncer.bind));
    if (port != spec.bouncer.port) spec.bouncer.read_port = port;
  }
  if (spec.bouncer.read_port <= kNoReadPort) {
    return absl::UnavailableError("bouncer.readPort: auto found no free port; set one");
  }
  events_.Progress(absl::StrCat("bouncer.readPort: auto -> ", spec.bouncer.bind, ":",
                                spec.bouncer.read_port, " (kept with the cluster)"));
  return absl::OkStatus();
}

void DesiredStateLoader::NoteTimes() {
  file_mtime_ = Mtime(path_);
  stored_mtime_ = Mtime(store_.dir() + "/spec.yaml");
}

ClusterSpec DesiredStateLoader::Refresh() {
  const bool file_changed = Mtime(path_) != file_mtime_;
  const bool stored_changed = Mtime(store_.dir() + "/spec.yaml") != stored_mtime_;
  if (!file_changed && !stored_changed) return current_;
  NoteTimes();
  absl::StatusOr<SpecFile> file = ReadSpecFile(path_);
  if (!file.ok()) {
    events_.Warning(
        current_.name, "SpecInvalid",
        absl::StrCat(file.status().message(), "\n  (still reconciling to the last valid spec)"));
    return current_;
  }
  if (file->spec.name != current_.name) {
    events_.Warning(current_.name, "SpecInvalid",
                    absl::StrCat(path_, ": metadata.name changed to ", file->spec.name,
                                 "; a watcher serves one cluster: ignored"));
    return current_;
  }
  absl::StatusOr<ClusterSpec> stored = store_.LoadSpec();
  std::string stored_digest = store_.LoadFileDigest();
  DesiredState desired =
      MergeDesired(file->spec, file->digest, stored.ok() ? &*stored : nullptr, stored_digest,
                   /*file_written=*/file_changed);
  if (desired.spec.bouncer.port == kAutoPort) desired.spec.bouncer.port = current_.bouncer.port;
  if (desired.spec.bouncer.read_port == kAutoReadPort && current_.bouncer.read_port > kNoReadPort) {
    desired.spec.bouncer.read_port = current_.bouncer.read_port;
  }
  if (absl::Status resolved = ResolveReadPort(desired.spec); !resolved.ok()) {
    events_.Warning(
        current_.name, "SpecInvalid",
        absl::StrCat(resolved.message(), "\n  (still reconciling to the last valid spec)"));
    return current_;
  }
  if (desired.spec == current_) return current_;
  if (validate_) {
    if (absl::Status valid = validate_(desired.spec); !valid.ok()) {
      events_.Warning(
          current_.name, "SpecInvalid",
          absl::StrCat(valid.message(), "\n  (still reconciling to the last valid spec)"));
      return current_;
    }
  }
  events_.Normal(current_.name, "SpecChanged",
                 file_changed ? absl::StrCat(path_, " changed: reconciling")
                              : absl::StrCat("desired state changed (radctl scale): nodes ",
                                             current_.nodes, " -> ", desired.spec.nodes));
  if (file_changed) {
    absl::Status saved = store_.SaveSpec(desired.spec, file->digest);
    if (!saved.ok()) events_.Warning(current_.name, "StateNotSaved", std::string(saved.message()));
    NoteTimes();
  }
  current_ = desired.spec;
  return current_;
}

absl::Status SetDesiredNodes(ClusterStore& store, int nodes, int* before) {
  ASSIGN_OR_RETURN(ClusterSpec spec, store.LoadSpec());
  *before = spec.nodes;
  spec.nodes = nodes;
  return store.SaveSpec(spec, /*file_digest=*/"");
}

}  // namespace radctl
