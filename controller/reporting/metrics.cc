#include "controller/reporting/metrics.h"

#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "reconcilers/naming.h"
#include "reconcilers/read_endpoint.h"

namespace radctl {
namespace {

// Reconciles take milliseconds when nothing happens and seconds to minutes when cloning.
const std::vector<double> kDurationBounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                             1,     2.5,  5,     10,   30,  60,   300};

std::string Number(double value) {
  if (value == static_cast<int64_t>(value)) return absl::StrCat(static_cast<int64_t>(value));
  return absl::StrFormat("%.6g", value);
}

class Writer {
 public:
  explicit Writer(std::string cluster) : cluster_(std::move(cluster)) {}
  void Header(const std::string& name, const std::string& type, const std::string& help) {
    absl::StrAppend(&text_, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n");
  }
  // `labels` like {{"role", "primary"}}; the cluster label is always first.
  void Sample(const std::string& name, double value,
              const std::vector<std::pair<std::string, std::string>>& labels = {}) {
    absl::StrAppend(&text_, name, "{cluster=\"", EscapeLabelValue(cluster_), "\"");
    for (const auto& [key, label_value] : labels) {
      absl::StrAppend(&text_, ",", key, "=\"", EscapeLabelValue(label_value), "\"");
    }
    absl::StrAppend(&text_, "} ", Number(value), "\n");
  }
  std::string text() const { return text_; }

 private:
  std::string cluster_;
  std::string text_;
};

}  // namespace

std::string EscapeLabelValue(const std::string& value) {
  return absl::StrReplaceAll(value, {{"\\", "\\\\"}, {"\"", "\\\""}, {"\n", "\\n"}});
}

std::string RenderPrometheusText(const MetricsSnapshot& s) {
  Writer w(s.cluster);
  w.Header("radctl_up", "gauge", "Whether the endpoint reaches a writable primary (1) or not (0).");
  w.Sample("radctl_up", s.ready ? 1 : 0);
  w.Header("radctl_desired_nodes", "gauge", "Number of nodes the spec asks for.");
  w.Sample("radctl_desired_nodes", s.desired_nodes);
  w.Header("radctl_nodes", "gauge", "Nodes by observed role.");
  for (const auto& [role, count] : s.nodes_by_role)
    w.Sample("radctl_nodes", count, {{"role", role}});
  w.Header("radctl_primary_ordinal", "gauge", "Ordinal of the writable primary (0 when none).");
  w.Sample("radctl_primary_ordinal", s.primary_ordinal);
  w.Header("radctl_replication_lag_bytes", "gauge",
           "WAL bytes a standby has yet to replay, against the primary's current position.");
  for (const auto& [node, bytes] : s.lag_bytes) {
    w.Sample("radctl_replication_lag_bytes", bytes, {{"node", node}});
  }
  w.Header("radctl_replication_lag_seconds", "gauge",
           "Replay lag of a standby as the primary measures it (pg_stat_replication.replay_lag).");
  for (const auto& [node, seconds] : s.lag_seconds) {
    w.Sample("radctl_replication_lag_seconds", seconds, {{"node", node}});
  }
  w.Header("radctl_bouncer_client_connections", "gauge",
           "Client connections at the bouncer for the app database, by state (SHOW POOLS).");
  w.Sample("radctl_bouncer_client_connections", s.bouncer_clients_active, {{"state", "active"}});
  w.Sample("radctl_bouncer_client_connections", s.bouncer_clients_waiting, {{"state", "waiting"}});
  w.Header("radctl_endpoint_backends", "gauge",
           "Nodes an endpoint sends new server connections to (write: the primary; read: the "
           "eligible standbys, or the primary as a fallback).");
  w.Sample("radctl_endpoint_backends", s.write_backends, {{"endpoint", "write"}});
  if (s.read_endpoint) {
    w.Sample("radctl_endpoint_backends", s.read_backends, {{"endpoint", "read"}});
    w.Header("radctl_read_endpoint_fallback", "gauge",
             "Whether the read endpoint serves the primary because no standby is eligible.");
    w.Sample("radctl_read_endpoint_fallback", s.read_fallback ? 1 : 0);
    w.Header("radctl_read_endpoint_client_connections", "gauge",
             "Client connections at the read endpoint for the app database, by state.");
    w.Sample("radctl_read_endpoint_client_connections", s.read_clients_active,
             {{"state", "active"}});
    w.Sample("radctl_read_endpoint_client_connections", s.read_clients_waiting,
             {{"state", "waiting"}});
  }
  w.Header("radctl_failovers_total", "counter", "Failovers made by this controller.");
  w.Sample("radctl_failovers_total", s.failovers);
  w.Header("radctl_switchovers_total", "counter", "Switchovers made by this controller.");
  w.Sample("radctl_switchovers_total", s.switchovers);
  w.Header("radctl_reconcile_runs_total", "counter", "Reconcile passes (observe, plan, act).");
  w.Sample("radctl_reconcile_runs_total", s.reconcile_runs);
  w.Header("radctl_reconcile_errors_total", "counter",
           "Reconcile passes that failed to observe or in which an action failed.");
  w.Sample("radctl_reconcile_errors_total", s.reconcile_errors);
  w.Header("radctl_actions_total", "counter", "Actions executed, by kind and result.");
  for (const auto& [key, count] : s.actions) {
    w.Sample("radctl_actions_total", count, {{"action", key.first}, {"result", key.second}});
  }
  w.Header("radctl_reconcile_duration_seconds", "histogram", "Duration of reconcile passes.");
  for (size_t i = 0; i < s.bucket_bounds.size(); ++i) {
    w.Sample("radctl_reconcile_duration_seconds_bucket", s.bucket_counts[i],
             {{"le", Number(s.bucket_bounds[i])}});
  }
  w.Sample("radctl_reconcile_duration_seconds_bucket", s.duration_count, {{"le", "+Inf"}});
  w.Sample("radctl_reconcile_duration_seconds_sum", s.duration_sum);
  w.Sample("radctl_reconcile_duration_seconds_count", s.duration_count);
  if (s.backup_enabled) {
    w.Header("radctl_backup_last_success_timestamp_seconds", "gauge",
             "Unix time the newest backup in the repository ended (0: none).");
    w.Sample("radctl_backup_last_success_timestamp_seconds", s.last_backup_unix);
    w.Header("radctl_backup_last_duration_seconds", "gauge", "Duration of the newest backup.");
    w.Sample("radctl_backup_last_duration_seconds", s.last_backup_seconds);
    w.Header("radctl_backup_last_size_bytes", "gauge",
             "Database size the newest backup copied (before compression).");
    w.Sample("radctl_backup_last_size_bytes", s.last_backup_bytes);
    w.Header("radctl_wal_archived_total", "counter",
             "WAL segments the primary archived (pg_stat_archiver, since it started).");
    w.Sample("radctl_wal_archived_total", s.wal_archived);
    w.Header("radctl_wal_archive_failures_total", "counter",
             "Failed archive_command runs on the primary (pg_stat_archiver, since it started).");
    w.Sample("radctl_wal_archive_failures_total", s.wal_archive_failures);
    w.Header("radctl_wal_archive_waiting_bytes", "gauge",
             "WAL on the primary waiting to be archived (kept by Postgres until it is).");
    w.Sample("radctl_wal_archive_waiting_bytes", s.wal_archive_waiting_bytes);
  }
  w.Header("radctl_last_successful_reconcile_timestamp_seconds", "gauge",
           "Unix time of the last reconcile pass that succeeded.");
  w.Sample("radctl_last_successful_reconcile_timestamp_seconds", s.last_success_unix);
  return w.text();
}

Metrics::Metrics(std::string cluster) {
  snapshot_.cluster = std::move(cluster);
  snapshot_.bucket_bounds = kDurationBounds;
  snapshot_.bucket_counts.assign(kDurationBounds.size(), 0);
  for (const char* role : {"primary", "standby", "fenced", "down"})
    snapshot_.nodes_by_role[role] = 0;
}

void Metrics::RecordReconcile(absl::Duration took, bool error, absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  double seconds = absl::ToDoubleSeconds(took);
  ++snapshot_.reconcile_runs;
  if (error) {
    ++snapshot_.reconcile_errors;
  } else {
    snapshot_.last_success_unix = absl::ToDoubleSeconds(now - absl::UnixEpoch());
  }
  ++snapshot_.duration_count;
  snapshot_.duration_sum += seconds;
  for (size_t i = 0; i < snapshot_.bucket_bounds.size(); ++i) {
    if (seconds <= snapshot_.bucket_bounds[i]) ++snapshot_.bucket_counts[i];
  }
}

void Metrics::RecordAction(ActionType type, bool ok) {
  std::lock_guard<std::mutex> lock(mu_);
  ++snapshot_.actions[{ActionTypeName(type), ok ? "success" : "failure"}];
  if (ok && type == ActionType::kFailover) ++snapshot_.failovers;
  if (ok && type == ActionType::kSwitchover) ++snapshot_.switchovers;
}

void Metrics::RecordObservation(const ClusterSpec& spec, const ObservedState& observed,
                                bool ready) {
  std::lock_guard<std::mutex> lock(mu_);
  MetricsSnapshot& s = snapshot_;
  s.desired_nodes = spec.nodes;
  s.ready = ready;
  for (auto& [role, count] : s.nodes_by_role) count = 0;
  s.primary_ordinal = 0;
  s.lag_bytes.clear();
  s.lag_seconds.clear();
  const NodeObservation* primary = nullptr;
  for (const NodeObservation& node : observed.nodes) {
    ++s.nodes_by_role[NodeRole(node)];
    if (node.IsWritablePrimary()) primary = &node;
  }
  if (primary != nullptr) {
    s.primary_ordinal = primary->ordinal;
    for (const NodeObservation& node : observed.nodes) {
      if (!node.IsReachableStandby()) continue;
      s.lag_bytes[node.name] = node.replay_lsn >= primary->current_lsn
                                   ? 0
                                   : static_cast<double>(primary->current_lsn - node.replay_lsn);
    }
    for (const ReplicationConnection& connection : observed.replication) {
      s.lag_seconds[connection.application_name] = connection.replay_lag_seconds;
    }
  }
  s.backup_enabled = spec.backup.enabled;
  if (!observed.backup.backups.empty()) {
    const BackupRecord& newest = observed.backup.backups.back();
    s.last_backup_unix = absl::ToDoubleSeconds(newest.stop - absl::UnixEpoch());
    s.last_backup_seconds = absl::ToDoubleSeconds(newest.stop - newest.start);
    s.last_backup_bytes = static_cast<double>(newest.size);
  }
  if (primary != nullptr && primary->archiver.has_value()) {
    s.wal_archived = primary->archiver->archived_count;
    s.wal_archive_failures = primary->archiver->failed_count;
    s.wal_archive_waiting_bytes = primary->archiver->BacklogBytes();
  }
  s.bouncer_clients_active = observed.bouncer.clients_active;
  s.bouncer_clients_waiting = observed.bouncer.clients_waiting;
  s.write_backends = observed.bouncer.target_host.empty() ? 0 : 1;
  s.read_endpoint = spec.bouncer.read_port != kNoReadPort;
  ObservedReadEndpoint read = ReadEndpointOf(spec, observed);
  s.read_backends = static_cast<int>(read.serves.size());
  s.read_fallback = read.fallback;
  s.read_clients_active = observed.read_bouncer.clients_active;
  s.read_clients_waiting = observed.read_bouncer.clients_waiting;
}

MetricsSnapshot Metrics::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return snapshot_;
}

std::string MergePrometheusTexts(const std::vector<std::string>& texts) {
  struct Family {
    std::string header;  // its HELP and TYPE lines
    std::string samples;
  };
  std::vector<std::string> order;
  std::map<std::string, Family> families;
  for (const std::string& text : texts) {
    std::string family;  // the one the lines belong to: named by the last HELP or TYPE
    for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
      if (absl::StartsWith(line, "# HELP ") || absl::StartsWith(line, "# TYPE ")) {
        std::vector<absl::string_view> words = absl::StrSplit(line, absl::MaxSplits(' ', 3));
        family = std::string(words.size() > 2 ? words[2] : "");
        auto [it, added] = families.try_emplace(family);
        if (added) order.push_back(family);
        // Every cluster's text declares the family the same way: keep the lines once.
        if (!absl::StrContains(it->second.header, line)) {
          absl::StrAppend(&it->second.header, line, "\n");
        }
        continue;
      }
      auto [it, added] = families.try_emplace(family);
      if (added) order.push_back(family);
      absl::StrAppend(&it->second.samples, line, "\n");
    }
  }
  std::string merged;
  for (const std::string& name : order) {
    absl::StrAppend(&merged, families[name].header, families[name].samples);
  }
  return merged;
}

}  // namespace radctl
