#include "tests/sim/simulation.h"

#include <atomic>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <random>
#include <streambuf>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "controller/loop/observer.h"
#include "controller/loop/reconcile_loop.h"
#include "controller/state/cluster_credentials.h"
#include "controller/state/cluster_store.h"
#include "controller/state/event_log.h"
#include "reconcilers/naming.h"
#include "reconcilers/next_step.h"
#include "reconcilers/promote_request.h"
#include "tests/fakes/fake_world.h"
#include "tests/sim/checker.h"
#include "tests/sim/sim_env.h"

namespace radctl::sim {
namespace {

constexpr char kStateRoot[] = "/state";
// Simulated time begins here (monotonic and wall clock alike); the story tells times from it.
absl::Time SimulationStart() { return absl::FromUnixSeconds(1'800'000'000); }
constexpr absl::Duration kClientInterval = absl::Milliseconds(100);
constexpr Lsn kCommitBytes = 0x80;
constexpr absl::Duration kBringUpBound = absl::Minutes(2);
constexpr absl::Duration kCallLatency = absl::Milliseconds(1);
constexpr uint64_t kCallsPerYield = 32;

// What a controller prints, kept line by line.
class LineSink : public std::streambuf {
 public:
  const std::vector<std::string>& lines() const { return lines_; }

 protected:
  int overflow(int c) override {
    if (c == '\n') {
      lines_.push_back(std::move(partial_));
      partial_.clear();
    } else if (c != EOF) {
      partial_.push_back(static_cast<char>(c));
    }
    return c;
  }

 private:
  std::vector<std::string> lines_;
  std::string partial_;
};

// The credentials apply makes (a CA and a server certificate take a while to make): made once
// per process and copied into every run's state directory.
const std::map<std::string, std::string>& CredentialFiles(const ClusterSpec& spec) {
  static const auto* files = [&] {
    Scheduler scheduler(SimulationStart());
    SimClock clock(scheduler);
    SimStateFiles state([] { return absl::OkStatus(); });
    ClusterStore store(kStateRoot, spec.name, clock, state);
    absl::StatusOr<ClusterSecrets> made = EnsureCredentials(store, spec, clock.Now());
    if (!made.ok()) abort();
    return new std::map<std::string, std::string>(state.Snapshot());
  }();
  return *files;
}

class Simulation : public testing::WorldHooks {
 public:
  Simulation(const Scenario& scenario, const RunOptions& options)
      : scenario_(scenario),
        options_(options),
        scheduler_(SimulationStart()),
        clock_(scheduler_),
        random_(scenario.seed * 7919 + 1),
        tasks_(scheduler_, random_),
        world_(scenario.spec.name, &clock_, &tasks_),
        checker_(scenario.spec.name),
        spec_(scenario.spec),
        files_([this] { return Admit(scheduler_.CurrentOwner()); }),
        store_(kStateRoot, scenario.spec.name, clock_, files_) {
    world_.set_hooks(this);
  }

  RunResult Run();

  // WorldHooks.
  absl::Status BeforeCall() override;
  int Caller() override { return scheduler_.CurrentOwner(); }
  absl::Duration ReplayTime() override {
    return absl::Milliseconds(std::uniform_int_distribution<int>(0, 3000)(random_));
  }

 private:
  struct Controller {
    int owner = 0;
    std::atomic<bool> stop{false};
    bool dead = false;
    bool second = false;  // runs on a copy of the state directory
    std::unique_ptr<SimStateFiles> own_files;
    std::unique_ptr<ClusterStore> own_store;
    ClusterStore* store = nullptr;
    LineSink sink;
    std::ostream out{&sink};
    size_t lines_seen = 0;
    uint64_t thread = 0;
  };

  // A controller on the state directory, or (`second`) on a copy of it.
  Controller& StartController(bool second = false);
  void RunController(Controller& controller);
  Controller* Live();  // the first controller that runs and was not killed
  absl::Status Admit(int owner) const;
  // Runs the world and the controllers until `until`, clients writing all along; false once an
  // invariant failed.
  bool RunUntil(absl::Time until);
  void Apply(const Step& step);
  void RequestPromotion(int node);
  void Heal();
  bool Converged(std::string* why);
  void CheckNow();
  void Fail(const std::string& invariant, const std::string& detail);
  std::string Story() const;
  int RecordedTimeline() const;
  // Nodes whose moved-aside copies a waiting scale-down asked a person to remove.
  std::vector<int> AsideRemovalsAskedFor() const;

  const Scenario& scenario_;
  const RunOptions& options_;
  Scheduler scheduler_;
  SimClock clock_;
  std::mt19937_64 random_;
  SimTasks tasks_;
  testing::FakeWorld world_;
  Checker checker_;
  ClusterSpec spec_;     // what the user wants now (the spec file, radctl scale)
  SimStateFiles files_;  // the state directory
  ClusterStore store_;
  // A copy of the record as last read, with its generation and timeline.
  struct RecordCopy {
    std::string text;
    int64_t generation = 0;
    int timeline = 0;
    void Read(const std::optional<std::string>& now) {
      if (now.value_or("") == text) return;
      text = now.value_or("");
      nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
      generation = json.is_object() ? json.value("generation", int64_t{0}) : 0;
      timeline = json.is_object() ? json.value("timeline", 0) : 0;
    }
  };
  mutable RecordCopy recorded_in_state_;
  mutable RecordCopy recorded_on_engine_;
  std::vector<std::unique_ptr<Controller>> controllers_;
  int next_owner_ = 1;
  absl::Time next_write_;
  // Armed by a step: the world's `calls_left`-th call from a controller kills node
  // `kill_node`, or (node 0) that controller.
  int calls_left_ = -1;
  int kill_node_ = 0;
  uint64_t calls_ = 0;  // calls controllers made into the world
  bool failed_ = false;
  RunResult result_;
  std::vector<std::string> done_;  // the steps taken, for the story
};

absl::Status Simulation::Admit(int owner) const {
  for (const std::unique_ptr<Controller>& controller : controllers_) {
    if (controller->owner == owner && controller->dead) {
      return absl::UnavailableError("the controller was killed (simulation)");
    }
  }
  return absl::OkStatus();
}

absl::Status Simulation::BeforeCall() {
  const int owner = scheduler_.CurrentOwner();
  if (owner == 0) return absl::OkStatus();  // the simulation itself
  if (absl::Status admitted = Admit(owner); !admitted.ok()) return admitted;
  // A call into the world takes time (a Docker request, a query): every few calls the thread
  // lets simulated time pass and others run. A loop that acts without ever waiting then shows
  // as time passing without convergence, not as a simulation that never returns.
  if (++calls_ % kCallsPerYield == 0) {
    scheduler_.SleepUntil(scheduler_.Now() + kCallLatency * kCallsPerYield);
    if (absl::Status admitted = Admit(owner); !admitted.ok()) return admitted;
  }
  if (calls_left_ > 0) --calls_left_;
  if (calls_left_ != 0) return absl::OkStatus();
  calls_left_ = -1;
  if (kill_node_ == 0) {
    for (std::unique_ptr<Controller>& controller : controllers_) {
      if (controller->owner != owner) continue;
      controller->dead = true;
      controller->stop = true;
      world_.EndLeasesOf(owner);  // the kernel closes a dead process's connections
      world_.WakeEventStreams();
      done_.push_back(
          absl::StrCat(absl::FormatTime(clock_.Monotonic()), " controller ", owner, " killed"));
    }
    return Admit(owner);
  }
  if (world_.Node(kill_node_).container) world_.Kill(kill_node_);
  return absl::OkStatus();
}

Simulation::Controller& Simulation::StartController(bool second) {
  auto controller = std::make_unique<Controller>();
  controller->owner = next_owner_++;
  controller->second = second;
  controller->store = &store_;
  if (second) {
    controller->own_files =
        std::make_unique<SimStateFiles>([this] { return Admit(scheduler_.CurrentOwner()); });
    controller->own_files->Restore(files_.Snapshot());
    controller->own_store =
        std::make_unique<ClusterStore>(kStateRoot, spec_.name, clock_, *controller->own_files);
    controller->store = controller->own_store.get();
  }
  Controller& started = *controller;
  controllers_.push_back(std::move(controller));
  started.thread = scheduler_.Spawn([this, &started] { RunController(started); }, started.owner);
  return started;
}

// radctl apply -f spec.yaml --watch, as the fleet's worker runs one cluster.
void Simulation::RunController(Controller& controller) {
  EventLog events(controller.out, controller.store, /*json_lines=*/true, clock_);
  absl::StatusOr<ClusterSecrets> secrets = controller.store->LoadSecrets();
  if (!secrets.ok()) {
    controller.out << "cannot read the secrets: " << secrets.status() << "\n";
    return;
  }
  ReconcileLoop loop(world_.env(), *secrets, events, LoopOptions{}, *controller.store);
  bool acted = false;
  absl::Status converged = loop.Converge(spec_, &acted, &controller.stop);
  if (!WatchOnAfterApply(converged, /*end_on_failure=*/true)) {  // as `apply -f ONE --watch`
    controller.out << "apply ended: " << converged << "\n";
    return;
  }
  loop.Watch([this] { return spec_; }, controller.stop);
}

Simulation::Controller* Simulation::Live() {
  for (std::unique_ptr<Controller>& controller : controllers_) {
    if (!controller->second && !controller->dead && !controller->stop &&
        !scheduler_.Done(controller->thread)) {
      return controller.get();
    }
  }
  return nullptr;
}

std::vector<int> Simulation::AsideRemovalsAskedFor() const {
  const std::string ask = absl::StrCat("`radctl aside ", spec_.name, " ");
  std::vector<int> ordinals;
  for (const std::unique_ptr<Controller>& controller : controllers_) {
    for (const std::string& line : controller->sink.lines()) {
      if (!absl::StrContains(line, "and the scale-down goes on")) continue;
      size_t at = line.find(ask);
      int ordinal = 0;
      if (at == std::string::npos ||
          !absl::SimpleAtoi(
              line.substr(at + ask.size(), line.find(' ', at + ask.size()) - at - ask.size()),
              &ordinal)) {
        continue;
      }
      ordinals.push_back(ordinal);
    }
  }
  return ordinals;
}

int Simulation::RecordedTimeline() const {
  // The newer of the state directory's copy and the lease's on the engine (primary_record.h).
  // Read after every step, parsed only when changed (parsing was a sixth of the run).
  absl::StatusOr<std::string> in_state = store_.ReadDocument("primary.json");
  recorded_in_state_.Read(in_state.ok() ? std::optional<std::string>(*in_state) : std::nullopt);
  recorded_on_engine_.Read(world_.LeaseFile("primary.json"));
  return recorded_on_engine_.text.empty() ||
                 recorded_in_state_.generation > recorded_on_engine_.generation
             ? recorded_in_state_.timeline
             : recorded_on_engine_.timeline;
}

void Simulation::CheckNow() {
  if (failed_) return;
  std::vector<SeenEvent> events;
  for (std::unique_ptr<Controller>& controller : controllers_) {
    const std::vector<std::string>& lines = controller->sink.lines();
    for (; controller->lines_seen < lines.size(); ++controller->lines_seen) {
      const std::string& line = lines[controller->lines_seen];
      nlohmann::json json = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (!json.is_object()) continue;
      events.push_back({clock_.Monotonic(), json.value("object", ""), json.value("reason", ""),
                        json.value("message", "")});
    }
  }
  checker_.Learn(world_, events);
  if (std::optional<Violation> violation = checker_.Check(world_.Truth(), RecordedTimeline())) {
    Fail(violation->invariant, violation->detail);
  }
}

void Simulation::Fail(const std::string& invariant, const std::string& detail) {
  if (failed_) return;
  failed_ = true;
  result_.passed = false;
  result_.invariant = invariant;
  result_.failure =
      absl::StrCat("at ", absl::FormatDuration(clock_.Monotonic() - SimulationStart()), ": ",
                   invariant, ": ", detail, "\n", Story());
}

std::string Simulation::Story() const {
  std::string text = absl::StrCat("spec: ", DescribeSpec(spec_), "\nsteps taken:\n");
  for (const std::string& step : done_) absl::StrAppend(&text, "  ", step, "\n");
  testing::WorldTruth truth = world_.Truth();
  absl::StrAppend(&text, "world:\n");
  for (const testing::WorldTruth::Node& node : truth.nodes) {
    absl::StrAppend(
        &text, "  ", NodeName(spec_.name, node.ordinal), ": ",
        node.container ? node.state : std::string("no container"),
        node.postgres ? ", postgres" : "", node.frozen ? ", frozen" : "",
        node.cut_off ? ", cut off" : "",
        node.data == testing::FakeData::kPrimary   ? ", data primary"
        : node.data == testing::FakeData::kStandby ? ", data standby"
                                                   : ", data empty",
        node.marker ? " (marker)" : "", ", ", node.wal.ToString(),
        node.attached_to.empty() ? "" : absl::StrCat(", streams from ", node.attached_to),
        node.receiver_waiting ? " (waiting)" : "", "\n");
  }
  absl::StrAppend(&text, "  bouncer: ", truth.bouncer_running ? "runs" : "down", ", target ",
                  truth.bouncer_target, truth.bouncer_paused ? ", paused" : "", "\n",
                  "  recorded timeline: ", RecordedTimeline(), "\n");
  for (const std::unique_ptr<Controller>& controller : controllers_) {
    std::vector<std::string> events;  // its JSON lines (not its complaints about the disk)
    for (const std::string& line : controller->sink.lines()) {
      if (!line.empty() && line[0] == '{') events.push_back(line);
    }
    absl::StrAppend(&text, "controller ", controller->owner, controller->dead ? " (killed)" : "",
                    ", its last events:\n");
    for (size_t i = events.size() > 400 ? events.size() - 400 : 0; i < events.size(); ++i) {
      absl::StrAppend(&text, "  ", events[i], "\n");
    }
  }
  return text;
}

bool Simulation::RunUntil(absl::Time until) {
  while (!failed_ && clock_.Monotonic() < until) {
    const absl::Time next = std::min(until, next_write_);
    if (!scheduler_.RunUntil(next)) {
      Fail("simulation stuck", scheduler_.trouble());
      break;
    }
    if (clock_.Monotonic() >= next_write_) {
      (void)world_.ClientWrite(kCommitBytes);
      next_write_ += kClientInterval;
    }
    CheckNow();
  }
  return !failed_;
}

void Simulation::Apply(const Step& step) {
  const int node = step.node;
  const bool exists = world_.Node(node).container;
  done_.push_back(Describe(step, spec_.name));
  switch (step.kind) {
    case StepKind::kKill:
      if (exists) world_.Kill(node);
      return;
    case StepKind::kStop:
      if (exists) world_.Stop(node);
      return;
    case StepKind::kStart:
      if (exists) world_.Start(node);
      return;
    case StepKind::kPlannedStop:
      if (exists) world_.RequestStop(node);
      return;
    case StepKind::kPlannedStopAll:
      for (const testing::WorldTruth::Node& each : world_.Truth().nodes) {
        if (each.container) world_.RequestStop(each.ordinal);
      }
      return;
    case StepKind::kPause:
      if (exists && world_.Node(node).state == "running") world_.Pause(node);
      return;
    case StepKind::kUnpause:
      if (exists && world_.Node(node).state == "paused") world_.Unpause(node);
      return;
    case StepKind::kFreeze:
    case StepKind::kThaw:
      if (exists) world_.Freeze(node, step.kind == StepKind::kFreeze);
      return;
    case StepKind::kCut:
    case StepKind::kHeal:
      if (exists) world_.CutOff(node, step.kind == StepKind::kCut);
      return;
    case StepKind::kCrashPostgres:
      if (exists) world_.CrashPostgres(node);
      return;
    case StepKind::kLag:
    case StepKind::kCatchUp:
      if (exists) world_.Lag(node, step.kind == StepKind::kLag);
      return;
    case StepKind::kKillAfterCalls:
      calls_left_ = static_cast<int>(step.arg) + 1;
      kill_node_ = node;
      return;
    case StepKind::kStateDirFails:
      files_.set_write_failure(step.arg == 0 ? "Read-only file system" : "No space left on device");
      return;
    case StepKind::kStateDirWorks:
      files_.set_write_failure("");
      return;
    case StepKind::kClockStep:
      clock_.StepWall(absl::Seconds(step.arg));
      return;
    case StepKind::kEngineDown:
    case StepKind::kEngineUp:
      world_.SetEngineDown(step.kind == StepKind::kEngineDown);
      return;
    case StepKind::kControllerCrash:
      calls_left_ = static_cast<int>(step.arg) + 1;
      kill_node_ = 0;
      return;
    case StepKind::kControllerStart:
      if (Live() == nullptr) StartController();
      return;
    case StepKind::kSecondController:
      StartController(/*second=*/true);
      return;
    case StepKind::kSecondControllerStop:
      for (std::unique_ptr<Controller>& controller : controllers_) {
        if (controller->second) controller->stop = true;
      }
      world_.WakeEventStreams();
      return;
    case StepKind::kScale:
      if (!spec_.replication.synchronous || spec_.replication.synchronous_number < step.arg) {
        spec_.nodes = static_cast<int>(step.arg);
      }
      return;
    case StepKind::kSynchronous:
      if (step.arg == 0) {
        spec_.replication.synchronous = false;
      } else if (step.arg < spec_.nodes) {
        spec_.replication.synchronous = true;
        spec_.replication.synchronous_number = static_cast<int>(step.arg);
      }
      return;
    case StepKind::kDetection:
      spec_.failover.detection_ms = static_cast<int>(step.arg);
      return;
    case StepKind::kImage:
      spec_.postgres.image = spec_.postgres.image == "radctl/postgres:15"
                                 ? "radctl/postgres:15-next"
                                 : "radctl/postgres:15";
      return;
    case StepKind::kSwitchover: {
      Requests requests;
      requests.switchover_to = node;
      (void)store_.SaveRequests(requests);
      return;
    }
    case StepKind::kPromote:
      // The command runs beside the controller, as a person's terminal does.
      scheduler_.Spawn([this, node] { RequestPromotion(node); }, next_owner_++);
      return;
  }
}

// radctl promote NODE --accept-data-loss as cli_promote.cc runs it: the cluster observed, the
// request made only where AssessPromote lets it (no writable primary, the node a reachable
// standby), for the controller to carry out. A person who means to promote tries again every
// few seconds for a minute: an outage is when the command is meant for.
void Simulation::RequestPromotion(int node) {
  const absl::Time until = scheduler_.Now() + absl::Minutes(1);
  for (; scheduler_.Now() < until; scheduler_.SleepUntil(scheduler_.Now() + absl::Seconds(3))) {
    absl::StatusOr<ClusterSecrets> secrets = store_.LoadSecrets();
    if (!secrets.ok()) continue;
    Observer observer(world_.env(), *secrets);
    absl::StatusOr<ObservedState> observed = observer.Observe(spec_);
    if (!observed.ok()) continue;
    // The node the step names, else the first node the command would accept (a person reads
    // the status first).
    std::vector<int> candidates = {node};
    for (const NodeObservation& other : observed->nodes) candidates.push_back(other.ordinal);
    auto accepted = std::find_if(candidates.begin(), candidates.end(), [&](int ordinal) {
      return AssessPromote(spec_.name, *observed, ordinal).refused.ok();
    });
    if (accepted == candidates.end()) continue;
    const int target = *accepted;
    Requests requests = store_.LoadRequests();
    requests.promote = target;
    if (store_.SaveRequests(requests).ok()) {
      done_.push_back(absl::StrCat(absl::FormatDuration(clock_.Monotonic() - SimulationStart()),
                                   " radctl promote ", NodeName(spec_.name, target),
                                   " --accept-data-loss was accepted"));
      return;
    }
  }
}

void Simulation::Heal() {
  done_.push_back(absl::StrCat(absl::FormatDuration(clock_.Monotonic() - SimulationStart()),
                               " every fault healed"));
  for (const testing::WorldTruth::Node& node : world_.Truth().nodes) {
    if (!node.container) continue;
    if (node.state == "paused") world_.Unpause(node.ordinal);
    if (node.frozen) world_.Freeze(node.ordinal, false);
    if (node.cut_off) world_.CutOff(node.ordinal, false);
    world_.Lag(node.ordinal, false);
  }
  world_.SetEngineDown(false);
  files_.set_write_failure("");
  calls_left_ = -1;
  for (std::unique_ptr<Controller>& controller : controllers_) {
    if (controller->second) controller->stop = true;
  }
  if (Live() == nullptr) StartController();
}

bool Simulation::Converged(std::string* why) {
  testing::WorldTruth truth = world_.Truth();
  const testing::WorldTruth::Node* primary = nullptr;
  for (const testing::WorldTruth::Node& node : truth.nodes) {
    if (!node.primary()) continue;
    if (primary != nullptr) {
      *why = "two writable primaries";
      return false;
    }
    primary = &node;
  }
  if (primary == nullptr) {
    *why = "no writable primary";
    return false;
  }
  const std::string primary_name = NodeName(spec_.name, primary->ordinal);
  if (!truth.bouncer_running || truth.bouncer_target != primary_name || truth.bouncer_paused) {
    *why = absl::StrCat("the bouncer does not serve ", primary_name);
    return false;
  }
  std::vector<int> desired;
  const bool keep_primary = primary->ordinal > spec_.nodes;
  for (int ordinal = 1; ordinal <= spec_.nodes - (keep_primary ? 1 : 0); ++ordinal) {
    desired.push_back(ordinal);
  }
  if (keep_primary) desired.push_back(primary->ordinal);
  for (int ordinal : desired) {
    if (ordinal == primary->ordinal) continue;
    const testing::WorldTruth::Node* node = nullptr;
    for (const testing::WorldTruth::Node& n : truth.nodes) {
      if (n.ordinal == ordinal) node = &n;
    }
    if (node == nullptr || !node->postgres || node->attached_to != primary_name ||
        node->receiver_waiting) {
      *why = absl::StrCat(NodeName(spec_.name, ordinal), " does not stream from ", primary_name);
      return false;
    }
  }
  for (const testing::WorldTruth::Node& node : truth.nodes) {
    if (std::find(desired.begin(), desired.end(), node.ordinal) == desired.end() &&
        node.container) {
      *why = absl::StrCat(NodeName(spec_.name, node.ordinal), " is not desired but exists");
      return false;
    }
  }
  return true;
}

RunResult Simulation::Run() {
  const absl::Time start = clock_.Monotonic();
  scheduler_.set_after_step([this] { CheckNow(); });
  next_write_ = start + absl::Seconds(5);
  files_.Restore(CredentialFiles(spec_));
  if (scenario_.init_fails_late) world_.FailStepLate("init-primary", 1);
  StartController();
  // Bring-up: a new cluster from nothing.
  std::string why;
  while (!failed_ && !Converged(&why) && clock_.Monotonic() - start < kBringUpBound) {
    RunUntil(clock_.Monotonic() + absl::Milliseconds(500));
  }
  if (!failed_ && !Converged(&why)) Fail("bring-up did not converge", why);
  const absl::Time t0 = clock_.Monotonic();
  for (size_t i : scenario_.TimeOrder()) {
    if (failed_) break;
    if (!options_.keep.empty() && !options_.keep[i]) continue;
    const Step& step = scenario_.steps[i];
    if (!RunUntil(t0 + step.at)) break;
    Apply(step);
    CheckNow();
  }
  if (!failed_) RunUntil(clock_.Monotonic() + absl::Seconds(5));
  if (!failed_) {
    Heal();
    const absl::Time healed = clock_.Monotonic();
    bool converged = false;
    while (!failed_ && clock_.Monotonic() - healed < options_.liveness_bound) {
      RunUntil(clock_.Monotonic() + absl::Milliseconds(500));
      // A controller that ended (refused the lease while a second one finished its work) is
      // started again, as the systemd unit's Restart=always does (docs/operations.md).
      if (Live() == nullptr) StartController();
      // The person does what a rebuild waiting at spec.replication.maxMovedAside asks for:
      // `radctl aside NAME NODE --remove` of the oldest copy. Outside radctl's guarantee (it
      // never deletes one itself), so not a removal the checker holds against it.
      world_.RemoveOldestKeptAside(spec_.replication.max_moved_aside);
      // And what a scale-down waiting on a node's moved-aside copies asks for: removing them.
      for (int ordinal : AsideRemovalsAskedFor()) world_.RemoveKeptAside(ordinal);
      if (Converged(&why)) {
        converged = true;
        break;
      }
    }
    if (!failed_ && !converged) {
      Fail("no convergence after healing",
           absl::StrCat("not converged ", absl::FormatDuration(options_.liveness_bound),
                        " after every fault healed: ", why));
    }
  }
  for (std::unique_ptr<Controller>& controller : controllers_) controller->stop = true;
  world_.WakeEventStreams();
  const bool ended = scheduler_.Drain(clock_.Monotonic() + absl::Minutes(10));
  if (!ended && !failed_) Fail("controller did not stop", "threads still run after stop");
  result_.simulated = clock_.Monotonic() - start;
  result_.thread_steps = scheduler_.steps();
  result_.commits = static_cast<int>(checker_.commits());
  result_.acknowledged = static_cast<int>(checker_.acknowledged());
  return result_;
}

}  // namespace

RunResult Run(const Scenario& scenario, const RunOptions& options) {
  Simulation simulation(scenario, options);
  return simulation.Run();
}

}  // namespace radctl::sim
