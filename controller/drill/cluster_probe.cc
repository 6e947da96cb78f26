#include "controller/drill/cluster_probe.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "controller/drill/load_generator.h"
#include "controller/drill/measure.h"
#include "reconcilers/naming.h"

namespace radctl::drill {
namespace {

// Short: a frozen or cut-off node must not hold a probe up for long, and a probe that does not
// answer within this time is "not accepting writes" for the moment.
constexpr absl::Duration kProbeTimeout = absl::Seconds(1);
constexpr absl::Duration kDiscoveryInterval = absl::Seconds(1);

// Sleeps until `until` or until `stop` becomes true, whichever is first.
void SleepUntil(const Clock& clock, absl::Time until, const std::atomic<bool>& a,
                const std::atomic<bool>& b) {
  while (!a && !b) {
    const absl::Duration left = until - clock.Now();
    if (left <= absl::ZeroDuration()) return;
    clock.SleepFor(std::min(left, absl::Milliseconds(50)));
  }
}

}  // namespace

struct ClusterProber::NodeThread {
  std::string name;
  int port = 0;
  std::atomic<bool> stop{false};
  std::thread thread;
};

std::optional<std::string> ClusterView::HealthyPrimary(int standbys, absl::Duration max_age) const {
  std::vector<std::string> writable;
  for (const auto& [name, probe] : nodes) {
    if (probe.accepted_write && at - probe.end <= max_age) writable.push_back(name);
  }
  if (writable.size() != 1) return std::nullopt;
  const std::string& primary = writable[0];
  if (!bouncer.reachable || bouncer.paused || bouncer.target != primary ||
      at - bouncer.at > max_age) {
    return std::nullopt;
  }
  if (static_cast<int>(StreamingFrom(primary, max_age).size()) < standbys) return std::nullopt;
  return primary;
}

std::vector<std::string> ClusterView::StreamingFrom(const std::string& primary,
                                                    absl::Duration max_age) const {
  std::vector<std::string> streaming;
  for (const auto& [name, probe] : nodes) {
    if (name != primary && probe.reachable && probe.in_recovery &&
        probe.receiver_status == "streaming" && probe.upstream == primary &&
        at - probe.end <= max_age) {
      streaming.push_back(name);
    }
  }
  return streaming;
}

std::string ClusterView::Describe() const {
  std::string text;
  for (const auto& [name, probe] : nodes) {
    absl::StrAppend(&text, name, ": ");
    if (!probe.reachable) {
      absl::StrAppend(&text, "not reachable (", probe.error, ")");
    } else if (probe.accepted_write) {
      absl::StrAppend(&text, "accepts writes");
    } else if (probe.in_recovery) {
      absl::StrAppend(&text, "standby, WAL receiver ",
                      probe.receiver_status.empty() ? "not running" : probe.receiver_status,
                      probe.upstream.empty() ? "" : absl::StrCat(" from ", probe.upstream));
    } else {
      absl::StrAppend(&text, "not in recovery but refused a write (", probe.error, ")");
    }
    absl::StrAppendFormat(&text, ", %.1fs ago; ", absl::ToDoubleSeconds(at - probe.end));
  }
  absl::StrAppend(&text, "bouncer: ");
  if (!bouncer.reachable) {
    absl::StrAppend(&text, "not reachable");
  } else {
    absl::StrAppend(&text, "points to ", bouncer.target.empty() ? "nothing" : bouncer.target,
                    bouncer.paused ? " (paused)" : "");
  }
  return text;
}

BouncerProbe ParseShowDatabases(const PgRows& rows, const std::string& database) {
  BouncerProbe probe;
  probe.reachable = true;
  for (const PgRow& row : rows) {
    if (row.size() < 12 || row[0].value_or("") != database) continue;
    probe.target = row[1].value_or("");
    probe.paused = row[11].value_or("0") == "1";
  }
  return probe;
}

ClusterProber::ClusterProber(const Clock& clock, const docker::DockerClient& docker,
                             ProbeEndpoints endpoints, absl::Duration node_interval,
                             absl::Duration bouncer_interval)
    : clock_(clock),
      docker_(docker),
      endpoints_(std::move(endpoints)),
      node_interval_(node_interval),
      bouncer_interval_(bouncer_interval) {}

ClusterProber::~ClusterProber() { Stop(); }

void ClusterProber::Start() {
  stop_ = false;
  discovery_ = std::thread([this] { Discover(); });
  bouncer_ = std::thread([this] { ProbeBouncer(); });
}

void ClusterProber::Stop() {
  stop_ = true;
  if (discovery_.joinable()) discovery_.join();
  if (bouncer_.joinable()) bouncer_.join();
  for (auto& [name, node] : node_threads_) {
    node->stop = true;
    if (node->thread.joinable()) node->thread.join();
  }
  node_threads_.clear();
}

void ClusterProber::Discover() {
  const std::atomic<bool> never{false};
  while (!stop_) {
    const absl::Time pass = clock_.Now();
    absl::StatusOr<std::vector<docker::ContainerSummary>> containers =
        docker_.ListContainers(kLabelCluster, endpoints_.cluster);
    if (containers.ok()) {
      for (const docker::ContainerSummary& container : *containers) {
        auto component = container.labels.find(kLabelComponent);
        if (component == container.labels.end() || component->second != kComponentPostgres) {
          continue;
        }
        int port = 0;
        for (const docker::PortBinding& binding : container.ports) {
          if (binding.container_port == kPostgresPort) port = binding.host_port;
        }
        {
          std::lock_guard<std::mutex> lock(mu_);
          ports_[container.name] = port;
        }
        std::unique_ptr<NodeThread>& node = node_threads_[container.name];
        if (node != nullptr && node->port != port) {
          node->stop = true;
          node->thread.join();
          node.reset();
        }
        if (port == 0) {
          // Not running: no port to probe. Recorded so the view does not keep a stale answer.
          NodeProbe probe;
          probe.node = container.name;
          probe.start = probe.end = clock_.Now();
          probe.error = absl::StrCat("container ", container.state);
          std::lock_guard<std::mutex> lock(mu_);
          latest_[probe.node] = probe;
          node_probes_.push_back(std::move(probe));
          continue;
        }
        if (node == nullptr) {
          node = std::make_unique<NodeThread>();
          node->name = container.name;
          node->port = port;
          NodeThread* raw = node.get();
          node->thread = std::thread([this, raw] { ProbeNode(raw); });
        }
      }
    }
    SleepUntil(clock_, pass + kDiscoveryInterval, stop_, never);
  }
}

void ClusterProber::ProbeNode(NodeThread* node) {
  PgEndpoint endpoint;
  endpoint.host = "127.0.0.1";
  endpoint.port = node->port;
  endpoint.user = endpoints_.node_user;
  endpoint.password = endpoints_.node_password;
  endpoint.dbname = endpoints_.database;
  endpoint.application_name = "radctl-drill-probe";
  const std::string write = absl::StrCat("BEGIN; INSERT INTO ", kDrillSchema,
                                         ".split_probe VALUES ('", node->name, "', now())");
  std::unique_ptr<PgConnection> conn;
  while (!stop_ && !node->stop) {
    NodeProbe probe;
    probe.node = node->name;
    probe.start = clock_.Now();
    if (conn == nullptr || conn->broken()) {
      conn.reset();
      absl::StatusOr<std::unique_ptr<PgConnection>> connected =
          PgConnection::Connect(clock_, endpoint, kProbeTimeout);
      if (connected.ok()) {
        conn = std::move(*connected);
      } else {
        probe.error = NormaliseError(std::string(connected.status().message()));
      }
    }
    if (conn != nullptr) {
      absl::StatusOr<PgRows> rows = conn->Query(
          "SELECT pg_is_in_recovery(), coalesce((SELECT status FROM pg_stat_wal_receiver), ''), "
          "coalesce((SELECT sender_host FROM pg_stat_wal_receiver), '')",
          kProbeTimeout);
      if (!rows.ok() || rows->empty() || (*rows)[0].size() != 3) {
        probe.error =
            rows.ok() ? "unexpected answer" : NormaliseError(std::string(rows.status().message()));
      } else {
        probe.reachable = true;
        probe.in_recovery = (*rows)[0][0].value_or("") == "t";
        probe.receiver_status = (*rows)[0][1].value_or("");
        probe.upstream = (*rows)[0][2].value_or("");
        // Tried on every node, standbys included: that a node refuses is what is checked.
        absl::Status written = conn->Execute(write, kProbeTimeout);
        probe.accepted_write = written.ok();
        if (!written.ok() && !absl::StrContains(written.message(), "read-only transaction")) {
          probe.error = NormaliseError(std::string(written.message()));
        }
        if (!conn->broken()) (void)conn->Execute("ROLLBACK", kProbeTimeout);
      }
    }
    probe.end = clock_.Now();
    {
      std::lock_guard<std::mutex> lock(mu_);
      latest_[probe.node] = probe;
      node_probes_.push_back(probe);
    }
    SleepUntil(clock_, probe.start + node_interval_, stop_, node->stop);
  }
}

void ClusterProber::ProbeBouncer() {
  const std::atomic<bool> never{false};
  std::unique_ptr<PgConnection> admin;
  while (!stop_) {
    const absl::Time start = clock_.Now();
    BouncerProbe probe;
    if (admin == nullptr || admin->broken()) {
      admin.reset();
      absl::StatusOr<std::unique_ptr<PgConnection>> connected =
          PgConnection::Connect(clock_, endpoints_.bouncer_admin, kProbeTimeout);
      if (connected.ok()) admin = std::move(*connected);
    }
    if (admin != nullptr) {
      absl::StatusOr<PgRows> rows = admin->Query("SHOW DATABASES", kProbeTimeout);
      if (rows.ok()) {
        probe = ParseShowDatabases(*rows, endpoints_.database);
      } else {
        admin.reset();
      }
    }
    probe.at = clock_.Now();
    {
      std::lock_guard<std::mutex> lock(mu_);
      latest_bouncer_ = probe;
      bouncer_probes_.push_back(probe);
    }
    SleepUntil(clock_, start + bouncer_interval_, stop_, never);
  }
}

ClusterView ClusterProber::View() const {
  std::lock_guard<std::mutex> lock(mu_);
  ClusterView view;
  view.at = clock_.Now();
  view.nodes = latest_;
  view.ports = ports_;
  view.bouncer = latest_bouncer_;
  return view;
}

std::vector<NodeProbe> ClusterProber::NodeProbes(absl::Time from, absl::Time to) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<NodeProbe> probes;
  for (const NodeProbe& probe : node_probes_) {
    if (probe.end >= from && probe.end <= to) probes.push_back(probe);
  }
  return probes;
}

std::vector<BouncerProbe> ClusterProber::BouncerProbes(absl::Time from, absl::Time to) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<BouncerProbe> probes;
  for (const BouncerProbe& probe : bouncer_probes_) {
    if (probe.at >= from && probe.at <= to) probes.push_back(probe);
  }
  return probes;
}

void ClusterProber::Forget(absl::Time before) {
  std::lock_guard<std::mutex> lock(mu_);
  node_probes_.erase(std::remove_if(node_probes_.begin(), node_probes_.end(),
                                    [&](const NodeProbe& p) { return p.end < before; }),
                     node_probes_.end());
  bouncer_probes_.erase(std::remove_if(bouncer_probes_.begin(), bouncer_probes_.end(),
                                       [&](const BouncerProbe& p) { return p.at < before; }),
                        bouncer_probes_.end());
}

}  // namespace radctl::drill
