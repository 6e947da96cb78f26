// The controller's Prometheus metrics: counters kept while it runs (reconcile runs, errors,
// actions, failovers, switchovers, a reconcile duration histogram) and gauges taken from the
// latest observation. Metrics is thread-safe; RenderPrometheusText is pure and unit-tested
// against the text exposition format (HELP/TYPE lines, label escaping, histogram buckets).
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "crd-like-specs/cluster_spec.h"
#include "reconcilers/action.h"
#include "reconcilers/observed_state.h"

namespace radctl {

struct MetricsSnapshot {
  std::string cluster;
  // Counters.
  int64_t reconcile_runs = 0;
  int64_t reconcile_errors = 0;
  int64_t failovers = 0;
  int64_t switchovers = 0;
  std::map<std::pair<std::string, std::string>, int64_t> actions;  // (action, result) -> count
  // Reconcile duration histogram (seconds).
  std::vector<double> bucket_bounds;
  std::vector<int64_t> bucket_counts;  // cumulative, one per bound
  int64_t duration_count = 0;
  double duration_sum = 0;
  double last_success_unix = 0;  // 0: none yet
  // Gauges from the latest observation.
  std::map<std::string, int> nodes_by_role;   // every role present, 0 where none
  int primary_ordinal = 0;                    // 0: none
  std::map<std::string, double> lag_bytes;    // by standby name
  std::map<std::string, double> lag_seconds;  // by standby name
  int desired_nodes = 0;
  int bouncer_clients_active = 0;
  int bouncer_clients_waiting = 0;
  bool ready = false;
  // Backups (only rendered with spec.backup.enabled): the newest backup in the repository, and
  // the primary's archiver (pg_stat_archiver; its counters restart with the primary).
  bool backup_enabled = false;
  double last_backup_unix = 0;  // end of the newest backup; 0: none
  double last_backup_seconds = 0;
  double last_backup_bytes = 0;
  int64_t wal_archived = 0;
  int64_t wal_archive_failures = 0;
  int64_t wal_archive_waiting_bytes = 0;
  // Endpoints: how many nodes each serves (write: the primary it points to, 0 or 1; read: the
  // nodes the read bouncer lists). The read endpoint's only with spec.bouncer.readPort.
  int write_backends = 0;
  bool read_endpoint = false;
  int read_backends = 0;
  bool read_fallback = false;
  int read_clients_active = 0;
  int read_clients_waiting = 0;
};

std::string RenderPrometheusText(const MetricsSnapshot& snapshot);

// One exposition of several clusters' texts (a watcher of many clusters): each metric family
// appears once, its HELP and TYPE first and then the samples of every cluster, as the text
// format requires. Families keep the order in which they first appear.
std::string MergePrometheusTexts(const std::vector<std::string>& texts);
// Escapes a label value for the text format: backslash, double quote and newline.
std::string EscapeLabelValue(const std::string& value);

class Metrics {
 public:
  explicit Metrics(std::string cluster);
  // A pass that ended at `now`.
  void RecordReconcile(absl::Duration took, bool error, absl::Time now);
  void RecordAction(ActionType type, bool ok);
  void RecordObservation(const ClusterSpec& spec, const ObservedState& observed, bool ready);
  MetricsSnapshot Snapshot() const;

 private:
  mutable std::mutex mu_;
  MetricsSnapshot snapshot_;
};

}  // namespace radctl
