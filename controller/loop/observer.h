// The observer builds one ObservedState snapshot: runtime objects by label, every running
// node's Postgres over its published port (in parallel, each bounded by the probe timeout), the
// data directory of nodes that do not answer (exec), repmgr's records and the bouncer's target.
// It fails as a whole only when the container runtime itself is unreachable; everything else is
// data. It reports facts only: it decides nothing (whose records to trust is
// reconcilers/standby_ranking.h's) and keeps no memory beyond caches of what changes rarely (the
// image's id, the backup repository's contents).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/clients/env.h"
#include "controller/clients/postgres/session_pool.h"
#include "controller/config/secrets.h"
#include "controller/config/tls_certificates.h"
#include "controller/loop/killed_containers.h"
#include "crd-like-specs/cluster_spec.h"
#include "reconcilers/observed_state.h"

namespace radctl {

class Observer {
 public:
  Observer(const Env& env, ClusterSecrets secrets);

  void set_probe_timeout(absl::Duration timeout) { probe_timeout_ = timeout; }
  // New passwords or certificates (a rotation, a renewal): used from the next Observe on.
  void set_secrets(const ClusterSecrets& secrets) { secrets_ = secrets; }
  // The containers the event stream saw SIGKILLed (the watching loop's): reported as killed
  // before the engine lists them as exited.
  void set_killed(const KilledContainers* killed) { killed_ = killed; }
  // The sessions it keeps on the nodes, which the executor's failovers borrow.
  SessionPool& sessions() { return sessions_; }

  // `busy`: nodes a long action runs on; their data directory is looked into less often (an
  // exec every pass would slow the action down). `probe_timeouts`: the nodes whose probe is
  // shortened, by ordinal (ShortenedProbeTimeouts); the others get the probe timeout.
  [[nodiscard]] absl::StatusOr<ObservedState> Observe(
      const ClusterSpec& spec, const std::set<int>& busy = {},
      const std::map<int, absl::Duration>& probe_timeouts = {});
  // The backup repository changed (a backup or the stanza was made): read it again next time.
  void ForgetBackups() { backup_.read_at = absl::InfinitePast(); }
  // One quick question to the primary published on `host_port` (its WAL position), on the
  // session kept open for it: between full observations of a cluster that needs nothing.
  [[nodiscard]] absl::StatusOr<Lsn> AskPrimary(const ClusterSpec& spec, int host_port);

 private:
  void ObserveRuntime(const ClusterSpec& spec,
                      const std::vector<docker::ContainerSummary>& containers,
                      const std::vector<docker::VolumeSummary>& volumes,
                      ObservedState& state) const;
  // On a writable primary, `role` gets the app role's facts (when they could be read).
  absl::StatusOr<NodeProbe> ProbeNode(const ClusterSpec& spec, int host_port,
                                      absl::Duration timeout, std::optional<AppRoleFacts>* role);
  void ReadDataDirectory(NodeObservation& node) const;
  // ReadDataDirectory, for a `busy` node from a recent read.
  void ReadFacts(NodeObservation& node, bool busy);
  // The write bouncer or the read endpoint's, on its admin session `session` (kept open).
  void ObserveBouncer(const ClusterSpec& spec, BouncerObservation& bouncer,
                      std::unique_ptr<BouncerSession>& session);
  // pgBackRest's info, read on the writable primary when the last read is older than a while.
  void ObserveBackups(const ClusterSpec& spec, ObservedState& state);

  // Sessions are kept between observations (watch mode probes several times a second; a SCRAM
  // login each time would cost more CPU than everything else together).
  absl::StatusOr<std::unique_ptr<NodeSession>> TakeSession(const PgEndpoint& endpoint,
                                                           absl::Duration timeout);
  void ReturnSession(std::unique_ptr<NodeSession> session);

  // The kept server certificate's facts, parsed again only when it changes (a renewal): parsing
  // costs more CPU than the rest of an observation.
  const CertificateFacts* KeptCertificate();

  // The id of the image the spec names now: looked up when the name changes, else every
  // kImageRecheckInterval (the same tag rebuilt is rolled out within that), not at every
  // observation (a Docker call each time).
  std::string WantedImageId(const std::string& image);

  const Env& env_;
  ClusterSecrets secrets_;
  const KilledContainers* killed_ = nullptr;
  struct ImageSeen {
    std::string name;
    std::string id;
    absl::Time read_at = absl::InfinitePast();
  } image_;
  std::string certificate_pem_;  // what certificate_ was read from
  std::optional<CertificateFacts> certificate_;
  absl::Duration probe_timeout_ = absl::Seconds(1);
  std::unique_ptr<BouncerSession> bouncer_admin_;  // kept open, like the node sessions
  std::unique_ptr<BouncerSession> read_bouncer_admin_;
  BackupObservation backup_;  // as last read (an exec: not every pass)
  std::mutex facts_mu_;
  std::map<int, std::pair<absl::Time, NodeObservation>> busy_facts_;  // by ordinal
  SessionPool sessions_;
};

}  // namespace radctl
