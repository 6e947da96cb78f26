// Bad configuration never reaches a node: postgresql.conf, as radctl renders it from a spec, is
// first read by the image's own Postgres (`postgres -C`), in a running node of the cluster or
// else in a throwaway container. A value Postgres refuses becomes a spec error naming the field
// and its line, before anything is changed.
#pragma once

#include "absl/status/status.h"
#include "controller/clients/container_runtime.h"
#include "crd-like-specs/cluster_spec.h"

namespace radctl {

// OK when Postgres accepts the configuration; InvalidArgument ("demo.yaml:9: spec.postgres.
// parameters.work_mem: PostgreSQL refuses it: invalid value ...") when it does not; another
// code when the check itself could not run.
[[nodiscard]] absl::Status CheckConfigurationWithPostgres(const ContainerRuntime& runtime,
                                                          const ClusterSpec& spec);

// The field of `spec` behind what Postgres said about `conf` (its rendered postgresql.conf) in
// `postgres_output`: "spec.postgres.parameters.work_mem", or "" when it names none. Pure.
std::string FieldOfConfigurationError(const ClusterSpec& spec, const std::string& conf,
                                      const std::string& postgres_output);

}  // namespace radctl
