// write_workbook: the sheets in tab order on a temporary file next to the target, then
// libxlsxwriter's close (which writes the zip) and a rename over the target.
#include "faultline/report/workbook.hpp"

#include <cerrno>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

#include "output_file.hpp"
#include "workbook_book.hpp"

namespace faultline::report {

namespace {

namespace fs = std::filesystem;

// The sheets of every workbook, in tab order; a failure is remembered by the Book.
void add_sheets(Book& book, const core::StatsReport& report) {
  add_summary_sheet(book, report);
  lxw_worksheet* charts = book.add_sheet(k_charts_sheet);
  add_breakdown_sheet(book, report, k_by_level_sheet, &core::PeriodStats::by_level, ColumnOrder::Levels);
  add_breakdown_sheet(book, report, "By type", &core::PeriodStats::by_type, ColumnOrder::Alphabetical);
  add_breakdown_sheet(book, report, "By source", &core::PeriodStats::by_source, ColumnOrder::Alphabetical);
  add_breakdown_sheet(book, report, "By team", &core::PeriodStats::by_team, ColumnOrder::Alphabetical);
  add_breakdown_sheet(book, report, "By business unit", &core::PeriodStats::by_business_unit,
                      ColumnOrder::Alphabetical);
  add_breakdown_sheet(book, report, "By service", &core::PeriodStats::by_service, ColumnOrder::Alphabetical);
  add_owner_team_sheet(book, report);
  add_releases_sheet(book, report);
  add_fault_rows_sheet(book, report);
  add_action_rows_sheet(book, report);
  add_native_charts(book, charts, report);
}

Error workbook_error(const fs::path& file, const std::string& reason) {
  const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  return Error{ErrorKind::Failed, "cannot write " + file.string() + ": " + reason,
               "check that the directory " + dir.string() + " exists and is writable", 0, {}};
}

}  // namespace

std::vector<std::string> workbook_sheet_names() {
  return {k_summary_sheet, k_charts_sheet, k_by_level_sheet, "By type",        "By source",
          "By team",       "By business unit", "By service", k_owner_team_sheet, k_releases_sheet,
          k_faults_sheet,  k_actions_sheet};
}

Result<void> write_workbook(const core::StatsReport& report, const fs::path& file, const date::time_zone* zone) {
  const fs::path temp = temp_path_next_to(file);
  // Reserve the temporary name (and learn early, with the system's reason, when the
  // directory cannot take it); libxlsxwriter then writes over it.
  if (const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666); fd >= 0) ::close(fd);
  else return std::unexpected(workbook_error(file, std::generic_category().message(errno)));
  lxw_workbook_options options{};
  options.constant_memory = LXW_FALSE;
  lxw_workbook* workbook = workbook_new_opt(temp.c_str(), &options);
  if (workbook == nullptr) {
    ::unlink(temp.c_str());
    return std::unexpected(workbook_error(file, lxw_strerror(LXW_ERROR_MEMORY_MALLOC_FAILED)));
  }
  std::optional<std::string> failure;
  {
    Book book(workbook, zone);
    add_sheets(book, report);
    failure = book.error();
  }
  const lxw_error closed = workbook_close(workbook);
  if (!failure && closed != LXW_NO_ERROR) failure = lxw_strerror(closed);
  if (failure) {
    ::unlink(temp.c_str());
    return std::unexpected(workbook_error(file, *failure));
  }
  return replace_with(temp, file);
}

}  // namespace faultline::report
