// The cluster's credentials as kept with it, and the rules that change them: passwords and their
// SCRAM secrets, the CA and the server certificate. Rolling a change out to the nodes and the
// bouncer is the planner's (credentials_policy.h, tls_policy.h); this only keeps what is wanted.
#pragma once

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/config/secrets.h"
#include "controller/state/cluster_store.h"
#include "crd-like-specs/cluster_spec.h"

namespace radctl {

// The stored credentials, completed and saved: passwords generated when none are kept (as
// LoadOrCreateSecrets), SCRAM secrets made for passwords that have none, a CA and a server
// certificate made when none is kept (TLS is ready before it is switched on), and the spec's
// password adopted when it gives one that is not the kept one. `changed` tells whether anything
// was written.
[[nodiscard]] absl::StatusOr<ClusterSecrets> EnsureCredentials(ClusterStore& store,
                                                               const ClusterSpec& spec,
                                                               absl::Time now,
                                                               bool* changed = nullptr);

// A new server certificate for the spec's names (tls_policy.h), from the kept CA.
[[nodiscard]] absl::Status RenewServerCertificate(ClusterStore& store, const ClusterSpec& spec,
                                                  const ClusterSecrets& secrets, absl::Time now);

// radctl rotate-password: a new generated app password (and its SCRAM secret), kept; returns
// the secrets with it. FailedPrecondition when the spec sets the password (change it there).
[[nodiscard]] absl::StatusOr<ClusterSecrets> RotateAppPassword(ClusterStore& store,
                                                               const ClusterSpec& spec);

}  // namespace radctl
