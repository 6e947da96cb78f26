// Reads a radctl command line against the verb table, the way kubectl and docker do: global
// flags before or after the verb, `--flag value`, `--flag=value`, `-o value`, `-ovalue`, `--`
// ending the flags, a value outside a flag's list refused with the allowed ones, and "did you
// mean" for a mistyped verb, flag or value. Pure: no I/O.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "controller/cli/verb.h"

namespace radctl::cli {

// Flags every verb accepts, before or after it.
const std::vector<FlagDef>& GlobalFlags();

struct Invocation {
  const VerbDef* verb = nullptr;  // null only with `help` or `version` set
  ParsedArgs args;
  std::string state_dir;  // --state-dir; "" when not given
  std::string log_format = "text";
  bool help = false;     // -h/--help anywhere: the verb's help (or the list), nothing run
  bool version = false;  // --version
};

struct ParseOutcome {
  Invocation invocation;
  // InvalidArgument saying what is wrong (exit 2); `invocation.verb` is set when the verb was
  // read, so the caller can point at its help.
  absl::Status error;
};

// `words` are argv without the program name.
ParseOutcome ParseCommandLine(const std::vector<std::string>& words,
                              const std::vector<VerbDef>& verbs);

// The candidate closest to `word` when it is a likely typo ("statsu" -> "status"), else "".
std::string ClosestWord(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace radctl::cli
