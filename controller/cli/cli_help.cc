// radctl help [COMMAND] and radctl completion bash|zsh|fish: text generated from the verb table.
#include "absl/strings/str_cat.h"
#include "controller/cli/commands.h"
#include "controller/cli/completion.h"
#include "controller/cli/help_text.h"
#include "controller/cli/verb_table.h"

namespace radctl::cli {

absl::StatusOr<HelpOptions> ParseHelp(const ParsedArgs& args) {
  HelpOptions options;
  options.verb = args.Arg(0);
  if (!options.verb.empty() && FindVerb(options.verb) == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("no command \"", options.verb, "\"; radctl help lists them"));
  }
  return options;
}

absl::Status RunHelp(const CliContext& context, const HelpOptions& options) {
  if (options.verb.empty()) {
    context.out << UsageText(context.state_dir);
  } else {
    context.out << VerbHelpText(*FindVerb(options.verb));
  }
  return absl::OkStatus();
}

absl::StatusOr<CompletionOptions> ParseCompletion(const ParsedArgs& args) {
  CompletionOptions options;
  options.shell = args.Arg(0);
  return options;
}

absl::Status RunCompletion(const CliContext& context, const CompletionOptions& options) {
  if (options.shell == "zsh") {
    context.out << ZshCompletionScript();
  } else if (options.shell == "fish") {
    context.out << FishCompletionScript();
  } else {
    context.out << BashCompletionScript();
  }
  return absl::OkStatus();
}

}  // namespace radctl::cli
