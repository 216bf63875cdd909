// A small zip reader for the workbook tests: the central directory's entries, each stored or
// deflated (inflated with zlib). Enough for the archives libxlsxwriter writes; no zip64.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace faultline::test {

class ZipArchive {
public:
  // Reads the archive at `path`; nullopt when it is missing or not a zip this reader knows.
  static std::optional<ZipArchive> open(const std::filesystem::path& path);

  // The entry names, in central directory order.
  std::vector<std::string> names() const;
  // The uncompressed content of entry `name`; nullopt when there is none or it is damaged.
  std::optional<std::string> read(std::string_view name) const;

private:
  struct Entry {
    std::uint16_t method = 0;
    std::uint32_t compressed_size = 0;
    std::uint32_t size = 0;
    std::uint32_t local_header = 0;
  };

  std::string m_bytes;
  std::vector<std::string> m_order;
  std::map<std::string, Entry, std::less<>> m_entries;
};

}  // namespace faultline::test
