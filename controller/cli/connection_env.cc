#include "controller/cli/connection_env.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "controller/reporting/status_report.h"

namespace radctl::cli {

std::vector<std::pair<std::string, std::string>> ConnectionEnvironment(
    const ClusterSpec& spec, const ClusterSecrets& secrets, bool read) {
  const int port = read ? spec.bouncer.read_port : spec.bouncer.port;
  // The certificate names 127.0.0.1 and the bind address; 0.0.0.0 is reached on loopback.
  const std::string host = spec.bouncer.bind == "0.0.0.0" ? "127.0.0.1" : spec.bouncer.bind;
  std::vector<std::pair<std::string, std::string>> variables = {
      {"PGHOST", host},
      {"PGPORT", absl::StrCat(port)},
      {"PGDATABASE", spec.auth.database},
      {"PGUSER", spec.auth.user},
      {"PGPASSWORD", secrets.app_password},
  };
  const bool tls = spec.tls.enabled && !secrets.ca_file.empty();
  variables.push_back({"PGSSLMODE", tls ? "verify-full" : "disable"});
  if (tls) variables.push_back({"PGSSLROOTCERT", secrets.ca_file});
  variables.push_back({"DATABASE_URL", read ? ReadEndpointUri(spec, secrets, /*masked=*/false)
                                            : EndpointUri(spec, secrets, /*masked=*/false)});
  return variables;
}

std::string ShellExports(const std::vector<std::pair<std::string, std::string>>& variables) {
  std::string out;
  for (const auto& [name, value] : variables) {
    // Inside single quotes only a single quote needs care: close, escape it, reopen.
    absl::StrAppend(&out, "export ", name, "='", absl::StrReplaceAll(value, {{"'", "'\\''"}}),
                    "'\n");
  }
  return out;
}

}  // namespace radctl::cli
