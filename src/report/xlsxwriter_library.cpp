// libxlsxwriter, opened on first use (util/shared_library.hpp): the forwarders of the
// functions the workbook export calls. A new call fails to link until its line is added here.
#include <xlsxwriter.h>

#include "faultline/util/shared_library.hpp"

namespace {

faultline::util::SharedLibrary& xlsxwriter() {
  static faultline::util::SharedLibrary library("libxlsxwriter.so.4", "libxlsxwriter4");
  return library;
}

}  // namespace

FAULTLINE_FORWARD(xlsxwriter(), lxw_chart_series *, chart_add_series, (lxw_chart *a0, const char *a1, const char *a2), (a0, a1, a2))
FAULTLINE_FORWARD(xlsxwriter(), void, chart_axis_set_name, (lxw_chart_axis *a0, const char *a1), (a0, a1))
FAULTLINE_FORWARD(xlsxwriter(), void, chart_legend_set_position, (lxw_chart *a0, uint8_t a1), (a0, a1))
FAULTLINE_FORWARD(xlsxwriter(), void, chart_series_set_categories, (lxw_chart_series *a0, const char *a1, lxw_row_t a2, lxw_col_t a3, lxw_row_t a4, lxw_col_t a5), (a0, a1, a2, a3, a4, a5))
FAULTLINE_FORWARD(xlsxwriter(), void, chart_series_set_fill, (lxw_chart_series *a0, lxw_chart_fill *a1), (a0, a1))
FAULTLINE_FORWARD(xlsxwriter(), void, chart_series_set_line, (lxw_chart_series *a0, lxw_chart_line *a1), (a0, a1))
FAULTLINE_FORWARD(xlsxwriter(), void, chart_series_set_marker_fill, (lxw_chart_series *a0, lxw_chart_fill *a1), (a0, a1))
FAULTLINE_FORWARD(xlsxwriter(), void, chart_series_set_marker_type, (lxw_chart_series *a0, uint8_t a1), (a0, a1))
FAULTLINE_FORWARD(xlsxwriter(), void, chart_series_set_name_range, (lxw_chart_series *a0, const char *a1, lxw_row_t a2, lxw_col_t a3), (a0, a1, a2, a3))
FAULTLINE_FORWARD(xlsxwriter(), void, chart_series_set_values, (lxw_chart_series *a0, const char *a1, lxw_row_t a2, lxw_col_t a3, lxw_row_t a4, lxw_col_t a5), (a0, a1, a2, a3, a4, a5))
FAULTLINE_FORWARD(xlsxwriter(), void, chart_set_series_gap, (lxw_chart *a0, uint16_t a1), (a0, a1))
FAULTLINE_FORWARD(xlsxwriter(), void, chart_show_blanks_as, (lxw_chart *a0, uint8_t a1), (a0, a1))
FAULTLINE_FORWARD(xlsxwriter(), void, chart_title_set_name, (lxw_chart *a0, const char *a1), (a0, a1))
FAULTLINE_FORWARD(xlsxwriter(), void, format_set_bold, (lxw_format *a0), (a0))
FAULTLINE_FORWARD(xlsxwriter(), void, format_set_num_format, (lxw_format *a0, const char *a1), (a0, a1))
FAULTLINE_FORWARD(xlsxwriter(), char *, lxw_strerror, (lxw_error a0), (a0))
FAULTLINE_FORWARD(xlsxwriter(), lxw_chart *, workbook_add_chart, (lxw_workbook *a0, uint8_t a1), (a0, a1))
FAULTLINE_FORWARD(xlsxwriter(), lxw_format *, workbook_add_format, (lxw_workbook *a0), (a0))
FAULTLINE_FORWARD(xlsxwriter(), lxw_worksheet *, workbook_add_worksheet, (lxw_workbook *a0, const char *a1), (a0, a1))
FAULTLINE_FORWARD(xlsxwriter(), lxw_error, workbook_close, (lxw_workbook *a0), (a0))
FAULTLINE_FORWARD(xlsxwriter(), lxw_workbook *, workbook_new_opt, (const char *a0, lxw_workbook_options *a1), (a0, a1))
FAULTLINE_FORWARD(xlsxwriter(), lxw_error, workbook_validate_sheet_name, (lxw_workbook *a0, const char *a1), (a0, a1))
FAULTLINE_FORWARD(xlsxwriter(), void, worksheet_freeze_panes, (lxw_worksheet *a0, lxw_row_t a1, lxw_col_t a2), (a0, a1, a2))
FAULTLINE_FORWARD(xlsxwriter(), lxw_error, worksheet_insert_chart_opt, (lxw_worksheet *a0, lxw_row_t a1, lxw_col_t a2, lxw_chart *a3, lxw_chart_options *a4), (a0, a1, a2, a3, a4))
FAULTLINE_FORWARD(xlsxwriter(), lxw_error, worksheet_set_column, (lxw_worksheet *a0, lxw_col_t a1, lxw_col_t a2, double a3, lxw_format *a4), (a0, a1, a2, a3, a4))
FAULTLINE_FORWARD(xlsxwriter(), lxw_error, worksheet_write_datetime, (lxw_worksheet *a0, lxw_row_t a1, lxw_col_t a2, lxw_datetime *a3, lxw_format *a4), (a0, a1, a2, a3, a4))
FAULTLINE_FORWARD(xlsxwriter(), lxw_error, worksheet_write_number, (lxw_worksheet *a0, lxw_row_t a1, lxw_col_t a2, double a3, lxw_format *a4), (a0, a1, a2, a3, a4))
FAULTLINE_FORWARD(xlsxwriter(), lxw_error, worksheet_write_string, (lxw_worksheet *a0, lxw_row_t a1, lxw_col_t a2, const char *a3, lxw_format *a4), (a0, a1, a2, a3, a4))
