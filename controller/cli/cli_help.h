// The help text of every verb, in one table that `radctl --help`, `radctl CMD --help`,
// `radctl help CMD` and the bash completion all read, so they cannot disagree.
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace radctl {

struct FlagHelp {
  std::string name;                 // "--output"
  std::string alias;                // "-o", or ""
  std::string value;                // "FORMAT" for flags taking a value, "" for switches
  std::vector<std::string> values;  // allowed values, offered by the completion
  std::string help;
};

struct CommandHelp {
  std::string name;
  std::string synopsis;        // "status NAME [-o table|json|uri]"
  std::string summary;         // one line for the command list
  std::string details;         // paragraphs for `radctl help CMD`
  bool takes_cluster = false;  // a cluster NAME positional (completed from the state dir)
  std::vector<FlagHelp> flags;
};

const std::vector<CommandHelp>& AllCommands();
// nullptr when `name` is no command.
const CommandHelp* FindCommand(absl::string_view name);
// The list of commands and the global options (`radctl --help`).
std::string UsageText();
// One command's synopsis, description and flags (`radctl help CMD`, `radctl CMD --help`).
std::string CommandHelpText(const CommandHelp& command);
// A bash completion script for every command and flag in the table.
std::string BashCompletionScript();

}  // namespace radctl
