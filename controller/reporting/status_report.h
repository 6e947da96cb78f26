// `radctl status`: desired vs observed, as a table for people and as JSON for scripts. The JSON
// shape is a stable contract: {"name", "primary", "endpoint": {"host", "port", "uri"},
// "bouncer": {"target"}, "nodes": [{"name", "role", "running", "upstream", "lag_bytes"}]}
// (more fields may be added, none removed). Pure: rendering is unit-tested.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "controller/config/secrets.h"
#include "controller/reporting/conditions.h"
#include "controller/reporting/node_states.h"
#include "controller/state/cluster_store.h"
#include "crd-like-specs/cluster_spec.h"
#include "reconcilers/observed_state.h"

namespace radctl {

// "postgresql://app:PASSWORD@127.0.0.1:6543/app"; the password as "****" when masked.
std::string EndpointUri(const ClusterSpec& spec, const ClusterSecrets& secrets, bool masked);
// The read-only endpoint's URI (spec.bouncer.readPort; same user, database and TLS parameters);
// "" when the spec has none.
std::string ReadEndpointUri(const ClusterSpec& spec, const ClusterSecrets& secrets, bool masked);

// What status shows beyond the observation: conditions and how long nodes have been in their
// roles (from the watcher, or computed by the caller), and the time to measure durations to.
struct StatusDetails {
  std::vector<Condition> conditions;
  std::map<std::string, NodeState> node_states;
  absl::Time now = absl::InfinitePast();
};

std::string StatusJson(const ClusterSpec& spec, const ClusterSecrets& secrets,
                       const ObservedState& observed, const StatusDetails& details = {},
                       bool mask_password = false);
std::string StatusTable(const ClusterSpec& spec, const ClusterSecrets& secrets,
                        const ObservedState& observed, const StatusDetails& details = {});

// `radctl events`: one line per event / a JSON array.
std::string EventsTable(const std::vector<EventRecord>& events);
std::string EventsJson(const std::vector<EventRecord>& events);

// "3m12s" (whole seconds), "-" for an unknown start.
std::string HumanDuration(absl::Time since, absl::Time now);

}  // namespace radctl
