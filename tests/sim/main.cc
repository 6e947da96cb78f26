// radctl-sim: runs the deterministic simulation for a range of seeds (or one), stops at the
// first that fails, shrinks its schedule to the fewest steps that still fail the same way, and
// prints how to replay it.
//
//   radctl-sim --seeds 1:2000          seeds 1..2000
//   radctl-sim --seed 417              one seed, its whole story
//   radctl-sim --seed 417 --keep 2,5   only steps 2 and 5 of seed 417's schedule
//   radctl-sim --regressions FILE      every seed the file lists ("seed [keep]" per line)
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "controller/config/scram_secret.h"
#include "tests/sim/schedule.h"
#include "tests/sim/simulation.h"

namespace radctl::sim {
namespace {

struct Args {
  uint64_t from = 1;
  uint64_t count = 0;
  bool one = false;
  std::string keep;  // "2,5"
  std::string regressions;
  bool shrink = true;
};

int Usage(const std::string& why) {
  std::cerr << "radctl-sim: " << why
            << "\nusage: radctl-sim --seeds FROM:COUNT | --seed N [--keep I,J,...] | "
               "--regressions FILE [--no-shrink]\n";
  return 2;
}

std::vector<bool> KeepMask(const Scenario& scenario, const std::string& keep) {
  if (keep.empty()) return {};
  std::vector<bool> mask(scenario.steps.size(), false);
  for (absl::string_view index : absl::StrSplit(keep, ',', absl::SkipEmpty())) {
    size_t i = 0;
    if (absl::SimpleAtoi(index, &i) && i < mask.size()) mask[i] = true;
  }
  return mask;
}

std::string KeepText(const std::vector<bool>& mask) {
  std::vector<std::string> kept;
  for (size_t i = 0; i < mask.size(); ++i) {
    if (mask[i]) kept.push_back(std::to_string(i));
  }
  return absl::StrJoin(kept, ",");
}

std::string ScheduleText(const Scenario& scenario, const std::vector<bool>& mask) {
  std::string text = absl::StrCat(
      "  spec: ", DescribeSpec(scenario.spec), "\n",
      scenario.init_fails_late ? "  the first node's repmgr primary register fails once\n" : "");
  for (size_t i : scenario.TimeOrder()) {
    if (!mask.empty() && !mask[i]) continue;
    absl::StrAppend(&text, "  [", i, "] ", Describe(scenario.steps[i], scenario.spec.name), "\n");
  }
  return text;
}

// A seed whose run does not end within this much real time is reported as stuck and the
// process ends: a loop in the controller that neither waits nor calls the world.
constexpr auto kSeedWatchdog = std::chrono::seconds(120);

class Watchdog {
 public:
  Watchdog() : thread_([this] { Watch(); }) {}
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  void Start(uint64_t seed) {
    std::lock_guard<std::mutex> lock(mu_);
    seed_ = seed;
    since_ = std::chrono::steady_clock::now();
  }

 private:
  void Watch() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!done_) {
      cv_.wait_for(lock, std::chrono::seconds(1));
      if (seed_ != 0 && std::chrono::steady_clock::now() - since_ > kSeedWatchdog) {
        std::cout << "seed " << seed_ << " FAILED: stuck (still running after "
                  << kSeedWatchdog.count() << " s of real time)\nreplay: radctl-sim --seed "
                  << seed_ << std::endl;
        std::_Exit(1);
      }
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  uint64_t seed_ = 0;
  std::chrono::steady_clock::time_point since_;
  std::thread thread_;
};

Watchdog& Dog() {
  static Watchdog* dog = new Watchdog();
  return *dog;
}

// Removes steps one at a time while the run still fails the same way.
std::vector<bool> Shrink(const Scenario& scenario, std::vector<bool> mask,
                         const std::string& invariant) {
  if (mask.empty()) mask.assign(scenario.steps.size(), true);
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < mask.size(); ++i) {
      if (!mask[i]) continue;
      mask[i] = false;
      RunOptions options;
      options.keep = mask;
      Dog().Start(scenario.seed);
      RunResult result = Run(scenario, options);
      if (!result.passed && result.invariant == invariant) {
        changed = true;
      } else {
        mask[i] = true;
      }
    }
  }
  return mask;
}

// Runs one seed; on failure prints the story (shrunk when asked). True when it passed.
bool RunSeed(uint64_t seed, const std::string& keep, bool shrink, bool verbose,
             uint64_t* thread_steps) {
  Scenario scenario = Generate(seed);
  RunOptions options;
  options.keep = KeepMask(scenario, keep);
  Dog().Start(seed);
  RunResult result = Run(scenario, options);
  *thread_steps += result.thread_steps;
  if (result.passed) {
    if (verbose) {
      std::cout << "seed " << seed << " passed: " << result.commits << " commits, "
                << result.acknowledged << " acknowledged, "
                << absl::FormatDuration(result.simulated) << " simulated\n"
                << ScheduleText(scenario, options.keep);
    }
    return true;
  }
  std::cout << "seed " << seed << " FAILED: " << result.invariant << "\n"
            << ScheduleText(scenario, options.keep);
  if (shrink) {
    std::vector<bool> mask = Shrink(scenario, options.keep, result.invariant);
    RunOptions shrunk;
    shrunk.keep = mask;
    RunResult again = Run(scenario, shrunk);
    std::cout << "\nshrunk to " << std::count(mask.begin(), mask.end(), true) << " of "
              << scenario.steps.size() << " steps:\n"
              << ScheduleText(scenario, mask) << "\n"
              << again.failure << "\nreplay: radctl-sim --seed " << seed << " --keep "
              << KeepText(mask) << "\n";
  } else {
    std::cout << result.failure << "\nreplay: radctl-sim --seed " << seed
              << (keep.empty() ? "" : " --keep " + keep) << "\n";
  }
  return false;
}

int Main(int argc, char** argv) {
  SetScramIterationsForTesting(1);  // thousands of clusters a minute (scram_secret.h)
  Args args;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (arg == "--seeds") {
      std::vector<std::string> parts = absl::StrSplit(value(), ':');
      if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &args.from) ||
          !absl::SimpleAtoi(parts[1], &args.count)) {
        return Usage("--seeds takes FROM:COUNT, e.g. 1:2000");
      }
    } else if (arg == "--seed") {
      if (!absl::SimpleAtoi(value(), &args.from)) return Usage("--seed takes a number");
      args.count = 1;
      args.one = true;
    } else if (arg == "--keep") {
      args.keep = value();
    } else if (arg == "--regressions") {
      args.regressions = value();
    } else if (arg == "--no-shrink") {
      args.shrink = false;
    } else {
      return Usage("unknown argument " + arg);
    }
  }
  const auto started = std::chrono::steady_clock::now();
  uint64_t thread_steps = 0;
  uint64_t passed = 0;
  if (!args.regressions.empty()) {
    std::ifstream in(args.regressions);
    if (!in) return Usage("cannot read " + args.regressions);
    for (std::string line; std::getline(in, line);) {
      absl::string_view text = absl::StripAsciiWhitespace(line);
      if (text.empty() || text[0] == '#') continue;
      std::vector<std::string> words = absl::StrSplit(text, ' ', absl::SkipEmpty());
      uint64_t seed = 0;
      if (!absl::SimpleAtoi(words[0], &seed)) return Usage("bad line in " + args.regressions);
      if (!RunSeed(seed, words.size() > 1 ? words[1] : "", args.shrink, false, &thread_steps)) {
        return 1;
      }
      ++passed;
    }
  } else {
    if (args.count == 0) return Usage("say which seeds");
    for (uint64_t seed = args.from; seed < args.from + args.count; ++seed) {
      if (!RunSeed(seed, args.keep, args.shrink, args.one, &thread_steps)) return 1;
      ++passed;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << passed << " seeds passed (" << thread_steps << " steps, "
            << static_cast<int>(passed / std::max(seconds, 1e-3)) << " seeds/s)\n";
  return 0;
}

}  // namespace
}  // namespace radctl::sim

int main(int argc, char** argv) { return radctl::sim::Main(argc, argv); }
