#include "controller/cli/cli_help.h"

#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "controller/cli/commands.h"

namespace radctl {
namespace {

std::vector<CommandHelp> MakeCommands() {
  return {
      {"apply",
       "apply -f FILE|DIR... [--watch [--prune]] [--dry-run] [--http ADDR:PORT|off]",
       "converge the clusters to their specs; --watch keeps at it",
       "Reads the PostgresCluster spec in FILE and changes Docker until the cluster matches it:\n"
       "network, node containers and volumes, the primary, streaming standbys, the bouncer.\n"
       "Several -f, or a directory (its *.yaml and *.yml files), apply many clusters at once,\n"
       "each on a worker of its own; watching a directory picks up specs added and removed.\n"
       "A bad spec is reported with file, line and field, and changes nothing (exit 2).",
       false,
       {{"--filename",
         "-f",
         "FILE",
         {},
         "a spec file or a directory of them (required; repeatable)"},
        {"--watch",
         "-w",
         "",
         {},
         "keep reconciling (failover, rejoin, edits of the specs) until interrupted"},
        {"--prune",
         "",
         "",
         {},
         "watch: a spec removed from a watched directory removes its cluster's containers "
         "(its data volumes are kept)"},
        {"--dry-run", "", "", {}, "print the next step of the plan, change nothing"},
        {"--http",
         "",
         "ADDR:PORT",
         {"off"},
         "watch mode's health, metrics and status endpoint (default 127.0.0.1:8433); off for "
         "none"}}},
      {"status",
       "status NAME [-o table|json|uri [--read]]",
       "desired vs observed, endpoint",
       "Observes the cluster and prints nodes, roles, lag, the bouncer's target and conditions.\n"
       "-o json is a stable contract for scripts; -o uri prints the connection URI with the\n"
       "password (asked for explicitly); with --read, the read-only endpoint's\n"
       "(spec.bouncer.readPort).",
       true,
       {{"--output", "-o", "FORMAT", {"table", "json", "uri"}, "table (default), json or uri"},
        {"--read", "", "", {}, "with -o uri: the read-only endpoint's URI"}}},
      {"scale",
       "scale NAME --nodes N",
       "change the desired node count (1..9)",
       "Keeps the new count with the cluster and lets the loop act: this process when no\n"
       "controller runs for the cluster, else the running one.",
       true,
       {{"--nodes", "", "N", {}, "the node count (1..9)"}}},
      {"rotate-password",
       "rotate-password NAME",
       "a new generated password for the app user",
       "Generates a new password for spec.auth.user, keeps it with the cluster and rolls it out:\n"
       "the bouncer's userlist (SCRAM secrets), then the role. Connected clients stay connected;\n"
       "new logins need the new password (status -o uri). Refused when the spec sets\n"
       "auth.password: change it there and apply.",
       true,
       {}},
      {"switchover",
       "switchover NAME [--to NODE]",
       "planned primary change, clients held not failed",
       "Holds clients at the bouncer, stops the primary cleanly, checks the target has replayed\n"
       "everything, promotes it and repoints the bouncer. Refused unless the target is a\n"
       "streaming standby.",
       true,
       {{"--to", "", "NODE", {}, "node name or ordinal; default: the most advanced standby"}}},
      {"events",
       "events NAME [--since DURATION] [-o table|json]",
       "what the controller did and why",
       "The events kept with the cluster: what the controller decided, and why.",
       true,
       {{"--since", "", "DURATION", {}, "only events newer than this (e.g. 10m)"},
        {"--output", "-o", "FORMAT", {"table", "json"}, "table (default) or json"}}},
      {"delete",
       "delete NAME [--keep-volumes]",
       "remove everything the cluster owns",
       "Removes the containers, network and volumes labelled as the cluster's (and nothing\n"
       "else), and its state. Refused while a controller runs for it.",
       true,
       {{"--keep-volumes", "", "", {}, "keep the data volumes and the passwords"}}},
      {"promote",
       "promote NAME NODE --accept-data-loss",
       "promote a standby past the rules that keep acknowledged commits",
       "When radctl waits (WaitingForQuorum with synchronous replication, or no standby on the\n"
       "newest timeline) and you would rather have a primary now: promotes NODE anyway. Prints\n"
       "what may be lost and records it as an event; the old primary is still fenced first.\n"
       "Refused while a writable primary exists (use switchover).",
       true,
       {{"--accept-data-loss", "", "", {}, "required: you accept losing what NODE does not have"}}},
      {"backup",
       "backup NAME [--type full|diff|incr]",
       "take a backup now (pgBackRest), with progress",
       "Runs pgbackrest backup on the primary into the cluster's repository (spec.backup),\n"
       "prints its progress on stderr and a closing line (size, duration) on stdout. One backup\n"
       "of a cluster runs at a time; retention (spec.backup.retention.full) expires older ones.",
       true,
       {{"--type", "", "TYPE", {"full", "diff", "incr"}, "full (default), diff or incr"}}},
      {"backups",
       "backups NAME [-o table|json]",
       "the backups in the cluster's repository",
       "Lists the backups pgBackRest keeps for the cluster and the range of WAL archived.",
       true,
       {{"--output", "-o", "FORMAT", {"table", "json"}, "table (default) or json"}}},
      {"restore",
       "restore NEW --from NAME (--to-time T | --to-lsn LSN | --latest) [options]",
       "a new cluster recovered from another's backups (point in time)",
       "Writes the spec of a new cluster NEW whose primary is restored from NAME's repository\n"
       "and recovered to the target (spec.bootstrap.recovery), then applies it: the standbys\n"
       "clone from the restored primary. Never restores over an existing cluster. A target\n"
       "before the first backup ended is refused before anything is restored.",
       false,
       {{"--from", "", "NAME", {}, "the cluster whose backups are restored (required)"},
        {"--to-time", "", "TIME", {}, "RFC 3339 time to recover to (2024-05-01T10:00:00Z)"},
        {"--to-lsn", "", "LSN", {}, "WAL position to recover to (0/3000060)"},
        {"--latest", "", "", {}, "recover everything archived"},
        {"--nodes", "", "N", {}, "node count; default: the source's"},
        {"--bouncer-port", "", "PORT", {}, "the new endpoint's port; default: auto"},
        {"--spec-file", "", "FILE", {}, "where the spec is written; default NEW.yaml"}}},
      {"drill",
       "drill NAME [--fault F] [--rounds N] [--writers K] [--rate W/S] [options]",
       "failover drills under load, measured, with a report",
       "Rounds of fault -> recovery -> settle against a cluster a controller is watching, under\n"
       "a built-in load of writers (schema radctl_drill, dropped afterwards). Measures the outage\n"
       "clients saw, failed and lost writes, split brains and radctl's own times. Exit 1 when an\n"
       "acknowledged write was lost with synchronous replication, two writable primaries were\n"
       "seen, a round did not recover, or the command given with --exec failed.",
       true,
       {{"--fault",
         "",
         "FAULT",
         {"kill-primary", "stop-primary", "pause-primary", "cut-primary", "kill-standby",
          "kill-primary-and-standby", "kill-controller", "random"},
         "what to break each round (default kill-primary)"},
        {"--rounds", "", "N", {}, "rounds (default 3)"},
        {"--writers", "", "K", {}, "concurrent writers (default 4)"},
        {"--readers", "", "R", {}, "concurrent readers (default 0)"},
        {"--rate", "", "W/S", {}, "writes per second over all writers (default 100)"},
        {"--settle", "", "DURATION", {}, "quiet time between rounds (default 5s)"},
        {"--seed", "", "N", {}, "seed of random faults and targets"},
        {"--output", "-o", "FORMAT", {"table", "json"}, "table (default) or json"},
        {"--report", "", "FILE", {}, "also write a self-contained HTML report"},
        {"--run-controller",
         "",
         "FILE",
         {},
         "run the watching controller (radctl apply -f FILE --watch) itself; needed for "
         "kill-controller"},
        {"--exec",
         "",
         "CMD",
         {},
         "run your own workload or tests (sh -c CMD) during the rounds, with the endpoint in "
         "PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE and DATABASE_URL; the drill "
         "fails when it fails"}}},
      {"export",
       "export NAME --format cnpg|compose [options]",
       "the cluster as CloudNativePG manifests or as one Compose file",
       "--format cnpg prints a CloudNativePG Cluster (postgresql.cnpg.io/v1) and Pooler for the\n"
       "same cluster on Kubernetes; its header says what does not map. With --migrate-from the\n"
       "Cluster starts as a pg_basebackup copy of this one, read from HOST:PORT (the current\n"
       "primary as the Kubernetes pods reach it) as the role streaming_replica.\n"
       "--format compose prints a docker-compose.yml that runs the radctl/radctl controller\n"
       "with this cluster's spec inline.\n"
       "Passwords are printed only with --show-secrets: without it the Secret manifests are\n"
       "left out and the header says how to create them.",
       true,
       {{"--format", "", "FORMAT", {"cnpg", "compose"}, "cnpg or compose (required)"},
        {"--migrate-from",
         "",
         "HOST:PORT",
         {},
         "cnpg: bootstrap by pg_basebackup from this address of the current primary"},
        {"--create-replication-user",
         "",
         "",
         {},
         "cnpg --migrate-from: create (or reset the password of) the role streaming_replica on "
         "the primary now, and print its Secret; needs --show-secrets"},
        {"--show-secrets", "", "", {}, "include passwords (Secret manifests, the spec's password)"},
        {"--image", "", "IMAGE", {}, "compose: the controller image (default radctl/radctl)"},
        {"--http",
         "",
         "ADDR:PORT",
         {},
         "compose: the controller's HTTP endpoint on the host (default 127.0.0.1:8433)"}}},
      {"version",
       "version [-o text|json]",
       "version, git commit and build of this radctl",
       "Prints radctl's version, the git commit it was built from and how it was built.",
       false,
       {{"--output", "-o", "FORMAT", {"text", "json"}, "text (default) or json"}}},
      {"completion",
       "completion bash",
       "a shell completion script",
       "Prints a completion script. Load it with:\n"
       "  source <(radctl completion bash)\n"
       "or keep it: radctl completion bash > /etc/bash_completion.d/radctl",
       false,
       {}},
      {"help", "help [COMMAND]", "help for a command", "Prints the help of COMMAND.", false, {}},
  };
}

std::string FlagColumn(const FlagHelp& flag) {
  std::string text = flag.alias.empty() ? flag.name : absl::StrCat(flag.alias, ", ", flag.name);
  if (!flag.value.empty()) absl::StrAppend(&text, " ", flag.value);
  return text;
}

// The completion of one command: values after a flag taking one (files for FILE), its flags
// after "-", else its positional words.
std::string CompletionCase(const CommandHelp& command) {
  std::vector<std::string> flags;
  std::string value_cases;
  for (const FlagHelp& flag : command.flags) {
    flags.push_back(flag.name);
    if (!flag.alias.empty()) flags.push_back(flag.alias);
    if (flag.value.empty()) continue;
    std::string names = flag.alias.empty() ? flag.name : absl::StrCat(flag.name, "|", flag.alias);
    std::string action = flag.value == "FILE"
                             ? "COMPREPLY=($(compgen -f -- \"$cur\"))"
                             : absl::StrCat("COMPREPLY=($(compgen -W \"",
                                            absl::StrJoin(flag.values, " "), "\" -- \"$cur\"))");
    absl::StrAppend(&value_cases, "        ", names, ") ", action, "; return ;;\n");
  }
  std::string body = absl::StrCat("      ", command.name, ")\n");
  if (!value_cases.empty()) {
    absl::StrAppend(&body, "        case \"$prev\" in\n", value_cases, "        esac\n");
  }
  // Positional words: other commands for help, shells for completion, else cluster names.
  std::vector<std::string> positionals;
  if (command.name == "help") {
    for (const CommandHelp& other : AllCommands()) positionals.push_back(other.name);
  }
  if (command.name == "completion") positionals = {"bash"};
  flags.push_back("--help");
  absl::StrAppend(&body, "        flags=\"", absl::StrJoin(flags, " "), "\"\n");
  absl::StrAppend(&body, "        words=\"", absl::StrJoin(positionals, " "), "\"\n");
  absl::StrAppend(&body, "        clusters=", command.takes_cluster ? 1 : 0, " ;;\n");
  return body;
}

}  // namespace

const std::vector<CommandHelp>& AllCommands() {
  static const std::vector<CommandHelp>* commands = new std::vector<CommandHelp>(MakeCommands());
  return *commands;
}

const CommandHelp* FindCommand(absl::string_view name) {
  for (const CommandHelp& command : AllCommands()) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

std::string UsageText() {
  std::string text = "usage: radctl COMMAND [options]\n\ncommands:\n";
  for (const CommandHelp& command : AllCommands()) {
    absl::StrAppendFormat(&text, "  %-12s %s\n", command.name, command.summary);
  }
  absl::StrAppend(&text,
                  "\nglobal options: --state-dir DIR (default $RADCTL_STATE_DIR or "
                  "/var/lib/radctl),\n                --log-format text|json\n"
                  "\nradctl help COMMAND (or radctl COMMAND --help) tells more about a command.\n");
  return text;
}

std::string CommandHelpText(const CommandHelp& command) {
  std::string text =
      absl::StrCat("usage: radctl ", command.synopsis, "\n\n", command.details, "\n");
  if (!command.flags.empty()) {
    absl::StrAppend(&text, "\noptions:\n");
    for (const FlagHelp& flag : command.flags) {
      absl::StrAppendFormat(&text, "  %-28s %s\n", FlagColumn(flag), flag.help);
    }
  }
  absl::StrAppend(&text, "\nglobal options: --state-dir DIR, --log-format text|json\n");
  return text;
}

std::string BashCompletionScript() {
  std::vector<std::string> names;
  std::string cases;
  for (const CommandHelp& command : AllCommands()) {
    names.push_back(command.name);
    absl::StrAppend(&cases, CompletionCase(command));
  }
  return absl::StrCat(
      "# bash completion for radctl (radctl completion bash). Generated from radctl's help.\n",
      "_radctl() {\n",
      "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n",
      "  local command=\"\" words=\"\" flags=\"\" clusters=0 i\n",
      "  for ((i = 1; i < COMP_CWORD; i++)); do\n", "    case \"${COMP_WORDS[i]}\" in\n",
      "      --state-dir|--log-format) ((i++)) ;;\n", "      -*) ;;\n",
      "      *) command=\"${COMP_WORDS[i]}\"; break ;;\n", "    esac\n", "  done\n",
      "  case \"$prev\" in\n",
      "    --state-dir) COMPREPLY=($(compgen -d -- \"$cur\")); return ;;\n",
      "    --log-format) COMPREPLY=($(compgen -W \"text json\" -- \"$cur\")); return ;;\n",
      "  esac\n", "  if [ -z \"$command\" ]; then\n", "    COMPREPLY=($(compgen -W \"",
      absl::StrJoin(names, " "), " --state-dir --log-format --help\" -- \"$cur\"))\n",
      "    return\n", "  fi\n", "  case \"$command\" in\n", cases, "  esac\n",
      "  if [[ \"$cur\" == -* ]]; then\n", "    words=\"$flags\"\n",
      "  elif [ \"$clusters\" = 1 ]; then\n",
      "    # Clusters known here: the state directory holds one folder per cluster.\n",
      "    words=\"$words $(ls \"${RADCTL_STATE_DIR:-/var/lib/radctl}\" 2>/dev/null)\"\n", "  fi\n",
      "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n", "}\n",
      "complete -F _radctl radctl\n");
}

absl::Status RunHelp(const HelpOptions& options) {
  if (options.command.empty()) {
    std::cout << UsageText();
    return absl::OkStatus();
  }
  const CommandHelp* command = FindCommand(options.command);
  if (command == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("no command \"", options.command, "\"; radctl help lists them"));
  }
  std::cout << CommandHelpText(*command);
  return absl::OkStatus();
}

absl::Status RunCompletion(const CompletionOptions& options) {
  if (options.shell != "bash") {
    return absl::InvalidArgumentError(
        absl::StrCat("completion: unknown shell \"", options.shell, "\"; allowed: bash"));
  }
  std::cout << BashCompletionScript();
  return absl::OkStatus();
}

}  // namespace radctl
