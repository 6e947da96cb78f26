// radctl logs NAME [NODE] [-f] [--tail N]: a node's Postgres log (its container's), the
// bouncer's, or the controller's events; without NODE every container of the cluster, each line
// prefixed with its name, as `docker compose logs` does.
#include <mutex>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "controller/cli/cli_support.h"
#include "controller/cli/commands.h"
#include "controller/state/event_log.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/naming.h"

namespace radctl::cli {
namespace {

// How often a followed event log is read again.
constexpr absl::Duration kEventPoll = absl::Milliseconds(500);

// Writes whole lines, each with `prefix`, from text that arrives in pieces.
class PrefixedLines {
 public:
  PrefixedLines(std::ostream& out, std::mutex& mu, std::string prefix)
      : out_(out), mu_(mu), prefix_(std::move(prefix)) {}
  ~PrefixedLines() {
    if (!partial_.empty()) Write(partial_ + "\n");
  }
  void Feed(absl::string_view text) {
    partial_.append(text.data(), text.size());
    size_t end = partial_.rfind('\n');
    if (end == std::string::npos) return;
    std::string lines = partial_.substr(0, end + 1);
    partial_.erase(0, end + 1);
    Write(lines);
  }

 private:
  void Write(const std::string& lines) {
    std::string out;
    size_t start = 0;
    while (start < lines.size()) {
      size_t end = lines.find('\n', start);
      absl::StrAppend(&out, prefix_, lines.substr(start, end - start + 1));
      start = end + 1;
    }
    std::lock_guard<std::mutex> lock(mu_);
    out_ << out << std::flush;
  }
  std::ostream& out_;
  std::mutex& mu_;
  std::string prefix_;
  std::string partial_;
};

absl::Status ShowEvents(const CliContext& context, const LogsOptions& options) {
  ClusterStore store(context.state_dir, options.name, context.clock);
  ASSIGN_OR_RETURN(std::vector<EventRecord> events, store.LoadEvents());
  size_t first = options.tail >= 0 && events.size() > static_cast<size_t>(options.tail)
                     ? events.size() - options.tail
                     : 0;
  absl::Time last = absl::InfinitePast();
  for (size_t i = first; i < events.size(); ++i) {
    context.out << EventLog::FormatLine(events[i]) << "\n";
  }
  if (!events.empty()) last = events.back().time;
  while (options.follow && !context.stop.load()) {
    context.out << std::flush;
    context.clock.SleepFor(kEventPoll);
    ASSIGN_OR_RETURN(events, store.LoadEvents());
    for (const EventRecord& event : events) {
      if (event.time <= last) continue;
      context.out << EventLog::FormatLine(event) << "\n";
      last = event.time;
    }
  }
  return absl::OkStatus();
}

// The containers to show, by the source named on the command line.
absl::StatusOr<std::vector<std::string>> Containers(const CliContext& context,
                                                    const LogsOptions& options,
                                                    const ClusterSpec& spec) {
  if (options.source == "bouncer") return std::vector<std::string>{BouncerName(spec.name)};
  if (options.source == "read-bouncer") {
    return std::vector<std::string>{ReadBouncerName(spec.name)};
  }
  if (!options.source.empty()) {
    ASSIGN_OR_RETURN(int ordinal, ParseNodeArgument("NODE", spec.name, options.source));
    return std::vector<std::string>{NodeName(spec.name, ordinal)};
  }
  ASSIGN_OR_RETURN(const Env* env, Connect(context));
  ASSIGN_OR_RETURN(std::vector<docker::ContainerSummary> found,
                   env->runtime.ListContainers(kLabelCluster, spec.name));
  std::vector<std::string> names;
  names.reserve(found.size());
  for (const docker::ContainerSummary& container : found) names.push_back(container.name);
  std::sort(names.begin(), names.end());
  if (names.empty()) {
    return absl::NotFoundError(
        absl::StrCat("cluster ", spec.name, " has no containers on this Docker engine"));
  }
  return names;
}

}  // namespace

absl::StatusOr<LogsOptions> ParseLogs(const ParsedArgs& args) {
  LogsOptions options;
  options.name = args.Arg(0);
  options.source = args.Arg(1);
  options.follow = args.Has("--follow");
  RETURN_IF_ERROR(CheckClusterArgument(options.name));
  std::string tail = args.Value("--tail", "100");
  if (!absl::SimpleAtoi(tail, &options.tail) || options.tail < -1) {
    return absl::InvalidArgumentError(
        absl::StrCat("--tail: expected a number of lines (or -1 for all), got \"", tail, "\""));
  }
  if (options.source == "controller") options.source = "events";
  if (!options.source.empty() && options.source != "bouncer" && options.source != "read-bouncer" &&
      options.source != "events") {
    RETURN_IF_ERROR(ParseNodeArgument("NODE", options.name, options.source).status());
  }
  return options;
}

absl::Status RunLogs(const CliContext& context, const LogsOptions& options) {
  ClusterStore store(context.state_dir, options.name, context.clock);
  ASSIGN_OR_RETURN(StoredCluster cluster, LoadStoredCluster(store, options.name));
  if (options.source == "events") return ShowEvents(context, options);
  ASSIGN_OR_RETURN(std::vector<std::string> containers, Containers(context, options, cluster.spec));
  if (!context.logs) return absl::InternalError("no container logs to read");
  const bool prefixed = containers.size() > 1;
  size_t width = 0;
  for (const std::string& name : containers) width = std::max(width, name.size());
  std::mutex mu;
  std::vector<absl::Status> results(containers.size());
  auto show = [&](size_t i) {
    std::string prefix =
        prefixed
            ? absl::StrCat(containers[i], std::string(width - containers[i].size(), ' '), " | ")
            : "";
    PrefixedLines lines(context.out, mu, prefix);
    results[i] = context.logs(
        containers[i], options.tail, options.follow,
        [&lines](absl::string_view text) { lines.Feed(text); }, context.stop);
  };
  if (!options.follow) {
    for (size_t i = 0; i < containers.size(); ++i) show(i);
  } else {
    std::vector<std::thread> threads;
    for (size_t i = 0; i < containers.size(); ++i) threads.emplace_back(show, i);
    for (std::thread& thread : threads) thread.join();
  }
  for (size_t i = 0; i < containers.size(); ++i) {
    if (absl::IsNotFound(results[i])) {
      return absl::NotFoundError(absl::StrCat("no container ", containers[i], " (radctl status ",
                                              options.name, " shows the nodes)"));
    }
    RETURN_IF_ERROR(results[i]);
  }
  return absl::OkStatus();
}

}  // namespace radctl::cli
