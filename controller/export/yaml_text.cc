#include "controller/export/yaml_text.h"

#include <regex>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace radctl::exporting {
namespace {

// Words YAML 1.1 resolves to booleans or null (Kubernetes' parser follows 1.1 here).
bool IsYaml11Keyword(const std::string& text) {
  static const char* const kWords[] = {"y",   "n",    "yes",   "no",   "on",
                                       "off", "true", "false", "null", "~"};
  std::string lower = absl::AsciiStrToLower(text);
  for (const char* word : kWords) {
    if (lower == word) return true;
  }
  return false;
}

// Anything that looks numeric (ints, floats, hex, octal, sexagesimal, .inf/.nan).
bool LooksNumeric(const std::string& text) {
  static const std::regex kNumeric(
      R"([-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?|[-+]?0x[0-9a-fA-F_]+|)"
      R"([-+]?0o?[0-7_]+|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?|[-+]?\.(inf|Inf|INF)|)"
      R"(\.(nan|NaN|NAN))");
  return std::regex_match(text, kNumeric);
}

// Plain only for a conservative set of characters: safe in every YAML context we emit.
bool SafePlain(const std::string& text) {
  static const std::regex kPlain(R"([A-Za-z0-9_/][A-Za-z0-9_./@+-]*(:[0-9A-Za-z_./-]+)*)");
  return std::regex_match(text, kPlain);
}

std::string DoubleQuoted(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

// A literal block keeps multi-line text as written; it cannot start with a space or carry
// control characters, and its last line break decides the chomping indicator.
bool LiteralBlockFits(const std::string& text) {
  if (text.empty() || text[0] == ' ' || text[0] == '\n') return false;
  for (unsigned char c : text) {
    if (c < 0x20 && c != '\n') return false;
  }
  return true;
}

std::string LiteralBlock(const std::string& text, int indent) {
  std::string chomp;
  std::string body = text;
  if (body.size() >= 2 && body.substr(body.size() - 2) == "\n\n") {
    chomp = "+";
  } else if (body.back() == '\n') {
    body.pop_back();
  } else {
    chomp = "-";
  }
  std::string out = absl::StrCat("|", chomp, "\n");
  std::string pad(indent, ' ');
  for (absl::string_view line : absl::StrSplit(body, '\n')) {
    absl::StrAppend(&out, line.empty() ? "" : pad, line, "\n");
  }
  if (chomp == "+") out.pop_back();  // the kept line breaks are already in `body`
  return out;
}

std::string Scalar(const nlohmann::ordered_json& value) {
  if (value.is_string()) return YamlScalar(value.get<std::string>());
  if (value.is_null()) return "null";
  return value.dump();  // numbers and booleans: JSON's text is YAML's
}

void Emit(const nlohmann::ordered_json& value, int indent, std::string& out);

// "key:" or "- " followed by the value: inline when scalar, on the next lines when nested.
void EmitEntry(const std::string& head, const nlohmann::ordered_json& value, int indent,
               std::string& out) {
  std::string pad(indent, ' ');
  if ((value.is_object() || value.is_array()) && !value.empty()) {
    absl::StrAppend(&out, pad, head, "\n");
    Emit(value, indent + 2, out);
  } else if (value.is_object()) {
    absl::StrAppend(&out, pad, head, " {}\n");
  } else if (value.is_array()) {
    absl::StrAppend(&out, pad, head, " []\n");
  } else if (value.is_string() && value.get<std::string>().find('\n') != std::string::npos &&
             LiteralBlockFits(value.get<std::string>())) {
    absl::StrAppend(&out, pad, head, " ", LiteralBlock(value.get<std::string>(), indent + 2));
  } else {
    absl::StrAppend(&out, pad, head, " ", Scalar(value), "\n");
  }
}

void Emit(const nlohmann::ordered_json& value, int indent, std::string& out) {
  if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      EmitEntry(YamlScalar(key) + ":", item, indent, out);
    }
  } else if (value.is_array()) {
    for (const auto& item : value) {
      if (item.is_object() && !item.empty()) {
        // "- first: x" then the other keys aligned under it.
        std::string nested;
        Emit(item, indent + 2, nested);
        nested.replace(indent, 2, "- ");
        out += nested;
      } else {
        EmitEntry("-", item, indent, out);
      }
    }
  } else {
    absl::StrAppend(&out, std::string(indent, ' '), Scalar(value), "\n");
  }
}

}  // namespace

std::string YamlScalar(const std::string& text) {
  if (SafePlain(text) && !IsYaml11Keyword(text) && !LooksNumeric(text)) return text;
  return DoubleQuoted(text);
}

std::string ToYaml(const nlohmann::ordered_json& value, int indent) {
  std::string out;
  Emit(value, indent, out);
  return out;
}

}  // namespace radctl::exporting
