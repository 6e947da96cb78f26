// Every wait and every reading of time in the controller goes through Clock
// (controller/clients/clock.h), so that tests and the simulator run it on simulated time: only
// the real clock itself, controller/clients/clock.cc, asks the system.
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "gtest/gtest.h"

namespace radctl {
namespace {

TEST(OneClockTest, OnlyTheRealClockReadsTheSystemsTimeOrSleeps) {
  const std::regex system_time(
      R"(absl::Now\b|absl::SleepFor\b|absl::GetCurrentTimeNanos\b|sleep_for\b|sleep_until\b|)"
      R"(\busleep\b|\bnanosleep\b|steady_clock|system_clock|high_resolution_clock|)"
      R"(clock_gettime|gettimeofday)");
  const std::filesystem::path root = RADCTL_SOURCE_DIR;
  std::vector<std::string> found;
  int files = 0;
  for (const char* top : {"controller", "reconcilers"}) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root / top)) {
      const std::string extension = entry.path().extension().string();
      if (!entry.is_regular_file() || (extension != ".cc" && extension != ".h")) continue;
      const std::string file = std::filesystem::relative(entry.path(), root).string();
      if (file == "controller/clients/clock.cc") continue;
      ++files;
      std::ifstream in(entry.path());
      std::string line;
      for (int number = 1; std::getline(in, line); ++number) {
        if (std::regex_search(line, system_time)) {
          found.push_back(file + ":" + std::to_string(number) + ": " + line);
        }
      }
    }
  }
  EXPECT_GT(files, 100) << "the sources were not found under " << root;
  EXPECT_TRUE(found.empty()) << "time read or waited for outside Clock (controller/clients/"
                                "clock.h: Monotonic() for durations, Now() for wall time):\n"
                             << absl::StrJoin(found, "\n");
}

}  // namespace
}  // namespace radctl
