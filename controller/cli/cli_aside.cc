// radctl aside NAME [NODE] [--remove DIR] [-o table|json|yaml]: the data directories rebuilds
// moved aside in the nodes' volumes, which radctl itself never deletes (safety rule 5,
// spec.replication.maxMovedAside), and the one way to remove one.
#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "controller/cli/cli_support.h"
#include "controller/cli/commands.h"
#include "controller/config/node_config.h"
#include "controller/state/event_log.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/naming.h"

namespace radctl::cli {
namespace {

constexpr char kAsidePrefix[] = "data.radctl-old-";

// One line per copy: "DIR SIZE TIMELINE CHECKPOINT" (what pg_controldata says of it).
constexpr char kListScript[] =
    "cd /var/lib/postgresql; for d in data.radctl-old-*; do [ -d \"$d\" ] || continue; "
    "size=$(du -sh \"$d\" | cut -f1); "
    "tl=$(pg_controldata -D \"$d\" 2>/dev/null | "
    "sed -n \"s/^Latest checkpoint's TimeLineID: *//p\"); "
    "lsn=$(pg_controldata -D \"$d\" 2>/dev/null | sed -n 's/^Latest checkpoint location: *//p'); "
    "echo \"$d $size ${tl:-?} ${lsn:-?}\"; done";

struct AsideCopy {
  std::string node;
  std::string dir;
  std::string size;
  std::string timeline;
  std::string checkpoint;
};

// A name the move-aside script makes (data.radctl-old-<stamp>[-n]): nothing else is removed.
bool IsAsideName(const std::string& dir) {
  if (!absl::StartsWith(dir, kAsidePrefix) || dir.size() == sizeof(kAsidePrefix) - 1) return false;
  for (char c : dir.substr(sizeof(kAsidePrefix) - 1)) {
    if (!absl::ascii_isalnum(c) && c != '-') return false;
  }
  return true;
}

absl::StatusOr<std::vector<AsideCopy>> ListCopies(const Env& env, const std::string& node) {
  ASSIGN_OR_RETURN(docker::ExecResult result,
                   env.runtime.Exec(node, {"sh", "-c", kListScript}, "postgres", absl::Minutes(2)));
  if (result.exit_code != 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot list ", node, "'s volume: ", absl::StripAsciiWhitespace(result.stderr_text)));
  }
  std::vector<AsideCopy> copies;
  for (absl::string_view line : absl::StrSplit(result.stdout_text, '\n', absl::SkipEmpty())) {
    std::vector<std::string> words = absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (words.size() != 4) continue;
    copies.push_back({node, words[0], words[1], words[2], words[3]});
  }
  return copies;
}

}  // namespace

absl::StatusOr<AsideOptions> ParseAside(const ParsedArgs& args) {
  AsideOptions options;
  options.name = args.Arg(0);
  options.node = args.Arg(1);
  options.remove = args.Value("--remove", "");
  options.output = args.Value("--output", options.output);
  RETURN_IF_ERROR(CheckClusterArgument(options.name));
  if (!options.node.empty()) {
    RETURN_IF_ERROR(ParseNodeArgument("NODE", options.name, options.node).status());
  }
  if (!options.remove.empty()) {
    if (options.node.empty()) {
      return absl::InvalidArgumentError("--remove needs the NODE whose volume holds the copy");
    }
    if (!IsAsideName(options.remove)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--remove: expected a directory a rebuild moved aside (", kAsidePrefix,
                       "<time>, as radctl aside lists them), got \"", options.remove, "\""));
    }
  }
  return options;
}

absl::Status RunAside(const CliContext& context, const AsideOptions& options) {
  ClusterStore store(context.state_dir, options.name, context.clock);
  ASSIGN_OR_RETURN(StoredCluster cluster, LoadStoredCluster(store, options.name));
  ASSIGN_OR_RETURN(const Env* env, Connect(context));
  std::vector<int> ordinals;
  if (!options.node.empty()) {
    ASSIGN_OR_RETURN(int ordinal, ParseNodeArgument("NODE", options.name, options.node));
    ordinals.push_back(ordinal);
  } else {
    for (int i = 1; i <= cluster.spec.nodes; ++i) ordinals.push_back(i);
  }
  if (!options.remove.empty()) {
    const std::string node = NodeName(cluster.spec.name, ordinals.front());
    ASSIGN_OR_RETURN(std::vector<AsideCopy> copies, ListCopies(*env, node));
    auto found = std::find_if(copies.begin(), copies.end(),
                              [&](const AsideCopy& c) { return c.dir == options.remove; });
    if (found == copies.end()) {
      return absl::NotFoundError(absl::StrCat(node, " keeps no ", options.remove, " (radctl aside ",
                                              options.name, " lists them)"));
    }
    ASSIGN_OR_RETURN(
        docker::ExecResult removed,
        env->runtime.Exec(node, {"rm", "-rf", absl::StrCat(kNodeHome, "/", options.remove)},
                          "postgres", absl::Minutes(10)));
    if (removed.exit_code != 0) {
      return absl::InternalError(absl::StrCat("removing ", options.remove, " on ", node,
                                              " failed: ", removed.stderr_text));
    }
    EventLog events(context.err, &store, context.json_logs, env->clock);
    events.Warning(
        node, "MovedAsideRemoved",
        absl::StrCat(options.remove, " (timeline ", found->timeline, ", last checkpoint ",
                     found->checkpoint, ", ", found->size, ") removed by radctl aside --remove"));
    context.out << "removed " << node << ":" << kNodeHome << "/" << options.remove << "\n";
    return absl::OkStatus();
  }
  std::vector<AsideCopy> all;
  for (int ordinal : ordinals) {
    const std::string node = NodeName(cluster.spec.name, ordinal);
    absl::StatusOr<std::vector<AsideCopy>> copies = ListCopies(*env, node);
    if (!copies.ok()) {
      context.err << "radctl: " << node << ": " << copies.status().message()
                  << " (is its container running?)\n";
      continue;
    }
    all.insert(all.end(), copies->begin(), copies->end());
  }
  if (options.output == "table") {
    context.out << absl::StrFormat("%-16s %-36s %-8s %-9s %s\n", "NODE", "DIRECTORY", "SIZE",
                                   "TIMELINE", "CHECKPOINT");
    for (const AsideCopy& c : all) {
      context.out << absl::StrFormat("%-16s %-36s %-8s %-9s %s\n", c.node, c.dir, c.size,
                                     c.timeline, c.checkpoint);
    }
    if (all.empty()) context.err << "radctl: no moved-aside data directories\n";
    return absl::OkStatus();
  }
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const AsideCopy& c : all) {
    list.push_back({{"node", c.node},
                    {"directory", absl::StrCat(kNodeHome, "/", c.dir)},
                    {"size", c.size},
                    {"timeline", c.timeline},
                    {"checkpoint", c.checkpoint}});
  }
  nlohmann::ordered_json out = {{"cluster", options.name},
                                {"maxMovedAside", cluster.spec.replication.max_moved_aside},
                                {"movedAside", list}};
  return PrintStructured(context, out.dump(), options.output);
}

}  // namespace radctl::cli
