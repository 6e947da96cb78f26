// The built radctl as a user runs it: help on stdout with exit 0, bad flags refused with exit 2
// before anything is read or changed.
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace {

using ::testing::HasSubstr;

struct Outcome {
  int exit_code = -1;
  std::string out;  // stdout and stderr together
};

constexpr char kStateDir[] = "/tmp/radctl-cli-test-state";

Outcome Radctl(const std::string& args) {
  std::string command =
      absl::StrCat("RADCTL_STATE_DIR=", kStateDir, " ", RADCTL_BINARY, " ", args, " 2>&1");
  Outcome run;
  FILE* pipe = popen(command.c_str(), "r");
  char buffer[4096];
  while (pipe != nullptr && fgets(buffer, sizeof(buffer), pipe) != nullptr) run.out += buffer;
  int status = pipe == nullptr ? -1 : pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

TEST(CliBinaryTest, HelpForEveryCommand) {
  for (const char* command : {"apply", "status", "scale", "switchover", "events", "delete",
                              "export", "version", "completion", "help", "logs", "list"}) {
    Outcome flag = Radctl(absl::StrCat(command, " --help"));
    EXPECT_EQ(flag.exit_code, 0) << command;
    EXPECT_THAT(flag.out, HasSubstr(absl::StrCat("usage: radctl ", command))) << command;
    Outcome verb = Radctl(absl::StrCat("help ", command));
    EXPECT_EQ(verb.exit_code, 0) << command;
    EXPECT_EQ(verb.out, flag.out) << command;
  }
  EXPECT_EQ(Radctl("help nope").exit_code, 2);
  EXPECT_EQ(Radctl("--help").exit_code, 0);
}

TEST(CliBinaryTest, VersionNamesTheCommit) {
  Outcome text = Radctl("version");
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_THAT(text.out, HasSubstr("radctl "));
  Outcome json = Radctl("version -o json");
  ASSERT_EQ(json.exit_code, 0) << json.out;
  nlohmann::json parsed = nlohmann::json::parse(json.out);
  EXPECT_FALSE(parsed["version"].get<std::string>().empty());
  EXPECT_FALSE(parsed["gitCommit"].get<std::string>().empty());
  Outcome yaml = Radctl("version -o yaml");
  ASSERT_EQ(yaml.exit_code, 0) << yaml.out;
  EXPECT_THAT(yaml.out, HasSubstr("gitCommit: "));
  EXPECT_EQ(Radctl("version -o xml").exit_code, 2);
  Outcome line = Radctl("--version");
  EXPECT_EQ(line.exit_code, 0);
  EXPECT_THAT(line.out, ::testing::StartsWith("radctl version "));
}

TEST(CliBinaryTest, ExportRefusesBadFlagsAndChangesNothing) {
  std::system(absl::StrCat("rm -rf ", kStateDir).c_str());
  struct Row {
    std::string args;
    std::string says;
  };
  const Row rows[] = {
      {"export shop", "export needs --format FORMAT"},
      {"export shop --format helm", "--format: unknown value \"helm\"; allowed: cnpg, compose"},
      {"export shop --format cnpg --migrate-from nohost", "expected HOST:PORT"},
      {"export shop --format cnpg --migrate-from db:99999", "expected HOST:PORT"},
      {"export shop --format cnpg --migrate-from db:5432 --create-replication-user",
       "add --show-secrets"},
      {"export shop --format cnpg --create-replication-user --show-secrets",
       "is for --migrate-from"},
      {"export shop --format compose --migrate-from db:5432", "belong to --format cnpg"},
      {"export shop --format cnpg --image x", "belong to --format compose"},
      {"export shop --format compose --http nowhere", "--http"},
      {"export --format cnpg", "export needs a cluster NAME applied here, or -f FILE"},
      {"export shop -f x.yaml --format cnpg", "not both"},
      {"export shop --format compose --strict", "--strict belongs to --format cnpg"},
      {"completion tcsh", "allowed: bash, zsh, fish"},
  };
  for (const Row& row : rows) {
    Outcome run = Radctl(row.args);
    EXPECT_EQ(run.exit_code, 2) << row.args << "\n" << run.out;
    EXPECT_THAT(run.out, HasSubstr(row.says)) << row.args;
  }
  EXPECT_FALSE(Exists(kStateDir)) << "a refused command created " << kStateDir;
}

}  // namespace

namespace {

TEST(CliBinaryTest, ReadGoesWithUriOnly) {
  Outcome run = Radctl("status shop --read");
  EXPECT_EQ(run.exit_code, 2) << run.out;
  EXPECT_THAT(run.out, HasSubstr("--read goes with -o uri or -o env"));
}

}  // namespace
