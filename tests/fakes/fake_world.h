// FakeWorld: a simulated Docker engine with Postgres nodes and a PgBouncer, behind the same
// interfaces the controller uses (ContainerRuntime, PostgresAccess, BouncerAccess), for unit
// tests of the observer, executor and loop without Docker. It models what radctl relies on:
// containers and volumes, a node's data directory (empty / standby / primary), whether Postgres
// runs, timelines and WAL positions, streaming from an upstream, repmgr's records and slots, and
// the bouncer's target and pause. It runs radctl's node scripts by their step tags
// (operations/node_scripts.h). Tests script faults: a container killed or paused, Postgres
// frozen, a node cut off, a step failing, the engine or its event stream going away.
//
// Simplifications, on purpose: replication is instant for streaming standbys (unless a node is
// made to lag); a standby can follow a primary when its position is not past the point where
// the primary's history left its timeline; everything answers at once.
#pragma once

#include <atomic>
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

namespace radctl::testing {

enum class FakeData { kEmpty, kStandby, kPrimary };

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
  int timeline = 0;
  Lsn lsn = 0;  // end of WAL: written (primary) or received and replayed (standby)
  // Where each earlier timeline ended in this node's history (timeline -> switch point).
  std::map<int, Lsn> history;
  std::string upstream;  // primary_conninfo host of a standby
  std::vector<RepmgrNode> records;
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
  // A data directory moved aside before a rebuild: where, its timeline and end of WAL.
  struct KeptAside {
    std::string path;
    int timeline = 0;
    Lsn lsn = 0;
  };
  std::optional<KeptAside> kept_aside;
  // Postgres.
  bool postgres = false;
  // Faults.
  bool frozen = false;   // Postgres hangs: sessions time out, exec still works
  bool lagging = false;  // receives nothing more from its upstream
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

class FakeWorld {
 public:
  explicit FakeWorld(std::string cluster);
  ~FakeWorld();

  const Env& env() const { return env_; }
  FakeClock& clock() { return clock_; }
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
  void Kill(int ordinal);  // docker kill: exit code 137, Postgres gone
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
  void SetEngineDown(bool down);                     // every runtime call: Unavailable
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
  class Postgres;
  class Bouncers;
  class Session;
  class BouncerAdmin;
  friend class Runtime;
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
  // Whether `standby` can stream from `upstream`, and then copies what it has.
  bool CanFollow(const FakeNode& standby, const FakeNode& upstream) const;
  bool Streaming(const FakeNode& node) const;
  void Replicate();
  void StartPostgres(FakeNode& node);
  void LoadTls(FakeNode& node);  // what tls/radctl-tls.conf says, as Postgres loads it
  void StopNode(FakeNode& node, int exit_code);
  void Emit(const std::string& action, const std::string& name);
  docker::ExecResult RunStep(const std::string& container, FakeNode& node, const std::string& step,
                             const std::map<std::string, std::string>& args);

  const std::string cluster_;
  FakeClock clock_;
  mutable std::mutex mu_;
  std::map<int, FakeNode> nodes_;
  FakeBouncer bouncer_;
  FakeBouncer read_bouncer_;
  bool network_ = false;
  bool engine_down_ = false;
  int next_port_ = 41000;
  std::vector<std::string> steps_;
  mutable int container_listings_ = 0;
  std::map<std::string, std::string> image_ids_;  // rebuilt tags
  std::map<std::string, std::deque<docker::ExecResult>> failing_steps_;
  std::deque<docker::Event> events_;
  bool drop_stream_ = false;
  bool bouncer_port_taken_ = false;
  FakeRepository repository_;

  std::unique_ptr<Runtime> runtime_;
  std::unique_ptr<Postgres> postgres_;
  std::unique_ptr<Bouncers> bouncers_;
  Env env_;
};

}  // namespace radctl::testing
