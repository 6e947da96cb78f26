// Running radctl as a user would, in the background (a watcher) or to completion, for the
// integration tests and benchmarks. RADCTL_STATE_DIR is inherited from the environment.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace radctl::testsupport {

// Starts `radctl ARGS` with stdout and stderr appended to `log_path`.
class Process {
 public:
  Process(const std::vector<std::string>& args, const std::string& log_path);
  ~Process();  // SIGKILLs the process if it still runs
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  // Sends `signal` and waits for the exit; returns the exit code (-signal if killed by one).
  int Signal(int signal);
  int Wait();
  std::string Log() const;

 private:
  pid_t pid_;
  std::string log_path_;
  bool done_ = false;
  int code_ = 0;
};

}  // namespace radctl::testsupport
