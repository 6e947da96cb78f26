#include "controller/reporting/status_report.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "reconcilers/naming.h"
#include "reconcilers/plan.h"
#include "reconcilers/read_endpoint.h"
#include "reconcilers/tls_policy.h"

namespace radctl {
namespace {

const NodeObservation* WritablePrimary(const ObservedState& observed) {
  for (const NodeObservation& node : observed.nodes) {
    if (node.IsWritablePrimary()) return &node;
  }
  return nullptr;
}

// Bytes the standby has yet to replay, measured against the primary's current position.
std::optional<int64_t> LagBytes(const NodeObservation& node, const NodeObservation* primary) {
  if (primary == nullptr || !node.IsReachableStandby()) return std::nullopt;
  if (node.replay_lsn >= primary->current_lsn) return 0;
  return static_cast<int64_t>(primary->current_lsn - node.replay_lsn);
}

bool IsDesired(const ClusterSpec& spec, const ObservedState& observed, int ordinal) {
  std::vector<int> desired = DesiredOrdinals(spec, observed);
  return std::find(desired.begin(), desired.end(), ordinal) != desired.end();
}

std::string EndpointHost(const ClusterSpec& spec) {
  return spec.bouncer.bind == "0.0.0.0" ? "127.0.0.1" : spec.bouncer.bind;
}

// When the server certificate expires (and is renewed: tls_policy.h), or that TLS is off.
std::string CertificateExpiry(const ObservedState& observed) {
  if (observed.certificate.fingerprint.empty()) return "";
  return absl::FormatTime("%Y-%m-%d %H:%M UTC", observed.certificate.not_after,
                          absl::UTCTimeZone());
}

std::string TlsLine(const ClusterSpec& spec, const ObservedState& observed) {
  if (!spec.tls.enabled) return "TLS      off (spec.tls.enabled: false; loopback only)";
  const std::string expiry = CertificateExpiry(observed);
  return absl::StrCat("TLS      on; server certificate ",
                      expiry.empty()
                          ? std::string("not made yet")
                          : absl::StrCat("expires ", expiry, ", renewed ",
                                         absl::ToInt64Hours(kRenewBefore) / 24, " days before"));
}

}  // namespace

std::string EndpointUri(const ClusterSpec& spec, const ClusterSecrets& secrets, bool masked) {
  std::string uri =
      absl::StrCat("postgresql://", spec.auth.user, ":", masked ? "****" : secrets.app_password,
                   "@", EndpointHost(spec), ":", spec.bouncer.port, "/", spec.auth.database);
  // psql verifies the bouncer against the cluster's CA (the certificate names 127.0.0.1,
  // localhost and the bind address).
  if (spec.tls.enabled && !secrets.ca_file.empty()) {
    absl::StrAppend(&uri, "?sslmode=verify-full&sslrootcert=", secrets.ca_file);
  }
  return uri;
}

std::string ReadEndpointUri(const ClusterSpec& spec, const ClusterSecrets& secrets, bool masked) {
  if (spec.bouncer.read_port == kNoReadPort) return "";
  ClusterSpec read = spec;
  read.bouncer.port = spec.bouncer.read_port;  // the same address, user, database and TLS
  return EndpointUri(read, secrets, masked);
}

std::string HumanDuration(absl::Time since, absl::Time now) {
  if (since == absl::InfinitePast() || now < since) return "-";
  return absl::FormatDuration(absl::Trunc(now - since, absl::Seconds(1)));
}

std::string EventsTable(const std::vector<EventRecord>& events) {
  std::string out =
      absl::StrFormat("%-24s %-8s %-18s %-16s %s\n", "TIME", "TYPE", "OBJECT", "REASON", "MESSAGE");
  for (const EventRecord& e : events) {
    absl::StrAppendFormat(&out, "%-24s %-8s %-18s %-16s %s\n",
                          absl::FormatTime("%Y-%m-%d %H:%M:%E3S", e.time, absl::LocalTimeZone()),
                          e.type, e.object, e.reason, e.message);
  }
  return out;
}

std::string EventsJson(const std::vector<EventRecord>& events) {
  nlohmann::json json = nlohmann::json::array();
  for (const EventRecord& e : events) {
    json.push_back({{"time", absl::FormatTime(absl::RFC3339_full, e.time, absl::UTCTimeZone())},
                    {"type", e.type},
                    {"object", e.object},
                    {"reason", e.reason},
                    {"message", e.message}});
  }
  return json.dump(2) + "\n";
}

std::string StatusJson(const ClusterSpec& spec, const ClusterSecrets& secrets,
                       const ObservedState& observed, const StatusDetails& details,
                       bool mask_password) {
  const NodeObservation* primary = WritablePrimary(observed);
  nlohmann::json nodes = nlohmann::json::array();
  for (const NodeObservation& node : observed.nodes) {
    std::optional<int64_t> lag = LagBytes(node, primary);
    nodes.push_back({{"name", node.name},
                     {"ordinal", node.ordinal},
                     {"role", NodeRole(node)},
                     {"running", node.container == ContainerState::kRunning},
                     {"upstream", node.wal_receiver.sender_host.empty()
                                      ? nlohmann::json(nullptr)
                                      : nlohmann::json(node.wal_receiver.sender_host)},
                     {"streaming", node.wal_receiver.status == "streaming"},
                     {"lag_bytes", lag ? nlohmann::json(*lag) : nlohmann::json(nullptr)},
                     {"desired", IsDesired(spec, observed, node.ordinal)},
                     {"image", node.image},
                     {"moved_aside", node.moved_aside}});
    nlohmann::json& entry = nodes.back();
    entry["lag_seconds"] = nullptr;
    for (const ReplicationConnection& connection : observed.replication) {
      if (connection.application_name == node.name && node.IsReachableStandby()) {
        entry["lag_seconds"] = connection.replay_lag_seconds;
      }
    }
    auto state = details.node_states.find(node.name);
    entry["state_since"] =
        state != details.node_states.end() && state->second.role == NodeRole(node)
            ? nlohmann::json(
                  absl::FormatTime(absl::RFC3339_full, state->second.since, absl::UTCTimeZone()))
            : nlohmann::json(nullptr);
  }
  nlohmann::json conditions = nlohmann::json::array();
  for (const Condition& c : details.conditions) {
    conditions.push_back(
        {{"type", c.type},
         {"status", c.status ? "True" : "False"},
         {"reason", c.reason},
         {"message", c.message},
         {"lastTransitionTime",
          absl::FormatTime(absl::RFC3339_full, c.last_transition, absl::UTCTimeZone())}});
  }
  nlohmann::json json = {
      {"name", spec.name},
      {"desired_nodes", spec.nodes},
      {"primary", primary ? nlohmann::json(primary->name) : nlohmann::json(nullptr)},
      {"endpoint",
       {{"host", EndpointHost(spec)},
        {"port", spec.bouncer.port},
        {"uri", EndpointUri(spec, secrets, mask_password)}}},
      {"tls",
       {{"enabled", spec.tls.enabled},
        {"certificate_expires", CertificateExpiry(observed).empty()
                                    ? nlohmann::json(nullptr)
                                    : nlohmann::json(CertificateExpiry(observed))}}},
      {"bouncer",
       {{"target", observed.bouncer.target_host.empty()
                       ? nlohmann::json(nullptr)
                       : nlohmann::json(observed.bouncer.target_host)},
        {"running", observed.bouncer.container == ContainerState::kRunning},
        {"paused", observed.bouncer.paused}}},
      {"nodes", nodes},
      {"conditions", conditions}};
  json["read_endpoint"] = nullptr;
  if (spec.bouncer.read_port != kNoReadPort) {
    ObservedReadEndpoint read = ReadEndpointOf(spec, observed);
    nlohmann::json serves = nlohmann::json::array();
    for (int ordinal : read.serves) serves.push_back(NodeName(spec.name, ordinal));
    json["read_endpoint"] = {
        {"host", EndpointHost(spec)},
        {"port", spec.bouncer.read_port},
        {"uri", ReadEndpointUri(spec, secrets, mask_password)},
        {"serves", serves},
        {"fallback", read.fallback},
        {"max_lag", spec.bouncer.read_max_lag},
        {"running", observed.read_bouncer.container == ContainerState::kRunning}};
  }
  return json.dump(2) + "\n";
}

std::string StatusTable(const ClusterSpec& spec, const ClusterSecrets& secrets,
                        const ObservedState& observed, const StatusDetails& details) {
  const NodeObservation* primary = WritablePrimary(observed);
  int desired_running = 0;
  for (const NodeObservation& node : observed.nodes) {
    if (IsDesired(spec, observed, node.ordinal) &&
        (node.IsWritablePrimary() || node.IsReachableStandby())) {
      ++desired_running;
    }
  }
  std::string out =
      absl::StrFormat("CLUSTER %s   nodes %d/%d ready   primary %s\n", spec.name, desired_running,
                      spec.nodes, primary ? primary->name : std::string("none"));
  absl::StrAppendFormat(
      &out, "ENDPOINT %s -> %s\n", EndpointUri(spec, secrets, true),
      observed.bouncer.target_host.empty() ? "(no target)" : observed.bouncer.target_host);
  if (spec.bouncer.read_port != kNoReadPort) {
    ObservedReadEndpoint read = ReadEndpointOf(spec, observed);
    std::vector<std::string> names;
    for (int ordinal : read.serves) names.push_back(NodeName(spec.name, ordinal));
    absl::StrAppendFormat(&out, "READ     %s -> %s\n", ReadEndpointUri(spec, secrets, true),
                          names.empty()   ? std::string("(no target)")
                          : read.fallback ? absl::StrCat("fallback: primary ", names[0])
                                          : absl::StrJoin(names, ", "));
  }
  absl::StrAppend(&out, "\n", TlsLine(spec, observed), "\n");
  absl::StrAppendFormat(&out, "%-16s %-8s %-8s %-16s %-11s %-12s %-10s %s\n", "NAME", "ROLE",
                        "RUNNING", "UPSTREAM", "STATE", "LAG", "ROLE FOR", "IMAGE");
  for (const NodeObservation& node : observed.nodes) {
    std::optional<int64_t> lag = LagBytes(node, primary);
    std::string state = node.IsReachableStandby()
                            ? (node.wal_receiver.status.empty() ? std::string("no-receiver")
                                                                : node.wal_receiver.status)
                            : "-";
    std::string lag_text = lag ? absl::StrCat(*lag, " B") : "-";
    for (const ReplicationConnection& connection : observed.replication) {
      if (connection.application_name == node.name && lag) {
        absl::StrAppendFormat(&lag_text, "/%.1fs", connection.replay_lag_seconds);
      }
    }
    auto node_state = details.node_states.find(node.name);
    std::string role_for =
        node_state != details.node_states.end() && node_state->second.role == NodeRole(node)
            ? HumanDuration(node_state->second.since, details.now)
            : "-";
    absl::StrAppendFormat(
        &out, "%-16s %-8s %-8s %-16s %-11s %-12s %-10s %s%s\n", node.name, NodeRole(node),
        node.container == ContainerState::kRunning ? "yes" : "no",
        node.wal_receiver.sender_host.empty() ? "-" : node.wal_receiver.sender_host, state,
        lag_text, role_for, node.image.empty() ? "-" : node.image,
        IsDesired(spec, observed, node.ordinal) ? "" : "   (being removed)");
  }
  std::vector<std::string> kept;
  for (const NodeObservation& node : observed.nodes) {
    if (!node.moved_aside.empty()) {
      kept.push_back(absl::StrCat(node.name, " ", node.moved_aside.size()));
    }
  }
  if (!kept.empty()) {
    absl::StrAppendFormat(&out, "\nMOVED ASIDE %s (of at most %d per node; radctl aside %s)\n",
                          absl::StrJoin(kept, ", "), spec.replication.max_moved_aside, spec.name);
  }
  if (!details.conditions.empty()) {
    absl::StrAppendFormat(&out, "\n%-19s %-7s %-22s %-10s %s\n", "CONDITION", "STATUS", "REASON",
                          "FOR", "MESSAGE");
    for (const Condition& c : details.conditions) {
      absl::StrAppendFormat(&out, "%-19s %-7s %-22s %-10s %s\n", c.type,
                            c.status ? "True" : "False", c.reason,
                            HumanDuration(c.last_transition, details.now), c.message);
    }
  }
  return out;
}

}  // namespace radctl
