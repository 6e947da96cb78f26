#include "controller/cli/cli_help.h"

#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace radctl {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// What bash offers for TAB after `words` (the last one may be partial or empty): the script
// is loaded as `source <(radctl completion bash)` would, COMP_WORDS filled as bash fills it.
std::string Complete(const std::vector<std::string>& words) {
  const std::string script = "/tmp/radctl-completion-test.bash";
  const std::string driver = "/tmp/radctl-completion-driver.bash";
  std::ofstream(script) << BashCompletionScript();
  std::ofstream(driver) << "source " << script << "\n"
                        << "COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); _radctl\n"
                        << "echo \"${COMPREPLY[*]}\"\n";
  // No state dir: no cluster names are offered.
  std::string command = absl::StrCat("RADCTL_STATE_DIR=/nonexistent bash ", driver);
  for (const std::string& word : words) absl::StrAppend(&command, " '", word, "'");
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  char buffer[4096];
  while (pipe != nullptr && fgets(buffer, sizeof(buffer), pipe) != nullptr) out += buffer;
  if (pipe != nullptr) pclose(pipe);
  std::remove(script.c_str());
  std::remove(driver.c_str());
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

TEST(CliHelpTest, EveryCommandHasASynopsisAndDetails) {
  for (const CommandHelp& command : AllCommands()) {
    EXPECT_THAT(command.synopsis, StartsWith(command.name)) << command.name;
    EXPECT_FALSE(command.details.empty()) << command.name;
    EXPECT_THAT(UsageText(), HasSubstr("  " + command.name + " ")) << command.name;
    std::string help = CommandHelpText(command);
    for (const FlagHelp& flag : command.flags) {
      EXPECT_THAT(help, HasSubstr(flag.name)) << command.name;
    }
  }
  EXPECT_EQ(FindCommand("nope"), nullptr);
}

TEST(CliHelpTest, BashCompletesCommandsFlagsAndValues) {
  EXPECT_EQ(Complete({"radctl", "exp"}), "export");
  EXPECT_EQ(Complete({"radctl", "export", "shop", "--format", ""}), "cnpg compose");
  EXPECT_EQ(Complete({"radctl", "status", "shop", "-o", ""}), "table json uri");
  EXPECT_EQ(Complete({"radctl", "completion", ""}), "bash");
  EXPECT_THAT(Complete({"radctl", "export", "shop", "--mi"}), "--migrate-from");
  EXPECT_THAT(Complete({"radctl", "--state-dir", "/tmp", "ver"}), "version");
}

}  // namespace
}  // namespace radctl
