// multipart/form-data bodies (RFC 7578) for attachment uploads (private to the confluence
// module; v2 has no upload, so every flavor posts this to REST v1).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "faultline/http/rest.hpp"

namespace faultline::confluence::detail {

// One form field. A file part has a file name; content_type "" sends no Content-Type header.
struct FormPart {
  std::string name;
  std::string data;  // any bytes, NULs included
  std::string file_name;
  std::string content_type;
};

// The body and its "multipart/form-data; boundary=..." content type. The boundary is random
// and checked against every part's bytes and headers, so it cannot occur inside them.
// Quotes, CR and LF in names become %22, %0D and %0A (as browsers send them).
http::RawBody form_data(const std::vector<FormPart>& parts);

}  // namespace faultline::confluence::detail
