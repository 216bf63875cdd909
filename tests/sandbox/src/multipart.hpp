// multipart/form-data bodies (RFC 7578), as attachment uploads send them.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace sandbox {

// One part of a multipart/form-data body.
struct MultipartPart {
  std::string name;          // Content-Disposition name
  std::string filename;      // Content-Disposition filename (empty for a plain field)
  std::string content_type;  // the part's Content-Type, if given
  std::string data;          // the part's bytes
};

// A parameter of a header value: header_param("form-data; name=\"file\"", "name") == "file".
// Names compare case-insensitively; quoted values are unquoted. Empty when absent.
std::string header_param(std::string_view header, std::string_view key);

// Splits `body` at `boundary`. Error: a human-readable reason (boundary missing, malformed part
// headers, unterminated part).
std::expected<std::vector<MultipartPart>, std::string> parse_multipart(std::string_view body, std::string_view boundary);

}  // namespace sandbox
