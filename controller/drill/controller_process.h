// Which controller watches the cluster, and the one the drill runs itself. The watcher is found
// without disturbing it: the kernel's lock table (/proc/locks) names the process holding the
// cluster's flock (state/cluster_lock.h), /proc/PID/cmdline says how it was started, and its HTTP
// endpoint whether its loop is alive. A drill only kills a controller it started (kill-controller
// fault): that one it can start again the same way.
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/clients/clock.h"

namespace radctl::drill {

// The pid holding an exclusive flock on the file with this device and inode, from the text of
// /proc/locks ("1: FLOCK  ADVISORY  WRITE 4711 fe:00:1082297 0 EOF"); nullopt when none does.
std::optional<pid_t> FlockHolder(const std::string& proc_locks, unsigned dev_major,
                                 unsigned dev_minor, unsigned long inode);

// The value of `--http` in a `radctl apply` command line ("127.0.0.1:8433" when not given, ""
// for "off" or when it does not watch).
std::string HttpAddressOf(const std::vector<std::string>& argv);

struct ControllerInfo {
  pid_t pid = 0;
  std::string holder;             // what the lock file says: "pid 4711, radctl apply --watch, ..."
  std::vector<std::string> argv;  // its command line
  bool watching = false;          // `apply ... --watch`
  std::string http;               // its HTTP endpoint, "" when it serves none
};

// The process holding the lock in the cluster's state directory; nullopt when none holds it.
[[nodiscard]] absl::StatusOr<std::optional<ControllerInfo>> FindController(
    const std::string& cluster_dir);

// OK when a watching controller holds the cluster; FailedPrecondition saying what to do when
// none does, or when the holder is a one-shot command. Adds what /healthz said to `notes`.
[[nodiscard]] absl::Status RequireWatcher(const std::string& cluster_dir,
                                          const std::string& cluster,
                                          std::vector<std::string>* notes);

// `radctl apply -f FILE --watch --http off`, run by the drill in its own process group (a Ctrl-C
// of the drill does not reach it; the drill stops it when done), output appended to a log file.
class OwnedController {
 public:
  // Starts it and waits until it holds the cluster's lock. FailedPrecondition when another
  // controller holds it already.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<OwnedController>> Start(
      const Clock& clock, std::string state_dir, std::string spec_file, std::string cluster_dir,
      std::string log_path);
  ~OwnedController();  // stops it (SIGTERM, then SIGKILL)

  pid_t pid() const { return pid_; }
  const std::string& log_path() const { return log_path_; }
  // SIGKILL, as a crash; waits for the process to be gone.
  void Kill();
  // Starts it again exactly as before and waits until it holds the lock.
  [[nodiscard]] absl::Status Restart();
  // SIGTERM (a clean stop), SIGKILL after `grace`.
  void Stop(absl::Duration grace = absl::Seconds(10));

 private:
  OwnedController(const Clock& clock, std::string state_dir, std::string spec_file,
                  std::string cluster_dir, std::string log_path)
      : clock_(clock),
        state_dir_(std::move(state_dir)),
        spec_file_(std::move(spec_file)),
        cluster_dir_(std::move(cluster_dir)),
        log_path_(std::move(log_path)) {}
  [[nodiscard]] absl::Status Spawn();

  const Clock& clock_;
  std::string state_dir_;
  std::string spec_file_;
  std::string cluster_dir_;
  std::string log_path_;
  pid_t pid_ = 0;
};

}  // namespace radctl::drill
