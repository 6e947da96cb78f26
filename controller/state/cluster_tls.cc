#include "controller/state/cluster_tls.h"

#include "absl/strings/str_cat.h"
#include "controller/state/cluster_store.h"
#include "crd-like-specs/status_macros.h"

namespace radctl {
namespace {

constexpr char kKeyBegin[] = "-----BEGIN PRIVATE KEY-----";

std::string TlsPath(const std::string& dir, const std::string& file) {
  return absl::StrCat(dir, "/", kTlsDirectory, "/", file);
}

// The file's content, "" when it does not exist.
absl::StatusOr<std::string> ReadIfExists(const StateFiles& files, const std::string& path) {
  absl::StatusOr<std::string> text = files.Read(path);
  if (absl::IsNotFound(text.status())) return std::string();
  return text;
}

}  // namespace

absl::Status ReadTlsFiles(const StateFiles& files, const std::string& dir,
                          ClusterSecrets& secrets) {
  ASSIGN_OR_RETURN(std::string ca_cert, ReadIfExists(files, TlsPath(dir, "ca.crt")));
  ASSIGN_OR_RETURN(std::string ca_key, ReadIfExists(files, TlsPath(dir, "ca.key")));
  ASSIGN_OR_RETURN(std::string server, ReadIfExists(files, TlsPath(dir, "server.pem")));
  if (ca_cert.empty() || ca_key.empty()) return absl::OkStatus();
  secrets.tls_required = files.Exists(TlsPath(dir, "required"));
  secrets.ca = {ca_cert, ca_key};
  secrets.ca_file = TlsPath(dir, "ca.crt");
  size_t key_at = server.find(kKeyBegin);
  if (key_at != std::string::npos)
    secrets.server = {server.substr(0, key_at), server.substr(key_at)};
  return absl::OkStatus();
}

absl::Status WriteCertificateAuthority(const StateFiles& files, const std::string& dir,
                                       const CertificateAndKey& ca) {
  RETURN_IF_ERROR(files.EnsureDirectory(dir));
  RETURN_IF_ERROR(files.EnsureDirectory(absl::StrCat(dir, "/", kTlsDirectory)));
  RETURN_IF_ERROR(files.Write(TlsPath(dir, "ca.key"), ca.key, 0600));
  return files.Write(TlsPath(dir, "ca.crt"), ca.cert, 0600);
}

absl::Status WriteServerCertificate(const StateFiles& files, const std::string& dir,
                                    const CertificateAndKey& server) {
  RETURN_IF_ERROR(files.EnsureDirectory(absl::StrCat(dir, "/", kTlsDirectory)));
  return files.Write(TlsPath(dir, "server.pem"), server.cert + server.key, 0600);
}

absl::Status WriteTlsRequired(const StateFiles& files, const std::string& dir, bool required) {
  const std::string path = TlsPath(dir, "required");
  if (!required) {
    files.Remove(path);
    return absl::OkStatus();
  }
  RETURN_IF_ERROR(files.EnsureDirectory(absl::StrCat(dir, "/", kTlsDirectory)));
  return files.Write(path,
                     "radctl connects to this cluster's nodes and bouncers only over verified "
                     "TLS\n",
                     0600);
}

}  // namespace radctl
