#include "reconcilers/credentials_policy.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "reconcilers/naming.h"
#include "reconcilers/spec_hash.h"
#include "reconcilers/tls_policy.h"

namespace radctl {

std::optional<Action> CredentialsAction(const ClusterSpec& spec, const ObservedState& observed,
                                        int primary) {
  const BouncerObservation& bouncer = observed.bouncer;
  if (bouncer.container != ContainerState::kRunning || !bouncer.reachable ||
      !BouncerMadeFor(spec, bouncer.spec_hash)) {
    return std::nullopt;
  }
  // Nodes first when TLS is being switched (a cluster made before TLS): a bouncer told to verify
  // its servers cannot reach nodes that serve no TLS yet.
  for (const NodeObservation& node : observed.nodes) {
    if (!NodeTlsDrift(spec, observed.certificate, node).empty()) return std::nullopt;
  }
  const AppRoleObservation& role = observed.app_role;
  if (role.known) {
    std::vector<std::string> why;
    if (!role.role_exists) {
      why.push_back(absl::StrCat("role ", spec.auth.user, " does not exist"));
    } else if (!role.password_current) {
      why.push_back(absl::StrCat("role ", spec.auth.user,
                                 " does not have the cluster's current password "
                                 "(spec.auth.password changed, or radctl rotate-password)"));
    }
    if (!role.database_exists) {
      why.push_back(absl::StrCat("database ", spec.auth.database, " does not exist"));
    }
    if (!why.empty()) {
      return Action{
          ActionType::kApplyCredentials, 0, primary,
          absl::StrCat(absl::StrJoin(why, "; "),
                       ": the bouncer's userlist first, then the role on ",
                       NodeName(spec.name, primary), " (connected clients stay connected)")};
    }
  }
  if (!bouncer.files_current && bouncer.target_host == NodeName(spec.name, primary) &&
      !bouncer.paused) {
    return Action{ActionType::kRefreshBouncer, 0, primary,
                  "the bouncer runs with an older userlist or TLS certificate: uploading the "
                  "current ones and reloading (clients stay connected)"};
  }
  return std::nullopt;
}

bool SpecGivesANewPassword(const ClusterSpec& spec, const std::string& kept_password) {
  return !spec.auth.password.empty() && spec.auth.password != kept_password;
}

}  // namespace radctl
