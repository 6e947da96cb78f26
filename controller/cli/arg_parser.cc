#include "controller/cli/arg_parser.h"

#include <algorithm>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace radctl::cli {
namespace {

// Edit distance (insertions, deletions, substitutions, and swaps of neighbours: "statsu").
size_t Distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::string Suggestion(const std::string& word, const std::vector<std::string>& candidates) {
  std::string closest = ClosestWord(word, candidates);
  return closest.empty() ? "" : absl::StrCat("; did you mean \"", closest, "\"?");
}

const FlagDef* FindFlag(const std::vector<FlagDef>& flags, const std::string& name) {
  for (const FlagDef& flag : flags) {
    if (flag.name == name || (!flag.alias.empty() && flag.alias == name)) return &flag;
  }
  return nullptr;
}

std::vector<std::string> FlagNames(const std::vector<FlagDef>& flags) {
  std::vector<std::string> names;
  names.reserve(flags.size());
  for (const FlagDef& flag : flags) names.push_back(flag.name);
  return names;
}

absl::Status CheckChoice(const std::string& what, const std::vector<std::string>& choices,
                         const std::string& value) {
  if (choices.empty() || std::find(choices.begin(), choices.end(), value) != choices.end()) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(what, ": unknown value \"", value,
                                                 "\"; allowed: ", absl::StrJoin(choices, ", "),
                                                 Suggestion(value, choices)));
}

bool IsFlagWord(const std::string& word) { return word.size() > 1 && word[0] == '-'; }

// "--output=json" -> ("--output", "json"); "-ojson" -> ("-o", "json"); "-o" -> ("-o", nullopt).
std::pair<std::string, std::optional<std::string>> SplitFlagWord(const std::string& word) {
  if (absl::StartsWith(word, "--")) {
    size_t equals = word.find('=');
    if (equals == std::string::npos) return {word, std::nullopt};
    return {word.substr(0, equals), word.substr(equals + 1)};
  }
  if (word.size() == 2) return {word, std::nullopt};
  std::string attached = word.substr(2);
  if (attached[0] == '=') attached = attached.substr(1);  // kubectl's -o=json
  return {word.substr(0, 2), attached};
}

const VerbDef* FindVerbIn(const std::vector<VerbDef>& verbs, const std::string& name) {
  for (const VerbDef& verb : verbs) {
    if (verb.name == name) return &verb;
  }
  return nullptr;
}

std::vector<std::string> VisibleVerbNames(const std::vector<VerbDef>& verbs) {
  std::vector<std::string> names;
  for (const VerbDef& verb : verbs) {
    if (!verb.hidden) names.push_back(verb.name);
  }
  return names;
}

// -h/--help anywhere before "--" asks for help, whatever else the line holds.
bool AsksForHelp(const std::vector<std::string>& words) {
  for (const std::string& word : words) {
    if (word == "--") return false;
    if (word == "-h" || word == "--help") return true;
  }
  return false;
}

class Parser {
 public:
  Parser(const std::vector<std::string>& words, const std::vector<VerbDef>& verbs)
      : words_(words), verbs_(verbs) {}

  ParseOutcome Run() {
    ParseOutcome outcome;
    outcome.error = Read();
    outcome.invocation.verb = verb_;
    outcome.invocation.state_dir = state_dir_;
    outcome.invocation.log_format = log_format_;
    outcome.invocation.version = version_;
    if (AsksForHelp(words_)) {
      // The verb's help even when the rest of the line is wrong: that is why one asks.
      outcome.invocation.help = true;
      outcome.error = absl::OkStatus();
      return outcome;
    }
    if (outcome.error.ok() && verb_ == nullptr && !version_) {
      outcome.error = absl::InvalidArgumentError("no command given");
    }
    if (outcome.error.ok() && verb_ != nullptr) outcome.error = CheckArgs();
    if (outcome.error.ok() && verb_ != nullptr) {
      std::set<std::string> declared;
      for (const FlagDef& flag : verb_->flags) declared.insert(flag.name);
      outcome.invocation.args = ParsedArgs(flags_, args_, declared);
    }
    return outcome;
  }

 private:
  absl::Status Read() {
    bool only_args = false;
    for (size_t i = 0; i < words_.size(); ++i) {
      const std::string& word = words_[i];
      if (only_args || !IsFlagWord(word)) {
        if (!only_args && verb_ == nullptr) {
          verb_ = FindVerbIn(verbs_, word);
          if (verb_ == nullptr) {
            return absl::InvalidArgumentError(absl::StrCat(
                "unknown command \"", word, "\"", Suggestion(word, VisibleVerbNames(verbs_))));
          }
          continue;
        }
        args_.push_back(word);
        continue;
      }
      if (word == "--") {
        only_args = true;
        continue;
      }
      auto [name, attached] = SplitFlagWord(word);
      const FlagDef* flag = FindFlag(GlobalFlags(), name);
      bool global = flag != nullptr;
      if (flag == nullptr && verb_ != nullptr) flag = FindFlag(verb_->flags, name);
      if (flag == nullptr) return UnknownFlag(name);
      std::string value;
      if (flag->value.empty()) {
        if (attached.has_value()) {
          return absl::InvalidArgumentError(absl::StrCat(flag->name, " takes no value"));
        }
      } else if (attached.has_value()) {
        value = *attached;
      } else if (i + 1 < words_.size()) {
        value = words_[++i];
      } else {
        return absl::InvalidArgumentError(
            absl::StrCat(flag->name, " needs a value (", flag->value, ")"));
      }
      if (absl::Status valid = CheckChoice(flag->name, flag->choices, value); !valid.ok()) {
        return valid;
      }
      if (global) {
        ReadGlobal(*flag, value);
      } else {
        flags_[flag->name].push_back(value);
      }
    }
    return absl::OkStatus();
  }

  void ReadGlobal(const FlagDef& flag, const std::string& value) {
    if (flag.name == "--state-dir") state_dir_ = value;
    if (flag.name == "--log-format") log_format_ = value;
    if (flag.name == "--version") version_ = true;
  }

  absl::Status UnknownFlag(const std::string& name) const {
    std::vector<std::string> candidates = FlagNames(GlobalFlags());
    if (verb_ != nullptr) {
      for (const std::string& other : FlagNames(verb_->flags)) candidates.push_back(other);
      return absl::InvalidArgumentError(absl::StrCat("unknown flag ", name, " for radctl ",
                                                     verb_->name, Suggestion(name, candidates)));
    }
    for (const VerbDef& verb : verbs_) {
      if (FindFlag(verb.flags, name) != nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat(name, " belongs to a command: write it after the command (radctl COMMAND ",
                         name, " ...)"));
      }
    }
    return absl::InvalidArgumentError(
        absl::StrCat("unknown flag ", name, Suggestion(name, candidates)));
  }

  absl::Status CheckArgs() const {
    for (const FlagDef& flag : verb_->flags) {
      if (flag.required && flags_.count(flag.name) == 0) {
        return absl::InvalidArgumentError(absl::StrCat(verb_->name, " needs ", flag.name,
                                                       flag.value.empty() ? "" : " ", flag.value));
      }
    }
    for (size_t i = 0; i < verb_->args.size(); ++i) {
      const ArgDef& arg = verb_->args[i];
      if (i >= args_.size()) {
        if (arg.required) return absl::InvalidArgumentError(absl::StrCat(arg.what, " is missing"));
        continue;
      }
      if (absl::Status valid = CheckChoice(arg.what, arg.choices, args_[i]); !valid.ok()) {
        return valid;
      }
    }
    if (args_.size() > verb_->args.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unexpected argument \"", args_[verb_->args.size()], "\""));
    }
    return absl::OkStatus();
  }

  const std::vector<std::string>& words_;
  const std::vector<VerbDef>& verbs_;
  const VerbDef* verb_ = nullptr;
  std::map<std::string, std::vector<std::string>> flags_;
  std::vector<std::string> args_;
  std::string state_dir_;
  std::string log_format_ = "text";
  bool version_ = false;
};

}  // namespace

const std::vector<FlagDef>& GlobalFlags() {
  static const std::vector<FlagDef>* flags = new std::vector<FlagDef>{
      Valued("--state-dir", "", "DIR",
             "where clusters' state is kept (passwords, last applied spec, events)",
             Completion::kDirectory),
      Choice("--log-format", "", "FORMAT", {"text", "json"},
             "progress and events on stderr as text (default) or JSON lines"),
      Switch("--help", "-h", "help for radctl or a command"),
      Switch("--version", "", "radctl's version"),
  };
  return *flags;
}

ParseOutcome ParseCommandLine(const std::vector<std::string>& words,
                              const std::vector<VerbDef>& verbs) {
  return Parser(words, verbs).Run();
}

std::string ClosestWord(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = 0;
  for (const std::string& candidate : candidates) {
    size_t distance = Distance(word, candidate);
    if (best.empty() || distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  // A third of the word may be wrong (at least one letter): "statsu", "--ouput", "josn".
  size_t allowed = std::max<size_t>(1, word.size() / 3);
  return best_distance <= allowed ? best : "";
}

}  // namespace radctl::cli
