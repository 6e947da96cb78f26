// The cluster's passwords. Generated once (unless the spec gives the app password) and kept with
// the cluster by ClusterStore, so re-apply, status and a restarted watcher all know them.
#pragma once

#include <string>

#include "controller/config/tls_certificates.h"

namespace radctl {

struct ClusterSecrets {
  std::string app_password;      // spec.auth.user, through the bouncer
  std::string repmgr_password;   // superuser + replication: repmgr, pg_rewind, the controller
  std::string bouncer_password;  // PgBouncer's admin console (user "radctl")
  // SCRAM secrets (config/scram_secret.h) of app_password and bouncer_password: what the app role
  // and the bouncer's userlist hold (never the passwords themselves).
  std::string app_scram = "";
  std::string bouncer_scram = "";
  // TLS (state/cluster_credentials.h): the cluster's CA, the server certificate its nodes and
  // bouncer present, and where the CA certificate is on this host (what clients verify against;
  // "" when none is kept).
  CertificateAndKey ca = {};
  CertificateAndKey server = {};
  std::string ca_file = "";
  // Every node and bouncer has served TLS with the cluster's certificate (tls/required, written
  // by the loop's kRequireTls): from then on radctl's own connections never fall back to
  // plaintext, so the repmgr superuser's password goes nowhere without a verified certificate.
  bool tls_required = false;
};

inline constexpr char kRepmgrUser[] = "repmgr";
inline constexpr char kRepmgrDatabase[] = "repmgr";
inline constexpr char kBouncerAdminUser[] = "radctl";

}  // namespace radctl
