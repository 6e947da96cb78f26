#include "controller/cli/verb.h"

namespace radctl::cli {

FlagDef Switch(std::string name, std::string alias, std::string help) {
  FlagDef flag;
  flag.name = std::move(name);
  flag.alias = std::move(alias);
  flag.help = std::move(help);
  return flag;
}

FlagDef Valued(std::string name, std::string alias, std::string value, std::string help,
               Completion complete) {
  FlagDef flag = Switch(std::move(name), std::move(alias), std::move(help));
  flag.value = std::move(value);
  flag.complete = complete;
  return flag;
}

FlagDef Choice(std::string name, std::string alias, std::string value,
               std::vector<std::string> choices, std::string help) {
  FlagDef flag = Valued(std::move(name), std::move(alias), std::move(value), std::move(help),
                        Completion::kChoices);
  flag.choices = std::move(choices);
  return flag;
}

void ParsedArgs::Note(absl::string_view flag) const {
  std::string name(flag);
  read_.insert(name);
  if (declared_.count(name) == 0) undeclared_.insert(name);
}

bool ParsedArgs::Has(absl::string_view flag) const {
  Note(flag);
  return flags_.count(std::string(flag)) > 0;
}

std::string ParsedArgs::Value(absl::string_view flag, const std::string& fallback) const {
  Note(flag);
  auto found = flags_.find(std::string(flag));
  if (found == flags_.end() || found->second.empty()) return fallback;
  return found->second.back();
}

std::vector<std::string> ParsedArgs::Values(absl::string_view flag) const {
  Note(flag);
  auto found = flags_.find(std::string(flag));
  return found == flags_.end() ? std::vector<std::string>{} : found->second;
}

}  // namespace radctl::cli
