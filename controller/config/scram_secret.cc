#include "controller/config/scram_secret.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <atomic>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace radctl {
namespace {

std::string Hmac(const std::string& key, const std::string& text) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), out, &length);
  return std::string(reinterpret_cast<const char*>(out), length);
}

std::string Sha256(const std::string& text) {
  unsigned char out[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), out);
  return std::string(reinterpret_cast<const char*>(out), sizeof(out));
}

}  // namespace

std::string ScramSecret(const std::string& password, const std::string& salt, int iterations) {
  unsigned char salted[SHA256_DIGEST_LENGTH];
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), iterations, EVP_sha256(), sizeof(salted),
                    salted);
  const std::string salted_password(reinterpret_cast<const char*>(salted), sizeof(salted));
  const std::string stored_key = Sha256(Hmac(salted_password, "Client Key"));
  const std::string server_key = Hmac(salted_password, "Server Key");
  return absl::StrCat("SCRAM-SHA-256$", iterations, ":", absl::Base64Escape(salt), "$",
                      absl::Base64Escape(stored_key), ":", absl::Base64Escape(server_key));
}

namespace {
std::atomic<int> new_secret_iterations{kScramIterations};
}  // namespace

void SetScramIterationsForTesting(int iterations) { new_secret_iterations = iterations; }

std::string NewScramSecret(const std::string& password) {
  unsigned char salt[16];
  if (RAND_bytes(salt, sizeof(salt)) != 1) std::abort();  // no randomness: nothing is safe
  return ScramSecret(password, std::string(reinterpret_cast<const char*>(salt), sizeof(salt)),
                     new_secret_iterations);
}

bool ScramSecretMatches(const std::string& secret, const std::string& password) {
  // SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>
  std::vector<std::string> parts = absl::StrSplit(secret, absl::ByAnyChar("$:"));
  int iterations = 0;
  std::string salt;
  if (parts.size() != 5 || parts[0] != "SCRAM-SHA-256" ||
      !absl::SimpleAtoi(parts[1], &iterations) || iterations <= 0 ||
      !absl::Base64Unescape(parts[2], &salt)) {
    return false;
  }
  return ScramSecret(password, salt, iterations) == secret;
}

}  // namespace radctl
