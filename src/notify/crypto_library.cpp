// libcrypto, opened on first use (util/shared_library.hpp): the forwarders of the OpenSSL
// functions the chat signatures use (HMAC-SHA256, SHA-256, base64).
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "faultline/util/shared_library.hpp"

namespace {

faultline::util::SharedLibrary& crypto() {
  static faultline::util::SharedLibrary library("libcrypto.so.3", "libssl3");
  return library;
}

}  // namespace

FAULTLINE_FORWARD(crypto(), int, EVP_EncodeBlock, (unsigned char *a0, const unsigned char *a1, int a2), (a0, a1, a2))
FAULTLINE_FORWARD(crypto(), const EVP_MD *, EVP_sha256, (), ())
FAULTLINE_FORWARD(crypto(), unsigned char *, HMAC, (const EVP_MD *a0, const void *a1, int a2, const unsigned char *a3, size_t a4, unsigned char *a5, unsigned int *a6), (a0, a1, a2, a3, a4, a5, a6))
FAULTLINE_FORWARD(crypto(), unsigned char *, SHA256, (const unsigned char *a0, size_t a1, unsigned char *a2), (a0, a1, a2))
