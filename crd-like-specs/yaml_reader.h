// Typed, non-throwing reads from a yaml-cpp tree, for the spec parser only. Each read either
// yields a value or records a FieldError saying what was expected and what was found; unknown
// and duplicate keys are reported too, and the place of every field read is remembered.
// Internal to crd-like-specs: other modules use spec_parser.h.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crd-like-specs/cluster_spec.h"
#include "crd-like-specs/spec_parser.h"
#include "yaml-cpp/yaml.h"

namespace radctl::spec_internal {

// One key/value pair of a YAML mapping.
struct Field {
  std::string key;   // "port"
  std::string path;  // "spec.bouncer.port"
  YAML::Node key_node;
  YAML::Node value;
};

// A key a mapping may hold and what to do with its value.
struct FieldRule {
  std::string_view key;
  std::function<void(const Field&)> read;
  bool required = false;
};

class YamlReader {
 public:
  explicit YamlReader(std::string_view file) : file_(file) {}

  // Records an error at `mark` (0-based as yaml-cpp gives it; a null mark means "no place").
  void AddError(const YAML::Mark& mark, std::string path, std::string message);
  // Records an error about a field's value.
  void AddError(const Field& field, std::string message);

  // Reads the top-level mapping `root` with `rules`; see ForEachField(Field, ...).
  void ForEachField(const YAML::Node& root, const std::vector<FieldRule>& rules);
  // Reads the mapping in `section` with `rules`, in file order. A null section counts as an
  // empty mapping (a section whose fields are all commented out). Reports a value that is not a
  // mapping, duplicate keys, keys no rule names (suggesting the closest one) and missing
  // required keys.
  void ForEachField(const Field& section, const std::vector<FieldRule>& rules);
  // Like ForEachField, but any key is accepted (a map of user-chosen names).
  void ForEachEntry(const Field& section, const std::function<void(const Field&)>& read);

  // A plain integer ("3", "-1"); not 3.5, not "3" quoted, not 0x10.
  std::optional<int64_t> Int(const Field& field);
  // true or false, unquoted.
  std::optional<bool> Bool(const Field& field);
  // Any scalar, as the text written ("200", "on", "radctl/postgres:15"). `expected` names the
  // wanted kind in the error for a null, sequence or mapping.
  std::optional<std::string> Text(const Field& field, std::string_view expected = "a string");

  // Where each field read so far was written ("spec.bouncer.port" -> its value), 1-based.
  const std::map<std::string, ClusterSpec::Position>& positions() const { return positions_; }
  // Every error recorded, sorted by line and column.
  std::vector<FieldError> TakeErrors();

 private:
  void ReadMapping(const YAML::Node& node, const YAML::Mark& where, const std::string& path,
                   const std::vector<FieldRule>* rules,
                   const std::function<void(const Field&)>& read_any);

  std::string file_;
  std::vector<FieldError> errors_;
  std::map<std::string, ClusterSpec::Position> positions_;
};

// The place to report about a field: its value, or its key when the value is null (yaml-cpp puts
// an omitted value at the next token, often on a later line).
YAML::Mark PlaceOf(const Field& field);

// The candidate closest to `key` when it is a likely typo ("node" -> "nodes"), else "".
std::string ClosestName(std::string_view key, const std::vector<std::string_view>& candidates);

}  // namespace radctl::spec_internal
