#include "controller/config/tls_certificates.h"

#include <arpa/inet.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "crd-like-specs/status_macros.h"

namespace radctl {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using Names = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES, GENERAL_NAMES_free>>;

// What OpenSSL says went wrong (its error queue), emptied.
absl::Status OpensslError(const std::string& what) {
  std::string reasons;
  while (unsigned long code = ERR_get_error()) {
    char text[256];
    ERR_error_string_n(code, text, sizeof(text));
    absl::StrAppend(&reasons, reasons.empty() ? "" : "; ", text);
  }
  return absl::InternalError(
      absl::StrCat(what, " failed: ", reasons.empty() ? "no reason given" : reasons));
}

absl::StatusOr<Key> NewKey() {
  Key key(EVP_EC_gen("P-256"));
  if (key == nullptr) return OpensslError("making an EC P-256 key");
  return key;
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

absl::StatusOr<std::string> KeyPem(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)) {
    return OpensslError("encoding a private key");
  }
  return BioText(bio.get());
}

absl::StatusOr<std::string> CertPem(X509* cert) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_X509(bio.get(), cert)) return OpensslError("encoding a certificate");
  return BioText(bio.get());
}

// A certificate for `key` named `common_name`, with a random 127-bit serial. Valid from a
// minute before `now` (clocks of the host and the containers are the same, but a certificate
// made this very second must already be valid).
absl::StatusOr<Cert> NewCertificate(EVP_PKEY* key, const std::string& common_name, absl::Time now,
                                    absl::Duration validity) {
  Cert cert(X509_new());
  std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>> serial(BN_new());
  if (cert == nullptr || serial == nullptr || !X509_set_version(cert.get(), 2) ||
      !BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) == nullptr ||
      ASN1_TIME_set(X509_getm_notBefore(cert.get()), absl::ToTimeT(now - absl::Minutes(1))) ==
          nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(cert.get()), absl::ToTimeT(now + validity)) == nullptr ||
      !X509_set_pubkey(cert.get(), key) ||
      !X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_UTF8,
                                  reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                                  -1, 0)) {
    return OpensslError("making a certificate");
  }
  return cert;
}

absl::Status AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str());
  if (extension == nullptr) return OpensslError(absl::StrCat("extension ", value));
  int added = X509_add_ext(cert, extension, -1);
  X509_EXTENSION_free(extension);
  return added ? absl::OkStatus() : OpensslError(absl::StrCat("adding extension ", value));
}

bool IsIpAddress(const std::string& name) {
  unsigned char address[16];
  return inet_pton(AF_INET, name.c_str(), address) == 1 ||
         inet_pton(AF_INET6, name.c_str(), address) == 1;
}

absl::StatusOr<Cert> ParseCertificate(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Cert cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (cert == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError("not a PEM certificate");
  }
  return cert;
}

absl::StatusOr<Key> ParseKey(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Key key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (key == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError("not a PEM private key");
  }
  return key;
}

}  // namespace

absl::StatusOr<CertificateAndKey> MakeCertificateAuthority(const std::string& common_name,
                                                           absl::Time now,
                                                           absl::Duration validity) {
  ASSIGN_OR_RETURN(Key key, NewKey());
  ASSIGN_OR_RETURN(Cert cert, NewCertificate(key.get(), common_name, now, validity));
  if (!X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()))) {
    return OpensslError("naming the CA's issuer");
  }
  RETURN_IF_ERROR(AddExtension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE"));
  RETURN_IF_ERROR(
      AddExtension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign"));
  RETURN_IF_ERROR(AddExtension(cert.get(), cert.get(), NID_subject_key_identifier, "hash"));
  if (!X509_sign(cert.get(), key.get(), EVP_sha256())) return OpensslError("signing the CA");
  CertificateAndKey result;
  ASSIGN_OR_RETURN(result.cert, CertPem(cert.get()));
  ASSIGN_OR_RETURN(result.key, KeyPem(key.get()));
  return result;
}

absl::StatusOr<CertificateAndKey> IssueServerCertificate(const CertificateAndKey& ca,
                                                         const std::vector<std::string>& names,
                                                         absl::Time now, absl::Duration validity) {
  if (names.empty()) return absl::InvalidArgumentError("a server certificate needs a name");
  ASSIGN_OR_RETURN(Cert ca_cert, ParseCertificate(ca.cert));
  ASSIGN_OR_RETURN(Key ca_key, ParseKey(ca.key));
  ASSIGN_OR_RETURN(Key key, NewKey());
  ASSIGN_OR_RETURN(Cert cert, NewCertificate(key.get(), names.front(), now, validity));
  if (!X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert.get()))) {
    return OpensslError("naming the certificate's issuer");
  }
  std::vector<std::string> alt_names;
  alt_names.reserve(names.size());
  for (const std::string& name : names) {
    alt_names.push_back(absl::StrCat(IsIpAddress(name) ? "IP:" : "DNS:", name));
  }
  RETURN_IF_ERROR(AddExtension(cert.get(), ca_cert.get(), NID_basic_constraints, "CA:FALSE"));
  RETURN_IF_ERROR(
      AddExtension(cert.get(), ca_cert.get(), NID_key_usage, "critical,digitalSignature"));
  RETURN_IF_ERROR(AddExtension(cert.get(), ca_cert.get(), NID_ext_key_usage, "serverAuth"));
  RETURN_IF_ERROR(
      AddExtension(cert.get(), ca_cert.get(), NID_subject_alt_name, absl::StrJoin(alt_names, ",")));
  RETURN_IF_ERROR(
      AddExtension(cert.get(), ca_cert.get(), NID_authority_key_identifier, "keyid:always"));
  if (!X509_sign(cert.get(), ca_key.get(), EVP_sha256())) {
    return OpensslError("signing the server certificate");
  }
  CertificateAndKey result;
  ASSIGN_OR_RETURN(result.cert, CertPem(cert.get()));
  ASSIGN_OR_RETURN(result.key, KeyPem(key.get()));
  return result;
}

absl::StatusOr<CertificateFacts> ReadCertificate(const std::string& pem) {
  ASSIGN_OR_RETURN(Cert cert, ParseCertificate(pem));
  CertificateFacts facts;
  struct tm not_after {};
  if (!ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &not_after)) {
    ERR_clear_error();
    return absl::InvalidArgumentError("the certificate's notAfter cannot be read");
  }
  facts.not_after = absl::FromTimeT(timegm(&not_after));
  Names names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert.get(), NID_subject_alt_name, nullptr, nullptr)));
  for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type == GEN_DNS) {
      const ASN1_IA5STRING* dns = name->d.dNSName;
      facts.names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                               ASN1_STRING_length(dns));
    } else if (name->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* ip = name->d.iPAddress;
      char text[INET6_ADDRSTRLEN] = {};
      int family = ASN1_STRING_length(ip) == 4 ? AF_INET : AF_INET6;
      if (inet_ntop(family, ASN1_STRING_get0_data(ip), text, sizeof(text)) != nullptr) {
        facts.names.emplace_back(text);
      }
    }
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!X509_digest(cert.get(), EVP_sha256(), digest, &length)) {
    return OpensslError("fingerprinting the certificate");
  }
  facts.fingerprint =
      absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), length))
          .substr(0, 16);
  return facts;
}

}  // namespace radctl
