#include "faultline/notify/signing.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "faultline/http/url.hpp"

namespace faultline::notify {

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string sha256(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), SHA256_DIGEST_LENGTH);
}

std::string base64_encode(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(data.data()),
                                      static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

std::string hex_encode(std::string_view data) {
  constexpr std::string_view k_digits = "0123456789abcdef";
  std::string out;
  out.reserve(data.size() * 2);
  for (char c : data) {
    const auto byte = static_cast<unsigned char>(c);
    out += k_digits[byte >> 4];
    out += k_digits[byte & 0x0F];
  }
  return out;
}

std::string dingtalk_sign(std::string_view secret, std::int64_t timestamp_ms) {
  const std::string string_to_sign = std::to_string(timestamp_ms) + "\n" + std::string(secret);
  return base64_encode(hmac_sha256(secret, string_to_sign));
}

std::string dingtalk_signed_url(std::string_view url, std::string_view secret,
                                std::int64_t timestamp_ms) {
  std::string out(url);
  out += out.find('?') == std::string::npos ? '?' : '&';
  out += "timestamp=" + std::to_string(timestamp_ms);
  out += "&sign=" + http::url_encode(dingtalk_sign(secret, timestamp_ms));
  return out;
}

std::string feishu_sign(std::string_view secret, std::int64_t timestamp_s) {
  const std::string string_to_sign = std::to_string(timestamp_s) + "\n" + std::string(secret);
  return base64_encode(hmac_sha256(string_to_sign, ""));
}

std::string generic_signature(std::string_view secret, std::string_view body) {
  return "sha256=" + hex_encode(hmac_sha256(secret, body));
}

}  // namespace faultline::notify
