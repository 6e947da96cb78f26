#include "controller/cli/verb_table.h"

#include "controller/cli/commands.h"

namespace radctl::cli {
namespace {

ArgDef Cluster(std::string what = "cluster NAME") {
  ArgDef arg;
  arg.name = "NAME";
  arg.what = std::move(what);
  arg.complete = Completion::kCluster;
  return arg;
}

ArgDef Positional(std::string name, std::string what, bool required, Completion complete,
                  std::vector<std::string> choices = {}) {
  ArgDef arg;
  arg.name = std::move(name);
  arg.what = std::move(what);
  arg.required = required;
  arg.complete = complete;
  arg.choices = std::move(choices);
  return arg;
}

FlagDef Output(std::vector<std::string> formats) {
  std::string help;
  for (size_t i = 0; i < formats.size(); ++i) {
    help += (i == 0 ? "" : i + 1 == formats.size() ? " or " : ", ") + formats[i];
    if (i == 0) help += " (default)";
  }
  return Choice("--output", "-o", "FORMAT", std::move(formats), help);
}

std::vector<VerbDef> MakeVerbs() {
  std::vector<VerbDef> verbs;
  verbs.push_back(
      {"apply",
       "converge clusters to their specs; --watch keeps at it",
       "Reads the PostgresCluster spec in FILE and changes Docker until the cluster matches it:\n"
       "network, node containers and volumes, the primary, streaming standbys, the bouncer.\n"
       "Several -f, or a directory (its *.yaml and *.yml files), apply many clusters at once,\n"
       "each on a worker of its own; watching a directory picks up specs added and removed.\n"
       "A bad spec is reported with file, line and field, and changes nothing (exit 2).",
       {},
       {Valued("--filename", "-f", "FILE", "a spec file or a directory of them (repeatable)",
               Completion::kFile)
            .Required()
            .Repeatable(),
        Switch("--watch", "-w",
               "keep reconciling (failover, rejoin, edits of the specs) until interrupted"),
        Switch("--prune", "",
               "with --watch: a spec removed from a watched directory removes its cluster's "
               "containers (its data volumes are kept)"),
        Switch("--dry-run", "", "print the next step of each plan; change nothing"),
        Valued("--http", "", "ADDR:PORT",
               "with --watch: the health, metrics and status endpoint (default 127.0.0.1:8433); "
               "off for none")},
       Bind(&ParseApply, &RunApply)});
  verbs.push_back(
      {"status",
       "desired vs observed: nodes, roles, lag, endpoint",
       "Observes the cluster and prints nodes, roles, lag, the bouncer's target and conditions.\n"
       "-o json (or yaml) is a stable contract for scripts. -o uri prints the connection URI\n"
       "with the password (asked for explicitly); -o env prints it as libpq's environment\n"
       "(PGHOST ... PGSSLROOTCERT and DATABASE_URL) for `eval` in a CI job. With --read, the\n"
       "read-only endpoint's (spec.bouncer.readPort).",
       {Cluster()},
       {Output({"table", "json", "yaml", "uri", "env"}),
        Switch("--read", "", "with -o uri or -o env: the read-only endpoint's")},
       Bind(&ParseStatus, &RunStatus)});
  verbs.push_back({"list",
                   "the clusters known here",
                   "Lists the clusters kept in the state directory: name, nodes, endpoint. Reads\n"
                   "only the state directory (radctl status observes one cluster).",
                   {},
                   {Output({"table", "name", "json", "yaml"})},
                   Bind(&ParseList, &RunList)});
  verbs.push_back(
      {"logs",
       "a node's, the bouncer's or the controller's log",
       "Prints the log of NODE (demo-pg-2 or 2: its Postgres server log), of the bouncer\n"
       "(bouncer, read-bouncer) or the controller's events (events); without NODE every\n"
       "container of the cluster, each line prefixed with its name. -f follows until\n"
       "interrupted.",
       {Cluster(), Positional("NODE", "NODE", false, Completion::kLogSource)},
       {Switch("--follow", "-f", "keep printing what is written"),
        Valued("--tail", "", "N", "lines of each log to start with (default 100; all: -1)")},
       Bind(&ParseLogs, &RunLogs)});
  verbs.push_back(
      {"aside",
       "data directories kept by rebuilds, and removing one",
       "A rebuild moves a node's old data directory aside (data.radctl-old-<time> in its\n"
       "volume) instead of deleting it: a former primary's may hold commits no other node has.\n"
       "radctl never deletes one; a node keeping spec.replication.maxMovedAside copies is not\n"
       "rebuilt until one is removed. Lists them (size, timeline, last checkpoint); --remove\n"
       "DIR deletes one of NODE's, after you have saved what you need from it.",
       {Cluster(), Positional("NODE", "NODE", false, Completion::kNode)},
       {Valued("--remove", "", "DIR", "delete this moved-aside directory of NODE"),
        Output({"table", "json", "yaml"})},
       Bind(&ParseAside, &RunAside)});
  verbs.push_back(
      {"ready",
       "exit 0 once a watching controller reports the cluster ready",
       "Asks the HTTP endpoint of a running radctl apply --watch (/readyz) whether the\n"
       "cluster's endpoint reaches a writable primary: exit 0 when it does, 1 with the\n"
       "controller's reason when not. Without NAME, every cluster it watches. --wait asks again\n"
       "every second until then: a CI job waiting for its database, or a Compose healthcheck.",
       {Positional("NAME", "cluster NAME", false, Completion::kCluster)},
       {Valued("--http", "", "ADDR:PORT",
               "the controller's endpoint (default 127.0.0.1:8433, as apply --watch serves it)"),
        Valued("--wait", "", "DURATION", "keep asking until ready or this long has passed")},
       Bind(&ParseReady, &RunReady)});
  verbs.push_back(
      {"wait",
       "exit 0 once the cluster's conditions are as asked",
       "Observes the cluster itself, as status does (no watcher needed), until every condition\n"
       "named with --for has the value asked (condition=Ready means Ready=true), then prints\n"
       "them: a CI job waiting for its database, as kubectl wait. Exit 1 with the conditions\n"
       "last seen when --timeout passes. Conditions: Ready (the endpoint reaches a writable\n"
       "primary), Degraded (fewer streaming standbys than the spec wants), FailingOver,\n"
       "Reconciling (observed differs from the spec).",
       {Cluster()},
       {Valued("--for", "", "condition=TYPE[=true|false]",
               "e.g. condition=Ready, condition=Degraded=false (repeat for several)")
            .Repeatable(),
        Valued("--timeout", "", "DURATION", "give up after this long (default 60s)")},
       Bind(&ParseWait, &RunWait)});
  verbs.push_back(
      {"events",
       "what the controller decided and why",
       "The events kept with the cluster: what the controller decided, why, and how it ended.",
       {Cluster()},
       {Valued("--since", "", "WHEN",
               "only events newer than this: a duration (10m, 1h) or a time (RFC 3339, or as "
               "psql prints it)"),
        Output({"table", "json", "yaml"})},
       Bind(&ParseEvents, &RunEvents)});
  verbs.push_back(
      {"scale",
       "change the desired node count (1..9)",
       "Keeps the new count with the cluster and lets the loop act: this process when no\n"
       "controller runs for the cluster, else the running one. A count the spec cannot have\n"
       "(fewer standbys than replication.synchronous.number) is refused and nothing changes.",
       {Cluster()},
       {Valued("--nodes", "", "N", "the node count (1..9)").Required()},
       Bind(&ParseScale, &RunScale)});
  verbs.push_back(
      {"switchover",
       "planned primary change, clients held not failed",
       "Holds clients at the bouncer, stops the primary cleanly, checks the target has replayed\n"
       "everything, promotes it and repoints the bouncer. Refused unless the target is a\n"
       "streaming standby.",
       {Cluster()},
       {Valued("--to", "", "NODE", "node name or ordinal; default: the most advanced standby",
               Completion::kNode)},
       Bind(&ParseSwitchover, &RunSwitchover)});
  verbs.push_back(
      {"promote",
       "promote a standby past the rules that keep acknowledged commits",
       "When radctl waits (WaitingForQuorum with synchronous replication, or no standby on the\n"
       "newest timeline) and you would rather have a primary now: promotes NODE anyway. Prints\n"
       "what may be lost and records it as an event; the old primary is still fenced first.\n"
       "Refused while a writable primary exists (use switchover).",
       {Cluster(), Positional("NODE", "NODE", true, Completion::kNode)},
       {Switch("--accept-data-loss", "", "required: you accept losing what NODE does not have")},
       Bind(&ParsePromote, &RunPromote)});
  verbs.push_back(
      {"rotate-password",
       "a new generated password for the app user",
       "Generates a new password for spec.auth.user, keeps it with the cluster and rolls it out:\n"
       "the bouncer's userlist (SCRAM secrets), then the role. Connected clients stay connected;\n"
       "new logins need the new password (status -o uri). Refused when the spec sets\n"
       "auth.password: change it there and apply.",
       {Cluster()},
       {},
       Bind(&ParseRotatePassword, &RunRotatePassword)});
  verbs.push_back(
      {"delete",
       "remove everything the cluster owns",
       "Removes the containers, network and volumes labelled as the cluster's (and nothing\n"
       "else), and its state. Refused while a controller runs for it.",
       {Cluster()},
       {Switch("--keep-volumes", "", "keep the data volumes and the passwords")},
       Bind(&ParseDelete, &RunDelete)});
  verbs.push_back(
      {"backup",
       "take a backup now (pgBackRest), with progress",
       "Runs pgbackrest backup on the primary into the cluster's repository (spec.backup),\n"
       "prints its progress on stderr and a closing line (size, duration) on stdout. One backup\n"
       "of a cluster runs at a time; retention (spec.backup.retention.full) expires older ones.",
       {Cluster()},
       {Choice("--type", "", "TYPE", {"full", "diff", "incr"}, "full (default), diff or incr")},
       Bind(&ParseBackup, &RunBackup)});
  verbs.push_back({"backups",
                   "the backups in the cluster's repository",
                   "Lists the backups pgBackRest keeps for the cluster and the WAL archived.",
                   {Cluster()},
                   {Output({"table", "json", "yaml"})},
                   Bind(&ParseBackups, &RunBackups)});
  verbs.push_back(
      {"restore",
       "a new cluster recovered from another's backups (point in time)",
       "Writes the spec of a new cluster NEW whose primary is restored from NAME's repository\n"
       "and recovered to the target (spec.bootstrap.recovery), then applies it: the standbys\n"
       "clone from the restored primary. Never restores over an existing cluster. The spec is\n"
       "written only once all of it is valid; a target before the first backup ended is\n"
       "refused before anything is restored.",
       {Positional("NEW", "new cluster NAME", true, Completion::kNone)},
       {Valued("--from", "", "NAME", "the cluster whose backups are restored", Completion::kCluster)
            .Required(),
        Valued("--to-time", "", "TIME",
               "recover to this time: RFC 3339 (2026-05-01T10:00:00Z) or as psql prints it "
               "(2026-05-01 10:00:00.5+00)"),
        Valued("--to-lsn", "", "LSN", "recover to this WAL position (0/3000060)"),
        Switch("--latest", "", "recover everything archived"),
        Valued("--nodes", "", "N", "node count; default: the source's"),
        Valued("--bouncer-port", "", "PORT", "the new endpoint's port; default: auto"),
        Valued("--spec-file", "", "FILE", "where the spec is written; default NEW.yaml",
               Completion::kFile)},
       Bind(&ParseRestore, &RunRestore)});
  verbs.push_back(
      {"drill",
       "failover drills under load, measured, with a report",
       "Rounds of fault -> recovery -> settle against a cluster a controller is watching, under\n"
       "a built-in load of writers (schema radctl_drill, dropped afterwards). Measures the outage\n"
       "clients saw, failed and lost writes, split brains and radctl's own times. Exit 1 when an\n"
       "acknowledged write was lost with synchronous replication, two writable primaries were\n"
       "seen, a round did not recover, or the command given with --exec failed.",
       {Cluster()},
       {Choice("--fault", "", "FAULT",
               {"kill-primary", "stop-primary", "pause-primary", "cut-primary", "kill-standby",
                "kill-primary-and-standby", "kill-controller", "random"},
               "what to break each round (default kill-primary)"),
        Valued("--rounds", "", "N", "rounds (default 3)"),
        Valued("--writers", "", "K", "concurrent writers (default 4)"),
        Valued("--readers", "", "R", "concurrent readers (default 0)"),
        Valued("--rate", "", "W/S", "writes per second over all writers (default 100)"),
        Valued("--settle", "", "DURATION", "quiet time between rounds (default 5s)"),
        Valued("--seed", "", "N", "seed of random faults and targets"),
        Output({"table", "json", "yaml"}),
        Valued("--report", "", "FILE", "also write a self-contained HTML report",
               Completion::kFile),
        Valued("--run-controller", "", "FILE",
               "run the watching controller (radctl apply -f FILE --watch) itself; needed for "
               "kill-controller",
               Completion::kFile),
        Valued("--exec", "", "CMD",
               "run your own workload or tests (sh -c CMD) during the rounds, with the endpoint in "
               "PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE, PGSSLROOTCERT and "
               "DATABASE_URL; the drill fails when it fails")},
       Bind(&ParseDrill, &RunDrillCommand)});
  verbs.push_back(
      {"export",
       "a cluster as CloudNativePG manifests or as one Compose file",
       "--format cnpg prints a CloudNativePG Cluster (postgresql.cnpg.io/v1), its Pooler and,\n"
       "with backups, a ScheduledBackup and the barman-cloud ObjectStore; the header lists what\n"
       "does not carry over, and --strict fails (exit 2) when anything does not. With\n"
       "--migrate-from the Cluster starts as a pg_basebackup copy of this one, read from\n"
       "HOST:PORT (the current primary as the Kubernetes pods reach it) as streaming_replica.\n"
       "--format compose prints a docker-compose.yml that runs the radctl/radctl controller\n"
       "with this cluster's spec inline.\n"
       "NAME is a cluster applied here; -f FILE exports a spec file instead, applied or not.\n"
       "Passwords are printed only with --show-secrets: without it the Secret manifests are\n"
       "left out and the header says how to create them.",
       {Positional("NAME", "cluster NAME (or -f FILE)", false, Completion::kCluster)},
       {Choice("--format", "", "FORMAT", {"cnpg", "compose"}, "cnpg or compose").Required(),
        Valued("--filename", "-f", "FILE", "export this spec file instead of an applied cluster",
               Completion::kFile),
        Switch("--strict", "", "cnpg: fail when a field of the spec does not carry over"),
        Valued("--migrate-from", "", "HOST:PORT",
               "cnpg: bootstrap by pg_basebackup from this address of the current primary"),
        Switch("--create-replication-user", "",
               "cnpg --migrate-from: create (or reset the password of) the role "
               "streaming_replica on the primary now, and print its Secret; needs --show-secrets"),
        Switch("--show-secrets", "", "include passwords (Secret manifests, the spec's password)"),
        Valued("--image", "", "IMAGE",
               "compose: the controller image (default radctl/radctl:VERSION, this radctl's)"),
        Valued("--http", "", "ADDR:PORT",
               "compose: the controller's HTTP endpoint on the host (default 127.0.0.1:8433)")},
       Bind(&ParseExport, &RunExport)});
  verbs.push_back({"version",
                   "version, git commit and build of this radctl",
                   "Prints radctl's version, the git commit it was built from and how it was "
                   "built.",
                   {},
                   {Output({"text", "json", "yaml"})},
                   Bind(&ParseVersion, &RunVersion)});
  verbs.push_back({"completion",
                   "a shell completion script (bash, zsh, fish)",
                   "Prints a completion script for SHELL. Load it with:\n"
                   "  bash: source <(radctl completion bash)\n"
                   "  zsh:  source <(radctl completion zsh)      (after compinit)\n"
                   "  fish: radctl completion fish | source\n"
                   "or keep it: radctl completion bash > /etc/bash_completion.d/radctl",
                   {Positional("SHELL", "SHELL (bash, zsh or fish)", true, Completion::kChoices,
                               {"bash", "zsh", "fish"})},
                   {},
                   Bind(&ParseCompletion, &RunCompletion)});
  verbs.push_back({"help",
                   "help for a command",
                   "Prints the help of COMMAND, or the list of commands.",
                   {Positional("COMMAND", "COMMAND", false, Completion::kVerb)},
                   {},
                   Bind(&ParseHelp, &RunHelp)});
  VerbDef complete{
      "__complete",
      "words for the shell completions",
      "Prints the clusters known here (clusters), or a cluster's nodes (nodes) or\n"
      "log sources (logs), one a line.",
      {Positional("KIND", "KIND", true, Completion::kChoices, {"clusters", "nodes", "logs"}),
       Positional("NAME", "cluster NAME", false, Completion::kCluster)},
      {},
      Bind(&ParseComplete, &RunComplete)};
  complete.hidden = true;
  verbs.push_back(std::move(complete));
  return verbs;
}

}  // namespace

const std::vector<VerbDef>& AllVerbs() {
  static const std::vector<VerbDef>* verbs = new std::vector<VerbDef>(MakeVerbs());
  return *verbs;
}

const VerbDef* FindVerb(absl::string_view name) {
  for (const VerbDef& verb : AllVerbs()) {
    if (verb.name == name) return &verb;
  }
  return nullptr;
}

}  // namespace radctl::cli
