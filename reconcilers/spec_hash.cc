#include "reconcilers/spec_hash.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace radctl {
namespace {

std::string Fnv1a64Hex(const std::string& text) {
  uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return absl::StrFormat("%016x", hash);
}

}  // namespace

std::string NodeSpecHash(const ClusterSpec& spec) {
  return Fnv1a64Hex(absl::StrCat("image=", spec.postgres.image));
}

std::string BouncerSpecHash(const ClusterSpec& spec) {
  return Fnv1a64Hex(absl::StrCat("bind=", spec.bouncer.bind, "\nport=", spec.bouncer.port,
                                 "\npool=", spec.bouncer.pool_mode, "\nuser=", spec.auth.user,
                                 "\ndb=", spec.auth.database));
}

}  // namespace radctl
