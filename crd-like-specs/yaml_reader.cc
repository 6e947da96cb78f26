#include "crd-like-specs/yaml_reader.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "crd-like-specs/spec_validators.h"

namespace radctl::spec_internal {
namespace {

// yaml-cpp tags an untagged plain scalar "?"; quoted or block scalars get "!" and explicitly
// tagged ones their tag. Only plain scalars, or ones tagged with the type wanted ("!!int 3"),
// may be read as numbers or booleans: "3" in quotes is a string.
bool IsPlain(const YAML::Node& node) { return node.Tag() == "?"; }

bool IsPlainOrTagged(const YAML::Node& node, std::string_view tag) {
  return IsPlain(node) || node.Tag() == tag;
}

bool IsString(const YAML::Node& node) {
  return node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str";
}

// What a value is, for "expected X, got Y" messages.
std::string Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return IsString(node) ? absl::StrCat("the string ", QuotedForMessage(node.Scalar()))
                            : QuotedForMessage(node.Scalar());
    case YAML::NodeType::Sequence:
      return "a sequence";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Null:
      return "null";
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

ClusterSpec::Position ToPosition(const YAML::Mark& mark) {
  // yaml-cpp's marks are 0-based; a null mark (-1) means "no place".
  if (mark.line < 0) return {};
  return {mark.line + 1, mark.column + 1};
}

std::string JoinPath(const std::string& parent, std::string_view key) {
  std::string path = parent.empty() ? "" : parent + ".";
  return path.append(key);
}

size_t EditDistance(std::string_view a, std::string_view b) {
  // Levenshtein distance, one row at a time.
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitute});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string UnknownFieldMessage(std::string_view key, const std::vector<FieldRule>& rules) {
  std::vector<std::string_view> known;
  known.reserve(rules.size());
  for (const FieldRule& rule : rules) known.push_back(rule.key);
  std::string closest = ClosestName(key, known);
  if (!closest.empty()) {
    return absl::StrFormat("unknown field %s; did you mean \"%s\"?", QuotedForMessage(key),
                           closest);
  }
  std::string list;
  for (std::string_view name : known) list.append(list.empty() ? "" : ", ").append(name);
  return absl::StrFormat("unknown field %s; known fields are %s", QuotedForMessage(key), list);
}

const FieldRule* FindRule(const std::vector<FieldRule>& rules, std::string_view key) {
  for (const FieldRule& rule : rules) {
    if (rule.key == key) return &rule;
  }
  return nullptr;
}

bool IsDecimalInteger(std::string_view text) {
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) text.remove_prefix(1);
  return !text.empty() && std::all_of(text.begin(), text.end(), absl::ascii_isdigit);
}

}  // namespace

YAML::Mark PlaceOf(const Field& field) {
  return field.value.IsNull() ? field.key_node.Mark() : field.value.Mark();
}

std::string ClosestName(std::string_view key, const std::vector<std::string_view>& candidates) {
  std::string best;
  size_t best_distance = 0;
  for (std::string_view candidate : candidates) {
    size_t distance = EditDistance(key, candidate);
    // At most two edits, and fewer than half the name: "id" is not a typo of "kind".
    if (distance > 2 || 2 * distance >= candidate.size()) continue;
    if (best.empty() || distance < best_distance) {
      best = std::string(candidate);
      best_distance = distance;
    }
  }
  return best;
}

void YamlReader::AddError(const YAML::Mark& mark, std::string path, std::string message) {
  ClusterSpec::Position at = ToPosition(mark);
  errors_.push_back({file_, at.line, at.column, std::move(path), std::move(message)});
}

void YamlReader::AddError(const Field& field, std::string message) {
  AddError(PlaceOf(field), field.path, std::move(message));
}

void YamlReader::ForEachField(const YAML::Node& root, const std::vector<FieldRule>& rules) {
  ReadMapping(root, root.Mark(), "", &rules, nullptr);
}

void YamlReader::ForEachField(const Field& section, const std::vector<FieldRule>& rules) {
  ReadMapping(section.value, PlaceOf(section), section.path, &rules, nullptr);
}

void YamlReader::ForEachEntry(const Field& section, const std::function<void(const Field&)>& read) {
  ReadMapping(section.value, PlaceOf(section), section.path, nullptr, read);
}

void YamlReader::ReadMapping(const YAML::Node& node, const YAML::Mark& where,
                             const std::string& path, const std::vector<FieldRule>* rules,
                             const std::function<void(const Field&)>& read_any) {
  if (!node.IsNull() && !node.IsMap()) {
    AddError(where, path, absl::StrCat("expected a mapping, got ", Describe(node)));
    return;
  }
  std::map<std::string, int> first_line;  // key -> line it was first given on
  for (const auto& entry : node) {
    const YAML::Node& key_node = entry.first;
    if (!key_node.IsScalar()) {
      AddError(key_node.Mark(), path,
               absl::StrCat("expected a field name, got ", Describe(key_node)));
      continue;
    }
    Field field{key_node.Scalar(), JoinPath(path, key_node.Scalar()), key_node, entry.second};
    // yaml-cpp keeps every pair of a mapping, so a repeated key is still visible here.
    auto [first, inserted] = first_line.emplace(field.key, ToPosition(key_node.Mark()).line);
    if (!inserted) {
      AddError(key_node.Mark(), field.path,
               absl::StrFormat("duplicate field %s; first given at line %d",
                               QuotedForMessage(field.key), first->second));
      continue;
    }
    const FieldRule* rule = rules != nullptr ? FindRule(*rules, field.key) : nullptr;
    if (rules != nullptr && rule == nullptr) {
      AddError(key_node.Mark(), field.path, UnknownFieldMessage(field.key, *rules));
      continue;
    }
    positions_[field.path] = ToPosition(PlaceOf(field));
    (rule != nullptr ? rule->read : read_any)(field);
  }
  if (rules == nullptr) return;
  for (const FieldRule& rule : *rules) {
    if (rule.required && first_line.count(std::string(rule.key)) == 0) {
      AddError(where, JoinPath(path, rule.key), "required field is missing");
    }
  }
}

std::optional<int64_t> YamlReader::Int(const Field& field) {
  const YAML::Node& value = field.value;
  if (!value.IsScalar() || !IsPlainOrTagged(value, "tag:yaml.org,2002:int") ||
      !IsDecimalInteger(value.Scalar())) {
    AddError(field, absl::StrCat("expected an integer, got ", Describe(value)));
    return std::nullopt;
  }
  int64_t number = 0;
  if (!absl::SimpleAtoi(value.Scalar(), &number)) {
    AddError(field,
             absl::StrCat("the integer ", QuotedForMessage(value.Scalar()), " is too large"));
    return std::nullopt;
  }
  return number;
}

std::optional<bool> YamlReader::Bool(const Field& field) {
  const YAML::Node& value = field.value;
  if (value.IsScalar() && IsPlainOrTagged(value, "tag:yaml.org,2002:bool")) {
    if (value.Scalar() == "true") return true;
    if (value.Scalar() == "false") return false;
  }
  AddError(field, absl::StrCat("expected true or false, got ", Describe(value)));
  return std::nullopt;
}

std::optional<std::string> YamlReader::Text(const Field& field, std::string_view expected) {
  if (!field.value.IsScalar()) {
    AddError(field, absl::StrFormat("expected %s, got %s", expected, Describe(field.value)));
    return std::nullopt;
  }
  return field.value.Scalar();
}

std::vector<FieldError> YamlReader::TakeErrors() {
  std::stable_sort(errors_.begin(), errors_.end(), [](const FieldError& a, const FieldError& b) {
    return std::pair(a.line, a.column) < std::pair(b.line, b.column);
  });
  return std::move(errors_);
}

}  // namespace radctl::spec_internal
