// radctl's help, generated from the verb table: the list of verbs (`radctl --help`), one verb's
// synopsis, description and flags (`radctl help VERB`, `radctl VERB --help`), and the command
// reference of the manual (docs/commands.md).
#pragma once

#include <string>

#include "controller/cli/verb.h"

namespace radctl::cli {

// "status NAME [-o FORMAT] [--read]"
std::string Synopsis(const VerbDef& verb);
// `state_dir` is the state directory this process would use, shown as the default.
std::string UsageText(const std::string& state_dir);
std::string VerbHelpText(const VerbDef& verb);
// The command reference as Markdown, for docs/commands.md.
std::string CommandReferenceMarkdown();

}  // namespace radctl::cli
