// multipart/form-data bodies with a boundary that does not occur in the data.
#include "multipart.hpp"

#include <cstdint>
#include <random>

namespace faultline::confluence::detail {
namespace {

constexpr std::string_view k_hex_digits = "0123456789abcdef";

// A quoted-string value for Content-Disposition, escaped the way browsers do (WHATWG HTML):
// a quote or a line break would otherwise end the header.
std::string quoted_value(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    switch (c) {
      case '"': out += "%22"; break;
      case '\r': out += "%0D"; break;
      case '\n': out += "%0A"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

// A header value is one line: anything after a control character could start a new header.
std::string header_value(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out += c;
  }
  return out;
}

std::string part_headers(const FormPart& part) {
  std::string headers = "Content-Disposition: form-data; name=" + quoted_value(part.name);
  if (!part.file_name.empty()) headers += "; filename=" + quoted_value(part.file_name);
  headers += "\r\n";
  if (!part.content_type.empty()) headers += "Content-Type: " + header_value(part.content_type) + "\r\n";
  return headers;
}

bool occurs_in(const std::vector<FormPart>& parts, const std::vector<std::string>& headers, std::string_view boundary) {
  for (const auto& part : parts) {
    if (part.data.find(boundary) != std::string::npos) return true;
  }
  for (const auto& h : headers) {
    if (h.find(boundary) != std::string::npos) return true;
  }
  return false;
}

// 32 random hex digits after a fixed prefix: 128 bits, so a clash with the data is a
// formality, but it is checked anyway (RFC 2046 requires the boundary to be absent).
std::string random_boundary(std::mt19937_64& random) {
  std::string boundary = "faultline-form-";
  for (int i = 0; i < 32; ++i) boundary += k_hex_digits[random() & 0xf];
  return boundary;
}

}  // namespace

http::RawBody form_data(const std::vector<FormPart>& parts) {
  std::vector<std::string> headers;
  for (const auto& part : parts) headers.push_back(part_headers(part));
  std::random_device seed;
  std::mt19937_64 random((static_cast<std::uint64_t>(seed()) << 32) ^ seed());
  std::string boundary = random_boundary(random);
  while (occurs_in(parts, headers, boundary)) boundary = random_boundary(random);

  std::size_t size = boundary.size() + 8;
  for (std::size_t i = 0; i < parts.size(); ++i) size += boundary.size() + headers[i].size() + parts[i].data.size() + 8;
  std::string body;
  body.reserve(size);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    body += "--" + boundary + "\r\n";
    body += headers[i];
    body += "\r\n";
    body += parts[i].data;
    body += "\r\n";
  }
  body += "--" + boundary + "--\r\n";
  return http::RawBody{"multipart/form-data; boundary=" + boundary, std::move(body)};
}

}  // namespace faultline::confluence::detail
