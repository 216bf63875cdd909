#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "faultline/notify/signing.hpp"

using namespace faultline::notify;

namespace {

// Computed here with OpenSSL directly, independent of signing.cpp's helpers.
std::string reference_hmac_base64(const std::string& key, const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &length);
  BIO* b64 = BIO_new(BIO_f_base64());
  BIO* mem = BIO_new(BIO_s_mem());
  BIO_set_flags(b64, BIO_FLAGS_BASE64_NO_NL);
  BIO_push(b64, mem);
  BIO_write(b64, digest, static_cast<int>(length));
  (void)BIO_flush(b64);
  char* out = nullptr;
  const long size = BIO_get_mem_data(mem, &out);
  std::string encoded(out, static_cast<std::size_t>(size));
  BIO_free_all(b64);
  return encoded;
}

}  // namespace

TEST_CASE("DingTalk sign is base64(HMAC-SHA256(key=secret, msg=timestamp_ms\\nsecret))") {
  const std::string secret = "SECexample0123456789abcdef";
  const std::int64_t ts = 1700000000000;
  CHECK(dingtalk_sign(secret, ts) == reference_hmac_base64(secret, "1700000000000\n" + secret));
  // Fixed vector, computed with Python's hmac module.
  CHECK(dingtalk_sign(secret, ts) == "+cxnz7PMkHTgYGZLYfiu2juTRMk8MZfdVOdDh8s0utc=");
}

TEST_CASE("DingTalk signed URL appends timestamp and the URL-encoded sign") {
  const std::string url = "https://oapi.dingtalk.com/robot/send?access_token=abc";
  CHECK(dingtalk_signed_url(url, "SECexample0123456789abcdef", 1700000000000) ==
        url + "&timestamp=1700000000000&sign=%2Bcxnz7PMkHTgYGZLYfiu2juTRMk8MZfdVOdDh8s0utc%3D");
  CHECK(dingtalk_signed_url("https://h/robot/send", "s", 1).starts_with("https://h/robot/send?timestamp=1&sign="));
}

TEST_CASE("Feishu sign is base64(HMAC-SHA256(key=timestamp_s\\nsecret, msg=empty)), not DingTalk's way") {
  const std::string secret = "feishu-secret-xyz";
  const std::int64_t ts = 1700000000;
  CHECK(feishu_sign(secret, ts) == reference_hmac_base64("1700000000\n" + secret, ""));
  CHECK(feishu_sign(secret, ts) == "RpXbw7bncheMXKEHLeETmnhcqsBrZOUBOwyPTuLV4ic=");
  CHECK(feishu_sign(secret, ts) != reference_hmac_base64(secret, "1700000000\n" + secret));
}

TEST_CASE("generic signature is sha256= and the hex HMAC of the exact body") {
  CHECK(generic_signature("whsecret", R"({"a":1})") ==
        "sha256=b2ede3ef30f428daf114e70cd9dd2fd3ff364a1fdc17db5f846f4f49d8a01dab");
}

TEST_CASE("base64 and hex helpers") {
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
  CHECK(hex_encode(std::string("\x00\xff\x10", 3)) == "00ff10");
}
