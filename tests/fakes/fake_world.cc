#include "tests/fakes/fake_world.h"

#include <algorithm>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "controller/config/bouncer_config.h"
#include "controller/config/scram_secret.h"
#include "controller/operations/node_scripts.h"
#include "crd-like-specs/cluster_spec.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/naming.h"

namespace radctl::testing {
namespace {

constexpr Lsn kInitialLsn = 0x1000000;

// The value of `key = 'value'` in a postgresql.conf, "" when absent.
std::string ConfValue(const std::string& conf, const std::string& key) {
  for (absl::string_view line : absl::StrSplit(conf, '\n')) {
    if (!absl::ConsumePrefix(&line, key)) continue;
    line = absl::StripLeadingAsciiWhitespace(line);
    if (!absl::ConsumePrefix(&line, "=")) continue;
    line = absl::StripAsciiWhitespace(line);
    absl::ConsumePrefix(&line, "'");
    absl::ConsumeSuffix(&line, "'");
    return std::string(line);
  }
  return "";
}

// "host=demo-pg-2 port=5432 ..." -> "demo-pg-2".
std::string HostOf(const std::string& conninfo) {
  for (absl::string_view word : absl::StrSplit(conninfo, ' ', absl::SkipEmpty())) {
    if (absl::ConsumePrefix(&word, "host=")) return std::string(word);
  }
  return "";
}

// [databases] entries of a pgbouncer.ini: name -> host.
std::map<std::string, std::string> IniDatabases(const std::string& ini) {
  std::map<std::string, std::string> databases;
  bool in_databases = false;
  for (absl::string_view line : absl::StrSplit(ini, '\n', absl::SkipEmpty())) {
    if (absl::StartsWith(line, "[")) {
      in_databases = line == "[databases]";
      continue;
    }
    if (!in_databases || absl::StartsWith(line, ";")) continue;
    std::pair<std::string, std::string> kv = absl::StrSplit(line, absl::MaxSplits('=', 1));
    databases[std::string(absl::StripAsciiWhitespace(kv.first))] = HostOf(kv.second);
  }
  return databases;
}

void EraseRecord(std::vector<RepmgrNode>& records, int ordinal) {
  records.erase(std::remove_if(records.begin(), records.end(),
                               [&](const RepmgrNode& r) { return r.node_id == ordinal; }),
                records.end());
}

docker::ExecResult Ok(std::string out = "") { return {0, std::move(out), ""}; }

// ".../userlist-0a1b2c.txt" -> "0a1b2c": the generation in a bouncer file's name ("" for none).
std::string Generation(const std::string& file) {
  size_t dash = file.rfind('-');
  size_t dot = file.rfind('.');
  if (dash == std::string::npos || dot == std::string::npos || dot < dash) return "";
  return file.substr(dash + 1, dot - dash - 1);
}
docker::ExecResult Fail(std::string err) { return {1, "", std::move(err)}; }

}  // namespace

// Every call the controller makes into the world: admitted by the simulator's hooks (outside the
// lock: they may change the world), then served under the lock with replication brought up to
// now.
#define FAKE_CALL(world)                                                        \
  if (absl::Status admitted = (world).Admit(); !admitted.ok()) return admitted; \
  std::lock_guard<std::mutex> lock((world).mu_);                                \
  (world).Replicate()

// --- ContainerRuntime ----------------------------------------------------------------------

// Held while the world keeps its token under its name; looking is local (no call into the
// engine), as the real lease's connection is. Its files live in the world's volume of that name,
// which outlives it and the engine's restarts. Reading and writing them are calls into the
// engine, but not ones the simulator schedules faults at (BeforeCall), so that earlier seeds
// keep their faults where they were.
class FakeWorld::Lease : public EngineLease {
 public:
  Lease(FakeWorld& world, std::string name, std::string volume, uint64_t token)
      : w_(world), name_(std::move(name)), volume_(std::move(volume)), token_(token) {}
  ~Lease() override {
    std::lock_guard<std::mutex> lock(w_.mu_);
    auto held = w_.leases_.find(name_);
    if (held != w_.leases_.end() && held->second.token == token_) w_.leases_.erase(held);
  }
  bool Held() const override {
    std::lock_guard<std::mutex> lock(w_.mu_);
    return HeldLocked();
  }
  absl::StatusOr<std::string> ReadFile(const std::string& name) const override {
    std::lock_guard<std::mutex> lock(w_.mu_);
    RETURN_IF_ERROR(Usable());
    auto file = w_.lease_volumes_[volume_].find(name);
    if (file == w_.lease_volumes_[volume_].end()) return absl::NotFoundError(name);
    return file->second;
  }
  absl::Status WriteFile(const std::string& name, const std::string& content) const override {
    std::lock_guard<std::mutex> lock(w_.mu_);
    RETURN_IF_ERROR(Usable());
    w_.lease_volumes_[volume_][name] = content;
    return absl::OkStatus();
  }

 private:
  bool HeldLocked() const {
    auto held = w_.leases_.find(name_);
    return held != w_.leases_.end() && held->second.token == token_;
  }
  absl::Status Usable() const {
    if (w_.engine_down_) return absl::UnavailableError("cannot reach the Docker engine (fake)");
    if (volume_.empty()) return absl::FailedPreconditionError("the lease has no volume");
    if (!HeldLocked()) return absl::AbortedError("the lease " + name_ + " is no longer held");
    return absl::OkStatus();
  }

  FakeWorld& w_;
  const std::string name_;
  const std::string volume_;
  const uint64_t token_;
};

class FakeWorld::Runtime : public ContainerRuntime {
 public:
  explicit Runtime(FakeWorld& world) : w_(world) {}

  absl::Status Ping() const override {
    FAKE_CALL(w_);
    return Up();
  }

  absl::StatusOr<std::vector<docker::ContainerSummary>> ListContainers(
      const std::string& key, const std::string& value) const override {
    FAKE_CALL(w_);
    if (absl::Status up = Up(); !up.ok()) return up;
    ++w_.container_listings_;
    std::vector<docker::ContainerSummary> list;
    for (const auto& [ordinal, node] : w_.nodes_) {
      if (!node.container || Label(node.labels, key) != value) continue;
      docker::ContainerSummary summary;
      summary.name = w_.NodeName(ordinal);
      summary.image = node.image;
      summary.state = node.state;
      summary.labels = node.labels;
      if (node.host_port != 0) summary.ports = {{kPostgresPort, "127.0.0.1", node.host_port}};
      list.push_back(summary);
    }
    for (const auto& [name, b] :
         {std::pair<std::string, const FakeBouncer*>{BouncerName(w_.cluster_), &w_.bouncer_},
          std::pair<std::string, const FakeBouncer*>{ReadBouncerName(w_.cluster_),
                                                     &w_.read_bouncer_}}) {
      if (!b->container || Label(b->labels, key) != value) continue;
      docker::ContainerSummary summary;
      summary.name = name;
      summary.state = b->state;
      summary.labels = b->labels;
      if (b->host_port != 0) summary.ports = {{kBouncerPort, "127.0.0.1", b->host_port}};
      list.push_back(summary);
    }
    return list;
  }

  absl::StatusOr<docker::ContainerInfo> InspectContainer(const std::string& name) const override {
    FAKE_CALL(w_);
    if (absl::Status up = Up(); !up.ok()) return up;
    docker::ContainerInfo info;
    info.name = name;
    if (FakeNode* node = w_.NodeByName(name); node != nullptr && node->container) {
      info.state = node->state;
      info.running = node->state == "running";
      info.exit_code = node->exit_code;
      info.labels = node->labels;
      if (node->host_port != 0) info.ports = {{kPostgresPort, "127.0.0.1", node->host_port}};
      return info;
    }
    if (FakeBouncer* b = w_.BouncerNamed(name); b != nullptr && b->container) {
      info.state = b->state;
      info.running = info.state == "running";
      if (b->host_port != 0) info.ports = {{kBouncerPort, "127.0.0.1", b->host_port}};
      return info;
    }
    return absl::NotFoundError(absl::StrCat("No such container: ", name));
  }

  absl::StatusOr<std::string> CreateContainer(
      const docker::ContainerConfig& config) const override {
    FAKE_CALL(w_);
    if (absl::Status up = Up(); !up.ok()) return up;
    if (FakeBouncer* b = w_.BouncerNamed(config.name); b != nullptr) {
      if (b->container) return absl::AbortedError("name in use");
      *b = FakeBouncer{};
      b->container = true;
      b->state = "created";
      b->labels = config.labels;
      b->env = config.env;
      b->cap_add = config.cap_add;
      b->host_port = config.ports.empty() ? 0 : config.ports[0].host_port;
      return config.name;
    }
    int ordinal = w_.OrdinalOf(config.name);
    if (ordinal == 0) return absl::InvalidArgumentError("not a node of this cluster");
    FakeNode& node = w_.nodes_[ordinal];
    if (node.container) return absl::AbortedError("name in use");
    node.container = true;
    node.state = "created";
    node.exit_code = 0;
    node.labels = config.labels;
    node.image = config.image;
    return config.name;
  }

  absl::Status StartContainer(const std::string& name) const override {
    FAKE_CALL(w_);
    if (absl::Status up = Up(); !up.ok()) return up;
    if (FakeBouncer* b = w_.BouncerNamed(name); b != nullptr && b->container) {
      if (w_.bouncer_port_taken_) {
        return absl::FailedPreconditionError(
            "driver failed programming external connectivity: address already in use");
      }
      b->state = "running";
      b->loaded_ini = b->ini;
      w_.Emit("start", name);
      return absl::OkStatus();
    }
    FakeNode* node = w_.NodeByName(name);
    if (node == nullptr || !node->container) return absl::NotFoundError("No such container");
    if (node->state == "running" || node->state == "paused") return absl::OkStatus();
    node->state = "running";
    node->exit_code = 0;
    node->host_port = node->cut_off ? 0 : w_.next_port_++;
    // The image's entrypoint (safety rule 1): only a standby's data directory starts on its own.
    if (node->data == FakeData::kStandby && !node->marker) w_.StartPostgres(*node);
    w_.Emit("start", name);
    return absl::OkStatus();
  }

  absl::Status StopContainer(const std::string& name, absl::Duration) const override {
    FAKE_CALL(w_);
    if (absl::Status up = Up(); !up.ok()) return up;
    FakeNode* node = w_.NodeByName(name);
    if (node == nullptr || !node->container) return absl::NotFoundError("No such container");
    if (node->state != "running") return absl::OkStatus();
    w_.StopNode(*node, 0);
    w_.Emit("die", name);
    return absl::OkStatus();
  }

  absl::Status KillContainer(const std::string& name, const std::string&) const override {
    FAKE_CALL(w_);
    if (absl::Status up = Up(); !up.ok()) return up;
    FakeNode* node = w_.NodeByName(name);
    if (node == nullptr || !node->container) return absl::NotFoundError("No such container");
    if (node->state != "running" && node->state != "paused") {
      return absl::AbortedError(absl::StrCat("Container ", name, " is not running"));
    }
    w_.steps_.push_back(absl::StrCat("kill ", name));
    w_.StopNode(*node, 137);
    w_.Emit("die", name);
    return absl::OkStatus();
  }

  absl::Status RemoveContainer(const std::string& name) const override {
    FAKE_CALL(w_);
    if (absl::Status up = Up(); !up.ok()) return up;
    if (FakeBouncer* b = w_.BouncerNamed(name); b != nullptr) {
      *b = FakeBouncer{};
      return absl::OkStatus();
    }
    FakeNode* node = w_.NodeByName(name);
    if (node == nullptr || !node->container) return absl::OkStatus();
    w_.StopNode(*node, 137);
    node->container = false;
    node->state.clear();
    node->cut_off = false;  // a disconnect is the container's: a new one joins the network anew
    w_.Emit("destroy", name);
    return absl::OkStatus();
  }

  absl::StatusOr<docker::ExecResult> Exec(const std::string& container,
                                          const std::vector<std::string>& cmd, const std::string&,
                                          absl::Duration) const override {
    FAKE_CALL(w_);
    if (absl::Status up = Up(); !up.ok()) return up;
    if (FakeBouncer* b = w_.BouncerNamed(container); b != nullptr && b->container) {
      if (b->state != "running") return absl::AbortedError("not running");
      if (!cmd.empty() && cmd[0] == "ss") {  // closing the server connections
        ++b->servers_closed;
        if (b->sockets_closable) b->pause_hangs = false;  // the pending PAUSE completes
        return docker::ExecResult{0, "", ""};
      }
      // Otherwise: removing files of earlier generations.
      ++b->cleanups;
      const std::string keep = Generation(ConfValue(b->loaded_ini, "auth_file"));
      for (auto it = b->files.begin(); it != b->files.end();) {
        bool old = it->first != "pgbouncer.ini" && Generation(it->first) != keep;
        it = old ? b->files.erase(it) : std::next(it);
      }
      return docker::ExecResult{0, "", ""};
    }
    FakeNode* node = w_.NodeByName(container);
    if (node == nullptr || !node->container) return absl::NotFoundError("No such container");
    if (node->state == "paused") {
      return absl::AbortedError(absl::StrCat("Container ", container, " is paused"));
    }
    if (node->state != "running") {
      return absl::AbortedError(absl::StrCat("Container ", container, " is not running"));
    }
    if (node->dying) {
      return absl::InternalError(
          "OCI runtime exec failed: exec failed: cannot exec in a stopped container: unknown");
    }
    std::optional<ScriptStep> step = ParseScriptStep(cmd);
    if (!step) return docker::ExecResult{127, "", "not one of radctl's scripts"};
    w_.steps_.push_back(absl::StrCat(step->name, " ", container));
    auto failing = w_.failing_steps_.find(step->name);
    if (failing != w_.failing_steps_.end() && !failing->second.empty()) {
      docker::ExecResult failed = failing->second.front();
      failing->second.pop_front();
      return failed;
    }
    return w_.RunStep(container, *node, step->name, step->args);
  }

  absl::StatusOr<std::string> ContainerLogs(const std::string& name, int) const override {
    FAKE_CALL(w_);
    if (absl::Status up = Up(); !up.ok()) return up;
    FakeNode* node = w_.NodeByName(name);
    if (node == nullptr || !node->container) return absl::NotFoundError("No such container");
    return node->log;
  }

  absl::Status UploadFiles(const std::string& container, const std::string&,
                           const std::vector<docker::FileToUpload>& files) const override {
    FAKE_CALL(w_);
    if (absl::Status up = Up(); !up.ok()) return up;
    if (FakeBouncer* b = w_.BouncerNamed(container); b != nullptr && b->container) {
      for (const docker::FileToUpload& file : files) {
        b->files[file.path] = file.content;
        if (file.path == "pgbouncer.ini") b->ini = file.content;
      }
      return absl::OkStatus();
    }
    FakeNode* node = w_.NodeByName(container);
    if (node == nullptr || !node->container) return absl::NotFoundError("No such container");
    for (const docker::FileToUpload& file : files) node->files[file.path] = file.content;
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<docker::NetworkSummary>> ListNetworks(
      const std::string&, const std::string&) const override {
    FAKE_CALL(w_);
    if (absl::Status up = Up(); !up.ok()) return up;
    std::vector<docker::NetworkSummary> list;
    if (w_.network_) list.push_back({"", NetworkName(w_.cluster_), ClusterLabels(w_.cluster_)});
    return list;
  }

  absl::Status CreateNetwork(const std::string&, const docker::Labels&) const override {
    FAKE_CALL(w_);
    if (absl::Status up = Up(); !up.ok()) return up;
    if (w_.network_) return absl::AbortedError("network exists");
    w_.network_ = true;
    return absl::OkStatus();
  }

  absl::Status RemoveNetwork(const std::string&) const override {
    FAKE_CALL(w_);
    if (absl::Status up = Up(); !up.ok()) return up;
    w_.network_ = false;
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<docker::VolumeSummary>> ListVolumes(
      const std::string&, const std::string&) const override {
    FAKE_CALL(w_);
    if (absl::Status up = Up(); !up.ok()) return up;
    std::vector<docker::VolumeSummary> list;
    for (const auto& [ordinal, node] : w_.nodes_) {
      if (node.volume && node.volume_labelled) {
        list.push_back({VolumeName(w_.cluster_, ordinal), {}});
      }
    }
    return list;
  }

  absl::StatusOr<docker::Labels> CreateVolume(const std::string& name,
                                              const docker::Labels& labels) const override {
    FAKE_CALL(w_);
    if (absl::Status up = Up(); !up.ok()) return up;
    if (name == DefaultBackupRepository(w_.cluster_)) return labels;  // repository_
    absl::string_view base = name;
    if (!absl::ConsumeSuffix(&base, "-data")) return absl::InvalidArgumentError("bad volume");
    int ordinal = w_.OrdinalOf(std::string(base));
    if (ordinal == 0) return absl::InvalidArgumentError("bad volume");
    FakeNode& node = w_.nodes_[ordinal];
    if (node.volume && !node.volume_labelled) return docker::Labels{};  // made outside radctl
    node.volume = true;
    node.volume_labelled = true;
    return labels;
  }

  absl::Status RemoveVolume(const std::string& name) const override {
    FAKE_CALL(w_);
    if (absl::Status up = Up(); !up.ok()) return up;
    if (name == LeaseVolumeName(w_.cluster_)) {
      if (w_.leases_.count(LeaseName(w_.cluster_)) > 0) return absl::AbortedError("in use");
      w_.lease_volumes_.erase(name);
      return absl::OkStatus();
    }
    absl::string_view base = name;
    absl::ConsumeSuffix(&base, "-data");
    FakeNode* node = w_.NodeByName(std::string(base));
    if (node == nullptr) return absl::OkStatus();
    if (node->container) return absl::AbortedError("volume is in use");
    // The data directory and every copy kept beside it in the volume go with it.
    for (DataCopy& copy : node->kept_aside) w_.removed_.push_back(copy);
    w_.Remove(*node, std::string(base), "volume");
    w_.nodes_.erase(w_.OrdinalOf(std::string(base)));
    return absl::OkStatus();
  }

  absl::StatusOr<docker::ImageInfo> InspectImage(const std::string& name) const override {
    FAKE_CALL(w_);
    if (absl::Status up = Up(); !up.ok()) return up;
    auto rebuilt = w_.image_ids_.find(name);
    return docker::ImageInfo{rebuilt != w_.image_ids_.end() ? rebuilt->second : name, {}};
  }

  // Not counted among the calls the simulator schedules faults at (BeforeCall), so that seeds
  // kept as regression cases before the lease existed still take their faults where they did.
  absl::StatusOr<std::unique_ptr<EngineLease>> TakeLease(
      const docker::ContainerConfig& config) const override {
    std::lock_guard<std::mutex> lock(w_.mu_);
    if (absl::Status up = Up(); !up.ok()) return up;
    const int caller = w_.hooks_ == nullptr ? 0 : w_.hooks_->Caller();
    if (w_.dead_callers_.count(caller) > 0) return absl::UnavailableError("the caller was killed");
    if (w_.leases_.count(config.name) > 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("container ", config.name, " holds the lease for another process"));
    }
    const uint64_t token = w_.next_lease_token_++;
    w_.leases_[config.name] = {token, caller};
    return std::unique_ptr<EngineLease>(new Lease(
        w_, config.name, config.mounts.empty() ? "" : config.mounts.front().volume, token));
  }

  absl::Status AwaitLeaseEnd(const std::string& name) const override {
    std::lock_guard<std::mutex> lock(w_.mu_);
    if (absl::Status up = Up(); !up.ok()) return up;
    if (w_.leases_.count(name) > 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("container ", name, " is held by another process"));
    }
    return absl::OkStatus();
  }

  absl::Status StreamEvents(const std::string&, const std::string&,
                            const std::function<void(const docker::Event&)>& on_event,
                            const std::atomic<bool>& stop) const override {
    while (!stop) {
      std::deque<docker::Event> events;
      {
        FAKE_CALL(w_);
        if (absl::Status up = Up(); !up.ok()) return up;
        if (w_.drop_stream_) {
          w_.drop_stream_ = false;
          return absl::UnavailableError("event stream broke");
        }
        events.swap(w_.events_);
      }
      for (const docker::Event& event : events) on_event(event);
      if (w_.hooks_ != nullptr) {
        // Simulated: woken by the next event (EventsWake), or now and then to see `stop`.
        std::mutex idle;
        std::unique_lock<std::mutex> lock(idle);
        w_.time_.WaitFor(w_.events_cv_, lock, absl::Seconds(5));
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    }
    return absl::OkStatus();
  }

 private:
  absl::Status Up() const {
    if (w_.engine_down_) {
      return absl::UnavailableError("cannot reach the Docker engine (fake): is dockerd running?");
    }
    return absl::OkStatus();
  }
  static std::string Label(const docker::Labels& labels, const std::string& key) {
    auto it = labels.find(key);
    return it == labels.end() ? "" : it->second;
  }

  FakeWorld& w_;
};

// --- Postgres -------------------------------------------------------------------------------

class FakeWorld::Session : public NodeSession {
 public:
  Session(FakeWorld& world, int ordinal, PgEndpoint endpoint)
      : w_(world), ordinal_(ordinal), endpoint_(std::move(endpoint)) {}

  absl::StatusOr<NodeProbe> Probe(absl::Duration) override {
    FAKE_CALL(w_);
    FakeNode* node = Check();
    if (node == nullptr) return Lost();
    NodeProbe probe;
    probe.in_recovery = node->data == FakeData::kStandby;
    probe.timeline = node->timeline();
    probe.config_hash = node->loaded_config_hash;
    probe.pending_restart = node->pending_restart;
    probe.ssl = node->ssl;
    probe.tls_certificate = node->tls_certificate;
    if (!node->records.empty()) probe.repmgr_nodes = node->records;
    for (const DataCopy& copy : node->kept_aside) probe.moved_aside.push_back(copy.path);
    probe.stop_requested_at = node->stop_requested_wall;
    probe.stop_answer = node->stop_answer;
    if (probe.in_recovery) {
      probe.receive_lsn = node->receive_reported.value_or(0);
      probe.replay_lsn = node->replayed;
      probe.replay_settled = node->replayed == node->wal.end();
      probe.wal_receiver = Receiver(*node);
      return probe;
    }
    probe.current_lsn = node->lsn();
    const std::string me = w_.NodeName(ordinal_);
    probe.synchronous_standby_names = node->sync_setting;
    std::set<std::string> active_slots;
    for (const auto& [ordinal, other] : w_.nodes_) {
      if (other.attached_to != me || !other.postgres) continue;
      active_slots.insert(absl::StrCat("repmgr_slot_", ordinal));
      probe.replication.push_back({w_.NodeName(ordinal), "streaming",
                                   probe.synchronous_standby_names.empty() ? "async" : "quorum",
                                   other.replayed, 0});
    }
    for (const std::string& slot : node->slots) {
      probe.slots.push_back({slot, active_slots.count(slot) > 0});
    }
    return probe;
  }

  absl::StatusOr<WalReceiver> ReadWalReceiver(absl::Duration) override {
    FAKE_CALL(w_);
    FakeNode* node = Check();
    if (node == nullptr) return Lost();
    return Receiver(*node);
  }

  absl::StatusOr<Lsn> CurrentLsn(absl::Duration) override {
    FAKE_CALL(w_);
    ASSIGN_OR_RETURN(FakeNode * node, Writable());
    return node->lsn();
  }

  absl::StatusOr<int> PrimaryTimeline(absl::Duration) override {
    FAKE_CALL(w_);
    ASSIGN_OR_RETURN(FakeNode * node, Writable());
    return node->timeline();
  }

  absl::StatusOr<std::string> SynchronousStandbyNames(absl::Duration) override {
    FAKE_CALL(w_);
    FakeNode* node = Check();
    if (node == nullptr) return Lost();
    return node->sync_setting;
  }

  absl::StatusOr<Lsn> ReplayLsn(absl::Duration) override {
    FAKE_CALL(w_);
    FakeNode* node = Check();
    if (node == nullptr) return Lost();
    return node->data == FakeData::kStandby ? node->replayed : 0;
  }

  absl::StatusOr<std::vector<TimelineSwitch>> TimelineHistory(absl::Duration) override {
    FAKE_CALL(w_);
    FakeNode* node = Check();
    if (node == nullptr) return Lost();
    std::vector<TimelineSwitch> history;
    const std::vector<TimelineSpan>& spans = node->wal.spans();
    for (size_t i = 0; i + 1 < spans.size(); ++i)
      history.push_back({spans[i].id, spans[i + 1].begin});
    return history;
  }

  absl::Status Promote(absl::Duration) override {
    FAKE_CALL(w_);
    FakeNode* node = Check();
    if (node == nullptr) return Lost();
    if (node->data != FakeData::kStandby) return absl::OkStatus();
    w_.Promote(*node);
    w_.steps_.push_back(absl::StrCat("promote ", w_.NodeName(ordinal_)));
    return absl::OkStatus();
  }

  absl::Status Checkpoint(absl::Duration) override { return Simple(); }
  absl::Status SwitchWal() override { return Simple(); }

  absl::Status Reload(absl::Duration) override {
    FAKE_CALL(w_);
    FakeNode* node = Check();
    if (node == nullptr) return Lost();
    w_.LoadConfig(*node);
    return absl::OkStatus();
  }

  absl::Status SetUpstream(const std::string& conninfo, const std::string&,
                           absl::Duration) override {
    FAKE_CALL(w_);
    FakeNode* node = Check();
    if (node == nullptr) return Lost();
    node->upstream = HostOf(conninfo);
    w_.Replicate();  // a new primary_conninfo restarts the receiver at once
    return absl::OkStatus();
  }

  absl::Status EnsureSlot(const std::string& slot, absl::Duration) override {
    // A physical slot can be made on a standby too (a cascading standby streams through it).
    FAKE_CALL(w_);
    FakeNode* node = Check();
    if (node == nullptr) return Lost();
    node->slots.insert(slot);
    return absl::OkStatus();
  }

  absl::Status DropSlot(const std::string& slot, absl::Duration) override {
    return OnPrimary([&](FakeNode& node) { node.slots.erase(slot); });
  }

  absl::Status RecordPrimary(int ordinal, absl::Duration) override {
    return OnPrimary([&](FakeNode& node) {
      bool found = false;
      for (RepmgrNode& record : node.records) {
        if (record.node_id == ordinal) {
          record = {ordinal, "primary", true, 0};
          found = true;
        } else if (record.type == "primary") {
          record.active = false;
        }
      }
      if (!found) node.records.push_back({ordinal, "primary", true, 0});
    });
  }

  absl::Status RecordUpstream(int ordinal, int upstream, absl::Duration) override {
    return OnPrimary([&](FakeNode& node) {
      for (RepmgrNode& record : node.records) {
        if (record.node_id == ordinal) {
          record.upstream_node_id = upstream;
          record.active = true;
        }
      }
    });
  }

  absl::Status DeleteRecord(int ordinal, absl::Duration) override {
    return OnPrimary([&](FakeNode& node) { EraseRecord(node.records, ordinal); });
  }

  absl::StatusOr<AppRoleFacts> ReadAppRole(const std::string& user, const std::string& database,
                                           absl::Duration) override {
    FAKE_CALL(w_);
    FakeNode* node = Check();
    if (node == nullptr) return Lost();
    auto role = node->roles.find(user);
    return AppRoleFacts{role != node->roles.end(), role == node->roles.end() ? "" : role->second,
                        node->databases.count(database) > 0};
  }

  absl::Status ApplyAppRole(const std::string& user, const std::string& database,
                            const std::string& secret, absl::Duration) override {
    return OnPrimary([&](FakeNode& node) {
      w_.steps_.push_back(absl::StrCat("apply-role ", user, " ", w_.NodeName(ordinal_)));
      node.roles[user] = secret;
      node.databases.insert(database);
    });
  }

  bool broken() const override { return broken_; }
  const PgEndpoint& endpoint() const override { return endpoint_; }

 private:
  // The node if it still serves this session (replicating first), else null (session broken).
  FakeNode* Check() {
    if (broken_) return nullptr;
    auto it = w_.nodes_.find(ordinal_);
    if (it == w_.nodes_.end() || !w_.Serving(it->second) || it->second.frozen ||
        it->second.host_port != endpoint_.port) {
      broken_ = true;
      return nullptr;
    }
    w_.Replicate();
    return &it->second;
  }
  // The node, when it answers and is not in recovery (what pg_current_wal_lsn() needs).
  absl::StatusOr<FakeNode*> Writable() {
    FakeNode* node = Check();
    if (node == nullptr) return Lost();
    if (node->data == FakeData::kStandby) {
      return absl::AbortedError("recovery is in progress");
    }
    return node;
  }

  absl::Status Lost() {
    // A frozen node does not answer; any other loss is a closed connection.
    auto it = w_.nodes_.find(ordinal_);
    if (it != w_.nodes_.end() && it->second.frozen) {
      return absl::DeadlineExceededError(absl::StrCat(endpoint_.ToString(), ": no answer"));
    }
    return absl::UnavailableError(absl::StrCat(endpoint_.ToString(), ": connection lost"));
  }
  absl::Status Simple() {
    FAKE_CALL(w_);
    return Check() == nullptr ? Lost() : absl::OkStatus();
  }
  template <typename F>
  absl::Status OnPrimary(F change) {
    FAKE_CALL(w_);
    FakeNode* node = Check();
    if (node == nullptr) return Lost();
    if (node->data != FakeData::kPrimary) {
      return absl::AbortedError("cannot execute in a read-only transaction");
    }
    change(*node);
    w_.Replicate();
    return absl::OkStatus();
  }
  WalReceiver Receiver(const FakeNode& node) const {
    if (node.attached_to.empty()) return {};
    return {node.receiver_waiting ? "waiting" : "streaming", node.attached_to};
  }

  FakeWorld& w_;
  const int ordinal_;
  const PgEndpoint endpoint_;
  bool broken_ = false;
};

class FakeWorld::Postgres : public PostgresAccess {
 public:
  // A TLS login with SCRAM on a busy machine (15-30 ms idle, 50-75 ms under a failover's load):
  // a connection given less never logs in.
  static constexpr absl::Duration kLoginTime = absl::Milliseconds(75);

  explicit Postgres(FakeWorld& world) : w_(world) {}
  absl::StatusOr<std::unique_ptr<NodeSession>> Connect(const PgEndpoint& endpoint,
                                                       absl::Duration timeout) const override {
    FAKE_CALL(w_);
    if (FakeBouncer* bouncer = w_.BouncerOnPort(endpoint.port);
        bouncer != nullptr && bouncer->container && bouncer->state == "running") {
      return ThroughBouncer(*bouncer, endpoint);
    }
    FakeNode* node = w_.NodeByPort(endpoint.port);
    if (node == nullptr || !w_.Serving(*node)) {
      return absl::UnavailableError(
          absl::StrCat("connecting to ", endpoint.ToString(), ": connection refused"));
    }
    if (node->frozen || timeout < kLoginTime) {
      return absl::DeadlineExceededError(absl::StrCat("connecting to ", endpoint.ToString(),
                                                      ": no answer within ",
                                                      absl::FormatDuration(timeout)));
    }
    int ordinal = 0;
    for (const auto& [o, n] : w_.nodes_) {
      if (&n == node) ordinal = o;
    }
    ++node->logins;
    return std::unique_ptr<NodeSession>(new Session(w_, ordinal, endpoint));
  }

 private:
  // A client login through the bouncer: checked against the userlist it loaded, then served by
  // the node it targets (a session there).
  absl::StatusOr<std::unique_ptr<NodeSession>> ThroughBouncer(FakeBouncer& bouncer,
                                                              const PgEndpoint& endpoint) const {
    std::string auth_file = ConfValue(bouncer.loaded_ini, "auth_file");
    absl::string_view name = auth_file;
    absl::ConsumePrefix(&name, absl::StrCat(kBouncerConfigDir, "/"));
    std::string userlist = bouncer.files[std::string(name)];
    std::string secret;
    for (absl::string_view line : absl::StrSplit(userlist, '\n', absl::SkipEmpty())) {
      std::vector<std::string> fields = absl::StrSplit(line, '"', absl::SkipEmpty());
      if (fields.size() >= 3 && fields[0] == endpoint.user) secret = fields[2];
    }
    auto checked = w_.scram_checked_.try_emplace({secret, endpoint.password}, false);
    if (checked.second) {
      checked.first->second = !secret.empty() && ScramSecretMatches(secret, endpoint.password);
    }
    if (!checked.first->second) {
      return absl::UnavailableError(
          absl::StrCat("connecting to ", endpoint.ToString(), ": password authentication failed"));
    }
    // The read endpoint lists several hosts: the first that serves (PgBouncer tries the next).
    FakeNode* target = nullptr;
    for (absl::string_view host : absl::StrSplit(bouncer.target, ',', absl::SkipEmpty())) {
      FakeNode* node = w_.NodeByName(std::string(host));
      if (target == nullptr && node != nullptr && w_.Serving(*node)) target = node;
    }
    if (target == nullptr) {
      return absl::UnavailableError(
          absl::StrCat("connecting to ", endpoint.ToString(), ": no server for the database"));
    }
    ++bouncer.app_logins;
    int ordinal = 0;
    for (const auto& [o, n] : w_.nodes_) {
      if (&n == target) ordinal = o;
    }
    return std::unique_ptr<NodeSession>(
        new Session(w_, ordinal, NodeEndpointOf(*target, endpoint)));
  }
  static PgEndpoint NodeEndpointOf(const FakeNode& node, PgEndpoint endpoint) {
    endpoint.port = node.host_port;
    return endpoint;
  }

  FakeWorld& w_;
};

// --- PgBouncer ------------------------------------------------------------------------------

class FakeWorld::BouncerAdmin : public BouncerSession {
 public:
  BouncerAdmin(FakeWorld& world, FakeBouncer& bouncer) : w_(world), b_(bouncer) {}

  absl::StatusOr<std::vector<BouncerDatabase>> ShowDatabases() override {
    FAKE_CALL(w_);
    if (!Up()) return Lost();
    std::vector<BouncerDatabase> list;
    if (!b_.target.empty()) {
      for (const auto& [name, host] : IniDatabases(b_.loaded_ini)) {
        if (name != "*") list.push_back({name, host, b_.paused});
      }
    }
    list.push_back({"pgbouncer", "", false});
    return list;
  }
  absl::StatusOr<std::vector<BouncerPool>> ShowPools() override {
    FAKE_CALL(w_);
    if (!Up()) return Lost();
    std::vector<BouncerPool> pools;
    for (const auto& [name, host] : IniDatabases(b_.loaded_ini)) {
      // A hung server stays active until it is closed.
      if (name != "*") pools.push_back({name, 0, 0, b_.pause_hangs ? 1 : 0});
    }
    return pools;
  }
  absl::StatusOr<std::map<std::string, std::string>> ShowConfig() override {
    FAKE_CALL(w_);
    if (!Up()) return Lost();
    return std::map<std::string, std::string>{
        {"auth_file", ConfValue(b_.loaded_ini, "auth_file")},
        {"client_tls_sslmode", ConfValue(b_.loaded_ini, "client_tls_sslmode")}};
  }
  absl::Status Pause(const std::string&, absl::Duration timeout) override {
    FAKE_CALL(w_);
    if (!Up()) return Lost();
    ++b_.pauses;
    b_.paused = true;  // new clients are held from now on
    if (b_.pause_hangs) {
      broken_ = true;
      return absl::DeadlineExceededError(
          absl::StrCat("no answer within ", absl::FormatDuration(timeout)));
    }
    return absl::OkStatus();
  }
  absl::Status Kill(const std::string&) override {
    FAKE_CALL(w_);
    if (!Up()) return Lost();
    ++b_.kills;
    b_.paused = true;
    return absl::OkStatus();
  }
  absl::Status Resume(const std::string&) override {
    FAKE_CALL(w_);
    if (!Up()) return Lost();
    ++b_.resumes;
    b_.paused = false;
    return absl::OkStatus();
  }
  absl::Status Reload() override {
    FAKE_CALL(w_);
    if (!Up()) return Lost();
    b_.loaded_ini = b_.ini;
    b_.target.clear();
    for (const auto& [name, host] : IniDatabases(b_.ini)) {
      if (name != "*") b_.target = host;
    }
    return absl::OkStatus();
  }
  absl::Status Reconnect(const std::string&) override {
    FAKE_CALL(w_);
    if (!Up()) return Lost();
    ++b_.reconnects;
    return absl::OkStatus();
  }
  bool broken() const override { return broken_; }

 private:
  bool Up() const { return !broken_ && b_.container && b_.state == "running"; }
  absl::Status Lost() {
    broken_ = true;
    return absl::UnavailableError("bouncer admin console: connection lost");
  }
  FakeWorld& w_;
  FakeBouncer& b_;  // the write bouncer or the read endpoint's
  bool broken_ = false;
};

class FakeWorld::Bouncers : public BouncerAccess {
 public:
  explicit Bouncers(FakeWorld& world) : w_(world) {}
  absl::StatusOr<std::unique_ptr<BouncerSession>> Connect(PgEndpoint endpoint,
                                                          absl::Duration) const override {
    FAKE_CALL(w_);
    FakeBouncer* b = w_.BouncerOnPort(endpoint.port);
    if (b == nullptr || !b->container || b->state != "running") {
      return absl::UnavailableError("bouncer: connection refused");
    }
    return std::unique_ptr<BouncerSession>(new BouncerAdmin(w_, *b));
  }

 private:
  FakeWorld& w_;
};

// --- the world ------------------------------------------------------------------------------

FakeWorld::FakeWorld(std::string cluster, const Clock* clock, const Tasks* tasks)
    : cluster_(std::move(cluster)),
      time_(clock != nullptr ? *clock : clock_),
      runtime_(std::make_unique<Runtime>(*this)),
      postgres_(std::make_unique<Postgres>(*this)),
      bouncers_(std::make_unique<Bouncers>(*this)),
      env_{*runtime_, *postgres_, *bouncers_, time_, tasks != nullptr ? *tasks : ThreadTasks()} {}

FakeWorld::~FakeWorld() = default;

std::string FakeWorld::NodeName(int ordinal) const { return radctl::NodeName(cluster_, ordinal); }

int FakeWorld::OrdinalOf(const std::string& name) const {
  return OrdinalFromNodeName(cluster_, name).value_or(0);
}

FakeNode* FakeWorld::NodeByName(const std::string& name) {
  int ordinal = OrdinalOf(name);
  auto it = nodes_.find(ordinal);
  return ordinal == 0 || it == nodes_.end() ? nullptr : &it->second;
}

FakeNode* FakeWorld::NodeByPort(int port) {
  for (auto& [ordinal, node] : nodes_) {
    if (node.host_port == port && port != 0) return &node;
  }
  return nullptr;
}

bool FakeWorld::Serving(const FakeNode& node) const {
  return node.container && node.state == "running" && !node.cut_off && node.postgres;
}

bool FakeWorld::Reachable(const FakeNode& node, const FakeNode& peer) const {
  return node.container && node.state == "running" && !node.cut_off && Serving(peer) &&
         !peer.frozen;
}

bool FakeWorld::Streaming(const FakeNode& node) const {
  return Serving(node) && node.data == FakeData::kStandby && !node.marker &&
         !node.attached_to.empty() && !node.receiver_waiting;
}

void FakeWorld::Detach(FakeNode& node, absl::Time next_attempt) {
  node.attached_to.clear();
  node.receiver_waiting = false;
  node.next_attempt = next_attempt;
}

// The WAL receiver and the startup process of one standby, brought up to `now`.
void FakeWorld::AdvanceReceiver(FakeNode& node, absl::Time now) {
  if (!node.postgres || node.data != FakeData::kStandby || node.marker || node.frozen ||
      node.state != "running") {
    return;
  }
  if (now >= node.replay_done_at) node.replayed = node.wal.end();
  if (!node.attached_to.empty()) {
    FakeNode* upstream = NodeByName(node.attached_to);
    const bool closed = upstream == nullptr || !upstream->container ||
                        upstream->state == "exited" || upstream->state == "created" ||
                        !upstream->postgres;
    if (node.upstream != node.attached_to) {
      // A new primary_conninfo: the receiver is restarted at once, also one whose connection is
      // half-open (ModelTest pins this on the real engine).
      Detach(node, now);
    } else if (closed) {
      // The upstream's Postgres is gone: its end of the connection closed, the receiver exits.
      Detach(node, now + node.retry_interval);
    } else if (!Reachable(node, *upstream) || upstream->state == "paused") {
      // Cut off or frozen: nothing closes the connection; the receiver gives up only after
      // wal_receiver_timeout of silence.
      if (now - node.heard_at >= node.receiver_timeout) Detach(node, now + node.retry_interval);
    } else {
      node.heard_at = now;
    }
  }
  if (node.attached_to.empty()) {
    if (now < node.next_attempt || now < node.replay_done_at) return;
    FakeNode* upstream = NodeByName(node.upstream);
    if (upstream == nullptr || !Reachable(node, *upstream) || upstream->state == "paused" ||
        upstream->data == FakeData::kEmpty) {
      node.next_attempt = now + node.retry_interval;
      return;
    }
    // Connecting, the receiver fetches the history files of the upstream's timeline.
    for (const TimelineSpan& span : upstream->wal.spans()) node.history_files.insert(span.id);
    if (!upstream->wal.Continues(node.wal)) {
      // Its position is past where the upstream's history left its timeline: it cannot follow.
      node.next_attempt = now + node.retry_interval;
      return;
    }
    node.attached_to = node.upstream;
    node.heard_at = now;
    // Streaming starts at the beginning of the segment that holds its position.
    if (!node.receive_reported) node.receive_reported = node.wal.end() & ~((Lsn{1} << 24) - 1);
  }
  FakeNode* upstream = NodeByName(node.attached_to);
  if (upstream == nullptr || node.heard_at != now || node.lagging) return;
  if (!upstream->wal.Continues(node.wal)) {
    node.receiver_waiting = true;  // the end of its timeline on the upstream: it cannot go on
    return;
  }
  node.receiver_waiting = false;
  node.receive_reported = upstream->wal.end();
  node.replayed = upstream->wal.end();
  // Copied only when changed: most steps nothing did, and copying every standby's state at every
  // step was a third of the simulator's time.
  if (!node.wal.SameAs(upstream->wal)) {
    node.wal = upstream->wal;
    for (const TimelineSpan& span : node.wal.spans()) node.history_files.insert(span.id);
  }
  auto same_record = [](const RepmgrNode& a, const RepmgrNode& b) {
    return a.node_id == b.node_id && a.type == b.type && a.active == b.active &&
           a.upstream_node_id == b.upstream_node_id;
  };
  if (!std::equal(node.records.begin(), node.records.end(), upstream->records.begin(),
                  upstream->records.end(), same_record)) {
    node.records = upstream->records;
  }
  if (node.roles != upstream->roles) node.roles = upstream->roles;
  if (node.databases != upstream->databases) node.databases = upstream->databases;
}

void FakeWorld::AcknowledgeCommits() {
  if (pending_.empty()) return;
  // Per waiting primary: how many of its synchronous standbys it needs, and which stream from it.
  struct Waiting {
    int needed = 0;
    std::vector<const FakeNode*> synchronous;
  };
  std::map<int, Waiting> waiting;
  for (const auto& [commit, primary_ordinal] : pending_) {
    auto [entry, added] = waiting.try_emplace(primary_ordinal);
    if (!added) continue;
    auto primary = nodes_.find(primary_ordinal);
    if (primary == nodes_.end() || !primary->second.postgres) continue;
    entry->second.needed = primary->second.sync_number;
    const std::string name = NodeName(primary_ordinal);
    for (const auto& [ordinal, standby] : nodes_) {
      if (standby.attached_to == name && standby.postgres &&
          primary->second.sync_names.count(NodeName(ordinal)) > 0) {
        entry->second.synchronous.push_back(&standby);
      }
    }
  }
  for (auto it = pending_.begin(); it != pending_.end();) {
    const Waiting& primary = waiting[it->second];
    const Commit& commit = commits_[it->first - 1];
    const int needed = primary.needed;
    const int have = static_cast<int>(
        std::count_if(primary.synchronous.begin(), primary.synchronous.end(),
                      [&](const FakeNode* standby) { return standby->wal.Holds(commit); }));
    if (needed > 0 && have >= needed) {
      acknowledged_.push_back({it->first, true, time_.Monotonic()});
      acknowledged_set_.insert(it->first);
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
}

void FakeWorld::Replicate() {
  const absl::Time now = time_.Monotonic();
  AdvanceStops(now);
  // Twice: a standby that attaches in the first round may let another see its primary's WAL
  // only through it in the second (never in radctl's clusters, but cheap).
  for (int round = 0; round < 2; ++round) {
    for (auto& [ordinal, node] : nodes_) AdvanceReceiver(node, now);
  }
  AcknowledgeCommits();
}

void FakeWorld::Promote(FakeNode& node) {
  // Replay ends first: everything it holds is replayed.
  node.replayed = node.wal.end();
  int newest = node.wal.timeline();
  for (int id : node.history_files) newest = std::max(newest, id);
  node.wal.Branch(newest + 1, next_uid_++);
  node.history_files.insert(newest + 1);
  node.data = FakeData::kPrimary;
  node.upstream.clear();
  Detach(node, absl::InfinitePast());
  node.receive_reported.reset();
}

void FakeWorld::Remove(FakeNode& node, const std::string& name, const std::string& path) {
  if (!node.wal.empty()) removed_.push_back({name, path, node.wal});
  node.wal = WalHistory();
  node.replayed = 0;
  node.history_files.clear();
}

void FakeWorld::LoadConfig(FakeNode& node) {
  const std::string& conf = node.files["data/postgresql.conf"];
  node.loaded_config_hash = ConfValue(conf, "radctl.config_hash");
  node.sync_number = 0;
  node.sync_names.clear();
  // ANY k ("demo-pg-1", "demo-pg-2", ...)
  std::string sync = ConfValue(conf, "synchronous_standby_names");
  node.sync_setting = sync;
  absl::string_view rest = sync;
  if (absl::ConsumePrefix(&rest, "ANY ")) {
    size_t space = rest.find(' ');
    (void)absl::SimpleAtoi(rest.substr(0, space), &node.sync_number);
    for (absl::string_view name :
         absl::StrSplit(rest.substr(space), absl::ByAnyChar("(), \""), absl::SkipEmpty())) {
      node.sync_names.insert(std::string(name));
    }
  }
  auto duration = [&](const std::string& key, absl::Duration fallback) {
    std::string text = ConfValue(conf, key);
    int64_t ms = 0;
    if (absl::SimpleAtoi(text, &ms)) return absl::Milliseconds(ms);  // Postgres's unit
    absl::Duration value;
    return !text.empty() && absl::ParseDuration(text, &value) ? value : fallback;
  };
  node.receiver_timeout = duration("wal_receiver_timeout", absl::Seconds(60));
  node.retry_interval = duration("wal_retrieve_retry_interval", absl::Seconds(5));
  LoadTls(node);
}

void FakeWorld::StartPostgres(FakeNode& node) {
  // Commits that still waited for standbys when this Postgres last stopped were never
  // acknowledged: the waiting backends ended with it, and their clients saw the connection end.
  // Without this, a commit would be acknowledged later by the node's new configuration and
  // standbys (a rejoined former primary), which no client waits for any more.
  for (auto it = pending_.begin(); it != pending_.end();) {
    auto primary = nodes_.find(it->second);  // (a node scaled away is no longer in nodes_)
    it = primary != nodes_.end() && &primary->second == &node ? pending_.erase(it) : std::next(it);
  }
  node.postgres = true;
  node.pending_restart = false;
  LoadConfig(node);
  if (node.data == FakeData::kStandby) {
    // It replays the WAL it holds from its last restartpoint, then streams.
    const absl::Time now = time_.Monotonic();
    node.receive_reported.reset();
    node.attached_to.clear();
    node.receiver_waiting = false;
    const absl::Duration replay = hooks_ == nullptr ? absl::ZeroDuration() : hooks_->ReplayTime();
    node.replay_done_at = now + replay;
    node.next_attempt = node.replay_done_at;
    if (replay > absl::ZeroDuration() && !node.wal.empty()) {
      node.replayed = std::max(node.wal.spans().back().begin,
                               node.wal.end() - std::min(node.wal.end(), Lsn{0x10000}));
    }
  }
}

void FakeWorld::LoadTls(FakeNode& node) {
  node.ssl = ConfValue(node.files["tls/radctl-tls.conf"], "ssl") == "on";
  node.tls_certificate = ConfValue(node.files["tls/radctl-tls.conf"], "radctl.tls_certificate");
}

void FakeWorld::StopNode(FakeNode& node, int exit_code) {
  node.stop_requested = absl::InfinitePast();
  node.stop_requested_wall = absl::InfinitePast();
  node.stop_answer = StopAnswer::kNone;
  node.state = "exited";
  node.dying = false;
  node.exit_code = exit_code;
  node.postgres = false;
  node.frozen = false;  // the hung process is gone with its container: the next start is fresh
  node.host_port = 0;
  Detach(node, absl::InfinitePast());
}

absl::Status FakeWorld::Admit() const {
  return hooks_ == nullptr ? absl::OkStatus() : hooks_->BeforeCall();
}

void FakeWorld::Emit(const std::string& action, const std::string& name,
                     docker::Labels attributes) {
  docker::Event event;
  event.type = "container";
  event.action = action;
  event.name = name;
  event.labels = std::move(attributes);
  events_.push_back(event);
  time_.Notify(events_cv_);
}

void FakeWorld::WakeEventStreams() { time_.Notify(events_cv_); }

docker::ExecResult FakeWorld::RunStep(const std::string& container, FakeNode& node,
                                      const std::string& step,
                                      const std::map<std::string, std::string>& args) {
  const int ordinal = OrdinalOf(container);
  auto arg = [&](const std::string& key) {
    auto it = args.find(key);
    return it == args.end() ? std::string() : it->second;
  };
  if (step == "facts") {
    const char* data = node.marker || node.data == FakeData::kEmpty ? "empty"
                       : node.data == FakeData::kStandby            ? "standby"
                                                                    : "primary";
    // As the script reads it: the timeline of the newest WAL segment.
    int timeline = node.timeline();
    std::string timeline_line =
        std::string(data) == "empty" ? "" : absl::StrCat("timeline=", timeline, "\n");
    std::vector<std::string> aside;
    for (const DataCopy& copy : node.kept_aside) aside.push_back(copy.path);
    std::string stop_lines;
    if (node.stop_requested_wall != absl::InfinitePast()) {
      const int64_t micros = absl::ToUnixMicros(node.stop_requested_wall);
      stop_lines = absl::StrFormat("stop_requested=%d.%06d\n", micros / 1000000, micros % 1000000);
    }
    if (node.stop_answer != StopAnswer::kNone) {
      absl::StrAppend(&stop_lines,
                      "stop_answer=", node.stop_answer == StopAnswer::kGo ? "go" : "wait", "\n");
    }
    return Ok(absl::StrCat("data=", data, "\npostgres=", node.postgres ? "running" : "stopped",
                           "\n", timeline_line, stop_lines, "aside=", absl::StrJoin(aside, ","),
                           "\n"));
  }
  if (step == "answer-stop") {
    node.stop_answer = arg("answer") == "go" ? StopAnswer::kGo : StopAnswer::kWait;
    return Ok("");
  }
  const bool fails_late = fail_late_[step] > 0;
  if (fails_late) --fail_late_[step];
  if (step == "init-primary") {
    if (node.data != FakeData::kEmpty && !node.marker) {
      return {65, "",
              "the volume holds a data directory radctl did not make; not initialising over it"};
    }
    node.marker = true;
    node.postgres = false;
    Remove(node, container, "data");  // rm -rf data: what an interrupted init or clone left
    node.data = FakeData::kPrimary;
    node.wal = WalHistory::Initial(next_uid_++, kInitialLsn);
    node.history_files.clear();
    node.records.clear();
    node.slots.clear();
    node.files["data/postgresql.conf"] = node.files[kInitPostgresqlConfFile];
    node.files["data/pg_hba.conf"] = node.files[kInitPgHbaConfFile];
    node.files.erase(kInitPostgresqlConfFile);
    node.files.erase(kInitPgHbaConfFile);
    node.marker = false;  // complete and synced: the marker goes before the first start
    StartPostgres(node);
    // The bootstrap SQL's app role and database (the last CREATE ROLE and CREATE DATABASE).
    for (absl::string_view line :
         absl::StrSplit(node.files[kBootstrapSqlFile], '\n', absl::SkipEmpty())) {
      std::vector<std::string> words = absl::StrSplit(line, ' ', absl::SkipEmpty());
      if (words.size() >= 5 && words[0] == "CREATE" && words[1] == "ROLE") {
        std::string secret = words.back();
        absl::string_view unquoted = secret;
        absl::ConsumeSuffix(&unquoted, ";");
        absl::ConsumePrefix(&unquoted, "'");
        absl::ConsumeSuffix(&unquoted, "'");
        node.roles[words[2]] = std::string(unquoted);
      }
      if (words.size() >= 3 && words[0] == "CREATE" && words[1] == "DATABASE") {
        node.databases.insert(words[2]);
      }
    }
    node.files.erase(kBootstrapSqlFile);
    node.wal.Append(0x100);
    // The last step, repmgr primary register.
    if (fails_late) return Fail("repmgr: unable to register the primary");
    node.records = {{ordinal, "primary", true, 0}};
    return Ok();
  }
  if (step == "start" || step == "restart") {
    if (node.data == FakeData::kEmpty || node.marker) return Fail("no data directory");
    StartPostgres(node);
    return Ok();
  }
  if (step == "stop-immediately") {
    node.postgres = false;
    Detach(node, absl::InfinitePast());
    return Ok();
  }
  if ((step == "clone" || step == "rejoin") && node.cut_off) {
    return {75, "", "cannot connect: cut off from the network"};
  }
  if (step == "clone") {
    FakeNode* source = NodeByName(arg("source"));
    // The script marks the directory incomplete and removes it before it copies anything.
    node.marker = true;
    node.postgres = false;
    Detach(node, absl::InfinitePast());
    Remove(node, container, "data");
    if (source == nullptr || !Reachable(node, *source)) {
      return Fail(absl::StrCat("connection to ", arg("source"), " failed"));
    }
    node.data = FakeData::kStandby;
    node.wal = source->wal;
    node.replayed = node.wal.end();
    for (const TimelineSpan& span : source->wal.spans()) node.history_files.insert(span.id);
    node.records = source->records;
    node.roles = source->roles;
    node.databases = source->databases;
    node.upstream = arg("source");
    node.files["data/postgresql.conf"] = source->files["data/postgresql.conf"];
    source->slots.insert(absl::StrCat("repmgr_slot_", ordinal));
    return Ok();
  }
  if (step == "start-clone") {
    if (node.data == FakeData::kEmpty) return Fail("no data directory");
    node.marker = false;
    StartPostgres(node);
    return Ok();
  }
  if (step == "register-standby") {
    int upstream = 0;
    (void)absl::SimpleAtoi(arg("upstream"), &upstream);
    auto primary = nodes_.find(upstream);
    if (primary == nodes_.end() || !IsPrimary(primary->second)) return Fail("no primary");
    std::vector<RepmgrNode>& records = primary->second.records;
    EraseRecord(records, ordinal);
    records.push_back({ordinal, "standby", true, upstream});
    Replicate();
    return Ok();
  }
  if (step == "rejoin") {
    FakeNode* primary = NodeByName(arg("primary"));
    if (primary == nullptr || !Reachable(node, *primary) || !IsPrimary(*primary)) {
      return {75, "", absl::StrCat("cannot connect to ", arg("primary"))};
    }
    if (node.postgres) return Fail("Postgres is running");
    // pg_rewind: what it wrote past the point where the primary's history left it is gone.
    if (!primary->wal.Continues(node.wal)) removed_.push_back({container, "rewound", node.wal});
    node.data = FakeData::kStandby;
    node.wal = primary->wal;
    node.replayed = node.wal.end();
    for (const TimelineSpan& span : node.wal.spans()) node.history_files.insert(span.id);
    node.records = primary->records;
    node.upstream = arg("primary");
    primary->slots.insert(absl::StrCat("repmgr_slot_", ordinal));
    // repmgr node rejoin records the node as an active standby of the primary.
    EraseRecord(primary->records, ordinal);
    primary->records.push_back({ordinal, "standby", true, OrdinalOf(arg("primary"))});
    StartPostgres(node);
    Replicate();
    return Ok();
  }
  if (step == "move-aside") {
    if (node.data == FakeData::kEmpty || node.marker) return Ok();
    // Earlier copies stay; a name already taken gets a suffix.
    std::string kept = absl::StrCat("data.radctl-old-", arg("stamp"));
    for (int n = 2; std::any_of(node.kept_aside.begin(), node.kept_aside.end(),
                                [&](const DataCopy& c) { return c.path == kept; });
         ++n) {
      kept = absl::StrCat("data.radctl-old-", arg("stamp"), "-", n);
    }
    node.kept_aside.push_back({container, kept, node.wal});
    std::string moved = absl::StrCat("moved=", kept, " timeline=", node.timeline(),
                                     " checkpoint=", FormatLsn(node.lsn()), "\n");
    node.postgres = false;
    node.data = FakeData::kEmpty;
    node.wal = WalHistory();
    node.replayed = 0;
    node.history_files.clear();
    return Ok(moved);
  }
  // pgBackRest, in the node containers that mount the repository.
  if (step == "stanza-create" || step == "backup" || step == "backup-info" ||
      step == "backup-progress") {
    if (node.labels.count(kLabelBackupRepository) == 0) {
      return docker::ExecResult{3, "", "the backup repository volume is not mounted"};
    }
  }
  if (step == "stanza-create") {
    if (!IsPrimary(node)) return Fail("ERROR: [056]: unable to find primary cluster");
    repository_.stanza = true;
    return Ok();
  }
  if (step == "backup") {
    if (!repository_.stanza) return Fail("ERROR: [055]: unable to load info file");
    if (!IsPrimary(node)) return Fail("ERROR: [056]: unable to find primary cluster");
    BackupRecord record;
    record.start = clock_.Now();
    record.stop = clock_.Now();
    record.label = absl::StrCat(absl::FormatTime("%Y%m%d-%H%M%S", record.stop, absl::UTCTimeZone()),
                                "F", repository_.backups.size());
    record.type = arg("type");
    record.size = 24 << 20;
    record.repo_size = 3 << 20;
    record.lsn_start = node.lsn();
    record.lsn_stop = node.lsn();
    repository_.backups.push_back(record);
    return Ok(absl::StrCat("P00   INFO: new backup label = ", record.label, "\n"));
  }
  if (step == "backup-progress") return Ok();
  if (step == "backup-info") {
    std::vector<std::string> backups;
    for (const BackupRecord& record : repository_.backups) {
      backups.push_back(absl::StrCat(
          R"({"label":")", record.label, R"(","type":")", record.type,
          R"(","error":false,"timestamp":{"start":)", absl::ToUnixSeconds(record.start),
          R"(,"stop":)", absl::ToUnixSeconds(record.stop), R"(},"info":{"size":)", record.size,
          R"(,"repository":{"size":)", record.repo_size, R"(}},"lsn":{"start":")",
          FormatLsn(record.lsn_start), R"(","stop":")", FormatLsn(record.lsn_stop), R"("}})"));
    }
    int code = repository_.stanza ? (backups.empty() ? 2 : 0) : 1;
    return Ok(absl::StrCat(R"([{"name":")", cluster_, R"(","status":{"code":)", code,
                           R"(,"message":"fake","lock":{"backup":{"held":false}}},"backup":[)",
                           absl::StrJoin(backups, ","), R"(],"archive":[]}])"));
  }
  if (step == "stop-cleanly") {
    if (!node.postgres) return Fail("pg_ctl: PID file does not exist");
    Lsn checkpoint = node.lsn();
    node.wal.Append(0x28);  // the shutdown checkpoint record, sent to the standbys streaming
    Replicate();
    node.postgres = false;
    Detach(node, absl::InfinitePast());
    return Ok(FormatLsn(checkpoint) + "\n");
  }
  return Fail(absl::StrCat("unknown step ", step));
}

// --- test controls --------------------------------------------------------------------------

FakeNode FakeWorld::Node(int ordinal) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = nodes_.find(ordinal);
  return it == nodes_.end() ? FakeNode{} : it->second;
}

FakeBouncer* FakeWorld::BouncerNamed(const std::string& name) {
  if (name == BouncerName(cluster_)) return &bouncer_;
  if (name == ReadBouncerName(cluster_)) return &read_bouncer_;
  return nullptr;
}

FakeBouncer* FakeWorld::BouncerOnPort(int port) {
  for (FakeBouncer* b : {&bouncer_, &read_bouncer_}) {
    if (b->container && b->host_port == port) return b;
  }
  return nullptr;
}

FakeBouncer FakeWorld::ReadBouncer() const {
  std::lock_guard<std::mutex> lock(mu_);
  return read_bouncer_;
}

FakeBouncer FakeWorld::Bouncer() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bouncer_;
}

bool FakeWorld::NetworkExists() const {
  std::lock_guard<std::mutex> lock(mu_);
  return network_;
}

std::vector<int> FakeWorld::Primaries() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<int> primaries;
  for (const auto& [ordinal, node] : nodes_) {
    if (Serving(node) && IsPrimary(node)) primaries.push_back(ordinal);
  }
  return primaries;
}

FakeRepository FakeWorld::Repository() const {
  std::lock_guard<std::mutex> lock(mu_);
  return repository_;
}

std::vector<std::string> FakeWorld::Steps() const {
  std::lock_guard<std::mutex> lock(mu_);
  return steps_;
}

int FakeWorld::ContainerListings() const {
  std::lock_guard<std::mutex> lock(mu_);
  return container_listings_;
}

void FakeWorld::Write(int ordinal, Lsn bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  Replicate();
  FakeNode& node = nodes_.at(ordinal);
  if (IsPrimary(node)) node.wal.Append(bytes);
  Replicate();
}

absl::StatusOr<std::optional<Commit>> FakeWorld::ClientWrite(Lsn bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  Replicate();
  if (!bouncer_.container || bouncer_.state != "running") {
    return absl::UnavailableError("the bouncer does not run");
  }
  if (bouncer_.paused) return std::nullopt;  // held until RESUME
  FakeNode* target = NodeByName(bouncer_.target);
  if (target == nullptr || !Serving(*target) || target->frozen) {
    return absl::UnavailableError(
        absl::StrCat("the bouncer's target ", bouncer_.target, " does not answer"));
  }
  if (!IsPrimary(*target)) {
    return absl::FailedPreconditionError("cannot execute in a read-only transaction");
  }
  Commit commit{commits_.size() + 1, target->wal.uid(), target->wal.Append(bytes)};
  commits_.push_back(commit);
  if (target->sync_number == 0) {
    acknowledged_.push_back({commit.id, false, time_.Monotonic()});
    acknowledged_set_.insert(commit.id);
  } else {
    pending_[commit.id] = OrdinalOf(bouncer_.target);
  }
  Replicate();
  return commit;
}

bool FakeWorld::Acknowledged(uint64_t commit) const {
  std::lock_guard<std::mutex> lock(mu_);
  return acknowledged_set_.count(commit) > 0;
}

std::vector<Commit> FakeWorld::CommitsFrom(size_t from) const {
  std::lock_guard<std::mutex> lock(mu_);
  return from >= commits_.size() ? std::vector<Commit>{}
                                 : std::vector<Commit>(commits_.begin() + from, commits_.end());
}

std::vector<Acknowledgement> FakeWorld::AcknowledgementsFrom(size_t from) const {
  std::lock_guard<std::mutex> lock(mu_);
  return from >= acknowledged_.size()
             ? std::vector<Acknowledgement>{}
             : std::vector<Acknowledgement>(acknowledged_.begin() + from, acknowledged_.end());
}

std::vector<DataCopy> FakeWorld::RemovedFrom(size_t from) const {
  std::lock_guard<std::mutex> lock(mu_);
  return from >= removed_.size() ? std::vector<DataCopy>{}
                                 : std::vector<DataCopy>(removed_.begin() + from, removed_.end());
}

WorldTruth FakeWorld::Truth() const {
  std::lock_guard<std::mutex> lock(mu_);
  WorldTruth truth;
  for (const auto& [ordinal, node] : nodes_) {
    WorldTruth::Node n;
    n.ordinal = ordinal;
    n.container = node.container;
    n.state = node.state;
    n.postgres = node.postgres;
    n.frozen = node.frozen;
    n.cut_off = node.cut_off;
    n.data = node.data;
    n.marker = node.marker;
    n.wal = node.wal;
    n.synchronous = !node.sync_setting.empty();
    n.attached_to = node.attached_to;
    n.receiver_waiting = node.receiver_waiting;
    for (const DataCopy& copy : node.kept_aside) n.kept_aside.push_back(copy.wal);
    truth.nodes.push_back(std::move(n));
  }
  truth.bouncer_running = bouncer_.container && bouncer_.state == "running";
  truth.bouncer_target = bouncer_.target;
  truth.bouncer_paused = bouncer_.paused;
  truth.read_bouncer_running = read_bouncer_.container && read_bouncer_.state == "running";
  truth.read_bouncer_targets = read_bouncer_.target;
  return truth;
}

const WorldTruth::Node* WorldTruth::NodeNamed(const std::string& name,
                                              const std::string& cluster) const {
  std::optional<int> ordinal = OrdinalFromNodeName(cluster, name);
  if (!ordinal) return nullptr;
  for (const Node& node : nodes) {
    if (node.ordinal == *ordinal) return &node;
  }
  return nullptr;
}

void FakeWorld::Advance() {
  std::lock_guard<std::mutex> lock(mu_);
  Replicate();
}

void FakeWorld::RebuildImage(const std::string& image, const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  image_ids_[image] = id;
}

void FakeWorld::Kill(int ordinal) {
  std::lock_guard<std::mutex> lock(mu_);
  Replicate();
  FakeNode& node = nodes_.at(ordinal);
  if (node.state != "running" && node.state != "paused") return;
  StopNode(node, 137);
  Emit("kill", NodeName(ordinal));
  Emit("die", NodeName(ordinal));
  Replicate();
}

void FakeWorld::KillSlowly(int ordinal) {
  std::lock_guard<std::mutex> lock(mu_);
  Replicate();
  FakeNode& node = nodes_.at(ordinal);
  if (node.state != "running" && node.state != "paused") return;
  node.state = "running";  // the engine thaws a paused container for its SIGKILL
  node.dying = true;
  node.postgres = false;
  node.frozen = false;
  Detach(node, absl::InfinitePast());
  Emit("kill", NodeName(ordinal), {{"signal", "9"}});
  Replicate();
}

void FakeWorld::FinishDying(int ordinal) {
  std::lock_guard<std::mutex> lock(mu_);
  Replicate();
  FakeNode& node = nodes_.at(ordinal);
  if (node.state != "running") return;
  StopNode(node, 137);
  Emit("die", NodeName(ordinal));
  Replicate();
}

void FakeWorld::Stop(int ordinal) {
  std::lock_guard<std::mutex> lock(mu_);
  Replicate();
  FakeNode& node = nodes_.at(ordinal);
  if (node.state != "running") return;
  Emit("kill", NodeName(ordinal));
  ShutDownCleanly(ordinal, node);
  Replicate();
}

void FakeWorld::ShutDownCleanly(int ordinal, FakeNode& node) {
  if (node.postgres && node.data == FakeData::kPrimary) {
    node.wal.Append(0x28);  // a clean shutdown: its checkpoint reaches the standbys
    Replicate();
  }
  StopNode(node, 0);
  Emit("die", NodeName(ordinal));
  Emit("stop", NodeName(ordinal));
}

void FakeWorld::RequestStop(int ordinal) {
  std::lock_guard<std::mutex> lock(mu_);
  Replicate();
  FakeNode& node = nodes_.at(ordinal);
  if (node.state != "running" && node.state != "paused") return;
  if (node.stop_requested != absl::InfinitePast()) return;  // asked already
  Emit("kill", NodeName(ordinal));                          // SIGTERM
  if (node.state == "running" && !node.postgres) {
    ShutDownCleanly(ordinal, node);  // nothing to wait for: the entrypoint exits at once
    Replicate();
    return;
  }
  node.stop_requested = time_.Monotonic();
  node.stop_requested_wall = time_.Now();
}

void FakeWorld::AdvanceStops(absl::Time now) {
  if (advancing_stops_) return;  // a shutdown here replicates, which comes back here
  advancing_stops_ = true;
  for (auto& [ordinal, node] : nodes_) {
    if (node.stop_requested == absl::InfinitePast()) continue;
    const absl::Duration waited = now - node.stop_requested;
    if (node.state == "paused" || node.frozen) {
      // No shutdown can happen: the engine kills it at the stop timeout.
      if (waited >= absl::Seconds(30)) {
        StopNode(node, 137);
        Emit("die", NodeName(ordinal));
        Emit("stop", NodeName(ordinal));
      }
      continue;
    }
    const bool stops = node.stop_answer == StopAnswer::kGo ||
                       (node.stop_answer == StopAnswer::kWait && waited >= absl::Seconds(20)) ||
                       (node.stop_answer == StopAnswer::kNone && waited >= absl::Seconds(3));
    if (stops) ShutDownCleanly(ordinal, node);
  }
  advancing_stops_ = false;
}

void FakeWorld::Start(int ordinal) {
  std::lock_guard<std::mutex> lock(mu_);
  Replicate();
  FakeNode& node = nodes_.at(ordinal);
  if (!node.container || node.state == "running" || node.state == "paused") return;
  node.state = "running";
  node.exit_code = 0;
  node.host_port = node.cut_off ? 0 : next_port_++;
  if (node.data == FakeData::kStandby && !node.marker) StartPostgres(node);
  Emit("start", NodeName(ordinal));
  Replicate();
}

void FakeWorld::Pause(int ordinal) {
  std::lock_guard<std::mutex> lock(mu_);
  Replicate();
  nodes_.at(ordinal).state = "paused";
  Emit("pause", NodeName(ordinal));
  Replicate();
}

void FakeWorld::Unpause(int ordinal) {
  std::lock_guard<std::mutex> lock(mu_);
  Replicate();
  nodes_.at(ordinal).state = "running";
  Emit("unpause", NodeName(ordinal));
  Replicate();
}

void FakeWorld::Freeze(int ordinal, bool frozen) {
  std::lock_guard<std::mutex> lock(mu_);
  Replicate();
  nodes_.at(ordinal).frozen = frozen;
  Replicate();
}

void FakeWorld::RemoveOldestKeptAside(int limit) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [ordinal, node] : nodes_) {
    if (static_cast<int>(node.kept_aside.size()) >= limit && !node.kept_aside.empty()) {
      node.kept_aside.erase(node.kept_aside.begin());
    }
  }
}

void FakeWorld::RemoveKeptAside(int ordinal) {
  std::lock_guard<std::mutex> lock(mu_);
  auto node = nodes_.find(ordinal);
  if (node != nodes_.end()) node->second.kept_aside.clear();
}

void FakeWorld::CutOff(int ordinal, bool cut) {
  std::lock_guard<std::mutex> lock(mu_);
  Replicate();
  FakeNode& node = nodes_.at(ordinal);
  node.cut_off = cut;
  if (node.state == "running" || node.state == "paused") node.host_port = cut ? 0 : next_port_++;
  Replicate();
}

void FakeWorld::Lag(int ordinal, bool lagging) {
  std::lock_guard<std::mutex> lock(mu_);
  Replicate();
  nodes_.at(ordinal).lagging = lagging;
  Replicate();
}

void FakeWorld::UnlabelledVolumeWithData(int ordinal, Lsn lsn) {
  std::lock_guard<std::mutex> lock(mu_);
  FakeNode& node = nodes_[ordinal];
  node.volume = true;
  node.volume_labelled = false;
  node.data = FakeData::kPrimary;
  node.wal = WalHistory::Initial(next_uid_++, 0);
  node.wal.Append(lsn);
}

void FakeWorld::CrashPostgres(int ordinal) {
  std::lock_guard<std::mutex> lock(mu_);
  Replicate();
  nodes_.at(ordinal).postgres = false;
  Detach(nodes_.at(ordinal), absl::InfinitePast());
  Replicate();
}

void FakeWorld::FailStepLate(const std::string& step, int times) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_late_[step] += times;
}

void FakeWorld::FailStep(const std::string& step, int times, const std::string& output,
                         int exit_code) {
  std::lock_guard<std::mutex> lock(mu_);
  for (int i = 0; i < times; ++i) failing_steps_[step].push_back({exit_code, "", output});
}

void FakeWorld::SetLog(int ordinal, const std::string& log) {
  std::lock_guard<std::mutex> lock(mu_);
  nodes_.at(ordinal).log = log;
}

void FakeWorld::SetEngineDown(bool down) {
  std::lock_guard<std::mutex> lock(mu_);
  engine_down_ = down;
  if (down) leases_.clear();  // the engine stopped: so did the lease's container
}

std::optional<std::string> FakeWorld::LeaseFile(const std::string& file) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto volume = lease_volumes_.find(LeaseVolumeName(cluster_));
  if (volume == lease_volumes_.end()) return std::nullopt;
  auto found = volume->second.find(file);
  if (found == volume->second.end()) return std::nullopt;
  return found->second;
}

void FakeWorld::EndLeasesOf(int caller) {
  std::lock_guard<std::mutex> lock(mu_);
  dead_callers_.insert(caller);
  for (auto it = leases_.begin(); it != leases_.end();) {
    it = it->second.caller == caller ? leases_.erase(it) : std::next(it);
  }
}

void FakeWorld::DropEventStream() {
  std::lock_guard<std::mutex> lock(mu_);
  drop_stream_ = true;
}

void FakeWorld::SetBouncerPortTaken(bool taken) {
  std::lock_guard<std::mutex> lock(mu_);
  bouncer_port_taken_ = taken;
}

void FakeWorld::SetPauseHangs(bool hangs) {
  std::lock_guard<std::mutex> lock(mu_);
  bouncer_.pause_hangs = hangs;
}

void FakeWorld::SetSocketsClosable(bool closable) {
  std::lock_guard<std::mutex> lock(mu_);
  bouncer_.sockets_closable = closable;
}

}  // namespace radctl::testing
