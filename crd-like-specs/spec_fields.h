// The one table of the PostgresCluster spec's fields: each field's path, type, default and what it
// means. The parser takes the fields it accepts (and which are required) from it, and the manual's
// spec reference (docs/spec.md) is generated from it, so neither can name a field the other lacks
// (tests/unit/crd-like-specs checks both ways, and that every example validates).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace radctl {

struct SpecFieldDoc {
  std::string_view path;           // "spec.bouncer.port"; a section's own path for the section
  std::string_view type;           // "integer 1..9", "port or auto", "section"
  std::string_view default_value;  // as written in a file; "" when there is none
  std::string_view example;        // a value the parser accepts, as YAML (flow style)
  std::string_view description;
  bool required = false;  // within its section, when the section is given
};

const std::vector<SpecFieldDoc>& SpecFieldTable();

// The entry for `path`; nullptr when the table has none.
const SpecFieldDoc* FindSpecField(std::string_view path);

// The spec reference as Markdown, for docs/spec.md.
std::string SpecReferenceMarkdown();

}  // namespace radctl
