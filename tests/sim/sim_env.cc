#include "tests/sim/sim_env.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace radctl::sim {

void SimClock::SleepFor(absl::Duration duration) const {
  scheduler_.SleepUntil(scheduler_.Now() + duration);
}

void SimClock::WaitFor(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                       absl::Duration duration) const {
  const absl::Time until = scheduler_.Now() + duration;
  lock.unlock();
  scheduler_.WaitOn(&cv, until);
  lock.lock();
}

void SimClock::Notify(std::condition_variable& cv) const { scheduler_.Notify(&cv); }

void SimTasks::RunAll(std::vector<std::function<void()>> work) const {
  std::shuffle(work.begin(), work.end(), random_);
  for (std::function<void()>& piece : work) piece();
}

namespace {

class SimTask : public Task {
 public:
  SimTask(Scheduler& scheduler, uint64_t thread) : scheduler_(scheduler), thread_(thread) {}
  ~SimTask() override { Wait(); }
  bool Done() const override { return scheduler_.Done(thread_); }
  void Wait() override { scheduler_.Join(thread_); }

 private:
  Scheduler& scheduler_;
  uint64_t thread_;
};

}  // namespace

std::unique_ptr<Task> SimTasks::Start(std::function<void()> work) const {
  return std::make_unique<SimTask>(scheduler_, scheduler_.Spawn(std::move(work)));
}

absl::StatusOr<std::string> SimStateFiles::Read(const std::string& path) const {
  if (absl::Status admitted = admit_(); !admitted.ok()) return admitted;
  auto it = files_.find(path);
  if (it == files_.end()) return absl::NotFoundError(absl::StrCat(path, " does not exist"));
  return it->second;
}

bool SimStateFiles::Exists(const std::string& path) const {
  return admit_().ok() && files_.count(path) > 0;
}

absl::Status SimStateFiles::Write(const std::string& path, const std::string& content, int) const {
  if (absl::Status admitted = admit_(); !admitted.ok()) return admitted;
  if (!write_failure_.empty()) {
    return absl::InternalError(absl::StrCat("cannot write ", path, ".tmp: ", write_failure_));
  }
  files_[path] = content;
  return absl::OkStatus();
}

absl::Status SimStateFiles::Append(const std::string& path, const std::string& line) const {
  if (absl::Status admitted = admit_(); !admitted.ok()) return admitted;
  if (!write_failure_.empty()) {
    return absl::InternalError(absl::StrCat("cannot append to ", path, ": ", write_failure_));
  }
  files_[path] += line;
  return absl::OkStatus();
}

void SimStateFiles::Remove(const std::string& path) const {
  if (admit_().ok()) files_.erase(path);
}

absl::Status SimStateFiles::EnsureDirectory(const std::string&) const { return admit_(); }

std::map<std::string, std::string> SimStateFiles::Snapshot() const { return files_; }

}  // namespace radctl::sim
