// Credential decisions (pure): when the app role, its database and the bouncer's userlist must be
// brought to what the cluster keeps (a changed spec.auth, radctl rotate-password, a bouncer
// still holding plaintext passwords). The planner (plan.cc) calls it with one writable primary.
#pragma once

#include <optional>
#include <string>

#include "crd-like-specs/cluster_spec.h"
#include "reconcilers/action.h"
#include "reconcilers/observed_state.h"

namespace radctl {

// kApplyCredentials when the role or database is missing or the role's password is not the
// cluster's; else kRefreshBouncer when the bouncer (pointing to `primary`) runs with older
// userlist or TLS files; else nothing. Nothing either while the bouncer is not there to take the
// new userlist (the container rules make it first), and while a node does not serve TLS as the
// spec asks (it is reconfigured first).
std::optional<Action> CredentialsAction(const ClusterSpec& spec, const ObservedState& observed,
                                        int primary);

// Whether spec.auth.password is one the cluster does not keep yet (the file was edited): the
// loop then keeps it, with its SCRAM secret, and CredentialsAction rolls it out. An empty one
// means "the generated password" and never changes it.
bool SpecGivesANewPassword(const ClusterSpec& spec, const std::string& kept_password);

}  // namespace radctl
