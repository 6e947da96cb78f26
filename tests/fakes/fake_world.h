// FakeWorld: a simulated Docker engine with Postgres nodes and a PgBouncer, behind the same
// interfaces the controller uses (ContainerRuntime, PostgresAccess, BouncerAccess), for unit
// tests of the observer, executor and loop without Docker, and for the simulator (tests/sim/).
// It runs radctl's node scripts by their step tags (operations/node_scripts.h), doing what each
// script does to the data directory. Tests script faults: a container killed or paused,
// Postgres frozen, a node cut off, a step failing, the engine or its event stream going away.
//
// Faithful where safety lives, as Postgres 15 behaves:
// - WAL: each node's history of timelines (wal_history.h), what it has flushed, and a standby's
//   replay position. Promotion starts a new timeline numbered past every history file the node
//   holds. A standby streams from its upstream only while its position lies on the upstream's
//   history; a receiver that connects fetches the upstream's timeline history files even when
//   it then cannot follow.
// - A started standby replays the WAL it holds before it streams: until then
//   pg_last_wal_receive_lsn() is NULL (0 here) and its replay position lags what it holds.
// - The WAL receiver: a killed or stopped upstream closes its connection at once; one frozen or
//   cut off leaves it half-open (still "streaming") until wal_receiver_timeout; after a failed
//   attempt the next comes after wal_retrieve_retry_interval; a new primary_conninfo restarts
//   it at once.
// - Commits: clients write through the bouncer (ClientWrite). With synchronous_standby_names
//   ANY k (...) a commit is acknowledged once k of the named standbys streaming from it have
//   flushed it; the world keeps which commits were acknowledged (the checker's ground truth).
// - Data directories moved aside or removed are recorded with what they held.
//
// Simplifications: streaming and replay are instant once a standby streams (unless it is made
// to lag); everything else answers at once.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "controller/clients/env.h"
#include "reconcilers/lsn.h"
#include "reconcilers/observed_state.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/wal_history.h"

namespace radctl::testing {

enum class FakeData { kEmpty, kStandby, kPrimary };

// A data directory moved aside before a rebuild (data.radctl-old-*), or one removed: where,
// and the WAL it held.
struct DataCopy {
  std::string node;
  std::string path;
  WalHistory wal;
};

// One Postgres node: its container, its volume and what Postgres in it does.
struct FakeNode {
  // Container.
  bool container = false;
  std::string state;  // "created" | "running" | "paused" | "exited"
  int exit_code = 0;
  int host_port = 0;     // published 5432 while running and not cut off
  bool cut_off = false;  // disconnected from its network: no published port, peers cannot reach
  docker::Labels labels;
  std::string image;
  // Volume and data directory.
  bool volume = false;
  bool volume_labelled = true;  // listed by the cluster's label
  FakeData data = FakeData::kEmpty;
  bool marker = false;  // radctl-incomplete
  WalHistory wal;       // what it holds on disk (flushed)
  Lsn replayed = 0;     // a standby's replay position
  // Timeline history files in its pg_wal (a node has one for each timeline it went through, and
  // a standby fetches its upstream's when its receiver connects).
  std::set<int> history_files;
  std::string upstream;  // primary_conninfo host of a standby
  std::vector<RepmgrNode> records;
  int logins = 0;  // sessions opened on it directly (radctl's own, not through the bouncer)
  std::set<std::string> slots;
  std::map<std::string, std::string> files;  // uploaded, by path under the node's home
  std::string log;  // what Postgres wrote to the container's log (set by tests)
  std::string loaded_config_hash;
  bool pending_restart = false;
  // TLS as loaded from tls/radctl-tls.conf at the last start or reload.
  bool ssl = false;
  std::string tls_certificate;
  // Roles (name -> SCRAM secret or password) and databases: replicated like the records.
  std::map<std::string, std::string> roles;
  std::set<std::string> databases;
  // Data directories moved aside before rebuilds, oldest first.
  std::vector<DataCopy> kept_aside;
  // Postgres.
  bool postgres = false;
  // As loaded from postgresql.conf at the last start or reload.
  std::string sync_setting;  // synchronous_standby_names as loaded
  int sync_number = 0;       // its ANY k (...): k, 0 when empty
  std::set<std::string> sync_names;
  absl::Duration receiver_timeout = absl::Seconds(60);  // wal_receiver_timeout
  absl::Duration retry_interval = absl::Seconds(5);     // wal_retrieve_retry_interval
  // The WAL receiver of a standby whose Postgres runs.
  std::string attached_to;        // the node it is connected to, "" when none runs
  bool receiver_waiting = false;  // at the end of its timeline upstream, unable to go on
  absl::Time heard_at = absl::InfinitePast();        // when it last heard from attached_to
  absl::Time next_attempt = absl::InfinitePast();    // when the startup process tries streaming
  absl::Time replay_done_at = absl::InfinitePast();  // replay of local WAL after a start ends
  std::optional<Lsn> receive_reported;  // pg_last_wal_receive_lsn(): NULL until it streams
  // Its container was asked to stop and the entrypoint waits for the controller's answer
  // (planned_stop.h): since when (monotonic; and the wall time the entrypoint wrote), and the
  // answer so far. Cleared when the container stops.
  absl::Time stop_requested = absl::InfinitePast();
  absl::Time stop_requested_wall = absl::InfinitePast();
  StopAnswer stop_answer = StopAnswer::kNone;
  // Faults.
  bool frozen = false;   // Postgres hangs: sessions time out, exec still works
  bool dying = false;    // SIGKILLed, listed as running until FinishDying: exec fails
  bool lagging = false;  // receives nothing more from its upstream

  int timeline() const { return wal.empty() ? 0 : wal.timeline(); }
  Lsn lsn() const { return wal.end(); }
};

struct FakeBouncer {
  bool container = false;
  std::string state;
  int host_port = 0;
  docker::Labels labels;
  std::vector<std::string> env;      // as created
  std::vector<std::string> cap_add;  // as created
  std::string ini;                   // uploaded pgbouncer.ini
  std::string loaded_ini;            // as loaded by the last RELOAD
  std::string target;                // host of the app database as loaded
  bool paused = false;
  bool pause_hangs = false;      // PAUSE does not complete (a hung server) until it is closed
  bool sockets_closable = true;  // `ss -K` closes the hung server (the kernel has SOCK_DESTROY)
  int servers_closed = 0;        // `ss -K` runs
  int pauses = 0;                // PAUSE commands received
  int kills = 0;
  int resumes = 0;
  int reconnects = 0;
  std::map<std::string, std::string> files;  // uploaded, by path (pgbouncer.ini too)
  int app_logins = 0;  // logins through the bouncer as an app user, with the userlist's password
  int cleanups = 0;    // execs removing old files
};

// The cluster's backup repository as pgBackRest's steps leave it (operations/backup_scripts.h):
// the stanza and the backups, each taken at once on a primary.
struct FakeRepository {
  bool stanza = false;
  std::vector<BackupRecord> backups;
};

// What the simulator adds to the world (tests/sim/); unit tests run without.
class WorldHooks {
 public:
  virtual ~WorldHooks() = default;
  // Called before every call the controller makes into the world is served (outside the
  // world's lock): the simulator counts calls, applies what it scheduled at this one, and
  // refuses the calls of a controller it has killed (the call then fails and changes nothing).
  virtual absl::Status BeforeCall() = 0;
  // How long a standby's Postgres, once started, replays the WAL it holds before it streams.
  virtual absl::Duration ReplayTime() = 0;
  // Who makes the call being served (a controller's incarnation; 0: nobody in particular): a
  // lease it takes ends when the simulator kills it (EndLeasesOf), as the engine's does.
  virtual int Caller() { return 0; }
};

// The world as it is, in few words: what the simulator's checker judges the controller by.
struct WorldTruth {
  struct Node {
    int ordinal = 0;
    bool container = false;
    std::string state;
    bool postgres = false;
    bool frozen = false;
    bool cut_off = false;
    FakeData data = FakeData::kEmpty;
    bool marker = false;
    WalHistory wal;
    std::string attached_to;
    bool receiver_waiting = false;
    std::vector<WalHistory> kept_aside;
    bool synchronous = false;  // its synchronous_standby_names as loaded is not empty
    bool primary() const {     // a writable primary
      return container && state == "running" && postgres && data == FakeData::kPrimary;
    }
  };
  std::vector<Node> nodes;
  bool bouncer_running = false;
  std::string bouncer_target;
  bool bouncer_paused = false;
  bool read_bouncer_running = false;
  std::string read_bouncer_targets;  // "sim-pg-2,sim-pg-3"
  const Node* NodeNamed(const std::string& name, const std::string& cluster) const;
};

// An acknowledged commit: how, and when.
struct Acknowledgement {
  uint64_t commit = 0;
  bool by_quorum = false;  // by synchronous standbys (else at once: asynchronous)
  absl::Time at;
};

class FakeWorld {
 public:
  // With `clock` and `tasks` (the simulator's), time and concurrency are theirs; without, the
  // world has a FakeClock of its own and threads.
  explicit FakeWorld(std::string cluster, const Clock* clock = nullptr,
                     const Tasks* tasks = nullptr);
  ~FakeWorld();

  const Env& env() const { return env_; }
  FakeClock& clock() { return clock_; }  // the world's own (not used with an outside clock)
  void set_hooks(WorldHooks* hooks) { hooks_ = hooks; }
  const std::string& cluster() const { return cluster_; }

  // --- looking ---
  FakeNode Node(int ordinal) const;
  FakeBouncer Bouncer() const;
  FakeBouncer ReadBouncer() const;  // the read-only endpoint's (spec.bouncer.readPort)
  bool NetworkExists() const;
  std::string NodeName(int ordinal) const;
  // The writable primaries (Postgres running on a primary's data directory), by ordinal.
  std::vector<int> Primaries() const;
  // Exec steps run so far, in order ("clone demo-pg-2", "rejoin demo-pg-1", ...).
  std::vector<std::string> Steps() const;
  // How often the containers were listed: one per full observation.
  int ContainerListings() const;
  FakeRepository Repository() const;

  // --- the world changing on its own ---
  // `bytes` of WAL written on the primary `ordinal` (and streamed to its standbys).
  void Write(int ordinal, Lsn bytes);
  // A client's commit through the write bouncer, as an application makes it. Held (nullopt)
  // while the bouncer holds clients; an error when it cannot be made (no target, the target
  // does not serve or is not a primary). Otherwise the commit, acknowledged at once or once
  // enough synchronous standbys have it (Acknowledged).
  absl::StatusOr<std::optional<Commit>> ClientWrite(Lsn bytes);
  bool Acknowledged(uint64_t commit) const;
  // Commits made (oldest first), acknowledgements (in their order), data directories removed
  // (a clone over one, a volume removed, older moved-aside copies deleted, a rewind), each from
  // the `from`-th on.
  std::vector<Commit> CommitsFrom(size_t from) const;
  std::vector<Acknowledgement> AcknowledgementsFrom(size_t from) const;
  std::vector<DataCopy> RemovedFrom(size_t from) const;
  WorldTruth Truth() const;
  // Brings replication up to the clock's time (the world does it at every call it serves).
  void Advance();
  // Wakes event streams waiting for the next event (to see that they should stop).
  void WakeEventStreams();
  void Kill(int ordinal);  // docker kill: exit code 137, Postgres gone
  // docker kill as the engine shows it at first: every process gone and the `kill` event
  // (signal 9) sent, but the container still listed as running until FinishDying (the engine's
  // clean-up: 0.1-0.3 s on Docker 20.10), which gives it exit code 137 and sends `die`.
  void KillSlowly(int ordinal);
  void FinishDying(int ordinal);
  void Stop(int ordinal);  // docker stop: a clean shutdown, exit code 0
  // docker stop as the image answers it (images/postgres/entrypoint.sh): the entrypoint keeps
  // Postgres running until the controller answers "go", or 3 s without an answer, or 20 s after
  // "wait"; then a clean shutdown. A hung Postgres or a paused container is killed at the
  // stop timeout (30 s).
  void RequestStop(int ordinal);
  void Start(int ordinal);  // docker start (the entrypoint starts only a standby's Postgres)
  // The tag `image` built again: it now names the image `id` (by default an image's id is its
  // name).
  void RebuildImage(const std::string& image, const std::string& id);
  void Pause(int ordinal);  // docker pause
  void Unpause(int ordinal);
  void Freeze(int ordinal, bool frozen);  // Postgres hangs (SIGSTOP), exec works
  void CutOff(int ordinal, bool cut);     // network disconnect / connect
  void Lag(int ordinal, bool lagging);    // stops receiving WAL
  void CrashPostgres(int ordinal);        // Postgres dies, the container stays
  // The next `times` runs of script step `step` ("rejoin", "clone", ...) fail with `output`
  // and `exit_code` (75: the scripts' "try again later").
  void FailStep(const std::string& step, int times, const std::string& output, int exit_code = 1);
  // The next `times` runs of `step` do their work but fail at their last command (repmgr
  // register after an init: the marker stays on a running primary).
  void FailStepLate(const std::string& step, int times);
  // A person's `radctl aside --remove` of the oldest moved-aside copy of every node keeping
  // `limit` or more: deleted, not counted among the removals radctl made (RemovedFrom).
  void RemoveOldestKeptAside(int limit);
  void RemoveKeptAside(int ordinal);  // `radctl aside NAME ORDINAL --remove`: every copy
  void SetEngineDown(bool down);      // every runtime call: Unavailable; leases end
  // The process `caller` died: the leases it held end (the engine sees its connection close).
  void EndLeasesOf(int caller);
  // A file the cluster's lease keeps on the engine (nullopt when never written).
  std::optional<std::string> LeaseFile(const std::string& file) const;
  void SetLog(int ordinal, const std::string& log);  // what Postgres wrote to the container log
  void DropEventStream();                            // the open event stream breaks once
  void SetPauseHangs(bool hangs);
  // Whether closing the bouncer's server connections (`ss -K`) releases a hung PAUSE.
  void SetSocketsClosable(bool closable);
  void SetBouncerPortTaken(bool taken);  // starting the bouncer: the host port is in use
  // A volume of node `ordinal`'s name made outside radctl (no cluster label, so not listed),
  // holding a primary's data directory with `lsn` of WAL and no container.
  void UnlabelledVolumeWithData(int ordinal, Lsn lsn);

 private:
  class Runtime;
  class Lease;
  class Postgres;
  class Bouncers;
  class Session;
  class BouncerAdmin;
  friend class Runtime;
  friend class Lease;
  friend class Postgres;
  friend class Bouncers;
  friend class Session;
  friend class BouncerAdmin;

  // All below: with mu_ held.
  FakeNode* NodeByName(const std::string& name);
  FakeNode* NodeByPort(int port);
  // The write bouncer or the read endpoint's, by container name or published port; null if none.
  FakeBouncer* BouncerNamed(const std::string& name);
  FakeBouncer* BouncerOnPort(int port);
  int OrdinalOf(const std::string& name) const;
  bool Serving(const FakeNode& node) const;  // reachable by peers and the controller
  bool IsPrimary(const FakeNode& node) const {
    return node.postgres && node.data == FakeData::kPrimary;
  }
  bool Streaming(const FakeNode& node) const;
  // Whether `node` can reach `peer` over the network now (both up, neither cut off or frozen).
  bool Reachable(const FakeNode& node, const FakeNode& peer) const;
  void Replicate();  // Advance() with mu_ held
  void AdvanceReceiver(FakeNode& node, absl::Time now);
  void AcknowledgeCommits();
  void Detach(FakeNode& node, absl::Time next_attempt);
  void Promote(FakeNode& node);
  void Remove(FakeNode& node, const std::string& ordinal_name, const std::string& path);
  void LoadConfig(FakeNode& node);  // what postgresql.conf says, as Postgres loads it
  void StartPostgres(FakeNode& node);
  void LoadTls(FakeNode& node);  // what tls/radctl-tls.conf says, as Postgres loads it
  void StopNode(FakeNode& node, int exit_code);
  void ShutDownCleanly(int ordinal, FakeNode& node);  // Postgres stopped (fast), exit code 0
  void AdvanceStops(absl::Time now);  // the entrypoints waiting on stop requests, as time passed
  void Emit(const std::string& action, const std::string& name, docker::Labels attributes = {});
  docker::ExecResult RunStep(const std::string& container, FakeNode& node, const std::string& step,
                             const std::map<std::string, std::string>& args);

  absl::Status Admit() const;  // the hooks' BeforeCall, when there are hooks

  const std::string cluster_;
  FakeClock clock_;
  const Clock& time_;  // clock_ or the simulator's
  WorldHooks* hooks_ = nullptr;
  mutable std::mutex mu_;
  uint64_t next_uid_ = 1;            // timelines made by promotions (initdb's uses one too)
  std::vector<Commit> commits_;      // every client commit
  std::map<uint64_t, int> pending_;  // commit -> the primary waiting for synchronous standbys
  std::vector<Acknowledgement> acknowledged_;
  std::set<uint64_t> acknowledged_set_;
  std::vector<DataCopy> removed_;
  std::map<int, FakeNode> nodes_;
  FakeBouncer bouncer_;
  FakeBouncer read_bouncer_;
  bool network_ = false;
  bool engine_down_ = false;
  struct HeldLease {
    uint64_t token = 0;
    int caller = 0;
  };
  std::map<std::string, HeldLease> leases_;  // by lease name
  // The volumes the leases keep their files in (EngineLease::ReadFile): by volume, by file.
  std::map<std::string, std::map<std::string, std::string>> lease_volumes_;
  uint64_t next_lease_token_ = 1;
  std::set<int> dead_callers_;    // EndLeasesOf: they take no lease again
  bool advancing_stops_ = false;  // AdvanceStops runs
  int next_port_ = 41000;
  std::vector<std::string> steps_;
  mutable int container_listings_ = 0;
  // Logins checked against a SCRAM secret (4096 rounds of HMAC each): a fifth of a simulated
  // seed's time went to checking the same password against the same secret again.
  mutable std::map<std::pair<std::string, std::string>, bool> scram_checked_;
  std::map<std::string, std::string> image_ids_;  // rebuilt tags
  std::map<std::string, std::deque<docker::ExecResult>> failing_steps_;
  std::map<std::string, int> fail_late_;
  std::deque<docker::Event> events_;
  std::condition_variable events_cv_;  // an event came (with an outside clock: Clock::Notify)
  bool drop_stream_ = false;
  bool bouncer_port_taken_ = false;
  FakeRepository repository_;

  std::unique_ptr<Runtime> runtime_;
  std::unique_ptr<Postgres> postgres_;
  std::unique_ptr<Bouncers> bouncers_;
  Env env_;
};

}  // namespace radctl::testing
