// The spec's field table, the parser and the manual agree: every field the table lists is read
// by the parser from its documented example, every field the parser reads is in the table (the
// parser reports one that is not), docs/spec.md is generated from the table, and every example
// spec shipped (files and the manual's own YAML blocks) validates.
#include "crd-like-specs/spec_fields.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "crd-like-specs/spec_parser.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace radctl {
namespace {

using ::testing::IsEmpty;

// A YAML mapping built from dotted paths, printed in block style.
struct Tree {
  std::string value;  // set for leaves
  std::map<std::string, std::unique_ptr<Tree>> children;

  void Set(const std::string& path, const std::string& leaf) {
    Tree* node = this;
    for (absl::string_view key : absl::StrSplit(path, '.')) {
      auto& child = node->children[std::string(key)];
      if (!child) child = std::make_unique<Tree>();
      node = child.get();
    }
    node->value = leaf;
  }
  std::string Yaml(int indent = 0) const {
    std::string out;
    for (const auto& [key, child] : children) {
      absl::StrAppend(&out, std::string(indent, ' '), key, ":");
      if (child->children.empty()) {
        absl::StrAppend(&out, " ", child->value, "\n");
      } else {
        absl::StrAppend(&out, "\n", child->Yaml(indent + 2));
      }
    }
    return out;
  }
};

// A valid spec with `path` set to its documented example, and whatever that field needs beside
// it (a recovery needs a source and exactly one target).
std::string DocumentWith(const SpecFieldDoc& field) {
  Tree tree;
  tree.Set("apiVersion", "radctl.io/v1alpha1");
  tree.Set("kind", "PostgresCluster");
  tree.Set("metadata.name", "demo");
  tree.Set("spec.nodes", "3");
  const std::string recovery = "spec.bootstrap.recovery";
  const std::string path(field.path);
  if (absl::StartsWith(path, recovery + ".")) {
    tree.Set(recovery + ".fromCluster", "shop");
    if (path != recovery + ".targetTime" && path != recovery + ".targetLSN") {
      tree.Set(recovery + ".latest", "true");
    }
  }
  tree.Set(path, std::string(field.example));
  return tree.Yaml();
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> Errors(const SpecParseResult& result) {
  std::vector<std::string> texts;
  for (const FieldError& error : result.errors) texts.push_back(error.ToString());
  return texts;
}

// The first line where two texts differ, as "line N: want ... / have ...", or "".
std::string FirstDifference(const std::string& want, const std::string& have) {
  std::vector<std::string> a = absl::StrSplit(want, '\n');
  std::vector<std::string> b = absl::StrSplit(have, '\n');
  for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    std::string x = i < a.size() ? a[i] : "(end)";
    std::string y = i < b.size() ? b[i] : "(end)";
    if (x != y) return absl::StrCat("line ", i + 1, ":\n  generated: ", x, "\n  committed: ", y);
  }
  return "";
}

TEST(SpecFieldsTest, TheParserReadsEveryFieldTheTableListsFromItsExample) {
  for (const SpecFieldDoc& field : SpecFieldTable()) {
    if (field.type == "section") continue;
    const std::string yaml = DocumentWith(field);
    SpecParseResult result = ParseClusterSpec(yaml, "t.yaml");
    EXPECT_THAT(Errors(result), IsEmpty()) << field.path << "\n" << yaml;
    if (!result.ok()) continue;
    bool read = false;
    for (const auto& [path, position] : result.spec.positions) {
      if (path == field.path || absl::StartsWith(path, std::string(field.path) + ".")) {
        read = true;
      }
    }
    EXPECT_TRUE(read) << field.path << " was not read:\n" << yaml;
  }
}

TEST(SpecFieldsTest, EveryFieldSitsInASectionOfTheTable) {
  for (const SpecFieldDoc& field : SpecFieldTable()) {
    EXPECT_FALSE(field.description.empty()) << field.path;
    const size_t dot = field.path.rfind('.');
    if (dot == std::string_view::npos) continue;
    const SpecFieldDoc* parent = FindSpecField(field.path.substr(0, dot));
    EXPECT_NE(parent, nullptr) << field.path << " has no parent in the table";
  }
}

TEST(SpecFieldsTest, TheManualsSpecReferenceIsGeneratedFromTheTable) {
  const std::string committed = ReadFile(std::string(RADCTL_SOURCE_DIR) + "/docs/spec.md");
  EXPECT_EQ(FirstDifference(SpecReferenceMarkdown(), committed), "")
      << "docs/spec.md differs from crd-like-specs/spec_fields.cc: run hack/docs.sh";
}

TEST(SpecFieldsTest, EveryShippedExampleValidates) {
  const std::filesystem::path root(RADCTL_SOURCE_DIR);
  int checked = 0;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(root / "crd-like-specs/examples")) {
    if (entry.path().extension() != ".yaml" || entry.path().filename() == "docker-compose.yml") {
      continue;
    }
    const std::string text = ReadFile(entry.path());
    if (!absl::StrContains(text, "kind: PostgresCluster")) continue;
    EXPECT_THAT(Errors(ParseClusterSpec(text, entry.path().string())), IsEmpty());
    ++checked;
  }
  EXPECT_GE(checked, 4);
}

// Every ```yaml block of README.md and docs/*.md that is a whole spec must validate as written.
TEST(SpecFieldsTest, EverySpecInTheManualValidates) {
  const std::filesystem::path root(RADCTL_SOURCE_DIR);
  std::vector<std::filesystem::path> pages = {root / "README.md"};
  for (const auto& entry : std::filesystem::directory_iterator(root / "docs")) {
    if (entry.path().extension() == ".md") pages.push_back(entry.path());
  }
  int checked = 0;
  for (const std::filesystem::path& page : pages) {
    const std::string text = ReadFile(page);
    size_t at = 0;
    while ((at = text.find("```yaml\n", at)) != std::string::npos) {
      size_t start = at + 8;
      size_t end = text.find("```", start);
      std::string block = text.substr(start, end - start);
      at = end;
      if (!absl::StartsWith(block, "apiVersion: radctl.io/v1alpha1")) continue;
      EXPECT_THAT(Errors(ParseClusterSpec(block, page.string())), IsEmpty()) << block;
      ++checked;
    }
  }
  EXPECT_GE(checked, 1);
}

}  // namespace
}  // namespace radctl
