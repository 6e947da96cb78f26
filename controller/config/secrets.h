// The cluster's passwords. Generated once (unless the spec gives the app password) and kept with
// the cluster by ClusterStore, so re-apply, status and a restarted watcher all know them.
#pragma once

#include <string>

namespace radctl {

struct ClusterSecrets {
  std::string app_password;      // spec.auth.user, through the bouncer
  std::string repmgr_password;   // superuser + replication: repmgr, pg_rewind, the controller
  std::string bouncer_password;  // PgBouncer's admin console (user "radctl")
};

inline constexpr char kRepmgrUser[] = "repmgr";
inline constexpr char kRepmgrDatabase[] = "repmgr";
inline constexpr char kBouncerAdminUser[] = "radctl";

}  // namespace radctl
