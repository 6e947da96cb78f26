#include "controller/operations/configuration_check.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "controller/config/node_config.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/naming.h"

namespace radctl {
namespace {

constexpr char kCheckDir[] = "/tmp/radctl-check";

// The text between the first pair of double quotes after `marker`, or "".
std::string QuotedAfter(absl::string_view text, absl::string_view marker) {
  size_t at = text.find(marker);
  if (at == absl::string_view::npos) return "";
  absl::string_view rest = text.substr(at + marker.size());
  size_t end = rest.find('"');
  return end == absl::string_view::npos ? "" : std::string(rest.substr(0, end));
}

// Postgres's own words, without timestamps and pids: "invalid value for parameter ... | HINT:".
std::string PostgresWords(const std::string& output) {
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(output, '\n', absl::SkipWhitespace())) {
    for (absl::string_view level : {"LOG:  ", "FATAL:  ", "HINT:  ", "DETAIL:  "}) {
      size_t at = line.find(level);
      if (at == absl::string_view::npos) continue;
      absl::string_view words = line.substr(at + level.size());
      if (absl::StartsWith(words, "skipping missing configuration file") ||
          absl::StartsWith(words, "configuration file")) {
        break;
      }
      lines.push_back(absl::StrCat(level == "HINT:  " ? "hint: " : "", words));
      break;
    }
  }
  return absl::StrJoin(lines, "; ");
}

// Runs `postgres -C` on `conf` in `container` (running, from the cluster's image).
absl::StatusOr<docker::ExecResult> RunCheck(const ContainerRuntime& runtime,
                                            const std::string& container, const std::string& conf) {
  RETURN_IF_ERROR(runtime.UploadFiles(
      container, "/tmp",
      {{"radctl-check/", "", 0700, kPostgresUid, kPostgresUid},
       {"radctl-check/postgresql.conf", conf, 0600, kPostgresUid, kPostgresUid}}));
  return runtime.Exec(container,
                      {"sh", "-c",
                       absl::StrCat("postgres -C port -D ", kCheckDir, " >/dev/null; status=$?; ",
                                    "rm -rf ", kCheckDir, "; exit $status")},
                      "postgres", absl::Seconds(30));
}

}  // namespace

std::string FieldOfConfigurationError(const ClusterSpec& spec, const std::string& conf,
                                      const std::string& postgres_output) {
  std::string name = QuotedAfter(postgres_output, "parameter \"");
  if (name.empty()) {
    // "syntax error in file ".../postgresql.conf" line 31, near ...": the parameter on that line.
    size_t at = postgres_output.find("\" line ");
    int line = 0;
    if (at != std::string::npos) {
      absl::string_view rest = absl::string_view(postgres_output).substr(at + 7);
      rest = rest.substr(0, rest.find_first_not_of("0123456789"));
      (void)absl::SimpleAtoi(rest, &line);
    }
    std::vector<absl::string_view> lines = absl::StrSplit(conf, '\n');
    if (line >= 1 && line <= static_cast<int>(lines.size())) {
      name = std::string(
          absl::StripAsciiWhitespace(lines[line - 1].substr(0, lines[line - 1].find('='))));
    }
  }
  if (spec.postgres.parameters.count(name) > 0)
    return absl::StrCat("spec.postgres.parameters.", name);
  if (name == "max_slot_wal_keep_size") return "spec.replication.maxSlotWalKeepSize";
  return "";
}

absl::Status CheckConfigurationWithPostgres(const ContainerRuntime& runtime,
                                            const ClusterSpec& spec) {
  const std::string conf = RenderPostgresqlConf(spec);
  // A node of the cluster that runs will do; else a throwaway container of the same image.
  std::string container;
  ASSIGN_OR_RETURN(std::vector<docker::ContainerSummary> containers,
                   runtime.ListContainers(kLabelCluster, spec.name));
  for (const docker::ContainerSummary& summary : containers) {
    auto component = summary.labels.find(kLabelComponent);
    if (summary.state == "running" && component != summary.labels.end() &&
        component->second == kComponentPostgres) {
      container = summary.name;
    }
  }
  bool throwaway = container.empty();
  if (throwaway) {
    container = absl::StrCat(spec.name, "-config-check");
    (void)runtime.RemoveContainer(container);  // left by an interrupted check
    docker::ContainerConfig config;
    config.name = container;
    config.image = spec.postgres.image;
    config.labels = ClusterLabels(spec.name);  // found and removed by radctl delete
    config.labels[kLabelComponent] = "config-check";
    // A named volume where the image declares one, so that no anonymous volume is left behind.
    RETURN_IF_ERROR(runtime.CreateVolume(container, config.labels).status());
    config.mounts = {{container, kNodeHome}};
    absl::StatusOr<std::string> created = runtime.CreateContainer(config);
    if (absl::IsNotFound(created.status())) {
      return absl::FailedPreconditionError(absl::StrCat(
          "image ", spec.postgres.image, " is not present: build it with hack/quickstart.sh"));
    }
    RETURN_IF_ERROR(created.status());
    RETURN_IF_ERROR(runtime.StartContainer(container));
  }
  absl::StatusOr<docker::ExecResult> result = RunCheck(runtime, container, conf);
  if (throwaway && runtime.RemoveContainer(container).ok()) (void)runtime.RemoveVolume(container);
  RETURN_IF_ERROR(result.status());
  if (result->exit_code == 0) return absl::OkStatus();
  const std::string said = PostgresWords(result->stderr_text + "\n" + result->stdout_text);
  const std::string field = FieldOfConfigurationError(spec, conf, said);
  std::string where;
  if (auto position = spec.positions.find(field); position != spec.positions.end()) {
    where = absl::StrCat(spec.source, ":", position->second.line, ": ");
  }
  return absl::InvalidArgumentError(
      absl::StrCat(where, field.empty() ? "postgresql.conf" : field, ": PostgreSQL refuses it: ",
                   said.empty() ? result->stderr_text : said, ". Nothing was changed."));
}

}  // namespace radctl
