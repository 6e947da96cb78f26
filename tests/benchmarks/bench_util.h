// Small helpers of the benchmark programs: a spec with a known password (so a client can
// connect before apply has finished), removing a cluster, medians. Figures are printed, never
// asserted.
#pragma once

#include <string>
#include <vector>

#include "controller/clients/postgres/pg_connection.h"

namespace radctl::bench {

inline constexpr char kPassword[] = "benchmark-password";

// Writes /tmp/radctl-bench-NAME.yaml and returns its path.
std::string WriteSpec(const std::string& name, int nodes, int port, const std::string& extra = "");
// Removes every Docker object labelled as cluster `name`, and its state.
void RemoveCluster(const std::string& name);
// The app user through the bouncer on 127.0.0.1:port.
PgEndpoint AppEndpoint(int port);
double Median(std::vector<double> values);

}  // namespace radctl::bench

namespace radctl::bench {

// `radctl status NAME -o json`, parsed; an empty object when it fails.
std::string StatusField(const std::string& name, const std::string& field);
// True when the cluster has one primary the bouncer points to and `standbys` streaming standbys.
bool Healthy(const std::string& name, int standbys);
// Runs a shell command, output discarded; returns its exit code.
int Sh(const std::string& command);

}  // namespace radctl::bench
