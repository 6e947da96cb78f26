// What is desired: the spec file the user applies, merged with what `radctl scale` recorded.
// Pure: the rule is decided here and table-tested; state/desired_state_loader.h reads the file
// and the stored spec and applies it, for apply, watch and scale alike.
#pragma once

#include <string>

#include "crd-like-specs/cluster_spec.h"

namespace radctl {

struct DesiredState {
  ClusterSpec spec;
  std::string note;  // why it differs from the file ("" when it is the file's spec)
};

// The file's spec; but a node count set by `radctl scale` (kept in `stored`) wins while the
// file's content is unchanged since it was last applied (`file_digest == stored_digest`): a
// restarted watcher must not undo a scale. A file written while a watcher runs
// (`file_written`) is the user's latest word and wins whole, even when its content is the same
// as before. A file asking for `bouncer.port: auto` gets the stored port. `stored` is null when
// nothing is kept yet.
DesiredState MergeDesired(const ClusterSpec& file_spec, const std::string& file_digest,
                          const ClusterSpec* stored, const std::string& stored_digest,
                          bool file_written = false);

}  // namespace radctl
