// The shape of a radctl verb, kubectl's: its flags and arguments as data (one table, verb_table.h,
// from which parsing, help and the shell completions are all generated), a function that turns
// the parsed words into the verb's options and validates them, and a function that runs it.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "controller/cli/cli_context.h"

namespace radctl::cli {

// What the shells offer for a value: files, directories, the clusters known here, a cluster's
// nodes or log sources, the verbs, or the flag's own list of values.
enum class Completion { kNone, kFile, kDirectory, kCluster, kNode, kLogSource, kVerb, kChoices };

struct FlagDef {
  std::string name;                  // "--output"
  std::string alias;                 // "-o", or ""
  std::string value;                 // "FORMAT" for flags taking a value, "" for switches
  std::vector<std::string> choices;  // allowed values; the parser refuses others
  Completion complete = Completion::kNone;
  bool repeatable = false;  // -f a -f b
  bool required = false;    // the parser refuses the line without it
  std::string help;

  FlagDef Required() const {
    FlagDef copy = *this;
    copy.required = true;
    return copy;
  }
  FlagDef Repeatable() const {
    FlagDef copy = *this;
    copy.repeatable = true;
    return copy;
  }
};

// Builders that keep the table readable.
FlagDef Switch(std::string name, std::string alias, std::string help);
FlagDef Valued(std::string name, std::string alias, std::string value, std::string help,
               Completion complete = Completion::kNone);
FlagDef Choice(std::string name, std::string alias, std::string value,
               std::vector<std::string> choices, std::string help);

struct ArgDef {
  std::string name;  // "NAME", as the synopsis writes it
  std::string what;  // "cluster NAME", as errors say it ("cluster NAME is missing")
  bool required = true;
  Completion complete = Completion::kNone;
  std::vector<std::string> choices;  // allowed values; the parser refuses others
};

// The words of one command line, as the parser read them against a verb's definition. Reading
// a flag the verb does not declare is recorded (undeclared()), so a test can check that the
// table and the verbs agree.
class ParsedArgs {
 public:
  ParsedArgs() = default;
  ParsedArgs(std::map<std::string, std::vector<std::string>> flags, std::vector<std::string> args,
             std::set<std::string> declared)
      : flags_(std::move(flags)), args_(std::move(args)), declared_(std::move(declared)) {}

  // A switch given, or a flag given a value.
  bool Has(absl::string_view flag) const;
  // The flag's value (the last one given), or `fallback`.
  std::string Value(absl::string_view flag, const std::string& fallback = "") const;
  // Every value of a repeatable flag, in order.
  std::vector<std::string> Values(absl::string_view flag) const;
  // The i-th positional argument, "" when absent.
  std::string Arg(size_t i) const { return i < args_.size() ? args_[i] : ""; }

  const std::set<std::string>& read() const { return read_; }
  const std::set<std::string>& undeclared() const { return undeclared_; }

 private:
  void Note(absl::string_view flag) const;
  std::map<std::string, std::vector<std::string>> flags_;  // by long name
  std::vector<std::string> args_;
  std::set<std::string> declared_;
  mutable std::set<std::string> read_;
  mutable std::set<std::string> undeclared_;
};

// A verb ready to run: its options are built and valid.
using VerbRun = std::function<absl::Status(const CliContext&)>;
// Options -> validate: InvalidArgument (exit 2, nothing read or changed) when they are not.
using Prepare = std::function<absl::StatusOr<VerbRun>(const ParsedArgs&)>;

struct VerbDef {
  std::string name;
  std::string summary;  // one line for the list of verbs
  std::string details;  // paragraphs for `radctl help VERB`
  std::vector<ArgDef> args;
  std::vector<FlagDef> flags;
  Prepare prepare;
  bool hidden = false;  // not listed in help (the completion's helper)
};

// Binds a verb's two halves: `parse` builds and validates its options from the words, `run`
// acts on them.
template <typename Options>
Prepare Bind(absl::StatusOr<Options> (*parse)(const ParsedArgs&),
             absl::Status (*run)(const CliContext&, const Options&)) {
  return [parse, run](const ParsedArgs& words) -> absl::StatusOr<VerbRun> {
    absl::StatusOr<Options> options = parse(words);
    if (!options.ok()) return options.status();
    return VerbRun([run, options = *std::move(options)](const CliContext& context) {
      return run(context, options);
    });
  };
}

}  // namespace radctl::cli
