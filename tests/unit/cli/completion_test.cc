// The shell completions as a user meets them: bash and fish are asked what they offer after a
// line typed so far, exactly as on TAB; zsh's script must at least load. Clusters and nodes come
// from the built radctl (`radctl __complete`), reading the --state-dir typed on the line.
#include "controller/cli/completion.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace radctl::cli {
namespace {

using ::testing::HasSubstr;

std::string Shell(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  char buffer[4096];
  while (pipe != nullptr && fgets(buffer, sizeof(buffer), pipe) != nullptr) out += buffer;
  if (pipe != nullptr) pclose(pipe);
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

// The built radctl first on PATH, as `source <(radctl completion ...)` users have it.
std::string WithRadctl(const std::string& command) {
  std::string dir = RADCTL_BINARY;
  dir = dir.substr(0, dir.rfind('/'));
  return absl::StrCat("PATH=", dir, ":$PATH RADCTL_STATE_DIR=/nonexistent ", command);
}

// Files of this test process's own: ctest runs the tests as processes side by side.
std::string TempPath(const std::string& name) {
  return absl::StrCat(::testing::TempDir(), "radctl-", getpid(), "-", name);
}

bool Installed(const std::string& shell) {
  return std::system(("command -v " + shell + " >/dev/null").c_str()) == 0;
}

// What bash offers for TAB after `words` (the last one may be partial or empty).
std::string Bash(const std::vector<std::string>& words) {
  const std::string script = TempPath("completion.bash");
  std::ofstream(script) << BashCompletionScript();
  std::string command = absl::StrCat(
      "bash -c 'source ", script,
      "; COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); _radctl; echo \"${COMPREPLY[*]}\"' bash");
  for (const std::string& word : words) absl::StrAppend(&command, " '", word, "'");
  return Shell(WithRadctl(command));
}

// What fish offers after `line` (its own `complete -C`), the candidates only, space-separated.
std::string Fish(const std::string& line) {
  const std::string script = TempPath("completion.fish");
  std::ofstream(script) << FishCompletionScript();
  std::string out = Shell(WithRadctl(
      absl::StrCat("fish -c 'source ", script, "; complete -C \"", line, "\" | cut -f1'")));
  return absl::StrReplaceAll(out, {{"\n", " "}});
}

// A state directory with one applied cluster, as the completions read it.
std::string StateWithCluster() {
  const std::string root = TempPath("completion-state");
  std::system(
      absl::StrCat("mkdir -p ", root, "/shop && chmod 700 ", root, " ", root, "/shop").c_str());
  std::ofstream(root + "/shop/spec.yaml")
      << "apiVersion: radctl.io/v1alpha1\nkind: PostgresCluster\nmetadata: {name: shop}\n"
         "spec: {nodes: 2, bouncer: {port: 7000}}\n";
  return root;
}

TEST(CompletionTest, BashCompletesVerbsFlagsAndValues) {
  EXPECT_EQ(Bash({"radctl", "exp"}), "export");
  EXPECT_EQ(Bash({"radctl", "export", "shop", "--format", ""}), "cnpg compose");
  EXPECT_EQ(Bash({"radctl", "status", "shop", "-o", ""}), "table json yaml uri env");
  EXPECT_EQ(Bash({"radctl", "completion", ""}), "bash zsh fish");
  EXPECT_EQ(Bash({"radctl", "export", "shop", "--mi"}), "--migrate-from");
  EXPECT_EQ(Bash({"radctl", "help", "scal"}), "scale");
  EXPECT_EQ(Bash({"radctl", "li"}), "list");
}

TEST(CompletionTest, BashTakesGlobalFlagsBeforeAndAfterTheVerb) {
  EXPECT_EQ(Bash({"radctl", "--state-dir", "/tmp", "ver"}), "version");
  EXPECT_EQ(Bash({"radctl", "--log-format", ""}), "text json");
  EXPECT_EQ(Bash({"radctl", "status", "--log-format", "json", "shop", "-o", "j"}), "json");
  EXPECT_THAT(Bash({"radctl", "status", "shop", "--st"}), "--state-dir");
}

TEST(CompletionTest, BashOffersTheClustersAndNodesOfTheStateDirOnTheLine) {
  const std::string state = StateWithCluster();
  EXPECT_EQ(Bash({"radctl", "--state-dir", state, "status", ""}), "shop");
  EXPECT_EQ(Bash({"radctl", "--state-dir", state, "switchover", "shop", "--to", ""}),
            "shop-pg-1 shop-pg-2");
  EXPECT_EQ(Bash({"radctl", "--state-dir", state, "logs", "shop", ""}),
            "shop-pg-1 shop-pg-2 bouncer events");
}

TEST(CompletionTest, FishCompletesVerbsFlagsValuesAndClusters) {
  if (!Installed("fish")) GTEST_SKIP() << "fish is not installed (hack/test.sh installs it)";
  EXPECT_THAT(Fish("radctl sta"), HasSubstr("status"));
  // fish sorts what it offers.
  EXPECT_EQ(Fish("radctl status shop -o "), "env json table uri yaml");
  EXPECT_EQ(Fish("radctl completion "), "bash fish zsh");
  EXPECT_THAT(Fish("radctl export shop --mig"), HasSubstr("--migrate-from"));
  EXPECT_THAT(Fish("radctl --state-dir /tmp ver"), HasSubstr("version"));
  const std::string state = StateWithCluster();
  EXPECT_EQ(Fish("radctl --state-dir " + state + " status "), "shop");
  EXPECT_EQ(Fish("radctl --state-dir " + state + " logs shop "),
            "bouncer events shop-pg-1 shop-pg-2");
}

TEST(CompletionTest, ZshLoadsTheScript) {
  if (!Installed("zsh")) GTEST_SKIP() << "zsh is not installed (hack/test.sh installs it)";
  const std::string script = TempPath("completion.zsh");
  std::ofstream(script) << ZshCompletionScript();
  EXPECT_EQ(Shell(absl::StrCat("zsh -n ", script, " 2>&1; echo $?")), "0");
  // Sourced after compinit, as the help says: it registers itself for radctl.
  EXPECT_EQ(Shell(absl::StrCat("zsh -f -c 'autoload -U compinit; compinit -u -D; source ", script,
                               "; echo $_comps[radctl]' 2>&1")),
            "_radctl");
}

}  // namespace
}  // namespace radctl::cli
