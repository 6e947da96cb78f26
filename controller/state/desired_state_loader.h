// The one place that says what is desired, for apply, watch and scale alike: it reads the spec
// file and the spec kept with the cluster, merges them by reconcilers/desired_state.h's rule and
// keeps the result. Watch mode asks it before every pass, so edits of the file and `radctl
// scale` are picked up.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "controller/state/cluster_store.h"
#include "controller/state/event_log.h"
#include "crd-like-specs/cluster_spec.h"

namespace radctl {

struct SpecFile {
  ClusterSpec spec;
  std::string digest;  // of the file's content (FileDigest)
};

// The spec in `path`. InvalidArgument, listing every error, when it is invalid or unreadable.
[[nodiscard]] absl::StatusOr<SpecFile> ReadSpecFile(const std::string& path);

class DesiredStateLoader {
 public:
  // `store` is the cluster's (named by the file).
  DesiredStateLoader(std::string path, ClusterStore& store, EventLog& events)
      : path_(std::move(path)), store_(store), events_(events) {}

  // apply: the file's spec merged with what is kept (a count set by `radctl scale` survives
  // while the file is unchanged); kept as the applied spec when `keep`.
  [[nodiscard]] absl::StatusOr<ClusterSpec> Apply(const SpecFile& file, bool keep = true);

  // watch: the spec for the next pass. When the file or the kept spec changed since the last
  // call, they are read and merged again; an invalid file (or one `validate` refuses) is
  // reported and the last valid spec kept; a file naming another cluster is refused (a watcher
  // serves one cluster).
  ClusterSpec Refresh();

  // A check a new spec must pass before it is adopted (e.g. Postgres reading its configuration).
  void set_validator(std::function<absl::Status(const ClusterSpec&)> validate) {
    validate_ = std::move(validate);
  }

 private:
  void NoteTimes();
  // `readPort: auto` not resolved from the stored spec yet: a free port, said in an event.
  [[nodiscard]] absl::Status ResolveReadPort(ClusterSpec& spec);

  std::string path_;
  ClusterStore& store_;
  EventLog& events_;
  ClusterSpec current_;
  int64_t file_mtime_ = 0;
  int64_t stored_mtime_ = 0;
  std::function<absl::Status(const ClusterSpec&)> validate_;
};

// scale: the kept spec's node count becomes `nodes` (the file's digest is kept, so a restarted
// watcher goes on with this count while the file is unchanged). NotFound when never applied.
[[nodiscard]] absl::Status SetDesiredNodes(ClusterStore& store, int nodes, int* before);

}  // namespace radctl
