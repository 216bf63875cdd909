// multipart/form-data parsing for attachment uploads.
#include "multipart.hpp"

namespace sandbox {

namespace {

std::string ascii_lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

std::string header_param(std::string_view header, std::string_view key) {
  const std::string lowered = ascii_lowered(header);
  const std::string wanted = ascii_lowered(key) + "=";
  std::size_t at = 0;
  while ((at = lowered.find(wanted, at)) != std::string::npos) {
    bool boundary_ok = at == 0 || lowered[at - 1] == ';' || lowered[at - 1] == ' ';
    if (boundary_ok) break;
    ++at;
  }
  if (at == std::string::npos) return {};
  std::size_t v = at + wanted.size();
  if (v < header.size() && header[v] == '"') {
    auto end = header.find('"', v + 1);
    return std::string(header.substr(v + 1, end == std::string_view::npos ? std::string_view::npos : end - v - 1));
  }
  auto end = header.find(';', v);
  std::string out(header.substr(v, end == std::string_view::npos ? std::string_view::npos : end - v));
  out.erase(out.find_last_not_of(' ') + 1);
  return out;
}

std::expected<std::vector<MultipartPart>, std::string> parse_multipart(std::string_view body, std::string_view boundary) {
  std::vector<MultipartPart> parts;
  const std::string delimiter = "--" + std::string(boundary);
  std::size_t at = body.find(delimiter);
  if (at == std::string_view::npos) return std::unexpected(std::string("multipart boundary not found in the body"));
  at += delimiter.size();
  while (true) {
    if (body.compare(at, 2, "--") == 0) return parts;
    if (body.compare(at, 2, "\r\n") != 0) return std::unexpected(std::string("malformed multipart body"));
    at += 2;
    auto header_end = body.find("\r\n\r\n", at);
    if (header_end == std::string_view::npos) return std::unexpected(std::string("malformed multipart part headers"));
    MultipartPart part;
    std::string_view headers = body.substr(at, header_end - at);
    std::size_t line_start = 0;
    while (line_start <= headers.size()) {
      auto line_end = headers.find("\r\n", line_start);
      if (line_end == std::string_view::npos) line_end = headers.size();
      std::string_view line = headers.substr(line_start, line_end - line_start);
      auto colon = line.find(':');
      if (colon != std::string_view::npos) {
        std::string name = ascii_lowered(line.substr(0, colon));
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        if (name == "content-disposition") {
          part.name = header_param(value, "name");
          part.filename = header_param(value, "filename");
        } else if (name == "content-type") {
          part.content_type = std::string(value);
        }
      }
      line_start = line_end + 2;
    }
    std::size_t data_start = header_end + 4;
    auto data_end = body.find("\r\n" + delimiter, data_start);
    if (data_end == std::string_view::npos) return std::unexpected(std::string("unterminated multipart part"));
    part.data = std::string(body.substr(data_start, data_end - data_start));
    parts.push_back(std::move(part));
    at = data_end + 2 + delimiter.size();
  }
}

}  // namespace sandbox
