#include "reconcilers/desired_state.h"

#include "absl/strings/str_cat.h"

namespace radctl {

DesiredState MergeDesired(const ClusterSpec& file_spec, const std::string& file_digest,
                          const ClusterSpec* stored, const std::string& stored_digest,
                          bool file_written) {
  DesiredState desired{file_spec, ""};
  // `port: auto` keeps the port picked when the cluster was first applied.
  if (file_spec.bouncer.port == kAutoPort && stored != nullptr && stored->name == file_spec.name) {
    desired.spec.bouncer.port = stored->bouncer.port;
  }
  // `readPort: auto` likewise, once one was picked.
  if (file_spec.bouncer.read_port == kAutoReadPort && stored != nullptr &&
      stored->name == file_spec.name && stored->bouncer.read_port > kNoReadPort) {
    desired.spec.bouncer.read_port = stored->bouncer.read_port;
  }
  if (!file_written && stored != nullptr && stored->name == file_spec.name &&
      file_digest == stored_digest && stored->nodes != file_spec.nodes) {
    desired.spec.nodes = stored->nodes;
    desired.note =
        absl::StrCat("keeping nodes: ", stored->nodes, " set by radctl scale (",
                     file_spec.source.empty() ? "the spec file" : file_spec.source, " says ",
                     file_spec.nodes, " but is unchanged since it was applied)");
  }
  return desired;
}

}  // namespace radctl
