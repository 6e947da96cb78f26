// The simulator's scheduler: the controller's threads run one at a time, on simulated time, in
// an order only the simulation decides, so that a seed replays bit for bit (FoundationDB's
// deterministic simulation). The controller's threads are fibers (ucontext) on the simulation's
// own OS thread: one hands the baton straight to the next, without the kernel. A thread runs
// until it waits (a sleep, a wait on the loop's condition, the end of a background task), and
// only then may another run; the simulation itself runs between them.
//
// Every thread belongs to an owner (a controller incarnation): the simulation kills a
// controller by marking its owner dead, and its threads then wind down on their own.
#pragma once

#include <ucontext.h>

#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <string>

#include "absl/time/time.h"

namespace radctl::sim {

class Scheduler {
 public:
  explicit Scheduler(absl::Time start);
  ~Scheduler();  // ends with every thread ended (Drain)

  absl::Time Now() const { return now_; }

  // A thread that runs `body`, runnable now. It belongs to `owner`, or, when it is spawned from
  // a simulated thread and `owner` is 0, to that thread's owner. Returns its id.
  uint64_t Spawn(std::function<void()> body, int owner = 0);
  bool Done(uint64_t thread) const;

  // From a simulated thread: waits until `until` (simulated time).
  void SleepUntil(absl::Time until);
  // From a simulated thread: waits until `until` or until Notify(channel).
  void WaitOn(const void* channel, absl::Time until);
  void Notify(const void* channel);
  // Waits until `thread` has ended (from a simulated thread, or from the simulation itself,
  // which then runs the threads until it has).
  void Join(uint64_t thread);

  // The simulation: runs threads in the order they are due (ties: the order they began to
  // wait) until simulated time reaches `until`; then the clock reads `until`. False when a
  // thread ran more than a bound of steps without time passing (a livelock), `trouble` says.
  bool RunUntil(absl::Time until);
  // Runs until every thread has ended or `limit` passes; true when all have.
  bool Drain(absl::Time limit);

  bool InSimulatedThread() const;
  int CurrentOwner() const;  // 0 for the simulation itself
  const std::string& trouble() const { return trouble_; }
  uint64_t steps() const { return steps_; }

  // Called by the simulation after every step a thread took (the checker's hook).
  void set_after_step(std::function<void()> after_step) { after_step_ = std::move(after_step); }

 private:
  struct Thread {
    uint64_t id = 0;
    int owner = 0;
    absl::Time due = absl::InfinitePast();  // runnable from then; InfiniteFuture: until notified
    uint64_t order = 0;                     // tie-break: when it began to wait
    const void* channel = nullptr;          // waits on it (Notify wakes)
    uint64_t joining = 0;                   // waits for this thread to end
    bool done = false;
    std::function<void()> body;
    std::unique_ptr<char[]> stack;
    ucontext_t context;
  };
  static void Enter();  // a new thread's first frame: runs its body, then never returns
  Thread* Self() const { return running_; }
  // From a simulated thread: hands the baton to the next thread due, or back to the
  // simulation, and returns when it is handed back.
  void Park(Thread* self);
  // From the simulation: runs `thread` until every thread it handed on to has parked or ended.
  void Resume(Thread* thread);
  Thread* NextDue() const;
  void Reap();

  ucontext_t simulation_;      // where the simulation waits while threads run
  Thread* running_ = nullptr;  // the thread holding the baton; null: the simulation
  std::list<std::unique_ptr<Thread>> threads_;
  uint64_t next_id_ = 1;
  uint64_t next_order_ = 1;
  absl::Time now_;
  absl::Time limit_;  // the simulation's RunUntil: threads hand the baton on only up to it
  uint64_t steps_ = 0;
  uint64_t steps_at_this_time_ = 0;
  std::string trouble_;
  std::function<void()> after_step_;
};

}  // namespace radctl::sim
