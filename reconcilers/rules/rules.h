// The planner's rules. Each is a small pure function from the situation (and, where it must not
// collide with them, the actions of the rules before it) to a Proposal of its own; plan.cc
// combines them in this precedence, so no rule edits another's output:
//
//   1. the network exists                                         (containers.cc)
//   2. two writable primaries: fence all but one, nothing else    (split_brain.cc)
//   2'. containers asked to stop are answered; a switchover away from a primary being stopped
//      goes alone; no other rule acts on a node being stopped     (planned_stop.h)
//   With one writable primary:
//   3. node containers and the bouncer exist and run               (containers.cc)
//   4. the primary is recorded on its timeline, or fenced if it is behind (primary.cc)
//   5. the bouncer points to it                                    (bouncer.cc)
//   6. certificates and credentials                                (day_two.cc)
//   7. nodes no longer desired are removed; every other standby streams from the primary
//      (clone, start, follow, rejoin, rebuild); stale slots dropped (scale.cc, standbys.cc)
//   8. the backup repository's stanza; archive alerts              (backup.cc)
//   9. only when nothing above acts: a configuration rollout, an image rollout, a requested
//      switchover, a scheduled backup (first that plans)           (rollout.cc, backup.cc)
//   Without one:
//   3'. a new cluster is made, the registered primary restarted in place, or a standby promoted
//      (with the quorum rule) — or a requested promotion carried out (bootstrap.cc,
//      without_primary.cc: restart_in_place.cc, failover_choice.cc, requested_promotion.cc);
//      the containers of the others, and stopped standbys started  (containers.cc, standbys.cc)
//   Last, either way:
//  10. the read endpoint, left alone while the write side acts     (read_endpoint.cc)
#pragma once

#include <vector>

#include "reconcilers/situation.h"

namespace radctl {

// --- containers.cc ---
Proposal CreateNetwork(const Situation& s);
// Creates or starts the containers of desired nodes, except `hold` (a dead primary whose fate a
// failover decides first) and nodes busy already.
Proposal NodeContainers(const Situation& s, const Proposal& earlier, int hold);
Proposal BouncerContainer(const Situation& s);
// Notes the nodes busy in the background, so the plan says why it is not converged yet.
Proposal NoteBusyNodes(const Situation& s);

// --- split_brain.cc ---
Proposal FenceAllButOne(const Situation& s, const std::vector<int>& primaries);

// --- primary.cc ---
// The writable `primary` recorded on its timeline (the cluster's state and repmgr); fenced
// instead when its timeline is behind the newest (sets `behind`).
Proposal RecordPrimary(const Situation& s, int primary, bool* behind);

// --- bouncer.cc ---
Proposal PointBouncer(const Situation& s, int primary);
// Clients held at once when the primary `primary` stops answering, before PgBouncer's first
// failed login to it fails every client that arrives.
Proposal HoldClientsEarly(const Situation& s, int primary, const std::string& why);

// --- day_two.cc ---
Proposal DayTwo(const Situation& s, int primary);

// --- scale.cc ---
Proposal RemoveUndesiredNodes(const Situation& s, const Proposal& earlier, int primary);
Proposal DropStaleSlots(const Situation& s, const Proposal& earlier, int primary);

// --- standbys.cc ---
// Every desired node other than `primary` whose container runs streams from it.
Proposal StandbysFollow(const Situation& s, const Proposal& earlier, int primary);
// Without a primary: standbys whose Postgres is down are started (candidates for promotion).
Proposal StartStoppedStandbys(const Situation& s, const Proposal& earlier);

// --- backup.cc ---
Proposal BackupStanza(const Situation& s, const Proposal& earlier, int primary);
Proposal ScheduledBackup(const Situation& s, const Proposal& earlier, int primary);

// --- rollout.cc --- (each: nothing when there is nothing to roll out)
Proposal ConfigurationRollout(const Situation& s, int primary);
Proposal ImageRollout(const Situation& s, int primary);
Proposal RequestedSwitchover(const Situation& s, int primary);

// --- bootstrap.cc ---
// Nothing of the cluster holds data: it is made (or the plan waits to know). Sets `applies`
// when this is the situation.
Proposal Bootstrap(const Situation& s, const Proposal& earlier, bool* applies);

// --- without_primary.cc (with without_primary.h and the files it names) ---
// No writable primary, some node holds data: a requested promotion, the registered primary
// restarted in place, or a failover (safety rule 2); the other containers too.
Proposal WithoutPrimary(const Situation& s, const Proposal& earlier);

// --- read_endpoint.cc ---
Proposal ReadEndpoint(const Situation& s, const Proposal& write_side, int primary);

}  // namespace radctl
