// The simulator's side of the controller's interfaces: a Clock and Tasks on the Scheduler, and
// the state directory's files in memory, with faults.
#pragma once

#include <functional>
#include <map>
#include <random>
#include <string>

#include "controller/clients/clock.h"
#include "controller/clients/tasks.h"
#include "controller/state/state_files.h"
#include "tests/sim/scheduler.h"

namespace radctl::sim {

// Simulated time: Monotonic() is the scheduler's; wall time can be stepped.
class SimClock : public Clock {
 public:
  explicit SimClock(Scheduler& scheduler) : scheduler_(scheduler) {}
  absl::Time Now() const override { return Monotonic() + wall_offset_; }
  absl::Time Monotonic() const override { return scheduler_.Now(); }
  void SleepFor(absl::Duration duration) const override;
  void WaitFor(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
               absl::Duration duration) const override;
  void Notify(std::condition_variable& cv) const override;
  void StepWall(absl::Duration step) { wall_offset_ += step; }

 private:
  Scheduler& scheduler_;
  absl::Duration wall_offset_;
};

// Work in parallel runs one piece after another, in an order the seed chooses; work in the
// background is a simulated thread.
class SimTasks : public Tasks {
 public:
  SimTasks(Scheduler& scheduler, std::mt19937_64& random)
      : scheduler_(scheduler), random_(random) {}
  void RunAll(std::vector<std::function<void()>> work) const override;
  std::unique_ptr<Task> Start(std::function<void()> work) const override;

 private:
  Scheduler& scheduler_;
  std::mt19937_64& random_;
};

// A state directory in memory. Writes fail while the disk is full or read-only; every call is
// refused for a controller the simulation killed (`admit`).
class SimStateFiles : public StateFiles {
 public:
  explicit SimStateFiles(std::function<absl::Status()> admit) : admit_(std::move(admit)) {}

  absl::StatusOr<std::string> Read(const std::string& path) const override;
  bool Exists(const std::string& path) const override;
  absl::Status Write(const std::string& path, const std::string& content, int mode) const override;
  absl::Status Append(const std::string& path, const std::string& line) const override;
  void Remove(const std::string& path) const override;
  absl::Status EnsureDirectory(const std::string& dir) const override;

  // "" when writes work, else why they fail ("No space left on device").
  void set_write_failure(std::string failure) { write_failure_ = std::move(failure); }
  const std::string& write_failure() const { return write_failure_; }
  // A copy of every file (a state directory copied to another machine).
  std::map<std::string, std::string> Snapshot() const;
  void Restore(std::map<std::string, std::string> files) { files_ = std::move(files); }

 private:
  std::function<absl::Status()> admit_;
  mutable std::map<std::string, std::string> files_;
  std::string write_failure_;
};

}  // namespace radctl::sim
