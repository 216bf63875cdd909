// Output helpers: aligned tables on a terminal, tab-separated rows when piped, colour.
#include <catch2/catch.hpp>

#include <sstream>

#include "faultline/cli/exit_codes.hpp"
#include "faultline/cli/output.hpp"

using namespace faultline;
using namespace faultline::cli;

TEST_CASE("aligned tables pad columns by display width, CJK counting double", "[cli][output]") {
  Table table({"KEY", "SUMMARY", "LEVEL"});
  table.add_row({"FAULT-1", "支付失败", "P1"});
  table.add_row({"FAULT-10", "db down", "P2"});
  std::ostringstream out;
  table.print(out, TableStyle::Aligned);
  CHECK(out.str() ==
        "KEY       SUMMARY   LEVEL\n"
        "FAULT-1   支付失败  P1\n"
        "FAULT-10  db down   P2\n");
}

TEST_CASE("piped tables are tab-separated rows without a header, tabs in cells flattened", "[cli][output]") {
  Table table({"KEY", "SUMMARY"});
  table.add_row({"FAULT-1", "a\tb\nc"});
  std::ostringstream out;
  table.print(out, TableStyle::TabSeparated);
  CHECK(out.str() == "FAULT-1\ta b c\n");
}

TEST_CASE("colour codes do not count toward column width", "[cli][output]") {
  CHECK(display_width(paint("pass", Color::Green, true)) == 4);
  CHECK(paint("pass", Color::Green, false) == "pass");
}

TEST_CASE("exit codes follow the documented table", "[cli]") {
  CHECK(exit_code_for(ErrorKind::Failed) == ExitCode::Failed);
  CHECK(to_int(exit_code_for(ErrorKind::Usage)) == 2);
  CHECK(to_int(exit_code_for(ErrorKind::Config)) == 2);
  CHECK(to_int(exit_code_for(ErrorKind::Auth)) == 3);
  CHECK(to_int(exit_code_for(ErrorKind::NotFound)) == 4);
  CHECK(to_int(exit_code_for(ErrorKind::Unavailable)) == 5);
  CHECK(to_int(exit_code_for(ErrorKind::Conflict)) == 1);
  CHECK(to_int(ExitCode::Overdue) == 10);
}
