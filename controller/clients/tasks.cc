#include "controller/clients/tasks.h"

#include <atomic>
#include <thread>

namespace radctl {
namespace {

class ThreadTask : public Task {
 public:
  explicit ThreadTask(std::function<void()> work)
      : thread_([this, work = std::move(work)] {
          work();
          done_ = true;
        }) {}
  ~ThreadTask() override { Wait(); }
  bool Done() const override { return done_; }
  void Wait() override {
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::atomic<bool> done_{false};
  std::thread thread_;  // last: it starts once done_ exists
};

class ThreadPerWork : public Tasks {
 public:
  void RunAll(std::vector<std::function<void()>> work) const override {
    if (work.size() == 1) {
      work[0]();
      return;
    }
    std::vector<std::thread> threads;
    threads.reserve(work.size());
    for (std::function<void()>& piece : work) threads.emplace_back(std::move(piece));
    for (std::thread& thread : threads) thread.join();
  }
  std::unique_ptr<Task> Start(std::function<void()> work) const override {
    return std::make_unique<ThreadTask>(std::move(work));
  }
};

}  // namespace

const Tasks& ThreadTasks() {
  static const ThreadPerWork* tasks = new ThreadPerWork();
  return *tasks;
}

}  // namespace radctl
