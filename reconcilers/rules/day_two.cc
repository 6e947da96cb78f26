// Rule 6: certificates, the TLS requirement on radctl's own connections and credentials
// (tls_policy.h, credentials_policy.h), independent of the rest and planned alongside it.
#include "reconcilers/credentials_policy.h"
#include "reconcilers/rules/rules.h"
#include "reconcilers/tls_policy.h"

namespace radctl {

Proposal DayTwo(const Situation& s, int primary) {
  Proposal out;
  std::string renew = CertificateRenewalReason(s.spec, s.observed.certificate, s.observed.wall_at);
  if (!renew.empty()) out.Add(ActionType::kRenewCertificate, 0, 0, renew);
  std::string require = RequireTlsReason(s.spec, s.desired, s.observed);
  if (!require.empty()) out.Add(ActionType::kRequireTls, 0, 0, require);
  std::string allow = AllowPlaintextReason(s.spec, s.observed);
  if (!allow.empty()) out.Add(ActionType::kAllowPlaintext, 0, 0, allow);
  if (std::optional<Action> credentials = CredentialsAction(s.spec, s.observed, primary)) {
    // The read endpoint logs in to the standbys with its clients' keys too: it gets the new
    // userlist (ReadEndpoint) before the role's password changes, as the write bouncer does
    // within the action.
    const BouncerObservation& read = s.observed.read_bouncer;
    if (credentials->type == ActionType::kApplyCredentials &&
        s.spec.bouncer.read_port != kNoReadPort && read.container == ContainerState::kRunning &&
        read.reachable && !read.files_current) {
      out.Wait("the read endpoint gets the new userlist before the role's password changes");
    } else {
      out.actions.push_back(*credentials);
    }
  }
  return out;
}

}  // namespace radctl
