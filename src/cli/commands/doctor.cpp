// `faultline doctor`: checks every dependency of the fault process — config, Jira auth,
// project, issue types, field mapping, workflow, Confluence space and parent page, chat
// channels — and says how to fix each failure. Exit 0 only when all pass.
#include <memory>

#include "faultline/app/doctor.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/cli/output.hpp"

namespace faultline::cli {

namespace {

struct DoctorOptions {};

Result<ExitCode> run_doctor(const DoctorOptions&, Context& ctx) {
  const auto report = app::run_doctor(ctx);
  if (ctx.options.json) {
    print_json(ctx.out(), report.to_json());
  } else {
    const bool color = ctx.color();
    Table table({"STATUS", "CHECK", "DETAIL"});
    for (const auto& c : report.checks) {
      const Color tone = c.status == app::CheckStatus::Pass   ? Color::Green
                         : c.status == app::CheckStatus::Fail ? Color::Red
                                                              : Color::Yellow;
      std::string detail = c.detail;
      if (!c.fix.empty()) detail += " — fix: " + c.fix;
      table.add_row({paint(app::to_string(c.status), tone, color), c.name, ctx.redactor().mask(detail)});
    }
    table.print(ctx.out(), ctx.streams().out_tty ? TableStyle::Aligned : TableStyle::TabSeparated);
  }
  return report.all_passed() ? ExitCode::Ok : ExitCode::Failed;
}

}  // namespace

void register_doctor(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<DoctorOptions>();
  auto* doctor = app.add_subcommand("doctor", "Check config, Jira, Confluence and chat channels; print the fix for each failure");
  set_examples(*doctor, {"faultline doctor", "faultline doctor --json | jq '.checks[] | select(.status==\"fail\")'"});
  doctor->callback([options, &ctx] { finish(ctx, run_doctor(*options, ctx)); });
}

}  // namespace faultline::cli
