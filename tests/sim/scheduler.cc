#include "tests/sim/scheduler.h"

#include "absl/strings/str_cat.h"

namespace radctl::sim {
namespace {

// A thread that keeps running without simulated time passing this often is stuck in a loop
// that never waits on the clock.
constexpr uint64_t kLivelockSteps = 200000;

// A fiber's stack: the controller's deepest frames (JSON and YAML parsing under the loop) use a
// fraction of it. Untouched pages cost no memory.
constexpr size_t kStackSize = 1 << 20;

// The scheduler whose thread is starting on this OS thread (Enter has no arguments).
thread_local Scheduler* entering = nullptr;

}  // namespace

Scheduler::Scheduler(absl::Time start) : now_(start) {}

Scheduler::~Scheduler() {
  Drain(now_ + absl::Hours(24));
  // A thread that never ended (the run failed) is never resumed: its stack is left as it is,
  // with what its frames hold.
  for (std::unique_ptr<Thread>& thread : threads_) {
    if (!thread->done) (void)thread.release();
  }
}

bool Scheduler::InSimulatedThread() const { return Self() != nullptr; }

int Scheduler::CurrentOwner() const {
  Thread* self = Self();
  return self == nullptr ? 0 : self->owner;
}

uint64_t Scheduler::Spawn(std::function<void()> body, int owner) {
  auto thread = std::make_unique<Thread>();
  Thread* t = thread.get();
  t->id = next_id_++;
  Thread* parent = Self();
  t->owner = owner != 0 ? owner : (parent != nullptr ? parent->owner : 0);
  t->due = now_;
  t->order = next_order_++;
  t->body = std::move(body);
  t->stack.reset(new char[kStackSize]);
  getcontext(&t->context);
  t->context.uc_stack.ss_sp = t->stack.get();
  t->context.uc_stack.ss_size = kStackSize;
  t->context.uc_link = nullptr;
  makecontext(&t->context, &Scheduler::Enter, 0);
  threads_.push_back(std::move(thread));
  return t->id;
}

void Scheduler::Enter() {
  Scheduler* scheduler = entering;
  Thread* self = scheduler->running_;
  self->body();
  self->body = nullptr;
  self->done = true;
  for (std::unique_ptr<Thread>& other : scheduler->threads_) {
    if (other->joining == self->id) {
      other->joining = 0;
      other->due = scheduler->now_;
    }
  }
  // Back to the simulation, which reaps it; this frame is never resumed.
  scheduler->running_ = nullptr;
  setcontext(&scheduler->simulation_);
}

bool Scheduler::Done(uint64_t id) const {
  for (const std::unique_ptr<Thread>& thread : threads_) {
    if (thread->id == id) return thread->done;
  }
  return true;  // reaped
}

void Scheduler::Park(Thread* self) {
  self->order = next_order_++;
  // The baton goes straight to the next thread due before the simulation's limit (no trip
  // through the simulation), or back to the simulation.
  for (;;) {
    ++steps_;
    if (after_step_) after_step_();
    Thread* next = NextDue();
    if (next == nullptr || next->due > limit_) break;
    if (next->due > now_) {
      now_ = next->due;
      steps_at_this_time_ = 0;
    }
    if (++steps_at_this_time_ > kLivelockSteps) {
      trouble_ = absl::StrCat("threads ran ", kLivelockSteps,
                              " steps without simulated time passing (a livelock)");
      break;
    }
    if (next == self) return;  // it is due first: it goes on
    running_ = next;
    entering = this;
    swapcontext(&self->context, &next->context);
    return;  // handed back
  }
  running_ = nullptr;
  swapcontext(&self->context, &simulation_);
}

void Scheduler::Resume(Thread* thread) {
  running_ = thread;
  entering = this;
  swapcontext(&simulation_, &thread->context);
}

void Scheduler::SleepUntil(absl::Time until) {
  Thread* self = Self();
  if (self == nullptr) {
    RunUntil(until);
    return;
  }
  self->due = until;
  Park(self);
}

void Scheduler::WaitOn(const void* channel, absl::Time until) {
  Thread* self = Self();
  if (self == nullptr) {
    RunUntil(until);
    return;
  }
  self->due = until;
  self->channel = channel;
  Park(self);
  self->channel = nullptr;
}

void Scheduler::Notify(const void* channel) {
  for (std::unique_ptr<Thread>& thread : threads_) {
    if (thread->channel == channel && !thread->done) {
      thread->channel = nullptr;
      thread->due = now_;
    }
  }
}

void Scheduler::Join(uint64_t id) {
  Thread* self = Self();
  if (self != nullptr) {
    if (Done(id)) return;
    self->joining = id;
    self->due = absl::InfiniteFuture();
    Park(self);
    return;
  }
  limit_ = absl::InfiniteFuture();
  while (!Done(id)) {
    Thread* next = NextDue();
    if (next == nullptr) {
      trouble_ = absl::StrCat("joining thread ", id, ": every thread waits for another");
      return;
    }
    if (next->due > now_) now_ = next->due;
    Resume(next);
    Reap();
  }
}

Scheduler::Thread* Scheduler::NextDue() const {
  Thread* next = nullptr;
  for (const std::unique_ptr<Thread>& thread : threads_) {
    if (thread->done || thread->due == absl::InfiniteFuture()) continue;
    if (next == nullptr || thread->due < next->due ||
        (thread->due == next->due && thread->order < next->order)) {
      next = thread.get();
    }
  }
  return next;
}

void Scheduler::Reap() {
  for (auto it = threads_.begin(); it != threads_.end();) {
    if ((*it)->done) {
      it = threads_.erase(it);
    } else {
      ++it;
    }
  }
}

bool Scheduler::RunUntil(absl::Time until) {
  limit_ = until;
  for (;;) {
    if (!trouble_.empty()) return false;
    Thread* next = NextDue();
    if (next == nullptr || next->due > until) {
      if (until > now_) {
        now_ = until;
        steps_at_this_time_ = 0;
      }
      return true;
    }
    if (next->due > now_) {
      now_ = next->due;
      steps_at_this_time_ = 0;
    }
    if (++steps_at_this_time_ > kLivelockSteps) {
      trouble_ = absl::StrCat("threads ran ", kLivelockSteps,
                              " steps without simulated time passing (a livelock)");
      return false;
    }
    Resume(next);
    Reap();
    if (!trouble_.empty()) return false;
  }
}

bool Scheduler::Drain(absl::Time limit) {
  for (;;) {
    if (threads_.empty()) return true;
    Thread* next = NextDue();
    if (next == nullptr || next->due > limit) return false;
    if (!RunUntil(std::min(limit, now_ + absl::Seconds(1)))) return false;
  }
}

}  // namespace radctl::sim
