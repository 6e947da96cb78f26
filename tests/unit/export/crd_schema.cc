#include "tests/unit/export/crd_schema.h"

#include <regex>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace radctl::testing {
namespace {

// YAML 1.1 resolution of a plain (unquoted) scalar, as sigs.k8s.io/yaml (go-yaml v2) does it.
std::string PlainScalarType(const std::string& text) {
  static const char* const kBooleans[] = {
      "y",    "Y",    "yes",   "Yes",   "YES",   "n",  "N",  "no", "No",  "NO",  "true",
      "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF"};
  for (const char* word : kBooleans) {
    if (text == word) return "boolean";
  }
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
    return "null";
  }
  static const std::regex kInteger(
      R"([-+]?(0|[1-9][0-9_]*)|[-+]?0b[01_]+|[-+]?0[0-7_]+|[-+]?0x[0-9a-fA-F_]+|)"
      R"([-+]?[1-9][0-9_]*(:[0-5]?[0-9])+)");
  static const std::regex kFloat(
      R"([-+]?([0-9][0-9_]*)?\.[0-9.]*([eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*|)"
      R"([-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))");
  if (std::regex_match(text, kInteger)) return "integer";
  if (std::regex_match(text, kFloat)) return "number";
  return "string";
}

std::string Join(const std::string& path, const std::string& key) {
  return path.empty() ? key : absl::StrCat(path, ".", key);
}

void Validate(const YAML::Node& schema, const YAML::Node& value, const std::string& path,
              std::vector<std::string>& errors) {
  const std::string where = path.empty() ? "(document)" : path;
  if (schema["description"] &&
      schema["description"].as<std::string>().find("Deprecated") != std::string::npos) {
    errors.push_back(absl::StrCat(where, ": deprecated"));
  }
  const std::string actual = KubernetesType(value);
  if (schema["type"]) {
    std::string want = schema["type"].as<std::string>();
    bool ok = actual == want || (want == "number" && actual == "integer");
    if (!ok) {
      errors.push_back(
          absl::StrCat(where, ": want ", want, ", got ", actual,
                       value.IsScalar() ? absl::StrCat(" \"", value.Scalar(), "\"") : ""));
      return;
    }
  }
  if (schema["enum"]) {
    bool found = false;
    for (const YAML::Node& allowed : schema["enum"]) {
      if (value.IsScalar() && allowed.Scalar() == value.Scalar()) found = true;
    }
    if (!found) errors.push_back(absl::StrCat(where, ": \"", value.Scalar(), "\" is not allowed"));
  }
  if (value.IsScalar() && (actual == "integer" || actual == "number")) {
    double number = 0;
    if (absl::SimpleAtod(value.Scalar(), &number)) {
      if (schema["minimum"] && number < schema["minimum"].as<double>()) {
        errors.push_back(absl::StrCat(where, ": ", value.Scalar(), " is below the minimum"));
      }
      if (schema["maximum"] && number > schema["maximum"].as<double>()) {
        errors.push_back(absl::StrCat(where, ": ", value.Scalar(), " is above the maximum"));
      }
      for (const YAML::Node& rule : schema["x-kubernetes-validations"]) {
        if (rule["rule"].as<std::string>() == "self > 0" && number <= 0) {
          errors.push_back(absl::StrCat(where, ": ", rule["message"].as<std::string>()));
        }
      }
    }
  }
  if (schema["minLength"] && actual == "string" &&
      value.Scalar().size() < schema["minLength"].as<size_t>()) {
    errors.push_back(absl::StrCat(where, ": shorter than ", schema["minLength"].as<int>()));
  }
  if (value.IsMap()) {
    for (const YAML::Node& required : schema["required"]) {
      if (!value[required.as<std::string>()]) {
        errors.push_back(absl::StrCat(Join(path, required.as<std::string>()), ": required"));
      }
    }
    for (const auto& entry : value) {
      const std::string key = entry.first.as<std::string>();
      if (schema["properties"] && schema["properties"][key]) {
        Validate(schema["properties"][key], entry.second, Join(path, key), errors);
      } else if (schema["additionalProperties"]) {
        Validate(schema["additionalProperties"], entry.second, Join(path, key), errors);
      } else if (schema["properties"]) {
        errors.push_back(absl::StrCat(Join(path, key), ": unknown field"));
      }
      // Neither: a free-form object (metadata), as in the CRDs.
    }
  }
  if (value.IsSequence() && schema["items"]) {
    for (size_t i = 0; i < value.size(); ++i) {
      Validate(schema["items"], value[i], absl::StrCat(path, "[", i, "]"), errors);
    }
  }
}

}  // namespace

std::string KubernetesType(const YAML::Node& node) {
  if (node.IsMap()) return "object";
  if (node.IsSequence()) return "array";
  if (node.IsNull()) return "null";
  // yaml-cpp tags quoted scalars "!" and plain ones "?": only plain ones are resolved.
  if (node.Tag() == "!") return "string";
  return PlainScalarType(node.Scalar());
}

YAML::Node LoadCrdSchema(const std::string& crd_file) {
  const YAML::Node crd = YAML::LoadFile(crd_file);
  for (const YAML::Node& version : crd["spec"]["versions"]) {
    if (version["name"].as<std::string>() == "v1") return version["schema"]["openAPIV3Schema"];
  }
  return YAML::Node();
}

std::vector<std::string> ValidateAgainstSchema(const YAML::Node& schema, const YAML::Node& value) {
  std::vector<std::string> errors;
  Validate(schema, value, "", errors);
  return errors;
}

}  // namespace radctl::testing
