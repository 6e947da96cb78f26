#include "tests/support/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace radctl::testsupport {

Process::Process(const std::vector<std::string>& args, const std::string& log_path)
    : log_path_(log_path) {
  pid_ = fork();
  if (pid_ == 0) {
    // A controller must not outlive a test binary that aborted: left running, it keeps acting
    // on the cluster's names while the next run cleans them up and makes them anew.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(RADCTL_BINARY));
    for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    execv(RADCTL_BINARY, argv.data());
    _exit(127);
  }
}

Process::~Process() {
  if (!done_) Signal(SIGKILL);
}

int Process::Wait() {
  if (done_) return code_;
  int status = 0;
  waitpid(pid_, &status, 0);
  done_ = true;
  code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  return code_;
}

int Process::Signal(int signal) {
  if (done_) return code_;
  kill(pid_, signal);
  return Wait();
}

std::string Process::Log() const {
  std::ifstream in(log_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace radctl::testsupport
