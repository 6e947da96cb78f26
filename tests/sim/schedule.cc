#include "tests/sim/schedule.h"

#include <algorithm>
#include <random>

#include "absl/strings/str_cat.h"
#include "reconcilers/naming.h"

namespace radctl::sim {
namespace {

struct Weighted {
  StepKind kind;
  int weight;
};

// How often each kind of step is drawn: faults the cluster meets every day most.
constexpr Weighted kWeights[] = {
    {StepKind::kKill, 14},
    {StepKind::kStop, 5},
    {StepKind::kStart, 8},
    {StepKind::kPause, 4},
    {StepKind::kUnpause, 4},
    {StepKind::kFreeze, 3},
    {StepKind::kThaw, 3},
    {StepKind::kCut, 6},
    {StepKind::kHeal, 6},
    {StepKind::kCrashPostgres, 4},
    {StepKind::kLag, 6},
    {StepKind::kCatchUp, 4},
    {StepKind::kKillAfterCalls, 4},
    {StepKind::kStateDirFails, 3},
    {StepKind::kStateDirWorks, 3},
    {StepKind::kClockStep, 3},
    {StepKind::kEngineDown, 1},
    {StepKind::kEngineUp, 1},
    {StepKind::kControllerCrash, 5},
    {StepKind::kControllerStart, 5},
    {StepKind::kSecondController, 0},      // drawn last (Generate)
    {StepKind::kSecondControllerStop, 0},  // likewise
    {StepKind::kScale, 5},
    {StepKind::kSynchronous, 3},
    {StepKind::kDetection, 1},
    {StepKind::kImage, 1},
    {StepKind::kSwitchover, 3},
    {StepKind::kPromote, 0},         // drawn last (Generate)
    {StepKind::kPlannedStop, 0},     // likewise
    {StepKind::kPlannedStopAll, 0},  // likewise
};

}  // namespace

Scenario Generate(uint64_t seed, int max_steps, absl::Duration horizon) {
  std::mt19937_64 random(seed);
  auto pick = [&](int lo, int hi) {  // inclusive
    return std::uniform_int_distribution<int>(lo, hi)(random);
  };
  Scenario scenario;
  scenario.seed = seed;
  ClusterSpec& spec = scenario.spec;
  spec.name = "sim";
  spec.nodes = std::vector<int>{2, 3, 3, 3, 4, 5}[pick(0, 5)];
  spec.postgres.image = "radctl/postgres:15";
  spec.bouncer.port = 6543;
  spec.replication.synchronous = pick(0, 1) == 1;
  spec.replication.synchronous_number = spec.nodes >= 4 && pick(0, 3) == 0 ? 2 : 1;
  spec.failover.detection_ms = std::vector<int>{500, 1000, 1000, 2000}[pick(0, 3)];

  int total = 0;
  for (const Weighted& w : kWeights) total += w.weight;
  const int steps = pick(1, max_steps);
  const int64_t horizon_ms = absl::ToInt64Milliseconds(horizon);
  for (int i = 0; i < steps; ++i) {
    Step step;
    step.at = absl::Milliseconds(std::uniform_int_distribution<int64_t>(0, horizon_ms)(random));
    int roll = pick(0, total - 1);
    for (const Weighted& w : kWeights) {
      if (roll < w.weight) {
        step.kind = w.kind;
        break;
      }
      roll -= w.weight;
    }
    step.node = pick(1, 5);
    switch (step.kind) {
      case StepKind::kKillAfterCalls:
      case StepKind::kControllerCrash:
        step.arg = pick(0, 40);
        break;
      case StepKind::kStateDirFails:
        step.arg = pick(0, 1);
        break;
      case StepKind::kClockStep:
        step.arg = pick(0, 1) == 0 ? -3600 : 3600;
        break;
      case StepKind::kScale:
        step.arg = pick(1, 5);
        break;
      case StepKind::kSynchronous:
        step.arg = pick(0, 2);
        break;
      case StepKind::kDetection:
        step.arg = std::vector<int>{500, 1000, 3000}[pick(0, 2)];
        break;
      default:
        break;
    }
    scenario.steps.push_back(step);
  }
  std::stable_sort(scenario.steps.begin(), scenario.steps.end(),
                   [](const Step& a, const Step& b) { return a.at < b.at; });
  // Drawn after the steps, so that a seed's steps stay what they were before these were added.
  scenario.init_fails_late = pick(0, 9) == 0;
  spec.replication.max_moved_aside = pick(1, 3);
  // In a third of the runs a person means to promote a node accepting data loss, at some time.
  if (pick(0, 2) == 0) {
    Step promote;
    promote.kind = StepKind::kPromote;
    promote.at = absl::Milliseconds(std::uniform_int_distribution<int64_t>(0, horizon_ms)(random));
    promote.node = pick(1, 5);
    scenario.steps.push_back(promote);
  }
  // In a sixth, a second controller runs for a while from a copy of the state directory (a
  // person's copy, another host sharing the engine): the engine lease must keep the two from
  // acting at once (regression seeds 16879, 15806).
  if (pick(0, 5) == 0) {
    Step second;
    second.kind = StepKind::kSecondController;
    second.at = absl::Milliseconds(std::uniform_int_distribution<int64_t>(0, horizon_ms)(random));
    second.node = 1;
    Step stop = second;
    stop.kind = StepKind::kSecondControllerStop;
    stop.at = second.at + absl::Milliseconds(std::uniform_int_distribution<int64_t>(
                              0, horizon_ms - absl::ToInt64Milliseconds(second.at))(random));
    scenario.steps.push_back(second);
    scenario.steps.push_back(stop);
  }
  // In a third, containers are stopped as Docker stops them, their entrypoints waiting for the
  // controller's answer: one or two nodes, or (a third of those) every node at once.
  if (pick(0, 2) == 0) {
    const int stops = pick(1, 2);
    for (int i = 0; i < stops; ++i) {
      Step stop;
      stop.kind = pick(0, 2) == 0 ? StepKind::kPlannedStopAll : StepKind::kPlannedStop;
      stop.at = absl::Milliseconds(std::uniform_int_distribution<int64_t>(0, horizon_ms)(random));
      stop.node = pick(1, 5);
      scenario.steps.push_back(stop);
    }
  }
  return scenario;
}

std::vector<size_t> Scenario::TimeOrder() const {
  std::vector<size_t> order(steps.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return steps[a].at < steps[b].at; });
  return order;
}

std::string Describe(const Step& step, const std::string& cluster) {
  const std::string node = NodeName(cluster, step.node);
  const std::string at = absl::StrCat("+", absl::FormatDuration(step.at), " ");
  switch (step.kind) {
    case StepKind::kKill:
      return at + "docker kill " + node;
    case StepKind::kStop:
      return at + "docker stop " + node;
    case StepKind::kStart:
      return at + "docker start " + node;
    case StepKind::kPause:
      return at + "docker pause " + node;
    case StepKind::kUnpause:
      return at + "docker unpause " + node;
    case StepKind::kFreeze:
      return at + "Postgres of " + node + " hangs";
    case StepKind::kThaw:
      return at + "Postgres of " + node + " goes on";
    case StepKind::kCut:
      return at + "docker network disconnect " + node;
    case StepKind::kHeal:
      return at + "docker network connect " + node;
    case StepKind::kCrashPostgres:
      return at + "Postgres of " + node + " crashes";
    case StepKind::kLag:
      return at + node + " receives no more WAL";
    case StepKind::kCatchUp:
      return at + node + " receives WAL again";
    case StepKind::kKillAfterCalls:
      return absl::StrCat(at, "docker kill ", node, " at the controller's ", step.arg,
                          "th call from now");
    case StepKind::kStateDirFails:
      return at + "the state directory's writes fail (" +
             (step.arg == 0 ? "read-only" : "disk full") + ")";
    case StepKind::kStateDirWorks:
      return at + "the state directory's writes work again";
    case StepKind::kClockStep:
      return absl::StrCat(at, "the wall clock steps ", step.arg > 0 ? "forward " : "back ",
                          std::abs(step.arg), " s");
    case StepKind::kEngineDown:
      return at + "the Docker engine stops answering";
    case StepKind::kEngineUp:
      return at + "the Docker engine answers again";
    case StepKind::kControllerCrash:
      return absl::StrCat(at, "the controller is killed at its ", step.arg, "th call from now");
    case StepKind::kControllerStart:
      return at + "radctl apply --watch (if no controller runs)";
    case StepKind::kSecondController:
      return at + "a second controller starts with a copy of the state directory";
    case StepKind::kSecondControllerStop:
      return at + "the second controller stops";
    case StepKind::kScale:
      return absl::StrCat(at, "radctl scale --nodes ", step.arg);
    case StepKind::kSynchronous:
      return at + (step.arg == 0 ? std::string("spec: synchronous: false")
                                 : absl::StrCat("spec: synchronous: {number: ", step.arg, "}"));
    case StepKind::kDetection:
      return absl::StrCat(at, "spec: detectionMs: ", step.arg);
    case StepKind::kImage:
      return at + "spec: a new postgres image";
    case StepKind::kSwitchover:
      return at + "radctl switchover --to " + node;
    case StepKind::kPromote:
      return at + "radctl promote " + node + " --accept-data-loss";
    case StepKind::kPlannedStop:
      return at + "docker stop " + node + " (its entrypoint waits for the controller)";
    case StepKind::kPlannedStopAll:
      return at + "docker stop of every node at once (their entrypoints wait for the controller)";
  }
  return at + "?";
}

std::string DescribeSpec(const ClusterSpec& spec) {
  return absl::StrCat(spec.nodes, " nodes, ",
                      spec.replication.synchronous
                          ? absl::StrCat("synchronous ANY ", spec.replication.synchronous_number)
                          : std::string("asynchronous"),
                      ", detectionMs ", spec.failover.detection_ms, ", maxMovedAside ",
                      spec.replication.max_moved_aside);
}

}  // namespace radctl::sim
