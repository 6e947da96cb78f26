#include "controller/state/cluster_credentials.h"

#include "absl/strings/str_cat.h"
#include "controller/config/scram_secret.h"
#include "controller/state/cluster_tls.h"
#include "crd-like-specs/status_macros.h"
#include "reconcilers/tls_policy.h"

namespace radctl {

absl::StatusOr<ClusterSecrets> EnsureCredentials(ClusterStore& store, const ClusterSpec& spec,
                                                 absl::Time now, bool* changed) {
  ASSIGN_OR_RETURN(ClusterSecrets secrets, store.LoadOrCreateSecrets(spec));
  bool save = false;
  if (!spec.auth.password.empty() && spec.auth.password != secrets.app_password) {
    secrets.app_password = spec.auth.password;
    secrets.app_scram.clear();
  }
  if (!ScramSecretMatches(secrets.app_scram, secrets.app_password)) {
    secrets.app_scram = NewScramSecret(secrets.app_password);
    save = true;
  }
  if (!ScramSecretMatches(secrets.bouncer_scram, secrets.bouncer_password)) {
    secrets.bouncer_scram = NewScramSecret(secrets.bouncer_password);
    save = true;
  }
  if (save) RETURN_IF_ERROR(store.SaveSecrets(secrets));
  bool tls_made = false;
  if (secrets.ca.cert.empty()) {
    ASSIGN_OR_RETURN(
        CertificateAndKey ca,
        MakeCertificateAuthority(absl::StrCat(spec.name, " radctl CA"), now, kCaValidity));
    RETURN_IF_ERROR(WriteCertificateAuthority(store.files(), store.dir(), ca));
    secrets.server = {};  // one from another CA would not verify
    tls_made = true;
  }
  if (tls_made || secrets.server.cert.empty()) {
    ASSIGN_OR_RETURN(ClusterSecrets reread, store.LoadSecrets());
    RETURN_IF_ERROR(RenewServerCertificate(store, spec, reread, now));
    ASSIGN_OR_RETURN(secrets, store.LoadSecrets());
    tls_made = true;
  }
  if (changed != nullptr) *changed = save || tls_made;
  return secrets;
}

absl::Status RenewServerCertificate(ClusterStore& store, const ClusterSpec& spec,
                                    const ClusterSecrets& secrets, absl::Time now) {
  if (secrets.ca.cert.empty()) {
    return absl::FailedPreconditionError(absl::StrCat("no CA is kept for cluster ", spec.name,
                                                      " in ", store.dir(),
                                                      "; apply the spec again to make one"));
  }
  ASSIGN_OR_RETURN(
      CertificateAndKey server,
      IssueServerCertificate(secrets.ca, CertificateNames(spec), now, kServerCertificateValidity));
  return WriteServerCertificate(store.files(), store.dir(), server);
}

absl::StatusOr<ClusterSecrets> RotateAppPassword(ClusterStore& store, const ClusterSpec& spec) {
  if (!spec.auth.password.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cluster ", spec.name,
        " takes its password from the spec (spec.auth.password): change it there and apply"));
  }
  ASSIGN_OR_RETURN(ClusterSecrets secrets, store.LoadSecrets());
  secrets.app_password = GeneratePassword();
  secrets.app_scram = NewScramSecret(secrets.app_password);
  RETURN_IF_ERROR(store.SaveSecrets(secrets));
  return secrets;
}

}  // namespace radctl
