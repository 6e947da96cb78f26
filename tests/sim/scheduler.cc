#include "tests/sim/scheduler.h"

#include "absl/strings/str_cat.h"

namespace radctl::sim {
namespace {

// A thread that keeps running without simulated time passing this often is stuck in a loop
// that never waits on the clock.
constexpr uint64_t kLivelockSteps = 200000;

thread_local void* current_thread = nullptr;

}  // namespace

Scheduler::Scheduler(absl::Time start) : now_(start) {}

Scheduler::~Scheduler() {
  Drain(now_ + absl::Hours(24));
  std::unique_lock<std::mutex> lock(mu_);
  for (std::unique_ptr<Thread>& thread : threads_) {
    // Never ended (the run failed): left parked for good, never resumed.
    thread->thread.detach();
    (void)thread.release();
  }
}

Scheduler::Thread* Scheduler::Self() const {
  for (const std::unique_ptr<Thread>& thread : threads_) {
    if (thread.get() == current_thread) return thread.get();
  }
  return nullptr;
}

bool Scheduler::InSimulatedThread() const {
  std::lock_guard<std::mutex> lock(mu_);
  return Self() != nullptr;
}

int Scheduler::CurrentOwner() const {
  std::lock_guard<std::mutex> lock(mu_);
  Thread* self = Self();
  return self == nullptr ? 0 : self->owner;
}

uint64_t Scheduler::Spawn(std::function<void()> body, int owner) {
  std::lock_guard<std::mutex> lock(mu_);
  auto thread = std::make_unique<Thread>();
  Thread* t = thread.get();
  t->id = next_id_++;
  Thread* parent = Self();
  t->owner = owner != 0 ? owner : (parent != nullptr ? parent->owner : 0);
  t->due = now_;
  t->order = next_order_++;
  threads_.push_back(std::move(thread));
  t->thread = std::thread([this, t, body = std::move(body)] {
    {
      std::unique_lock<std::mutex> wait(mu_);
      t->cv.wait(wait, [&] { return running_ == t; });
    }
    current_thread = t;
    body();
    std::lock_guard<std::mutex> end(mu_);
    t->done = true;
    for (std::unique_ptr<Thread>& other : threads_) {
      if (other->joining == t->id) {
        other->joining = 0;
        other->due = now_;
      }
    }
    running_ = nullptr;
    main_cv_.notify_all();
  });
  return t->id;
}

bool Scheduler::Done(uint64_t id) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::unique_ptr<Thread>& thread : threads_) {
    if (thread->id == id) return thread->done;
  }
  return true;  // reaped
}

void Scheduler::Park(Thread* self, std::unique_lock<std::mutex>& lock) {
  self->order = next_order_++;
  // The baton goes straight to the next thread due before the simulation's limit (no trip
  // through the simulation: half the switches), or back to the simulation.
  for (;;) {
    ++steps_;
    if (after_step_) {
      lock.unlock();
      after_step_();
      lock.lock();
    }
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
    next->cv.notify_all();
    self->cv.wait(lock, [&] { return running_ == self; });
    return;
  }
  running_ = nullptr;
  main_cv_.notify_all();
  self->cv.wait(lock, [&] { return running_ == self; });
}

void Scheduler::Resume(Thread* thread, std::unique_lock<std::mutex>& lock) {
  running_ = thread;
  thread->cv.notify_all();
  main_cv_.wait(lock, [&] { return running_ == nullptr; });
}

void Scheduler::SleepUntil(absl::Time until) {
  std::unique_lock<std::mutex> lock(mu_);
  Thread* self = Self();
  if (self == nullptr) {
    lock.unlock();
    RunUntil(until);
    return;
  }
  self->due = until;
  Park(self, lock);
}

void Scheduler::WaitOn(const void* channel, absl::Time until) {
  std::unique_lock<std::mutex> lock(mu_);
  Thread* self = Self();
  if (self == nullptr) {
    lock.unlock();
    RunUntil(until);
    return;
  }
  self->due = until;
  self->channel = channel;
  Park(self, lock);
  self->channel = nullptr;
}

void Scheduler::Notify(const void* channel) {
  std::lock_guard<std::mutex> lock(mu_);
  for (std::unique_ptr<Thread>& thread : threads_) {
    if (thread->channel == channel && !thread->done) {
      thread->channel = nullptr;
      thread->due = now_;
    }
  }
}

void Scheduler::Join(uint64_t id) {
  std::unique_lock<std::mutex> lock(mu_);
  Thread* self = Self();
  auto done = [&] {
    for (const std::unique_ptr<Thread>& thread : threads_) {
      if (thread->id == id) return thread->done;
    }
    return true;
  };
  if (self != nullptr) {
    if (done()) return;
    self->joining = id;
    self->due = absl::InfiniteFuture();
    Park(self, lock);
    return;
  }
  limit_ = absl::InfiniteFuture();
  while (!done()) {
    Thread* next = NextDue();
    if (next == nullptr) {
      trouble_ = absl::StrCat("joining thread ", id, ": every thread waits for another");
      return;
    }
    if (next->due > now_) now_ = next->due;
    Resume(next, lock);
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
      (*it)->thread.join();
      it = threads_.erase(it);
    } else {
      ++it;
    }
  }
}

bool Scheduler::RunUntil(absl::Time until) {
  std::unique_lock<std::mutex> lock(mu_);
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
    Resume(next, lock);
    Reap();
    if (!trouble_.empty()) return false;
  }
}

bool Scheduler::Drain(absl::Time limit) {
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (threads_.empty()) return true;
      Thread* next = NextDue();
      if (next == nullptr || next->due > limit) return false;
    }
    if (!RunUntil(std::min(limit, now_ + absl::Seconds(1)))) return false;
  }
}

}  // namespace radctl::sim
