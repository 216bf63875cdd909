// The zip reader: find the end-of-central-directory record, walk the central directory,
// then for each read skip the local header and inflate raw deflate data.
#include "zip_reader.hpp"

#include <fstream>
#include <sstream>

#include <zlib.h>

namespace faultline::test {

namespace {

constexpr std::uint32_t k_end_signature = 0x06054b50;
constexpr std::uint32_t k_central_signature = 0x02014b50;
constexpr std::uint32_t k_local_signature = 0x04034b50;

std::uint32_t le(const std::string& bytes, std::size_t at, int width) {
  std::uint32_t value = 0;
  for (int i = width - 1; i >= 0; --i)
    value = (value << 8) | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)]);
  return value;
}

std::optional<std::size_t> find_end_record(const std::string& bytes) {
  if (bytes.size() < 22) return std::nullopt;
  for (std::size_t at = bytes.size() - 22;; --at) {
    if (le(bytes, at, 4) == k_end_signature) return at;
    if (at == 0 || bytes.size() - at > 22 + 0xFFFF) return std::nullopt;
  }
}

std::optional<std::string> inflate_raw(std::string_view data, std::size_t size) {
  std::string out(size, '\0');
  z_stream stream{};
  if (inflateInit2(&stream, -MAX_WBITS) != Z_OK) return std::nullopt;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int status = inflate(&stream, Z_FINISH);
  const bool complete = status == Z_STREAM_END && stream.total_out == size;
  inflateEnd(&stream);
  if (!complete) return std::nullopt;
  return out;
}

}  // namespace

std::optional<ZipArchive> ZipArchive::open(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  ZipArchive archive;
  archive.m_bytes = text.str();
  const std::string& bytes = archive.m_bytes;
  const auto end = find_end_record(bytes);
  if (!end) return std::nullopt;
  const std::uint32_t count = le(bytes, *end + 10, 2);
  std::size_t at = le(bytes, *end + 16, 4);
  for (std::uint32_t i = 0; i < count; ++i) {
    if (at + 46 > bytes.size() || le(bytes, at, 4) != k_central_signature) return std::nullopt;
    const std::size_t name_length = le(bytes, at + 28, 2);
    if (at + 46 + name_length > bytes.size()) return std::nullopt;
    Entry entry{static_cast<std::uint16_t>(le(bytes, at + 10, 2)), le(bytes, at + 20, 4), le(bytes, at + 24, 4),
                le(bytes, at + 42, 4)};
    std::string name = bytes.substr(at + 46, name_length);
    archive.m_order.push_back(name);
    archive.m_entries.emplace(std::move(name), entry);
    at += 46 + name_length + le(bytes, at + 30, 2) + le(bytes, at + 32, 2);
  }
  return archive;
}

std::vector<std::string> ZipArchive::names() const { return m_order; }

std::optional<std::string> ZipArchive::read(std::string_view name) const {
  const auto found = m_entries.find(name);
  if (found == m_entries.end()) return std::nullopt;
  const Entry& entry = found->second;
  const std::size_t header = entry.local_header;
  if (header + 30 > m_bytes.size() || le(m_bytes, header, 4) != k_local_signature) return std::nullopt;
  const std::size_t start = header + 30 + le(m_bytes, header + 26, 2) + le(m_bytes, header + 28, 2);
  if (start + entry.compressed_size > m_bytes.size()) return std::nullopt;
  const std::string_view data(m_bytes.data() + start, entry.compressed_size);
  if (entry.method == 0) return std::string(data);
  if (entry.method == 8) return inflate_raw(data, entry.size);
  return std::nullopt;
}

}  // namespace faultline::test
