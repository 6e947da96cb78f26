#include "controller/drill/drill.h"

#include <algorithm>
#include <functional>
#include <ostream>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "controller/clients/postgres/pg_connection.h"
#include "controller/drill/cluster_probe.h"
#include "controller/drill/exec_runner.h"
#include "controller/drill/fault_injector.h"
#include "controller/drill/load_generator.h"
#include "controller/drill/measure.h"
#include "controller/drill/write_check.h"
#include "crd-like-specs/status_macros.h"

namespace radctl::drill {
namespace {

// A probe older than this says nothing about now (node probes run every 100 ms, time out after 1
// s).
constexpr absl::Duration kFresh = absl::Milliseconds(1500);
// Two accepted probes of one node further apart than this do not prove it stayed writable.
constexpr absl::Duration kSplitBrainSpacing = absl::Seconds(2);
constexpr absl::Duration kWritesFlowTimeout = absl::Seconds(60);
constexpr absl::Duration kReplayTimeout = absl::Seconds(30);
constexpr absl::Duration kTeardownTimeout = absl::Seconds(60);

// Polls `condition` every 50 ms until it holds (true), `timeout` passes or `stop` is set (false).
bool WaitUntil(const Clock& clock, const std::function<bool()>& condition, absl::Duration timeout,
               const std::atomic<bool>& stop) {
  const absl::Time deadline = clock.Monotonic() + timeout;
  while (!stop) {
    if (condition()) return true;
    if (clock.Monotonic() >= deadline) return false;
    clock.SleepFor(absl::Milliseconds(50));
  }
  return false;
}

// Lets the load run for `duration` (a pace, not a wait for a condition); false if stopped.
bool LetRun(const Clock& clock, absl::Duration duration, const std::atomic<bool>& stop) {
  return !WaitUntil(
             clock, [] { return false; }, duration, stop) &&
         !stop;
}

PgEndpoint AppEndpoint(const ClusterSpec& spec, const ClusterSecrets& secrets) {
  PgEndpoint endpoint;
  endpoint.host = spec.bouncer.bind == "0.0.0.0" ? "127.0.0.1" : spec.bouncer.bind;
  endpoint.port = spec.bouncer.port;
  endpoint.user = spec.auth.user;
  endpoint.password = secrets.app_password;
  endpoint.dbname = spec.auth.database;
  endpoint.application_name = "radctl-drill";
  return endpoint;
}

absl::Status RunSql(const Clock& clock, const PgEndpoint& endpoint, const std::string& sql) {
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> conn,
                   PgConnection::Connect(clock, endpoint, absl::Seconds(10)));
  return conn->Execute(sql, absl::Seconds(60));
}

class Runner {
 public:
  Runner(const DrillOptions& options, DrillTarget& target, std::ostream& progress,
         const std::atomic<bool>& stop, DrillResult* result)
      : options_(options),
        target_(target),
        clock_(target.clock),
        progress_(progress),
        stop_(stop),
        result_(*result),
        endpoint_(AppEndpoint(target.spec, target.secrets)),
        load_(clock_, endpoint_, LoadOptions{options.writers, options.readers, options.rate}),
        prober_(clock_, target.docker,
                ProbeEndpoints{target.spec.name, target.spec.auth.database, kRepmgrUser,
                               target.secrets.repmgr_password, AdminEndpoint()}),
        injector_(clock_, target.docker, target.spec.name, target.controller, target.store),
        context_{target.spec.nodes, target.controller != nullptr} {
    node_login_.user = kRepmgrUser;
    node_login_.password = target.secrets.repmgr_password;
    node_login_.dbname = target.spec.auth.database;
  }

  absl::Status Run() {
    const uint64_t seed =
        options_.seed != 0 ? options_.seed : static_cast<uint64_t>(absl::ToUnixNanos(clock_.Now()));
    rng_.seed(seed);
    if (options_.fault == Fault::kRandom) {
      result_.notes.push_back(absl::StrCat("random faults with --seed ", seed));
    }
    absl::Status prepared = RunSql(clock_, endpoint_, SetupSql());
    if (!prepared.ok()) {
      return absl::UnavailableError(absl::StrCat("cannot prepare the drill's schema ", kDrillSchema,
                                                 " through the endpoint ", endpoint_.ToString(),
                                                 ": ", prepared.message(), "; see radctl status ",
                                                 target_.spec.name));
    }
    result_.notes.push_back(absl::StrCat("load: ", options_.writers, " writers, ", options_.readers,
                                         " readers, ", options_.rate, " writes/s through ",
                                         endpoint_.ToString(), " into schema ", kDrillSchema,
                                         " (dropped afterwards)"));
    prober_.Start();
    load_.Start(1);
    absl::Status status = StartExec();
    for (int number = 1; number <= options_.rounds && status.ok(); ++number) {
      if (stop_) {
        status = absl::CancelledError("interrupted");
        break;
      }
      if (exec_ != nullptr && exec_->Ended()) {
        result_.notes.push_back(absl::StrCat("the command (--exec) ended before round ", number,
                                             ": rounds ", number, "-", options_.rounds,
                                             " were not run"));
        progress_ << "radctl: " << result_.notes.back() << "\n";
        break;
      }
      status = RunRound(number);
    }
    FinishExec(status.ok());
    load_.Stop();
    prober_.Stop();
    Teardown();
    return status;
  }

 private:
  PgEndpoint AdminEndpoint() const {
    PgEndpoint admin = endpoint_;
    admin.user = kBouncerAdminUser;
    admin.password = target_.secrets.bouncer_password;
    admin.dbname = "pgbouncer";
    admin.application_name = "radctl-drill";
    return admin;
  }

  // The user's command (--exec) starts with the rounds, with the endpoint in its environment.
  absl::Status StartExec() {
    if (options_.exec.empty()) return absl::OkStatus();
    exec_ = std::make_unique<ExecRunner>(
        clock_, options_.exec, EndpointEnvironment(target_.spec, target_.secrets), &progress_);
    absl::Status started = exec_->Start();
    result_.exec = exec_->Snapshot();
    if (!started.ok()) return started;
    result_.notes.push_back(absl::StrCat("command (--exec): ", options_.exec,
                                         " (endpoint in PGHOST, PGPORT, ..., DATABASE_URL)"));
    progress_ << "radctl: " << result_.notes.back() << "\n";
    return absl::OkStatus();
  }

  // After the rounds the command may end on its own, within options_.exec_wait; then (or when
  // the drill stops early) it is stopped.
  void FinishExec(bool rounds_done) {
    if (exec_ == nullptr) return;
    if (rounds_done && !exec_->Ended()) {
      progress_ << "radctl: the rounds are done; waiting for the command to end (at most "
                << absl::FormatDuration(options_.exec_wait) << ", then it is stopped)\n";
      exec_->WaitEnded(options_.exec_wait, stop_);
    }
    exec_->Stop();
    result_.exec = exec_->Snapshot();
    progress_ << "radctl: the command " << result_.exec->Outcome() << "\n";
  }

  // The schema goes, also after a failed round; the cluster may still be recovering.
  void Teardown() {
    absl::Status dropped = absl::UnknownError("not tried");
    WaitUntil(
        clock_, [&] { return (dropped = RunSql(clock_, endpoint_, TeardownSql())).ok(); },
        kTeardownTimeout, never_);
    if (dropped.ok()) {
      result_.notes.push_back(absl::StrCat("schema ", kDrillSchema, " dropped"));
    } else {
      result_.notes.push_back(absl::StrCat("could not drop schema ", kDrillSchema, " (",
                                           dropped.message(),
                                           "): drop it by hand with DROP "
                                           "SCHEMA ",
                                           kDrillSchema, " CASCADE"));
    }
  }

  absl::StatusOr<std::string> WaitHealthy(absl::Duration timeout, const std::string& why) {
    std::optional<std::string> primary;
    const int standbys = target_.spec.nodes - 1;
    bool healthy = WaitUntil(
        clock_,
        [&] { return (primary = prober_.View().HealthyPrimary(standbys, kFresh)).has_value(); },
        timeout, stop_);
    if (healthy) return *primary;
    if (stop_) return absl::CancelledError("interrupted");
    return absl::UnavailableError(absl::StrCat(
        why, ": the cluster did not have one writable primary, the bouncer pointing to it and ",
        standbys, " standbys streaming from it within ", absl::FormatDuration(timeout),
        ". The drill saw: ", prober_.View().Describe(), ". See radctl status ", target_.spec.name,
        " and radctl events ", target_.spec.name));
  }

  absl::Status RunRound(int number) {
    RoundResult round;
    round.number = number;
    ASSIGN_OR_RETURN(round.old_primary,
                     WaitHealthy(options_.healthy_timeout, absl::StrCat("before round ", number)));
    round.window_start = clock_.Now();
    load_.SetRound(number);
    if (!WaitUntil(
            clock_,
            [&] { return load_.WritersAcknowledgedSince(round.window_start) == options_.writers; },
            kWritesFlowTimeout, stop_)) {
      if (stop_) return absl::CancelledError("interrupted");
      return absl::UnavailableError(absl::StrCat(
          "before round ", number, ": only ", load_.WritersAcknowledgedSince(round.window_start),
          " of ", options_.writers, " writers could write through ", endpoint_.ToString(),
          " within ", absl::FormatDuration(kWritesFlowTimeout)));
    }
    if (!LetRun(clock_, options_.baseline, stop_)) return absl::CancelledError("interrupted");

    round.fault = ResolveFault(options_.fault, context_, rng_);
    const ClusterView before = prober_.View();
    absl::StatusOr<Injection> injection = injector_.Inject(
        round.fault, round.old_primary, before.StreamingFrom(round.old_primary, kFresh), rng_);
    if (!injection.ok()) {
      return absl::Status(injection.status().code(),
                          absl::StrCat("round ", number, ": injecting ", FaultName(round.fault),
                                       " failed: ", injection.status().message()));
    }
    round.fault_at = injection->at;
    round.targets = injection->targets;
    progress_ << "round " << number << "/" << options_.rounds << ": " << FaultName(round.fault)
              << " " << absl::StrJoin(round.targets, " and ") << "\n";

    // Recovery: every writer writes again, and the bouncer points to a node accepting writes:
    // a new primary, or the same one after a stop's switchover back or a restart. Only what
    // started once the engine had carried the fault out counts: a write or probe started during
    // a `docker pause` call may be answered before the freeze takes effect.
    const absl::Time effective = injection->done;
    round.recovered = WaitUntil(
        clock_,
        [&] {
          if (load_.WritersAcknowledgedSince(effective) < options_.writers) return false;
          ClusterView view = prober_.View();
          auto target = view.nodes.find(view.bouncer.target);
          return target != view.nodes.end() && target->second.accepted_write &&
                 target->second.start > effective;
        },
        options_.recovery_timeout, stop_);
    if (!round.recovered && !stop_) {
      round.problems.push_back(absl::StrCat("writes had not resumed on every writer within ",
                                            absl::FormatDuration(options_.recovery_timeout), ": ",
                                            prober_.View().Describe()));
    }
    absl::Status healed = injector_.Heal(*injection);
    if (!healed.ok()) {
      round.problems.push_back(absl::StrCat("undoing the fault failed: ", healed.message()));
    }
    absl::StatusOr<std::string> healthy =
        round.recovered
            ? WaitHealthy(options_.healthy_timeout, absl::StrCat("after round ", number))
            : absl::StatusOr<std::string>(absl::UnavailableError("not recovered"));
    if (healthy.ok()) {
      round.new_primary = *healthy;
      round.milestones.streaming = clock_.Now() - round.fault_at;
      LetRun(clock_, options_.settle, stop_);
    } else if (round.recovered && !stop_) {
      round.problems.push_back(std::string(healthy.status().message()));
    }

    // Close the round: later writes carry the next round's number; once none of this round's is
    // in flight, its acknowledged writes are final and can be looked for.
    load_.SetRound(number + 1);
    WaitUntil(
        clock_, [&] { return load_.Drained(number); }, absl::Seconds(30), never_);
    round.window_end = clock_.Now();
    if (healthy.ok()) {
      std::vector<WriteKey> acknowledged = load_.Acknowledged(number);
      WriteCheckResult check =
          CheckAcknowledgedWrites(clock_, prober_.View(), round.new_primary, node_login_, number,
                                  acknowledged, kReplayTimeout);
      round.acknowledged = check.acknowledged;
      round.lost = check.lost;
      round.missing = check.missing;
      round.checked_nodes = check.checked;
      round.unchecked = check.unchecked;
      if (!check.examples.empty()) {
        std::vector<std::string> keys;
        for (const WriteKey& key : check.examples) {
          keys.push_back(
              absl::StrCat("(round ", number, ", writer ", key.first, ", seq ", key.second, ")"));
        }
        round.problems.push_back(absl::StrCat(check.lost, " acknowledged writes lost, e.g. ",
                                              absl::StrJoin(keys, ", ")));
      }
    } else {
      round.acknowledged = static_cast<int64_t>(load_.Acknowledged(number).size());
      round.unchecked.push_back("no healthy primary to check on");
    }

    Measure(round, *injection);
    Print(round);
    load_.Forget(round.window_start);
    prober_.Forget(round.window_start);
    result_.rounds.push_back(std::move(round));
    const RoundResult& done = result_.rounds.back();
    if (stop_) return absl::CancelledError("interrupted");
    if (!done.recovered || !healthy.ok()) {
      return absl::UnavailableError(
          absl::StrCat("round ", number, " did not recover (", absl::StrJoin(done.problems, "; "),
                       "); the drill stopped there. See radctl status ", target_.spec.name,
                       " and radctl events ", target_.spec.name));
    }
    return absl::OkStatus();
  }

  void Measure(RoundResult& round, const Injection& injection) {
    round.events = injection.steps;
    absl::StatusOr<std::vector<EventRecord>> events = target_.store.LoadEvents();
    if (events.ok()) {
      for (const EventRecord& event : *events) {
        if (event.time < round.window_start || event.time > round.window_end) continue;
        round.events.push_back(TimelineEvent{event.time, "radctl", event.type, event.object,
                                             event.reason, event.message});
      }
    } else {
      round.problems.push_back(
          absl::StrCat("radctl's events could not be read: ", events.status().message()));
    }
    std::sort(round.events.begin(), round.events.end(),
              [](const TimelineEvent& a, const TimelineEvent& b) { return a.at < b.at; });
    round.ops = load_.Ops(round.window_start, round.window_end);
    MeasureClients(round, options_.writers);
    std::vector<NodeProbe> probes = prober_.NodeProbes(round.window_start, round.window_end);
    MeasureMilestones(round, probes, prober_.BouncerProbes(round.window_start, round.window_end));
    round.split_brains = FindSplitBrains(probes, kSplitBrainSpacing);
  }

  void Print(const RoundResult& round) {
    std::string line = absl::StrCat("round ", round.number, "/", options_.rounds, ": ");
    if (HitsPrimary(round.fault) && round.new_primary == round.old_primary) {
      absl::StrAppend(&line, round.old_primary, " is the primary again (restarted in place), ");
    } else if (HitsPrimary(round.fault) && !round.new_primary.empty()) {
      absl::StrAppend(&line, round.old_primary, " -> ", round.new_primary, ", ");
    }
    absl::StrAppend(&line, "outage ", SecondsText(round.outage), ", ", round.writes_failed,
                    " failed writes (", round.clients_with_errors, " of ", options_.writers,
                    " writers), ");
    if (round.checked_nodes.empty()) {
      absl::StrAppend(&line, round.acknowledged, " acknowledged writes not checked");
    } else {
      absl::StrAppend(&line, round.lost, " of ", round.acknowledged, " acknowledged writes lost");
    }
    if (round.milestones.streaming) {
      absl::StrAppend(&line, ", all standbys streaming after ",
                      SecondsText(*round.milestones.streaming));
    }
    if (!round.split_brains.empty()) absl::StrAppend(&line, ", SPLIT BRAIN");
    progress_ << line << "\n";
    for (const std::string& problem : round.problems) progress_ << "  " << problem << "\n";
  }

  const DrillOptions& options_;
  DrillTarget& target_;
  const Clock& clock_;
  std::ostream& progress_;
  const std::atomic<bool>& stop_;
  const std::atomic<bool> never_{false};
  DrillResult& result_;
  PgEndpoint endpoint_;
  PgEndpoint node_login_;
  LoadGenerator load_;
  ClusterProber prober_;
  FaultInjector injector_;
  FaultContext context_;
  std::mt19937_64 rng_;
  std::unique_ptr<ExecRunner> exec_;
};

// Lost writes count as a failure only with synchronous replication.
absl::Status LostWritesVerdict(const DrillResult& result) {
  if (!result.synchronous) return absl::OkStatus();
  int64_t lost = 0;
  std::vector<std::string> where;
  for (const RoundResult& round : result.rounds) {
    if (round.lost == 0) continue;
    lost += round.lost;
    std::vector<std::string> nodes;
    for (const auto& [node, count] : round.missing)
      nodes.push_back(absl::StrCat(node, " lacks ", count));
    where.push_back(absl::StrCat("round ", round.number, " (", FaultName(round.fault),
                                 "): ", absl::StrJoin(nodes, ", ")));
  }
  if (lost == 0) return absl::OkStatus();
  return absl::DataLossError(absl::StrCat(lost,
                                          " acknowledged writes were lost with synchronous "
                                          "replication: ",
                                          absl::StrJoin(where, "; ")));
}

}  // namespace

absl::Status ValidateOptions(const DrillOptions& options) {
  if (options.rounds < 1 || options.rounds > 10000) {
    return absl::InvalidArgumentError(
        absl::StrCat("--rounds must be between 1 and 10000, got ", options.rounds));
  }
  if (options.writers < 1 || options.writers > 64) {
    return absl::InvalidArgumentError(
        absl::StrCat("--writers must be between 1 and 64, got ", options.writers));
  }
  if (options.readers < 0 || options.readers > 64) {
    return absl::InvalidArgumentError(
        absl::StrCat("--readers must be between 0 and 64, got ", options.readers));
  }
  if (!(options.rate >= 1 && options.rate <= 5000)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--rate must be between 1 and 5000 writes per second (over all writers), got ",
                     options.rate));
  }
  if (options.settle < absl::ZeroDuration() || options.settle > absl::Minutes(10)) {
    return absl::InvalidArgumentError(absl::StrCat("--settle must be between 0s and 10m, got ",
                                                   absl::FormatDuration(options.settle)));
  }
  return absl::OkStatus();
}

absl::Status RunDrill(const DrillOptions& options, DrillTarget& target, std::ostream& progress,
                      const std::atomic<bool>& stop, DrillResult* result) {
  RETURN_IF_ERROR(ValidateOptions(options));
  result->cluster = target.spec.name;
  result->nodes = target.spec.nodes;
  result->synchronous = target.spec.replication.synchronous;
  result->writers = options.writers;
  result->readers = options.readers;
  result->rate = options.rate;
  result->started = target.clock.Now();
  Runner runner(options, target, progress, stop, result);
  absl::Status status = runner.Run();
  result->finished = target.clock.Now();
  return status;
}

absl::Status DrillVerdict(const DrillResult& result) {
  std::vector<std::string> split;
  for (const RoundResult& round : result.rounds) {
    for (const SplitBrain& brain : round.split_brains) {
      split.push_back(absl::StrCat("round ", round.number, ": ", brain.writable,
                                   " accepted a write while ", brain.other_primary,
                                   " was a writable primary too"));
    }
  }
  if (!split.empty()) {
    return absl::InternalError(
        absl::StrCat("two writable primaries were seen (", absl::StrJoin(split, "; "), ")"));
  }
  absl::Status lost = LostWritesVerdict(result);
  if (!lost.ok()) return lost;
  if (result.exec.has_value() && !result.exec->Passed()) {
    return absl::AbortedError(
        absl::StrCat("the command (--exec) ", result.exec->command, " ", result.exec->Outcome()));
  }
  return absl::OkStatus();
}

}  // namespace radctl::drill
