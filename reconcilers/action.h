// The closed set of things the controller can do, each with a deterministic text form. The
// planner returns Actions with a reason; the executor (controller/) runs each one and decides
// nothing. Every action is idempotent: repeating it after a crash is safe.
#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"

namespace radctl {

enum class ActionType {
  kCreateNetwork,
  kCreateNode,      // volume (if missing) and container, started; Postgres not touched
  kStartContainer,  // an existing, stopped container of a node
  kCreateBouncer,   // container with an untargeted config, started
  kRemoveBouncer,   // to re-create it (its spec changed)
  kAddLoginHold,    // the rules that hold unanswered logins added to a running bouncer an older
                    // radctl made without them, from a helper container in its network
                    // namespace (its clients stay connected)
  kFence,           // stop Postgres on a node that must not take writes (container killed if
                    // that fails)
  kInitPrimary,     // initdb, config, start, roles and databases, repmgr primary register
  kCreatePrimary,   // a new cluster's first node: kCreateNode, then kInitPrimary, in one step
  kStartPrimary,    // start Postgres of the fenced, still-registered primary
  kRecordPrimary,   // the cluster's state and repmgr's records: this writable node is the
                    // primary, on its timeline, committing with `synchronous_number` standbys
                    // (-1: as it runs now)
  kHoldClients,     // PAUSE every database at the bouncer (held until a failover resumes them)
                    // while the old primary `source` is fenced
  kFailover,        // PAUSE bouncer, fence `source`, promote `ordinal` while the standbys
                    // `targets` are pointed at it, record it, repoint, RESUME
  kPointBouncer,    // (PAUSE,) target `source`, RELOAD, RESUME
  kCloneStandby,    // repmgr standby clone from `source`, start, register
  kStartStandby,    // start Postgres of an initialised standby whose Postgres is down
  kFollow,          // standby follows the primary `source`
  kRejoin,          // former primary rewound with pg_rewind, follows `source`
  kRebuild,         // data directory moved aside (every copy kept) and cloned again from
                    // `source`
  kRemoveNode,      // scale down: container and volume removed, slot and record dropped on
                    // the primary `source`
  kReconfigure,     // postgresql.conf uploaded again and reloaded
  kRestartStandby,  // a standby restarted for parameters that need it
  kRestartPrimary,  // the only node restarted for parameters that need it (bouncer paused)
  kSwitchover,      // planned: PAUSE, stop `source` cleanly, check `ordinal` has replayed
                    // everything, promote it while the standbys `targets` are pointed at
  // it, repoint, RESUME. What happens if `ordinal` has not replayed everything is the
  // action's `fallback`
  kDropSlot,          // replication slot of node `ordinal` dropped on the primary `source`
  kReplaceContainer,  // a standby's container made again from spec.postgres.image (Postgres
                      // stopped, container removed, created on the same volume, started), until
                      // it streams from the primary `source` again
  // Day-2 operations (tls_policy.h, credentials_policy.h):
  kRenewCertificate,  // a new server certificate from the cluster's CA, kept with the cluster
  kRequireTls,        // kept with the cluster: radctl's own connections to its nodes and
                      // bouncers never fall back to plaintext from now on
  kAllowPlaintext,    // that requirement dropped (TLS is off in the spec)
  kApplyCredentials,  // the bouncer's userlist (SCRAM secrets) uploaded and reloaded, then the
                      // app role and database on the primary `source` created or given the
                      // cluster's password; then one login through the bouncer
  kRefreshBouncer,    // the bouncer's userlist and TLS files uploaded again and reloaded (no
                      // PAUSE: clients stay), still targeting `source`
  kCreateStanza,      // pgBackRest's stanza created in the backup repository, from the primary
  kBackup,            // a scheduled full backup, taken on the primary `ordinal`; it runs in the
                      // background and never makes the node busy (a failover does not wait)
  // The read-only endpoint (spec.bouncer.readPort; read_endpoint.h):
  kCreateReadBouncer,  // its container, with no target yet, started
  kRemoveReadBouncer,  // removed (readPort dropped from the spec), or to re-create it
  kPointReadBouncer,   // config listing `targets` (the eligible standbys, or the primary as a
                       // fallback) and the current userlist and TLS files uploaded, RELOAD; no
                       // PAUSE: reads in flight on a node still listed go on
  kRestorePrimary,     // a new cluster's first node restored from another cluster's repository,
                       // recovered to the target, promoted, started and registered as primary
  // A node's container asked to stop (planned_stop.h), answered in the container:
  kDelayStop,  // "wait": its entrypoint keeps Postgres running until the controller says go
  kAllowStop,  // "go": its entrypoint lets running transactions end, stops Postgres and exits
};

std::string ActionTypeName(ActionType type);  // "create-node", "failover", ...

// Actions that can take minutes (copying a database, rewinding one, crash recovery on start).
// The loop runs them in the background and goes on observing, so that a failure elsewhere
// (the primary dying) is handled meanwhile; the node counts as busy until they end.
bool IsLongRunning(ActionType type);

// A long action that does not make its node busy: the node goes on being planned for (a backup
// of the primary must not hold up its failover).
bool RunsBesideTheNode(ActionType type);

// How a node is fenced (kFence, and the old primary in kFailover): stopping Postgres from
// inside the container leaves the container running (fast to rejoin); killing the container
// needs nothing of it (paused, hung, or a stop that failed before). A container the engine has
// sent SIGKILL already (NodeObservation::killed) runs nothing: killing it again would only wait
// for the engine to report its exit (Docker's kill of a SIGKILL waits for it, 0.1-0.3 s). A
// Postgres observed stopped in its running container (fenced before, or crashed) is not stopped
// again (an exec, 0.1-0.2 s): nothing but radctl starts it there (the entrypoint does not).
enum class FenceMethod { kStopPostgres, kKillContainer, kAlreadyKilled, kAlreadyStopped };

// Whether an action that holds clients at the bouncer (PAUSE) may go on when the hold fails. A
// failover must not wait for the bouncer (the primary is gone already); a planned change
// (switchover, restart, repoint) is only made while clients are held.
enum class ClientHold { kRequired, kBestEffort };

// How far an action's PAUSE may go (safety rule 4; the planner's choices are in client_hold.h).
// PAUSE waits `wait` for the transactions running on server connections. Past that, the server
// connections it still waits on are hung: with `close_hung_servers` they are closed under
// PgBouncer (only the clients with a transaction in flight on them get an error, the others stay
// held); with `kill`, where closing is not allowed or does not release them, KILL drops them and
// every client of the database, idle ones too. Allowed neither, the hold fails.
struct PauseLimits {
  absl::Duration wait = absl::ZeroDuration();
  bool close_hung_servers = false;
  bool kill = false;
  std::string why;  // shown with the action's reason
  // "PAUSE up to 3s, then close hung servers, then KILL", deterministic.
  std::string ToString() const;
};

// kSwitchover: the successor `ordinal` must have replayed everything the cleanly stopped old
// primary `source` wrote within `replay_wait`, else nothing changes hands; then, with
// `restart_old_primary`, `source` is started again as primary at once (all or nothing), and
// without it `source` is left stopped, cleanly, for the next pass to plan.
struct SwitchoverFallback {
  absl::Duration replay_wait = absl::ZeroDuration();
  bool restart_old_primary = false;
};

// Whether actions of `type` hold clients at the bouncer (and so obey Action::pause).
bool HoldsClients(ActionType type);

struct Action {
  ActionType type;
  int ordinal = 0;  // the node acted on; 0 for cluster-wide objects (network, bouncer)
  int source = 0;   // the other node involved: clone/follow/rejoin source, bouncer target
  std::string reason;
  FenceMethod fence = FenceMethod::kStopPostgres;
  ClientHold hold = ClientHold::kRequired;
  PauseLimits pause = {};            // actions that hold clients (HoldsClients)
  SwitchoverFallback fallback = {};  // kSwitchover
  // By ordinal. kPointReadBouncer: the nodes the read endpoint serves; kFailover, kSwitchover:
  // the standbys that follow the promoted node.
  std::vector<int> targets = {};
  std::string container_id = {};  // kAddLoginHold: the bouncer container it was planned for
  int synchronous_number = -1;    // kRecordPrimary: the k to record (-1: what the primary runs)
  // kRecordPrimary: the primary is about to commit asynchronously; record from which position
  // on (RecordedPrimary::asynchronous_from), keeping the rest of the record.
  bool asynchronous_next = false;

  // "failover demo-pg-2 <- demo-pg-1 [hold: PAUSE up to 200ms, ...; best effort]"-like,
  // deterministic, with the hold's limits and the switchover's fallback (what --dry-run and the
  // golden tests show). `cluster` names objects.
  std::string ToString(const std::string& cluster) const;
  bool operator==(const Action& o) const {
    return type == o.type && ordinal == o.ordinal && source == o.source && targets == o.targets;
  }
};

}  // namespace radctl
