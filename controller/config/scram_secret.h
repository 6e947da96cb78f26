// SCRAM-SHA-256 secrets (RFC 5802/7677, as PostgreSQL stores them in pg_authid.rolpassword):
// "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>". radctl computes the app role's
// secret once and gives the very same text to Postgres (ALTER ROLE ... PASSWORD '<secret>') and
// to the bouncer's userlist: PgBouncer then logs in to Postgres with the keys of the client's own
// SCRAM exchange, and no plaintext password is kept in any container.
#pragma once

#include <string>

namespace radctl {

inline constexpr int kScramIterations = 4096;  // PostgreSQL's default (scram_iterations)

// The secret of `password` (printable ASCII: no SASLprep needed) with `salt` (raw bytes).
std::string ScramSecret(const std::string& password, const std::string& salt,
                        int iterations = kScramIterations);
// The same with 16 random bytes of salt.
std::string NewScramSecret(const std::string& password);
// Rounds NewScramSecret uses from now on in this process (kScramIterations until then). Only
// the simulator sets it: it makes thousands of clusters a minute, where 4096 rounds of HMAC per
// secret were a third of its time, and nothing it checks depends on a secret's strength.
void SetScramIterationsForTesting(int iterations);
// Whether `secret` is a SCRAM-SHA-256 secret of `password`.
bool ScramSecretMatches(const std::string& secret, const std::string& password);

}  // namespace radctl
