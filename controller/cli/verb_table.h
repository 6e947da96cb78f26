// The one table of radctl's verbs, their arguments and flags. The parser (arg_parser.h), the help
// (help_text.h), the shell completions (completion.h) and the manual's command reference are all
// generated from it; each verb reads its options from what the parser made of it (commands.h).
#pragma once

#include <vector>

#include "absl/strings/string_view.h"
#include "controller/cli/verb.h"

namespace radctl::cli {

const std::vector<VerbDef>& AllVerbs();
// nullptr when `name` is no verb.
const VerbDef* FindVerb(absl::string_view name);

}  // namespace radctl::cli
