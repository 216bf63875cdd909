// Releases from a CSV file, read with libcsv in strict mode (its header stays in this file).
// Pure.
#include "faultline/core/release_csv.hpp"
#include "faultline/core/text_input.hpp"
#include "faultline/util/strings.hpp"

#include <algorithm>
#include <map>

#include <csv.h>
#include <fmt/format.h>

namespace faultline::core {

namespace {

constexpr std::string_view k_utf8_bom = "\xEF\xBB\xBF";
constexpr std::string_view k_release_columns = "date,service,version (version optional)";
constexpr std::string_view k_quoting_hint =
    "enclose a field that holds a comma, quote or line break in double quotes, and double each "
    "quote inside it (\"\")";

// One record of the file and the line it starts on.
struct CsvRecord {
  std::vector<std::string> fields;
  std::size_t line = 0;
};

// The records read, and the error that stopped the reading (records after it are not read).
struct CsvRecords {
  std::vector<CsvRecord> records;
  std::optional<Error> error;
};

// A cell as shown inside an error message: quoted, control characters as '?'.
std::string quoted_cell(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) out.push_back(static_cast<unsigned char>(c) < 0x20 ? '?' : c);
  out += "\"";
  return out;
}

// libcsv's parser, owned. Fed one byte at a time, so each record knows the line it starts on
// and a quoting error the line it is on (libcsv reports neither).
class CsvReader {
public:
  explicit CsvReader(std::string_view file_name) : m_file(file_name) {
    m_ok = csv_init(&m_parser, CSV_STRICT | CSV_STRICT_FINI) == 0;
  }
  ~CsvReader() {
    if (m_ok) csv_free(&m_parser);
  }
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  CsvRecords read(std::string_view text) {
    if (!m_ok) return fail_with(0, "could not start the CSV parser");
    for (std::size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      if (!m_in_record && c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        m_in_record = true;
        m_record.line = m_line;
      }
      if (csv_parse(&m_parser, &c, 1, on_field, on_record, this) != 1) return parse_failure(m_line);
      // A line ends at LF, at CR LF, or at a CR alone.
      if (c == '\n' || (c == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) ++m_line;
    }
    if (csv_fini(&m_parser, on_field, on_record, this) != 0) return parse_failure(m_record.line);
    return std::move(m_result);
  }

private:
  static void on_field(void* field, std::size_t size, void* self) {
    auto& reader = *static_cast<CsvReader*>(self);
    reader.m_record.fields.emplace_back(size == 0 ? std::string() : std::string(static_cast<const char*>(field), size));
  }

  static void on_record(int /*terminator*/, void* self) {
    auto& reader = *static_cast<CsvReader*>(self);
    reader.m_result.records.push_back(std::move(reader.m_record));
    reader.m_record = CsvRecord{};
    reader.m_in_record = false;
  }

  CsvRecords parse_failure(std::size_t line) {
    const int code = csv_error(&m_parser);
    if (code == CSV_EPARSE) {
      return fail_with(line, "malformed quoting (a quote inside an unquoted field, text after a closing quote, "
                             "or a quoted field that never closes)");
    }
    return fail_with(line, fmt::format("cannot read the CSV: {}", csv_strerror(code)));
  }

  CsvRecords fail_with(std::size_t line, std::string what) {
    m_result.error = Error{ErrorKind::Config, fmt::format("{}:{}: {}", m_file, line, what),
                           std::string(k_quoting_hint), 0, {}};
    return std::move(m_result);
  }

  std::string m_file;
  csv_parser m_parser{};
  bool m_ok = false;
  std::size_t m_line = 1;
  bool m_in_record = false;
  CsvRecord m_record;
  CsvRecords m_result;
};

// Where the columns are in each record.
struct ReleaseColumns {
  std::size_t count = 0;  // fields in the header
  std::size_t date = 0;
  std::size_t service = 0;
  std::optional<std::size_t> version;
};

Result<ReleaseColumns> read_release_header(const CsvRecord& header, std::string_view file) {
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    const auto name = lower(trim(header.fields[i]));
    if (name.empty()) continue;
    if (!index.emplace(name, i).second) {
      return fail(ErrorKind::Config, fmt::format("{}:{}: the column {} appears twice", file, header.line, quoted_cell(name)),
                  fmt::format("name each column once: {}", k_release_columns));
    }
  }
  for (const char* required : {"date", "service"}) {
    if (!index.contains(required)) {
      return fail(ErrorKind::Config,
                  fmt::format("{}:{}: the header has no \"{}\" column", file, header.line, required),
                  fmt::format("the first row must name the columns: {}", k_release_columns));
    }
  }
  ReleaseColumns columns{header.fields.size(), index.at("date"), index.at("service"), std::nullopt};
  if (const auto it = index.find("version"); it != index.end()) columns.version = it->second;
  return columns;
}

// Whether `text` begins with the shape YYYY-MM-DD: only then is it read as a time, so a cell
// is never taken for "now" or a relative offset.
bool starts_with_day(std::string_view text) {
  const auto digit = [&](std::size_t i) { return text[i] >= '0' && text[i] <= '9'; };
  return text.size() >= 10 && digit(0) && digit(1) && digit(2) && digit(3) && text[4] == '-' && digit(5) &&
         digit(6) && text[7] == '-' && digit(8) && digit(9);
}

// The day a release went out, as local midnight in `zone`.
std::optional<TimePoint> release_day(std::string_view text, const date::time_zone* zone) {
  if (!starts_with_day(text)) return std::nullopt;
  const auto t = parse_time(text, TimePoint{}, zone);
  if (!t) return std::nullopt;
  return local_midnight(local_date(*t, zone), zone);
}

Result<Release> read_release(const CsvRecord& record, const ReleaseColumns& columns, std::string_view file,
                             const date::time_zone* zone) {
  if (record.fields.size() != columns.count) {
    return fail(ErrorKind::Config,
                fmt::format("{}:{}: {} field{}, but the header has {}", file, record.line, record.fields.size(),
                            record.fields.size() == 1 ? "" : "s", columns.count),
                std::string(k_quoting_hint));
  }
  const auto date_text = trim(record.fields[columns.date]);
  const auto at = release_day(date_text, zone);
  if (!at) {
    return fail(ErrorKind::Config,
                fmt::format("{}:{}: date {} is not YYYY-MM-DD or an ISO 8601 time", file, record.line,
                            quoted_cell(date_text)),
                "write the day the release went out, e.g. 2026-11-25 or 2026-11-25T10:00:00+08:00");
  }
  Release release{*at, std::string(trim(record.fields[columns.service])), {}};
  if (columns.version) release.version = std::string(trim(record.fields[*columns.version]));
  return release;
}

// A record of empty fields only: a blank line, or ",," as spreadsheets write under the data.
bool is_blank(const CsvRecord& record) {
  return std::all_of(record.fields.begin(), record.fields.end(),
                     [](const std::string& field) { return trim(field).empty(); });
}

}  // namespace

Result<std::vector<Release>> parse_releases_csv(std::string_view text, std::string_view file_name,
                                                const date::time_zone* zone) {
  if (zone == nullptr) zone = date::locate_zone("UTC");
  if (auto text_ok = check_text_file(text, file_name, ErrorKind::Config); !text_ok) return std::unexpected(text_ok.error());
  if (text.starts_with(k_utf8_bom)) text.remove_prefix(k_utf8_bom.size());
  auto read = CsvReader(file_name).read(text);
  std::erase_if(read.records, is_blank);
  if (read.records.empty()) {
    if (read.error) return std::unexpected(std::move(*read.error));
    return fail(ErrorKind::Config, fmt::format("{}: the file is empty", file_name),
                fmt::format("the first row must name the columns: {}", k_release_columns));
  }
  FAULTLINE_TRY(columns, read_release_header(read.records.front(), file_name));
  std::vector<Release> releases;
  for (std::size_t i = 1; i < read.records.size(); ++i) {
    FAULTLINE_TRY(release, read_release(read.records[i], *columns, file_name, zone));
    releases.push_back(std::move(*release));
  }
  if (read.error) return std::unexpected(std::move(*read.error));
  return releases;
}

}  // namespace faultline::core
