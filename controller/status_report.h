// `radctl status`: desired vs observed, as a table for people and as JSON for scripts. The JSON
// shape is a stable contract: {"name", "primary", "endpoint": {"host", "port", "uri"},
// "bouncer": {"target"}, "nodes": [{"name", "role", "running", "upstream", "lag_bytes"}]}
// (more fields may be added, none removed). Pure: rendering is unit-tested.
#pragma once

#include <string>

#include "controller/config/secrets.h"
#include "crd-like-specs/cluster_spec.h"
#include "reconcilers/observed_state.h"

namespace radctl {

// "postgresql://app:PASSWORD@127.0.0.1:6543/app"; the password as "****" when masked.
std::string EndpointUri(const ClusterSpec& spec, const ClusterSecrets& secrets, bool masked);

// "primary" | "standby" | "fenced" (a former primary waiting for the controller) | "down".
std::string NodeRole(const NodeObservation& node);

std::string StatusJson(const ClusterSpec& spec, const ClusterSecrets& secrets,
                       const ObservedState& observed);
std::string StatusTable(const ClusterSpec& spec, const ClusterSecrets& secrets,
                        const ObservedState& observed);

}  // namespace radctl
