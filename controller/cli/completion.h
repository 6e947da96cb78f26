// Shell completion scripts for bash, zsh and fish, generated from the verb table: verbs, their
// flags and the flags' values, global flags before or after the verb, and the clusters and nodes
// known here (asked of `radctl __complete`, which honours --state-dir given on the line).
#pragma once

#include <string>

namespace radctl::cli {

std::string BashCompletionScript();
std::string ZshCompletionScript();
std::string FishCompletionScript();

}  // namespace radctl::cli
