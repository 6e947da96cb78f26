#include "crd-like-specs/spec_parser.h"

#include <cerrno>
#include <cstdio>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "crd-like-specs/spec_fields.h"
#include "crd-like-specs/spec_validators.h"
#include "crd-like-specs/time_text.h"
#include "crd-like-specs/yaml_reader.h"
#include "yaml-cpp/yaml.h"

namespace radctl {
namespace {

using spec_internal::Field;
using spec_internal::FieldRule;
using spec_internal::YamlReader;

using IntCheck = absl::FunctionRef<absl::Status(int64_t)>;
using TextCheck = absl::FunctionRef<absl::Status(std::string_view)>;

// Each Read* stores the field's value in `out` only when it has the right type and passes
// `check`; otherwise the reader has recorded why and `out` keeps its default.
void ReadInt(YamlReader& reader, const Field& field, IntCheck check, int& out) {
  std::optional<int64_t> value = reader.Int(field);
  if (!value.has_value()) return;
  if (absl::Status status = check(*value); !status.ok()) {
    reader.AddError(field, std::string(status.message()));
    return;
  }
  out = static_cast<int>(*value);  // every check bounds the value well inside int
}

// A port number, or `auto` (kAutoPort).
void ReadPort(YamlReader& reader, const Field& field, int& out) {
  if (field.value.IsScalar() && field.value.Scalar() == "auto") {
    out = kAutoPort;
    return;
  }
  int64_t number = 0;
  if (!field.value.IsScalar() || !absl::SimpleAtoi(field.value.Scalar(), &number)) {
    std::string got = field.value.IsMap()        ? "a mapping"
                      : field.value.IsSequence() ? "a list"
                      : field.value.IsScalar()   ? absl::StrCat("\"", field.value.Scalar(), "\"")
                                                 : "nothing";
    reader.AddError(field, absl::StrCat("expected a port number (1-65535) or auto, got ", got));
    return;
  }
  ReadInt(reader, field, CheckPort, out);
}

void ReadBool(YamlReader& reader, const Field& field, bool& out) {
  std::optional<bool> value = reader.Bool(field);
  if (value.has_value()) out = *value;
}

void ReadText(YamlReader& reader, const Field& field, TextCheck check, std::string& out) {
  std::optional<std::string> value = reader.Text(field);
  if (!value.has_value()) return;
  if (absl::Status status = check(*value); !status.ok()) {
    reader.AddError(field, std::string(status.message()));
    return;
  }
  out = *std::move(value);
}

// The rules of one section, from the field table: each reader's key must be a field the table
// lists (else the reference would miss it: reported as radctl's own error), and the table says
// which fields are required.
using Reader = std::function<void(const Field&)>;
std::vector<FieldRule> Documented(YamlReader& reader, const std::string& section,
                                  const std::vector<std::pair<std::string_view, Reader>>& readers) {
  std::vector<FieldRule> rules;
  for (const auto& [key, read] : readers) {
    const std::string path = section.empty() ? std::string(key) : section + "." + std::string(key);
    const SpecFieldDoc* doc = FindSpecField(path);
    if (doc == nullptr) {
      reader.AddError(YAML::Mark::null_mark(), path,
                      "radctl reads this field but its spec field table does not list it (a bug "
                      "in radctl: the reference must document every field)");
    }
    rules.push_back({key, read, doc != nullptr && doc->required});
  }
  return rules;
}

// A time as typed (RFC 3339, or as psql prints it), kept as RFC 3339: what reads it later
// (reconcilers/recovery_target.h) knows that one form.
void ReadTime(YamlReader& reader, const Field& field, std::string& out) {
  std::string typed;
  ReadText(reader, field, CheckRecoveryTime, typed);
  if (typed.empty()) return;
  absl::Time parsed;
  std::string error;
  out = absl::ParseTime(absl::RFC3339_full, typed, &parsed, &error)
            ? typed
            : FormatRfc3339(*ParseTimeWithZone(typed));
}

void ReadParameters(YamlReader& reader, const Field& section, PostgresSpec& out) {
  reader.ForEachEntry(section, [&](const Field& field) {
    if (absl::Status status = CheckParameterName(field.key); !status.ok()) {
      reader.AddError(field.key_node.Mark(), field.path, std::string(status.message()));
      return;
    }
    std::optional<std::string> value = reader.Text(field, "a string, number or boolean");
    if (!value.has_value()) return;
    if (absl::Status status = CheckParameterValue(*value); !status.ok()) {
      reader.AddError(field, std::string(status.message()));
      return;
    }
    out.parameters[field.key] = *std::move(value);
  });
}

void ReadPostgres(YamlReader& reader, const Field& section, PostgresSpec& out) {
  reader.ForEachField(
      section,
      Documented(
          reader, section.path,
          {
              {"version",
               [&](const Field& f) { ReadInt(reader, f, CheckPostgresVersion, out.version); }},
              {"image", [&](const Field& f) { ReadText(reader, f, CheckImage, out.image); }},
              {"parameters", [&](const Field& f) { ReadParameters(reader, f, out); }},
          }));
}

// spec.bouncer.readPort: a port number, or `auto` (kAutoReadPort).
void ReadReadPort(YamlReader& reader, const Field& field, int& out) {
  if (field.value.IsScalar() && field.value.Scalar() == "auto") {
    out = kAutoReadPort;
    return;
  }
  ReadInt(reader, field, CheckPort, out);
}

void ReadBouncer(YamlReader& reader, const Field& section, BouncerSpec& out) {
  reader.ForEachField(
      section,
      Documented(
          reader, section.path,
          {
              {"port", [&](const Field& f) { ReadPort(reader, f, out.port); }},
              {"bind", [&](const Field& f) { ReadText(reader, f, CheckBindAddress, out.bind); }},
              {"poolMode",
               [&](const Field& f) { ReadText(reader, f, CheckPoolMode, out.pool_mode); }},
              {"readPort", [&](const Field& f) { ReadReadPort(reader, f, out.read_port); }},
              {"readMaxLag",
               [&](const Field& f) { ReadText(reader, f, CheckWalSize, out.read_max_lag); }},
          }));
}

// `synchronous: true|false`, or `synchronous: {number: k}` for a quorum of k standbys.
void ReadSynchronous(YamlReader& reader, const Field& field, ReplicationSpec& out) {
  if (!field.value.IsMap()) {
    ReadBool(reader, field, out.synchronous);
    return;
  }
  out.synchronous = true;
  reader.ForEachField(field, Documented(reader, field.path,
                                        {
                                            {"number",
                                             [&](const Field& f) {
                                               ReadInt(reader, f, CheckSynchronousNumber,
                                                       out.synchronous_number);
                                             }},
                                        }));
}

void ReadReplication(YamlReader& reader, const Field& section, ReplicationSpec& out) {
  reader.ForEachField(
      section,
      Documented(reader, section.path,
                 {
                     {"synchronous", [&](const Field& f) { ReadSynchronous(reader, f, out); }},
                     {"maxSlotWalKeepSize",
                      [&](const Field& f) {
                        ReadText(reader, f, CheckWalSize, out.max_slot_wal_keep_size);
                      }},
                     {"maxMovedAside",
                      [&](const Field& f) {
                        ReadInt(reader, f, CheckMaxMovedAside, out.max_moved_aside);
                      }},
                 }));
}

void ReadFailover(YamlReader& reader, const Field& section, FailoverSpec& out) {
  reader.ForEachField(
      section,
      Documented(
          reader, section.path,
          {
              {"enabled", [&](const Field& f) { ReadBool(reader, f, out.enabled); }},
              {"detectionMs",
               [&](const Field& f) { ReadInt(reader, f, CheckDetectionMs, out.detection_ms); }},
          }));
}

void ReadAuth(YamlReader& reader, const Field& section, AuthSpec& out) {
  reader.ForEachField(
      section,
      Documented(
          reader, section.path,
          {
              {"user", [&](const Field& f) { ReadText(reader, f, CheckRoleName, out.user); }},
              {"database",
               [&](const Field& f) { ReadText(reader, f, CheckDatabaseName, out.database); }},
              {"password",
               [&](const Field& f) { ReadText(reader, f, CheckPassword, out.password); }},
              {"passwordFile",
               [&](const Field& f) { ReadText(reader, f, CheckPasswordFile, out.password_file); }},
          }));
}

void ReadBackup(YamlReader& reader, const Field& section, BackupSpec& out) {
  reader.ForEachField(
      section,
      Documented(
          reader, section.path,
          {
              {"enabled", [&](const Field& f) { ReadBool(reader, f, out.enabled); }},
              {"schedule",
               [&](const Field& f) { ReadText(reader, f, CheckBackupSchedule, out.schedule); }},
              {"retention",
               [&](const Field& retention) {
                 const std::vector<FieldRule> retention_rules = {
                     {"full", [&](const Field& f) {
                        ReadInt(reader, f, CheckRetentionFull, out.retention_full);
                      }}};
                 reader.ForEachField(retention, retention_rules);
               }},
              {"repository",
               [&](const Field& f) { ReadText(reader, f, CheckVolumeName, out.repository); }},
              {"compression",
               [&](const Field& f) { ReadText(reader, f, CheckCompression, out.compression); }},
          }));
}

void ReadRecovery(YamlReader& reader, const Field& section, RecoverySpec& out) {
  reader.ForEachField(
      section,
      Documented(
          reader, section.path,
          {
              {"fromCluster",
               [&](const Field& f) { ReadText(reader, f, CheckClusterName, out.from_cluster); }},
              {"targetTime", [&](const Field& f) { ReadTime(reader, f, out.target_time); }},
              {"targetLSN", [&](const Field& f) { ReadText(reader, f, CheckLsn, out.target_lsn); }},
              {"latest", [&](const Field& f) { ReadBool(reader, f, out.latest); }},
              {"repository",
               [&](const Field& f) { ReadText(reader, f, CheckVolumeName, out.repository); }},
          }));
}

void ReadBootstrap(YamlReader& reader, const Field& section, BootstrapSpec& out) {
  reader.ForEachField(section, Documented(reader, section.path,
                                          {
                                              {"recovery",
                                               [&](const Field& f) {
                                                 out.recovery.emplace();
                                                 ReadRecovery(reader, f, *out.recovery);
                                               }},
                                          }));
}

void ReadTls(YamlReader& reader, const Field& section, TlsSpec& out) {
  reader.ForEachField(
      section,
      Documented(reader, section.path,
                 {
                     {"enabled", [&](const Field& f) { ReadBool(reader, f, out.enabled); }},
                 }));
}

void ReadSpec(YamlReader& reader, const Field& section, ClusterSpec& out) {
  reader.ForEachField(
      section,
      Documented(
          reader, section.path,
          {
              {"nodes", [&](const Field& f) { ReadInt(reader, f, CheckNodeCount, out.nodes); }},
              {"profile", [&](const Field& f) { ReadText(reader, f, CheckProfile, out.profile); }},
              {"postgres", [&](const Field& f) { ReadPostgres(reader, f, out.postgres); }},
              {"bouncer", [&](const Field& f) { ReadBouncer(reader, f, out.bouncer); }},
              {"replication", [&](const Field& f) { ReadReplication(reader, f, out.replication); }},
              {"failover", [&](const Field& f) { ReadFailover(reader, f, out.failover); }},
              {"auth", [&](const Field& f) { ReadAuth(reader, f, out.auth); }},
              {"backup", [&](const Field& f) { ReadBackup(reader, f, out.backup); }},
              {"bootstrap", [&](const Field& f) { ReadBootstrap(reader, f, out.bootstrap); }},
              {"tls", [&](const Field& f) { ReadTls(reader, f, out.tls); }},
          }));
}

void ReadMetadata(YamlReader& reader, const Field& section, ClusterSpec& out) {
  reader.ForEachField(
      section,
      Documented(
          reader, section.path,
          {
              {"name", [&](const Field& f) { ReadText(reader, f, CheckClusterName, out.name); }},
          }));
}

// Only the value matters for apiVersion and kind; they are checked, not stored.
void CheckText(YamlReader& reader, const Field& field, TextCheck check) {
  std::string ignored;
  ReadText(reader, field, check, ignored);
}

void ReadDocument(YamlReader& reader, const YAML::Node& root, ClusterSpec& out) {
  if (!root.IsMap()) {
    reader.AddError(root.Mark(), "",
                    "expected a mapping with apiVersion, kind, metadata and spec, got " +
                        std::string(root.IsSequence() ? "a sequence" : "a single value"));
    return;
  }
  reader.ForEachField(
      root,
      Documented(reader, "",
                 {
                     {"apiVersion", [&](const Field& f) { CheckText(reader, f, CheckApiVersion); }},
                     {"kind", [&](const Field& f) { CheckText(reader, f, CheckKind); }},
                     {"metadata", [&](const Field& f) { ReadMetadata(reader, f, out); }},
                     {"spec", [&](const Field& f) { ReadSpec(reader, f, out); }},
                 }));
}

void ReadDocuments(YamlReader& reader, const std::vector<YAML::Node>& documents, ClusterSpec& out) {
  // A document holding only comments or "---" loads as null: as empty as no document.
  if (documents.empty() || documents[0].IsNull()) {
    reader.AddError(YAML::Mark::null_mark(), "",
                    "the file is empty; expected a PostgresCluster spec");
    return;
  }
  if (documents.size() > 1) {
    reader.AddError(documents[1].Mark(), "",
                    absl::StrFormat("a spec file holds one document, found %d", documents.size()));
  }
  ReadDocument(reader, documents[0], out);
}

// Where `path` was written, as a yaml-cpp mark (0-based); `fallback` (another path) when it was
// not written; a null mark when neither was.
YAML::Mark MarkOf(const YamlReader& reader, const std::string& path,
                  const std::string& fallback = "") {
  YAML::Mark mark = YAML::Mark::null_mark();
  auto at = reader.positions().find(path);
  if (at == reader.positions().end() && !fallback.empty()) at = reader.positions().find(fallback);
  if (at != reader.positions().end()) {
    mark.line = at->second.line - 1;
    mark.column = at->second.column - 1;
  }
  return mark;
}

// spec.bootstrap.recovery: exactly one target, and another cluster as the source.
void CheckRecovery(YamlReader& reader, const ClusterSpec& spec) {
  if (!spec.bootstrap.recovery.has_value()) return;
  const RecoverySpec& recovery = *spec.bootstrap.recovery;
  const std::string base = "spec.bootstrap.recovery";
  // A target written counts even when its value was refused (that error is reported already).
  auto written = [&](const char* key) {
    return reader.positions().count(absl::StrCat(base, ".", key)) > 0;
  };
  int targets =
      (written("targetTime") ? 1 : 0) + (written("targetLSN") ? 1 : 0) + (recovery.latest ? 1 : 0);
  if (targets != 1) {
    reader.AddError(MarkOf(reader, base), base,
                    targets == 0 ? "needs a target: one of targetTime, targetLSN or latest: true"
                                 : "give one target only: targetTime, targetLSN or latest: true");
  }
  if (!recovery.from_cluster.empty() && recovery.from_cluster == spec.name) {
    reader.AddError(MarkOf(reader, base + ".fromCluster"), base + ".fromCluster",
                    absl::StrCat("a cluster cannot be recovered from itself (metadata.name is \"",
                                 spec.name, "\"); radctl only restores into a new cluster"));
  }
}

// Rules that involve more than one field: parameters that would break a promise the rest of
// the spec asks for. Reported at the parameter's place.
void CheckAcrossFields(YamlReader& reader, const ClusterSpec& spec) {
  CheckRecovery(reader, spec);
  for (const auto& [name, value] : spec.postgres.parameters) {
    absl::Status status = CheckParameterKeepsPromises(name, value, spec.replication.synchronous);
    if (status.ok()) continue;
    std::string path = absl::StrCat("spec.postgres.parameters.", name);
    auto at = reader.positions().find(path);
    YAML::Mark mark = YAML::Mark::null_mark();
    if (at != reader.positions().end()) {
      mark.line = at->second.line - 1;
      mark.column = at->second.column - 1;
    }
    reader.AddError(mark, path, std::string(status.message()));
  }
  if (spec.replication.synchronous && spec.replication.synchronous_number >= spec.nodes &&
      spec.nodes > 1) {
    auto at = reader.positions().find("spec.replication.synchronous.number");
    YAML::Mark mark = YAML::Mark::null_mark();
    if (at != reader.positions().end()) {
      mark.line = at->second.line - 1;
      mark.column = at->second.column - 1;
    }
    reader.AddError(
        mark, "spec.replication.synchronous.number",
        absl::StrFormat("must be less than spec.nodes (%d): with %d standbys, %d "
                        "acknowledgements would stop every write",
                        spec.nodes, spec.nodes - 1, spec.replication.synchronous_number));
  }
}

// A password is given once: in the spec, or in the file it names.
void CheckPasswordAcrossFields(YamlReader& reader, const ClusterSpec& spec) {
  if (spec.auth.password.empty() || spec.auth.password_file.empty()) return;
  reader.AddError(MarkOf(reader, "spec.auth.passwordFile"), "spec.auth.passwordFile",
                  "give the password once: either spec.auth.password or spec.auth.passwordFile");
}

// The read endpoint is a second bouncer published on the same address: it needs a port of its own.
void CheckReadPortAcrossFields(YamlReader& reader, const ClusterSpec& spec) {
  if (spec.bouncer.read_port <= kNoReadPort || spec.bouncer.read_port != spec.bouncer.port) return;
  auto at = reader.positions().find("spec.bouncer.readPort");
  YAML::Mark mark = YAML::Mark::null_mark();
  if (at != reader.positions().end()) {
    mark.line = at->second.line - 1;
    mark.column = at->second.column - 1;
  }
  reader.AddError(mark, "spec.bouncer.readPort",
                  absl::StrCat("must differ from spec.bouncer.port (", spec.bouncer.port,
                               "): the read endpoint is a second bouncer on the same address"));
}

// A plaintext endpoint is only acceptable where nothing but this host can reach it.
void CheckTlsAcrossFields(YamlReader& reader, const ClusterSpec& spec) {
  if (spec.tls.enabled || IsLoopbackAddress(spec.bouncer.bind)) return;
  auto at = reader.positions().find("spec.tls.enabled");
  YAML::Mark mark = YAML::Mark::null_mark();
  if (at != reader.positions().end()) {
    mark.line = at->second.line - 1;
    mark.column = at->second.column - 1;
  }
  reader.AddError(mark, "spec.tls.enabled",
                  absl::StrCat("TLS can be turned off only for an endpoint bound to loopback, but "
                               "spec.bouncer.bind is ",
                               spec.bouncer.bind,
                               ": clients elsewhere would send passwords and data in the clear"));
}

absl::Status ReadFileError(const std::string& what, const std::string& path, int error_number) {
  return absl::ErrnoToStatus(error_number, absl::StrCat("cannot read ", what, " ", path));
}

// `what` names the file in errors ("spec file").
absl::StatusOr<std::string> ReadFile(const std::string& path, const std::string& what) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (file == nullptr) return ReadFileError(what, path, errno);
  std::string contents;
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file.get())) > 0) contents.append(buffer, n);
  // A directory opens fine and fails here, with EISDIR.
  if (std::ferror(file.get())) return ReadFileError(what, path, errno);
  return contents;
}

// spec.auth.passwordFile: the password is the file's content (a trailing newline left out),
// checked as spec.auth.password is. A relative path is relative to the spec file's folder. The
// message never repeats the password.
void ReadPasswordFile(const std::string& spec_path, SpecParseResult& result) {
  ClusterSpec& spec = result.spec;
  if (spec.auth.password_file.empty()) return;
  std::string file = spec.auth.password_file;
  if (file[0] != '/') {
    size_t slash = spec_path.rfind('/');
    if (slash != std::string::npos) file = spec_path.substr(0, slash + 1) + file;
  }
  FieldError error;
  error.file = spec_path;
  error.path = "spec.auth.passwordFile";
  auto at = spec.positions.find(error.path);
  if (at != spec.positions.end()) {
    error.line = at->second.line;
    error.column = at->second.column;
  }
  absl::StatusOr<std::string> content = ReadFile(file, "password file");
  if (!content.ok()) {
    error.message = std::string(content.status().message());
  } else {
    std::string password = *std::move(content);
    while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) {
      password.pop_back();
    }
    absl::Status valid =
        password.empty() ? absl::InvalidArgumentError("is empty") : CheckPassword(password);
    if (valid.ok()) {
      spec.auth.password = std::move(password);
      return;
    }
    error.message = absl::StrCat("the password in ", file, " ", valid.message());
  }
  result.errors.push_back(std::move(error));
  result.spec = ClusterSpec();
}

}  // namespace

std::string FieldError::ToString() const {
  std::string where = line > 0 ? absl::StrFormat("%s:%d:%d", file, line, column) : file;
  if (path.empty()) return absl::StrCat(where, ": ", message);
  return absl::StrCat(where, ": ", path, ": ", message);
}

SpecParseResult ParseClusterSpec(std::string_view yaml_text, std::string_view file) {
  SpecParseResult result;
  YamlReader reader(file);
  try {
    ReadDocuments(reader, YAML::LoadAll(std::string(yaml_text)), result.spec);
  } catch (const YAML::Exception& e) {
    // yaml-cpp reports syntax errors by throwing; they stop here, as one FieldError.
    reader.AddError(e.mark, "", absl::StrCat("invalid YAML: ", e.msg));
  }
  CheckAcrossFields(reader, result.spec);
  CheckTlsAcrossFields(reader, result.spec);
  CheckPasswordAcrossFields(reader, result.spec);
  CheckReadPortAcrossFields(reader, result.spec);
  result.errors = reader.TakeErrors();
  if (!result.ok()) {
    result.spec = ClusterSpec();  // an invalid spec yields no half-filled ClusterSpec
    return result;
  }
  result.spec.positions = reader.positions();
  result.spec.source = std::string(file);
  ApplyDefaults(result.spec);
  return result;
}

absl::StatusOr<ClusterSpec> LoadClusterSpecFile(const std::string& path, std::string* content) {
  absl::StatusOr<std::string> text = ReadFile(path, "spec file");
  if (!text.ok()) return text.status();
  if (content != nullptr) *content = *text;
  SpecParseResult result = ParseClusterSpec(*text, path);
  if (result.ok()) ReadPasswordFile(path, result);
  if (result.ok()) return std::move(result.spec);
  std::vector<std::string> lines;
  for (const FieldError& error : result.errors) lines.push_back(error.ToString());
  size_t count = result.errors.size();
  return absl::InvalidArgumentError(
      absl::StrFormat("spec file %s is invalid (%d %s); nothing was changed:\n  %s", path, count,
                      count == 1 ? "error" : "errors", absl::StrJoin(lines, "\n  ")));
}

absl::Status ValidateSpec(const ClusterSpec& spec) {
  SpecParseResult result = ParseClusterSpec(ClusterSpecToYaml(spec), "");
  if (result.ok()) return absl::OkStatus();
  std::vector<std::string> lines;
  for (const FieldError& error : result.errors) {
    lines.push_back(error.path.empty() ? error.message
                                       : absl::StrCat(error.path, ": ", error.message));
  }
  return absl::InvalidArgumentError(absl::StrJoin(lines, "; "));
}

void ApplyDefaults(ClusterSpec& spec) {
  // Everything else defaults through ClusterSpec's member initializers; only the image depends
  // on another field (the backup repositories' names do too, through BackupRepository()).
  if (spec.postgres.image.empty()) {
    spec.postgres.image = absl::StrCat("radctl/postgres:", spec.postgres.version);
  }
}

}  // namespace radctl
