#include "controller/cli/completion.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "controller/cli/arg_parser.h"
#include "controller/cli/verb_table.h"

namespace radctl::cli {
namespace {

std::vector<std::string> VerbNames() {
  std::vector<std::string> names;
  for (const VerbDef& verb : AllVerbs()) {
    if (!verb.hidden) names.push_back(verb.name);
  }
  return names;
}

// How a value is completed, in the form the bash and fish scripts switch on: file, dir,
// cluster, node, logs, or "choices:a b c".
std::string Kind(Completion complete, const std::vector<std::string>& choices) {
  switch (complete) {
    case Completion::kFile:
      return "file";
    case Completion::kDirectory:
      return "dir";
    case Completion::kCluster:
      return "cluster";
    case Completion::kNode:
      return "node";
    case Completion::kLogSource:
      return "logs";
    case Completion::kVerb:
      return absl::StrCat("choices:", absl::StrJoin(VerbNames(), " "));
    case Completion::kChoices:
      return absl::StrCat("choices:", absl::StrJoin(choices, " "));
    case Completion::kNone:
      break;
  }
  return "";
}

std::vector<std::string> FlagWords(const FlagDef& flag) {
  std::vector<std::string> words = {flag.name};
  if (!flag.alias.empty()) words.push_back(flag.alias);
  return words;
}

// --- bash ---

std::string BashValueKinds() {
  std::string globals;
  for (const FlagDef& flag : GlobalFlags()) {
    if (flag.value.empty()) continue;
    absl::StrAppend(&globals, "    ", absl::StrJoin(FlagWords(flag), "|"), ") echo \"",
                    Kind(flag.complete, flag.choices), "\"; return ;;\n");
  }
  std::string cases;
  for (const VerbDef& verb : AllVerbs()) {
    for (const FlagDef& flag : verb.flags) {
      if (flag.value.empty()) continue;
      std::vector<std::string> patterns;
      for (const std::string& word : FlagWords(flag)) {
        patterns.push_back(absl::StrCat("\"", verb.name, " ", word, "\""));
      }
      absl::StrAppend(&cases, "    ", absl::StrJoin(patterns, "|"), ") echo \"",
                      Kind(flag.complete, flag.choices), "\" ;;\n");
    }
  }
  return absl::StrCat(
      "# The completion of flag $2's value under verb $1; fails for a switch or unknown flag.\n",
      "_radctl_value_kind() {\n", "  case \"$2\" in\n", globals, "  esac\n",
      "  case \"$1 $2\" in\n", cases, "    *) return 1 ;;\n", "  esac\n", "}\n");
}

std::string BashArgKinds() {
  std::string cases;
  for (const VerbDef& verb : AllVerbs()) {
    for (size_t i = 0; i < verb.args.size(); ++i) {
      std::string kind = Kind(verb.args[i].complete, verb.args[i].choices);
      if (kind.empty()) continue;
      absl::StrAppend(&cases, "    \"", verb.name, " ", i, "\") echo \"", kind, "\" ;;\n");
    }
  }
  return absl::StrCat("# The completion of argument $2 (from 0) of verb $1.\n",
                      "_radctl_arg_kind() {\n", "  case \"$1 $2\" in\n", cases,
                      "    *) return 1 ;;\n", "  esac\n", "}\n");
}

std::string BashFlags() {
  std::string cases;
  for (const VerbDef& verb : AllVerbs()) {
    std::vector<std::string> words;
    for (const FlagDef& flag : verb.flags) {
      for (const std::string& word : FlagWords(flag)) words.push_back(word);
    }
    absl::StrAppend(&cases, "    ", verb.name, ") echo \"", absl::StrJoin(words, " "), "\" ;;\n");
  }
  std::vector<std::string> globals;
  for (const FlagDef& flag : GlobalFlags()) {
    for (const std::string& word : FlagWords(flag)) globals.push_back(word);
  }
  return absl::StrCat("# The flags of verb $1, and the global ones.\n", "_radctl_flags() {\n",
                      "  echo \"", absl::StrJoin(globals, " "), "\"\n", "  case \"$1\" in\n", cases,
                      "  esac\n", "}\n");
}

// --- zsh ---

// Text inside a single-quoted _arguments spec: quotes closed and reopened, brackets and colons
// escaped (they delimit the spec's parts).
std::string ZshDescription(const std::string& text) {
  return absl::StrReplaceAll(
      text, {{"'", "'\\''"}, {"[", "\\["}, {"]", "\\]"}, {":", "\\:"}, {"\n", " "}});
}

std::string ZshAction(Completion complete, const std::vector<std::string>& choices) {
  switch (complete) {
    case Completion::kFile:
      return "_files";
    case Completion::kDirectory:
      return "_files -/";
    case Completion::kCluster:
      return "{_radctl_ask clusters}";
    case Completion::kNode:
      return "{_radctl_ask nodes $line[1]}";
    case Completion::kLogSource:
      return "{_radctl_ask logs $line[1]}";
    case Completion::kVerb:
      return absl::StrCat("(", absl::StrJoin(VerbNames(), " "), ")");
    case Completion::kChoices:
      return absl::StrCat("(", absl::StrJoin(choices, " "), ")");
    case Completion::kNone:
      break;
  }
  return " ";
}

std::string ZshFlagSpec(const FlagDef& flag) {
  std::string description = ZshDescription(flag.help);
  std::string repeat = flag.repeatable ? "*" : "";
  std::string exclusion = (!flag.alias.empty() && !flag.repeatable)
                              ? absl::StrCat("'(", flag.alias, " ", flag.name, ")'")
                              : "";
  std::string names;
  if (flag.alias.empty()) {
    names = absl::StrCat("'", repeat, flag.name, flag.value.empty() ? "" : "=");
  } else {
    names = absl::StrCat(exclusion, "'", repeat, "'{", flag.alias, flag.value.empty() ? "" : "+",
                         ",", flag.name, flag.value.empty() ? "" : "=", "}'");
  }
  if (flag.value.empty()) return absl::StrCat(names, "[", description, "]'");
  return absl::StrCat(names, "[", description, "]:", ZshDescription(flag.value), ":",
                      ZshAction(flag.complete, flag.choices), "'");
}

std::string ZshVerbCase(const VerbDef& verb) {
  std::string specs = "$globals";
  for (const FlagDef& flag : verb.flags)
    absl::StrAppend(&specs, " \\\n          ", ZshFlagSpec(flag));
  for (size_t i = 0; i < verb.args.size(); ++i) {
    const ArgDef& arg = verb.args[i];
    absl::StrAppend(&specs, " \\\n          '", i + 1,
                    arg.required ? ":" : "::", ZshDescription(arg.what), ":",
                    ZshAction(arg.complete, arg.choices), "'");
  }
  return absl::StrCat("        (", verb.name, ") _arguments ", specs, " && ret=0 ;;\n");
}

// --- fish ---

std::string FishQuote(const std::string& text) {
  return absl::StrCat("'", absl::StrReplaceAll(text, {{"\\", "\\\\"}, {"'", "\\'"}, {"\n", " "}}),
                      "'");
}

std::string FishValue(Completion complete, const std::vector<std::string>& choices) {
  switch (complete) {
    case Completion::kFile:
      return " -r -F";
    case Completion::kDirectory:
      return " -x -a '(__fish_complete_directories)'";
    case Completion::kCluster:
      return " -x -a '(__radctl_ask clusters)'";
    case Completion::kNode:
      return " -x -a '(__radctl_ask nodes (__radctl_words)[2])'";
    case Completion::kLogSource:
      return " -x -a '(__radctl_ask logs (__radctl_words)[2])'";
    case Completion::kVerb:
      return absl::StrCat(" -x -a ", FishQuote(absl::StrJoin(VerbNames(), " ")));
    case Completion::kChoices:
      return absl::StrCat(" -x -a ", FishQuote(absl::StrJoin(choices, " ")));
    case Completion::kNone:
      break;
  }
  return " -x";
}

std::string FishFlagLine(const std::string& condition, const FlagDef& flag) {
  std::string line = "complete -c radctl";
  if (!condition.empty()) absl::StrAppend(&line, " -n ", FishQuote(condition));
  if (!flag.alias.empty()) absl::StrAppend(&line, " -s ", flag.alias.substr(1));
  absl::StrAppend(&line, " -l ", flag.name.substr(2));
  if (!flag.value.empty()) absl::StrAppend(&line, FishValue(flag.complete, flag.choices));
  absl::StrAppend(&line, " -d ", FishQuote(flag.help), "\n");
  return line;
}

}  // namespace

std::string BashCompletionScript() {
  return absl::StrCat(
      "# bash completion for radctl: source <(radctl completion bash). Generated from radctl's\n"
      "# verb table; global flags go before or after the verb.\n",
      BashValueKinds(), BashArgKinds(), BashFlags(),
      "_radctl_complete_kind() {\n"
      "  case \"$1\" in\n"
      "    file) COMPREPLY=($(compgen -f -- \"$cur\")) ;;\n"
      "    dir) COMPREPLY=($(compgen -d -- \"$cur\")) ;;\n"
      "    cluster) COMPREPLY=($(compgen -W \"$(radctl \"${state[@]}\" __complete clusters "
      "2>/dev/null)\" -- \"$cur\")) ;;\n"
      "    node) COMPREPLY=($(compgen -W \"$(radctl \"${state[@]}\" __complete nodes "
      "\"${args[0]}\" 2>/dev/null)\" -- \"$cur\")) ;;\n"
      "    logs) COMPREPLY=($(compgen -W \"$(radctl \"${state[@]}\" __complete logs "
      "\"${args[0]}\" 2>/dev/null)\" -- \"$cur\")) ;;\n"
      "    choices:*) COMPREPLY=($(compgen -W \"${1#choices:}\" -- \"$cur\")) ;;\n"
      "  esac\n"
      "}\n"
      "_radctl() {\n"
      "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
      "  local verb=\"\" word kind i\n"
      "  local -a args=() state=()\n"
      "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      "    word=\"${COMP_WORDS[i]}\"\n"
      "    if [[ \"$word\" == -* ]]; then\n"
      "      [ \"$word\" = --state-dir ] && state=(--state-dir \"${COMP_WORDS[i+1]}\")\n"
      "      [[ \"$word\" == --state-dir=* ]] && state=(\"$word\")\n"
      "      if [[ \"$word\" != *=* ]] && _radctl_value_kind \"$verb\" \"$word\" >/dev/null; then\n"
      "        ((i++))\n"
      "      fi\n"
      "      continue\n"
      "    fi\n"
      "    if [ -z \"$verb\" ]; then verb=\"$word\"; else args+=(\"$word\"); fi\n"
      "  done\n"
      "  if [[ \"$prev\" == -* && \"$prev\" != *=* ]] && kind=\"$(_radctl_value_kind \"$verb\" "
      "\"$prev\")\"; then\n"
      "    _radctl_complete_kind \"$kind\"\n"
      "    return\n"
      "  fi\n"
      "  if [[ \"$cur\" == -* ]]; then\n"
      "    COMPREPLY=($(compgen -W \"$(_radctl_flags \"$verb\")\" -- \"$cur\"))\n"
      "  elif [ -z \"$verb\" ]; then\n"
      "    COMPREPLY=($(compgen -W \"",
      absl::StrJoin(VerbNames(), " "),
      "\" -- \"$cur\"))\n"
      "  elif kind=\"$(_radctl_arg_kind \"$verb\" \"${#args[@]}\")\"; then\n"
      "    _radctl_complete_kind \"$kind\"\n"
      "  fi\n"
      "}\n"
      "complete -F _radctl radctl\n");
}

std::string ZshCompletionScript() {
  std::string globals;
  for (const FlagDef& flag : GlobalFlags()) {
    FlagDef global = flag;
    if (flag.name == "--help" || flag.name == "--version") {
      // Nothing else matters once these are given.
      absl::StrAppend(&globals, "    '(- *)'", ZshFlagSpec(global), "\n");
      continue;
    }
    absl::StrAppend(&globals, "    ", ZshFlagSpec(global), "\n");
  }
  std::string verbs;
  std::string cases;
  for (const VerbDef& verb : AllVerbs()) {
    if (verb.hidden) continue;
    absl::StrAppend(&verbs, "        '", verb.name, ":", ZshDescription(verb.summary), "'\n");
    absl::StrAppend(&cases, ZshVerbCase(verb));
  }
  return absl::StrCat(
      "#compdef radctl\n"
      "# zsh completion for radctl: source <(radctl completion zsh) after compinit, or save it as\n"
      "# _radctl in a folder of $fpath. Generated from radctl's verb table.\n"
      "_radctl_ask() {\n"
      "  local -a state_dir words\n"
      "  [[ -n ${opt_args[--state-dir]} ]] && state_dir=(--state-dir ${opt_args[--state-dir]})\n"
      "  words=(${(f)\"$(radctl $state_dir __complete \"$@\" 2>/dev/null)\"})\n"
      "  compadd -a words\n"
      "}\n"
      "_radctl() {\n"
      "  local curcontext=\"$curcontext\" state line ret=1\n"
      "  typeset -A opt_args\n"
      "  local -a globals\n"
      "  globals=(\n",
      globals,
      "  )\n"
      "  _arguments -C $globals '1: :->verb' '*:: :->args' && return 0\n"
      "  case $state in\n"
      "    (verb)\n"
      "      local -a verbs\n"
      "      verbs=(\n",
      verbs,
      "      )\n"
      "      _describe -t commands 'radctl command' verbs && ret=0 ;;\n"
      "    (args)\n"
      "      case $line[1] in\n",
      cases,
      "      esac ;;\n"
      "  esac\n"
      "  return ret\n"
      "}\n"
      "if [ \"$funcstack[1]\" = \"_radctl\" ]; then\n"
      "  _radctl \"$@\"\n"
      "else\n"
      "  compdef _radctl radctl\n"
      "fi\n");
}

std::string FishCompletionScript() {
  std::string value_cases;
  for (const FlagDef& flag : GlobalFlags()) {
    if (flag.value.empty()) continue;
    for (const std::string& word : FlagWords(flag)) {
      absl::StrAppend(&value_cases, " '* ", word, "'");
    }
  }
  for (const VerbDef& verb : AllVerbs()) {
    for (const FlagDef& flag : verb.flags) {
      if (flag.value.empty()) continue;
      for (const std::string& word : FlagWords(flag)) {
        absl::StrAppend(&value_cases, " '", verb.name, " ", word, "'");
      }
    }
  }
  std::string lines;
  for (const FlagDef& flag : GlobalFlags()) absl::StrAppend(&lines, FishFlagLine("", flag));
  for (const VerbDef& verb : AllVerbs()) {
    if (verb.hidden) continue;
    absl::StrAppend(&lines, "complete -c radctl -n __radctl_no_verb -a ", verb.name, " -d ",
                    FishQuote(verb.summary), "\n");
  }
  for (const VerbDef& verb : AllVerbs()) {
    for (const FlagDef& flag : verb.flags) {
      absl::StrAppend(&lines, FishFlagLine(absl::StrCat("__radctl_verb_is ", verb.name), flag));
    }
    for (size_t i = 0; i < verb.args.size(); ++i) {
      const ArgDef& arg = verb.args[i];
      if (arg.complete == Completion::kNone) continue;
      absl::StrAppend(&lines, "complete -c radctl -n ",
                      FishQuote(absl::StrCat("__radctl_verb_is ", verb.name, " ", i)),
                      FishValue(arg.complete, arg.choices), "\n");
    }
  }
  return absl::StrCat(
      "# fish completion for radctl: radctl completion fish | source. Generated from radctl's\n"
      "# verb table; global flags go before or after the verb.\n"
      "function __radctl_takes_value\n"
      "    switch \"$argv[1] $argv[2]\"\n"
      "        case",
      value_cases,
      "\n"
      "            return 0\n"
      "    end\n"
      "    return 1\n"
      "end\n"
      "# The verb typed so far, then its arguments (flags and their values left out).\n"
      "function __radctl_words\n"
      "    set -l words (commandline -opc)\n"
      "    set -e words[1]\n"
      "    set -l verb ''\n"
      "    set -l args\n"
      "    set -l skip 0\n"
      "    for word in $words\n"
      "        if test $skip -eq 1\n"
      "            set skip 0\n"
      "            continue\n"
      "        end\n"
      "        if string match -q -- '-*' $word\n"
      "            if not string match -q -- '*=*' $word; and __radctl_takes_value \"$verb\" "
      "$word\n"
      "                set skip 1\n"
      "            end\n"
      "            continue\n"
      "        end\n"
      "        if test -z \"$verb\"\n"
      "            set verb $word\n"
      "        else\n"
      "            set -a args $word\n"
      "        end\n"
      "    end\n"
      "    echo $verb\n"
      "    set -q args[1]; and printf '%s\\n' $args\n"
      "end\n"
      "function __radctl_no_verb\n"
      "    set -l words (__radctl_words)\n"
      "    test -z \"$words[1]\"\n"
      "end\n"
      "# True under verb $argv[1]; with $argv[2], only while typing that argument (from 0).\n"
      "function __radctl_verb_is\n"
      "    set -l words (__radctl_words)\n"
      "    test \"$words[1]\" = \"$argv[1]\"; or return 1\n"
      "    set -q argv[2]; or return 0\n"
      "    test (count $words) -eq (math $argv[2] + 1)\n"
      "end\n"
      "function __radctl_ask\n"
      "    set -l tokens (commandline -opc)\n"
      "    set -l state\n"
      "    for i in (seq (count $tokens))\n"
      "        if test \"$tokens[$i]\" = --state-dir; and set -q tokens[(math $i + 1)]\n"
      "            set state --state-dir $tokens[(math $i + 1)]\n"
      "        end\n"
      "    end\n"
      "    radctl $state __complete $argv 2>/dev/null\n"
      "end\n"
      "complete -c radctl -f\n",
      lines);
}

}  // namespace radctl::cli
