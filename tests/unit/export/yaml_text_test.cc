#include "controller/export/yaml_text.h"

#include "gtest/gtest.h"
#include "tests/unit/export/crd_schema.h"
#include "yaml-cpp/yaml.h"

namespace radctl::exporting {
namespace {

using Json = nlohmann::ordered_json;

// What a string must stay when Kubernetes reads the YAML back: a string, with the same text.
TEST(YamlTextTest, StringsStayStringsForKubernetes) {
  for (const std::string text : {"200",       "on",         "off",
                                 "yes",       "No",         "true",
                                 "null",      "~",          "",
                                 "1e3",       "0x1F",       "010",
                                 "1:30",      "8MB",        "127.0.0.1:8433",
                                 "-f",        "a: b",       "#x",
                                 "it's",      "say \"hi\"", ".inf",
                                 "tab\there", "C.UTF-8",    "ghcr.io/cloudnative-pg/postgresql:15",
                                 "- item",    "{x}",        "*ref",
                                 "&a",        "!t"}) {
    YAML::Node node = YAML::Load(ToYaml(Json{{"key", text}}))["key"];
    EXPECT_EQ(radctl::testing::KubernetesType(node), "string") << "for " << text;
    EXPECT_EQ(node.as<std::string>(), text);
  }
}

TEST(YamlTextTest, NumbersAndBooleansKeepTheirType) {
  YAML::Node node = YAML::Load(ToYaml(Json{{"n", 3}, {"b", true}, {"list", {1, "x"}}}));
  EXPECT_EQ(radctl::testing::KubernetesType(node["n"]), "integer");
  EXPECT_EQ(radctl::testing::KubernetesType(node["b"]), "boolean");
  EXPECT_EQ(radctl::testing::KubernetesType(node["list"][0]), "integer");
  EXPECT_EQ(node["list"][1].as<std::string>(), "x");
}

TEST(YamlTextTest, MultiLineTextIsALiteralBlockThatReadsBackExactly) {
  for (const std::string text :
       {"a: 1\nb:\n  c: 2\n", "no final newline\nx", "two\n\n", "  leading spaces\nx\n"}) {
    std::string yaml = ToYaml(Json{{"outer", {{"text", text}}}});
    EXPECT_EQ(YAML::Load(yaml)["outer"]["text"].as<std::string>(), text) << yaml;
  }
  EXPECT_NE(ToYaml(Json{{"t", "a: 1\nb: 2\n"}}).find("t: |\n  a: 1\n  b: 2\n"), std::string::npos);
}

TEST(YamlTextTest, NestedListsOfObjects) {
  Json doc = {{"items", {{{"name", "a"}, {"port", "5432"}}, {{"name", "b"}, {"x", {{"y", 1}}}}}}};
  YAML::Node node = YAML::Load(ToYaml(doc));
  ASSERT_EQ(node["items"].size(), 2u);
  EXPECT_EQ(node["items"][0]["port"].as<std::string>(), "5432");
  EXPECT_EQ(radctl::testing::KubernetesType(node["items"][0]["port"]), "string");
  EXPECT_EQ(node["items"][1]["x"]["y"].as<int>(), 1);
  EXPECT_EQ(ToYaml(Json{{"empty", Json::object()}, {"none", Json::array()}}),
            "empty: {}\nnone: []\n");
}

}  // namespace
}  // namespace radctl::exporting
