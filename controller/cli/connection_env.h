// `radctl status NAME -o env`: how to reach the cluster as libpq's environment variables and a
// DATABASE_URL, in the form `eval "$(radctl status demo -o env)"` takes in a CI job (the form of
// `docker-machine env`). Pure.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "controller/config/secrets.h"
#include "crd-like-specs/cluster_spec.h"

namespace radctl::cli {

// PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, PGSSLMODE, PGSSLROOTCERT (with TLS) and
// DATABASE_URL, for the write endpoint or (with `read`) the read-only one.
std::vector<std::pair<std::string, std::string>> ConnectionEnvironment(
    const ClusterSpec& spec, const ClusterSecrets& secrets, bool read);

// One `export NAME='value'` line per variable, each value quoted for the shell.
std::string ShellExports(const std::vector<std::pair<std::string, std::string>>& variables);

}  // namespace radctl::cli
