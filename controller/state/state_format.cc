#include "controller/state/state_format.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "controller/state/cluster_credentials.h"
#include "crd-like-specs/status_macros.h"

namespace radctl {
namespace {

constexpr char kFormatFile[] = "format.json";

std::string FormatPath(const std::string& dir) { return absl::StrCat(dir, "/", kFormatFile); }

// What format.json says, or nullopt when there is none.
absl::StatusOr<std::optional<nlohmann::json>> ReadFormatFile(const StateFiles& files,
                                                             const std::string& dir) {
  absl::StatusOr<std::string> text = files.Read(FormatPath(dir));
  if (absl::IsNotFound(text.status())) return std::optional<nlohmann::json>();
  RETURN_IF_ERROR(text.status());
  nlohmann::json json = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("format") || !json["format"].is_number_integer()) {
    return absl::DataLossError(absl::StrCat(FormatPath(dir),
                                            " is damaged: expected {\"format\": "
                                            "N, ...}; restore it, or delete it if the state "
                                            "was written by radctl 0.1.0"));
  }
  return std::optional<nlohmann::json>(std::move(json));
}

absl::Status WriteFormat(const StateFiles& files, const std::string& dir,
                         const std::string& writer) {
  nlohmann::ordered_json json = {{"format", kStateFormat}, {"written_by", writer}};
  return files.Write(FormatPath(dir), json.dump(2) + "\n", 0600);
}

}  // namespace

absl::StatusOr<int> ReadStateFormat(const ClusterStore& store) {
  ASSIGN_OR_RETURN(std::optional<nlohmann::json> format,
                   ReadFormatFile(store.files(), store.dir()));
  if (format.has_value()) return (*format)["format"].get<int>();
  return absl::IsNotFound(store.LoadSpec().status()) ? 0 : 1;
}

absl::Status RecordStateFormat(const StateFiles& files, const std::string& dir,
                               const std::string& writer) {
  ASSIGN_OR_RETURN(std::optional<nlohmann::json> format, ReadFormatFile(files, dir));
  if (format.has_value()) return absl::OkStatus();
  return WriteFormat(files, dir, writer);
}

absl::Status CheckStateFormat(const ClusterStore& store) {
  ASSIGN_OR_RETURN(std::optional<nlohmann::json> format,
                   ReadFormatFile(store.files(), store.dir()));
  if (!format.has_value() || (*format)["format"].get<int>() <= kStateFormat) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "the state of this cluster (", store.dir(), ") has format ", (*format)["format"].get<int>(),
      ", written by ", format->value("written_by", "a newer radctl"),
      "; this radctl knows formats up to ", kStateFormat,
      " and could misread it: use that radctl or a newer one. Nothing was changed."));
}

absl::Status UpgradeStateFormat(ClusterStore& store, absl::Time now, const std::string& writer,
                                std::string* taken_over) {
  RETURN_IF_ERROR(CheckStateFormat(store));
  ASSIGN_OR_RETURN(int format, ReadStateFormat(store));
  if (format == 0 || format == kStateFormat) return absl::OkStatus();
  std::string done;
  if (format == 1) {
    // The stored spec reads with today's defaults (tls.enabled: true) and is written back with
    // every field; the credentials TLS and the bouncer's userlist need are made.
    ASSIGN_OR_RETURN(ClusterSpec spec, store.LoadSpec());
    RETURN_IF_ERROR(EnsureCredentials(store, spec, now).status());
    RETURN_IF_ERROR(store.SaveSpec(spec, /*file_digest=*/""));
    done =
        "SCRAM secrets computed, a CA and server certificate made (TLS is on: the nodes and "
        "the bouncer are reconfigured with it), the spec rewritten with every field";
  }
  RETURN_IF_ERROR(WriteFormat(store.files(), store.dir(), writer));
  if (taken_over != nullptr) {
    *taken_over =
        absl::StrCat("state format ", format, " (an older radctl's) taken over as format ",
                     kStateFormat, ": ", done);
  }
  return absl::OkStatus();
}

}  // namespace radctl
