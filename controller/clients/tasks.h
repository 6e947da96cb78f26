// Tasks: how the controller does several things at once (leveldb's Env::Schedule). The real
// implementation uses threads; the simulator runs every piece of work on its one thread, in an
// order and at a time its seed chooses, so that a run replays exactly. Nothing in loop/ or
// operations/ starts a thread of its own.
#pragma once

#include <functional>
#include <memory>
#include <vector>

namespace radctl {

// Work started in the background.
class Task {
 public:
  virtual ~Task() = default;  // waits for the work to end
  virtual bool Done() const = 0;
  virtual void Wait() = 0;
};

class Tasks {
 public:
  virtual ~Tasks() = default;
  // Runs every piece of `work` (concurrently where the implementation can) and returns when all
  // of them have returned.
  virtual void RunAll(std::vector<std::function<void()>> work) const = 0;
  // Starts `work` in the background.
  [[nodiscard]] virtual std::unique_ptr<Task> Start(std::function<void()> work) const = 0;
};

// One thread per piece of work; lives for the whole process.
const Tasks& ThreadTasks();

}  // namespace radctl
