// CloudNativePG's own lists of what a Cluster and a Pooler accept, copied from its source at
// v1.30.0 (tests/unit/export checks they equal the lists in
// tests/unit/export/testdata/cnpg-v1.30.0/, read from the Go files): the Postgres parameters its
// webhook refuses (pkg/postgres/configuration.go, FixedConfigurationParameters: both the "fixed"
// ones it sets itself and the "blocked" ones) and the PgBouncer parameters a Pooler may set
// (internal/webhook/v1/pooler_webhook.go, AllowedPgbouncerGenericConfigurationParameters).
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace radctl::exporting {

inline constexpr char kCnpgSourceVersion[] = "v1.30.0";

const std::vector<std::string>& CnpgFixedParameters();
const std::vector<std::string>& CnpgPoolerParameters();

// spec.postgresql.parameters.NAME is refused by CloudNativePG's webhook.
bool CnpgRefusesParameter(absl::string_view name);
// spec.pgbouncer.parameters.NAME is accepted by a Pooler.
bool CnpgPoolerAccepts(absl::string_view name);

}  // namespace radctl::exporting
