#include "controller/loop/observer.h"

#include <functional>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "controller/clients/postgres/stop_request.h"
#include "controller/config/bouncer_config.h"
#include "controller/config/endpoints.h"
#include "controller/config/tls_certificates.h"
#include "controller/operations/backup_info.h"
#include "controller/operations/backup_scripts.h"
#include "controller/operations/node_scripts.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/naming.h"
#include "reconcilers/standby_ranking.h"

namespace radctl {
namespace {

ContainerState ToContainerState(const std::string& state) {
  // A paused container still exists and holds its processes: it is "running" for the planner,
  // and its Postgres, frozen, simply does not answer (a hung node).
  if (state == "running" || state == "paused") return ContainerState::kRunning;
  if (state == "created") return ContainerState::kCreated;
  return ContainerState::kStopped;
}

int PublishedPort(const std::vector<docker::PortBinding>& ports, int container_port) {
  for (const docker::PortBinding& port : ports) {
    if (port.container_port == container_port && port.host_port != 0) return port.host_port;
  }
  return 0;
}

// pgBackRest's info costs an exec and a read of the repository: often enough for a schedule in
// minutes, and read again at once after a backup or the stanza (the loop clears read_at).
constexpr absl::Duration kBackupInfoInterval = absl::Seconds(30);
// How often the spec's image is looked up again under the same name (a rebuilt tag).
constexpr absl::Duration kImageRecheckInterval = absl::Seconds(30);
// How often the data directory of a node busy with a long action is looked into.
constexpr absl::Duration kBusyFactsInterval = absl::Seconds(2);

}  // namespace

Observer::Observer(const Env& env, ClusterSecrets secrets)
    : env_(env), secrets_(std::move(secrets)), sessions_(env.postgres) {}

absl::StatusOr<std::unique_ptr<NodeSession>> Observer::TakeSession(const PgEndpoint& endpoint,
                                                                   absl::Duration timeout) {
  return sessions_.Take(endpoint, timeout);
}

void Observer::ReturnSession(std::unique_ptr<NodeSession> session) {
  sessions_.Return(std::move(session));
}

absl::StatusOr<NodeProbe> Observer::ProbeNode(const ClusterSpec& spec, int host_port,
                                              absl::Duration timeout,
                                              std::optional<AppRoleFacts>* role) {
  // The login and the query each get `timeout`: a new login (a controller just started) may
  // take most of it on a busy machine, and must not leave the query too little.
  ASSIGN_OR_RETURN(std::unique_ptr<NodeSession> session,
                   TakeSession(NodeEndpoint(spec, secrets_, host_port), timeout));
  absl::StatusOr<NodeProbe> probe = session->Probe(timeout);
  if (probe.ok() && !probe->in_recovery) {
    absl::StatusOr<AppRoleFacts> facts =
        session->ReadAppRole(spec.auth.user, spec.auth.database, probe_timeout_);
    if (facts.ok()) *role = *facts;
  }
  ReturnSession(std::move(session));
  return probe;
}

absl::StatusOr<Lsn> Observer::AskPrimary(const ClusterSpec& spec, int host_port) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeSession> session,
                   TakeSession(NodeEndpoint(spec, secrets_, host_port), probe_timeout_));
  absl::StatusOr<Lsn> lsn = session->CurrentLsn(probe_timeout_);
  ReturnSession(std::move(session));
  return lsn;
}

void Observer::ReadFacts(NodeObservation& node, bool busy) {
  // A node busy with a long action (a clone) is looked into less often: an exec every pass
  // would slow the action down. What is known of it matters (a clone not started yet holds no
  // commit; one started may), so it is still looked into.
  if (busy) {
    std::lock_guard<std::mutex> lock(facts_mu_);
    auto cached = busy_facts_.find(node.ordinal);
    if (cached != busy_facts_.end() &&
        env_.clock.Monotonic() - cached->second.first < kBusyFactsInterval) {
      const NodeObservation& facts = cached->second.second;
      node.data_dir = facts.data_dir;
      node.postgres_running = facts.postgres_running;
      node.timeline = facts.timeline;
      node.moved_aside = facts.moved_aside;
      node.moved_aside_read = facts.moved_aside_read;
      node.facts_error = facts.facts_error;
      return;
    }
  }
  ReadDataDirectory(node);
  std::lock_guard<std::mutex> lock(facts_mu_);
  if (busy) {
    busy_facts_[node.ordinal] = {env_.clock.Monotonic(), node};
  } else {
    busy_facts_.erase(node.ordinal);
  }
}

void Observer::ReadDataDirectory(NodeObservation& node) const {
  absl::StatusOr<docker::ExecResult> result = env_.runtime.Exec(
      node.name, ScriptCommand(DataDirectoryFactsScript()), "postgres", absl::Seconds(10));
  if (!result.ok()) {
    node.facts_error = std::string(result.status().message());
    return;
  }
  if (result->exit_code != 0) {
    node.facts_error = absl::StrCat("exit code ", result->exit_code, ": ",
                                    absl::StripAsciiWhitespace(result->stderr_text));
    return;
  }
  for (absl::string_view line : absl::StrSplit(result->stdout_text, '\n', absl::SkipEmpty())) {
    if (line == "data=empty") node.data_dir = DataDir::kEmpty;
    if (line == "data=standby") node.data_dir = DataDir::kStandby;
    if (line == "data=primary") node.data_dir = DataDir::kPrimary;
    if (line == "postgres=running") node.postgres_running = true;
    if (absl::ConsumePrefix(&line, "timeline=")) (void)absl::SimpleAtoi(line, &node.timeline);
    if (absl::ConsumePrefix(&line, "stop_requested=")) {
      node.stop_requested_at = ParseStopRequested(line);
    }
    if (absl::ConsumePrefix(&line, "stop_answer=")) node.stop_answer = ParseStopAnswer(line);
    if (absl::ConsumePrefix(&line, "aside=")) {
      node.moved_aside = absl::StrSplit(line, ',', absl::SkipEmpty());
      node.moved_aside_read = true;
    }
  }
}

void Observer::ObserveRuntime(const ClusterSpec& spec,
                              const std::vector<docker::ContainerSummary>& containers,
                              const std::vector<docker::VolumeSummary>& volumes,
                              ObservedState& state) const {
  std::map<int, NodeObservation> nodes;
  auto node_for = [&](int ordinal) -> NodeObservation& {
    NodeObservation& node = nodes[ordinal];
    node.ordinal = ordinal;
    node.name = NodeName(spec.name, ordinal);
    return node;
  };
  for (const docker::ContainerSummary& container : containers) {
    auto component = container.labels.find(kLabelComponent);
    if (component == container.labels.end()) continue;
    auto hash = container.labels.find(kLabelSpecHash);
    std::string spec_hash = hash == container.labels.end() ? "" : hash->second;
    if (component->second == kComponentBouncer && container.name == BouncerName(spec.name)) {
      state.bouncer.container = ToContainerState(container.state);
      state.bouncer.container_id = container.id;
      state.bouncer.spec_hash = spec_hash;
      state.bouncer.host_port = PublishedPort(container.ports, kBouncerPort);
      continue;
    }
    if (component->second == kComponentReadBouncer &&
        container.name == ReadBouncerName(spec.name)) {
      state.read_bouncer.container = ToContainerState(container.state);
      state.read_bouncer.spec_hash = spec_hash;
      state.read_bouncer.host_port = PublishedPort(container.ports, kBouncerPort);
      continue;
    }
    std::optional<int> ordinal = OrdinalFromNodeName(spec.name, container.name);
    if (component->second != kComponentPostgres || !ordinal) continue;
    NodeObservation& node = node_for(*ordinal);
    node.container = ToContainerState(container.state);
    node.paused = container.state == "paused";
    node.spec_hash = spec_hash;
    node.image = container.image;
    node.image_id = container.image_id;
    node.host_port = PublishedPort(container.ports, kPostgresPort);
    node.killed = node.container == ContainerState::kRunning && killed_ != nullptr &&
                  killed_->Killed(container.name, env_.clock.Monotonic());
    if (auto repository = container.labels.find(kLabelBackupRepository);
        repository != container.labels.end()) {
      node.repository = repository->second;
    }
  }
  for (const docker::VolumeSummary& volume : volumes) {
    // A volume without a container is a node too: its data decides what happens next.
    absl::string_view name = volume.name;
    if (absl::ConsumeSuffix(&name, "-data")) {
      if (std::optional<int> ordinal = OrdinalFromNodeName(spec.name, std::string(name))) {
        node_for(*ordinal).volume_exists = true;
      }
    }
  }
  for (auto& [ordinal, node] : nodes) state.nodes.push_back(std::move(node));
}

void Observer::ObserveBouncer(const ClusterSpec& spec, BouncerObservation& bouncer,
                              std::unique_ptr<BouncerSession>& session) {
  if (bouncer.container != ContainerState::kRunning || bouncer.host_port == 0) return;
  if (session == nullptr || session->broken()) {
    absl::StatusOr<std::unique_ptr<BouncerSession>> admin = env_.bouncer.Connect(
        BouncerAdminEndpoint(spec, secrets_, bouncer.host_port), probe_timeout_);
    if (!admin.ok()) {
      session.reset();
      bouncer.probe_error = std::string(admin.status().message());
      return;
    }
    session = std::move(*admin);
  }
  // Which userlist and TLS files it runs with: auth_file is named by their digest.
  if (absl::StatusOr<std::map<std::string, std::string>> config = session->ShowConfig();
      config.ok()) {
    auto auth_file = config->find("auth_file");
    bouncer.files_current =
        auth_file != config->end() &&
        auth_file->second == BouncerAuthFile(BouncerFilesGeneration(spec, secrets_));
  }
  absl::StatusOr<std::vector<BouncerDatabase>> databases = session->ShowDatabases();
  if (!databases.ok()) {
    session.reset();
    bouncer.probe_error = std::string(databases.status().message());
    return;
  }
  bouncer.reachable = true;
  for (const BouncerDatabase& db : *databases) {
    bouncer.paused = bouncer.paused || db.paused;  // any database held counts
    if (db.name == spec.auth.database) bouncer.target_host = db.host;
  }
  if (absl::StatusOr<std::vector<BouncerPool>> pools = session->ShowPools(); pools.ok()) {
    for (const BouncerPool& pool : *pools) {
      if (pool.database != spec.auth.database) continue;
      bouncer.clients_active += pool.clients_active;
      bouncer.clients_waiting += pool.clients_waiting;
    }
  }
}

std::string Observer::WantedImageId(const std::string& image) {
  const absl::Time now = env_.clock.Monotonic();
  if (image != image_.name || now - image_.read_at >= kImageRecheckInterval) {
    absl::StatusOr<docker::ImageInfo> info = env_.runtime.InspectImage(image);
    image_ = {image, info.ok() ? info->id : "", info.ok() ? now : absl::InfinitePast()};
  }
  return image_.id;
}

absl::StatusOr<ObservedState> Observer::Observe(
    const ClusterSpec& spec, const std::set<int>& busy,
    const std::map<int, absl::Duration>& probe_timeouts) {
  ObservedState state;
  ASSIGN_OR_RETURN(std::vector<docker::NetworkSummary> networks,
                   env_.runtime.ListNetworks(kLabelCluster, spec.name));
  ASSIGN_OR_RETURN(std::vector<docker::ContainerSummary> containers,
                   env_.runtime.ListContainers(kLabelCluster, spec.name));
  ASSIGN_OR_RETURN(std::vector<docker::VolumeSummary> volumes,
                   env_.runtime.ListVolumes(kLabelCluster, spec.name));
  for (const docker::NetworkSummary& network : networks) {
    if (network.name == NetworkName(spec.name)) state.network_exists = true;
  }
  ObserveRuntime(spec, containers, volumes, state);
  state.wanted_image_id = WantedImageId(spec.postgres.image);

  // Probe every running node in parallel; stopped ones are inspected for their exit code.
  std::vector<absl::StatusOr<NodeProbe>> probes(state.nodes.size(),
                                                absl::UnavailableError("container is not running"));
  std::vector<std::optional<AppRoleFacts>> roles(state.nodes.size());
  std::vector<std::function<void()>> work;
  auto probe_timeout = [&](int ordinal) {
    auto shortened = probe_timeouts.find(ordinal);
    return shortened == probe_timeouts.end() ? probe_timeout_ : shortened->second;
  };
  for (size_t i = 0; i < state.nodes.size(); ++i) {
    work.push_back([this, i, &spec, &state, &probes, &roles, &busy, &probe_timeout] {
      NodeObservation& node = state.nodes[i];
      if (node.container == ContainerState::kStopped) {
        if (absl::StatusOr<docker::ContainerInfo> info = env_.runtime.InspectContainer(node.name);
            info.ok()) {
          node.exit_code = info->exit_code;
          node.oom_killed = info->oom_killed;
        }
        return;
      }
      if (node.container != ContainerState::kRunning) return;
      if (node.killed) {  // nothing runs in it any more: no probe, no exec
        probes[i] = absl::UnavailableError(
            "its container was sent SIGKILL (the engine has not reported its exit yet)");
        return;
      }
      if (node.host_port != 0) {
        probes[i] = ProbeNode(spec, node.host_port, probe_timeout(node.ordinal), &roles[i]);
      } else {
        probes[i] = absl::UnavailableError(
            "port 5432 is not published (is the container cut off from the network?)");
      }
      if (!probes[i].ok()) ReadFacts(node, busy.count(node.ordinal) > 0);
    });
  }
  work.push_back([&] { ObserveBouncer(spec, state.bouncer, bouncer_admin_); });
  work.push_back([&] { ObserveBouncer(spec, state.read_bouncer, read_bouncer_admin_); });
  env_.tasks.RunAll(std::move(work));
  state.observed_at = env_.clock.Monotonic();
  state.wall_at = env_.clock.Now();

  for (size_t i = 0; i < state.nodes.size(); ++i) {
    NodeObservation& node = state.nodes[i];
    if (!probes[i].ok()) {
      node.probe_error = std::string(probes[i].status().message());
      node.probe_refused = node.container == ContainerState::kRunning && !node.paused &&
                           node.host_port != 0 && absl::IsUnavailable(probes[i].status());
      continue;
    }
    const NodeProbe& probe = *probes[i];
    node.reachable = true;
    node.in_recovery = probe.in_recovery;
    node.current_lsn = probe.current_lsn;
    node.receive_lsn = probe.receive_lsn;
    node.replay_lsn = probe.replay_lsn;
    node.replay_settled = probe.replay_settled;
    node.timeline = probe.timeline;
    node.wal_receiver = probe.wal_receiver;
    node.config_hash = probe.config_hash;
    node.pending_restart = probe.pending_restart;
    node.ssl = probe.ssl;
    node.tls_certificate = probe.tls_certificate;
    node.repmgr_records = probe.repmgr_nodes;
    node.stop_requested_at = probe.stop_requested_at;
    node.stop_answer = probe.stop_answer;
    node.moved_aside = probe.moved_aside;
    node.moved_aside_read = true;
    if (!probe.in_recovery) {
      state.slots = probe.slots;
      state.replication = probe.replication;
      state.synchronous_standby_names = probe.synchronous_standby_names;
      node.archiver = probe.archiver;
      if (roles[i]) {
        state.app_role.known = true;
        state.app_role.role_exists = roles[i]->role_exists;
        state.app_role.database_exists = roles[i]->database_exists;
        state.app_role.password_current =
            !secrets_.app_scram.empty() && roles[i]->secret == secrets_.app_scram;
      }
    }
  }
  state.repmgr_nodes = TrustedRecords(state.nodes);
  if (const CertificateFacts* kept = KeptCertificate(); kept != nullptr) {
    state.certificate = {kept->fingerprint, kept->not_after, kept->names};
  }
  state.tls_required = secrets_.tls_required;
  if (spec.backup.enabled) ObserveBackups(spec, state);
  return state;
}

const CertificateFacts* Observer::KeptCertificate() {
  if (secrets_.server.cert != certificate_pem_ || !certificate_.has_value()) {
    absl::StatusOr<CertificateFacts> read = ReadCertificate(secrets_.server.cert);
    certificate_pem_ = secrets_.server.cert;
    certificate_ = read.ok() ? std::optional<CertificateFacts>(*std::move(read)) : std::nullopt;
  }
  return certificate_.has_value() ? &*certificate_ : nullptr;
}

void Observer::ObserveBackups(const ClusterSpec& spec, ObservedState& state) {
  const NodeObservation* primary = nullptr;
  for (const NodeObservation& node : state.nodes) {
    if (node.IsWritablePrimary() && node.repository == BackupRepository(spec)) primary = &node;
  }
  if (primary != nullptr && state.observed_at - backup_.read_at >= kBackupInfoInterval) {
    BackupObservation read;
    read.read_at = state.observed_at;
    absl::StatusOr<docker::ExecResult> info = env_.runtime.Exec(
        primary->name, ScriptCommand(BackupInfoScript(spec)), "postgres", absl::Seconds(30));
    absl::StatusOr<BackupInfo> decoded =
        !info.ok() ? absl::StatusOr<BackupInfo>(info.status())
        : info->exit_code != 0
            ? absl::UnavailableError(absl::StrCat("pgbackrest info on ", primary->name,
                                                  " failed: ", info->stderr_text.substr(0, 300)))
            : DecodeBackupInfo(info->stdout_text, spec.name);
    if (decoded.ok()) {
      read.read = true;
      read.stanza_exists = decoded->stanza_exists;
      read.backups = decoded->backups;
      read.archive_min = decoded->archive_min;
      read.archive_max = decoded->archive_max;
      read.running = decoded->backup_running;
    } else {
      read.error = std::string(decoded.status().message());
    }
    backup_ = std::move(read);
  }
  state.backup = backup_;
}

}  // namespace radctl
