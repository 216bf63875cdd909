// `faultline search TEXT`: one search across fault tickets (Jira: faults and their actions)
// and review and report pages (Confluence), merged into one row per fault — found in both
// first, then by each source's relevance, then newest. An aligned table on a terminal (long
// titles and excerpts cut), tab-separated rows when piped, and with --json the array
// documented in README ("faultline search"). Nothing found is not an error: exit 0.
#include <memory>

#include "faultline/app/search.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/cli/output.hpp"
#include "faultline/util/strings.hpp"

namespace faultline::cli {

namespace {

struct SearchOptions {
  std::vector<std::string> words;  // joined with spaces: the searched text
  app::FaultSearchRequest request;
};

// One table row: KEY LEVEL STATUS DATE TITLE REVIEW EXCERPT. On a terminal the title and the
// excerpt are cut to fit; links are never cut. A report row shows "report" as its key and its
// page as the link.
std::vector<std::string> search_row(const core::SearchItem& item, const date::time_zone* zone, bool terminal) {
  const auto cell = [terminal](std::string_view text, std::size_t width) {
    return terminal ? fit(text, width) : std::string(text);
  };
  if (item.type == core::SearchItemType::Report)
    return {"report", "", "", "", cell(item.title, 40), item.url, cell(item.excerpt, 60)};
  const auto& fault = item.fault;
  return {fault.key, fault.level, fault.status, core::fault_day(fault, zone), cell(item.title, 40), item.review_url,
          cell(item.excerpt, 60)};
}

Result<ExitCode> run_search(const SearchOptions& options, Context& ctx) {
  auto request = options.request;
  request.text = join(options.words, " ");
  FAULTLINE_TRY(result, app::search_faults(ctx, request));
  if (ctx.options.json) {
    print_json(ctx.out(), result->json);
    return ExitCode::Ok;
  }
  if (result->items.empty()) {
    if (!ctx.options.quiet) ctx.err() << "nothing matches\n";
    return ExitCode::Ok;
  }
  const bool terminal = ctx.streams().out_tty;
  Table table({"KEY", "LEVEL", "STATUS", "DATE", "TITLE", "REVIEW", "EXCERPT"});
  for (const auto& item : result->items) table.add_row(search_row(item, result->zone, terminal));
  table.print(ctx.out(), terminal ? TableStyle::Aligned : TableStyle::TabSeparated);
  return ExitCode::Ok;
}

}  // namespace

void register_search(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<SearchOptions>();
  auto* cmd = app.add_subcommand("search", "Search past faults: tickets, their actions and review pages");
  cmd->add_option("text", options->words, "The words to find, as one phrase (operators and quotes are plain text)")
      ->required();
  cmd->add_option("--since", options->request.since, "Faults created at or after (ISO 8601, -90d, ...)");
  one_of(cmd->add_option("--level", options->request.level, "Only this level (P1..P4)"), {"P1", "P2", "P3", "P4"}, false);
  cmd->add_option("--team", options->request.team, "Only this team");
  cmd->add_option("--service", options->request.service, "Only this service");
  cmd->add_option("--status", options->request.status, "open, closed or all (default)")
      ->check(CLI::IsMember({"open", "closed", "all"}));
  cmd->add_option("--limit", options->request.limit, "At most this many results (default 50)")
      ->check(CLI::Range(1, 1000));
  set_examples(*cmd, {"faultline search \"connection pool exhausted\"",
                      "faultline search redis timeout --service checkout --since -180d",
                      "faultline search \"disk full\" --status closed --json | jq '.[] | {key, review_url}'"});
  cmd->callback([options, &ctx] { finish(ctx, run_search(*options, ctx)); });
}

}  // namespace faultline::cli
