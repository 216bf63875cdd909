// `faultline init`: discovers the site (flavor, issue types, custom fields, workflow
// statuses, Confluence space) and writes a commented config. Interactive on a terminal;
// fully non-interactive with flags.
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "faultline/app/site_discovery.hpp"
#include "faultline/cli/command.hpp"
#include "faultline/cli/output.hpp"
#include "faultline/cli/prompt.hpp"
#include "faultline/config/init_file.hpp"
#include "faultline/http/url.hpp"
#include "faultline/util/files.hpp"

namespace faultline::cli {

namespace {

struct InitOptions {
  bool non_interactive = false;
  bool force = false;
  std::string jira_url;
  std::string confluence_url;
  std::string user;
  std::string token_env;
  std::string project;
  std::string space;
  std::string parent = "Fault Reviews";
  std::string fault_type;
  std::string output = "faultline.toml";
};

// Fills a missing option by asking on a terminal (never with --non-interactive).
Result<void> need(Context& ctx, const InitOptions& options, std::string& value, std::string_view question,
                  std::string_view flag, std::string_view default_value = {}) {
  if (!value.empty()) return {};
  if (options.non_interactive) {
    if (!default_value.empty()) {
      value = std::string(default_value);
      return {};
    }
    return fail(ErrorKind::Usage, fmt::format("missing {}", flag), fmt::format("pass {} with --non-interactive", flag));
  }
  FAULTLINE_TRY(answer, ask(ctx, question, flag, default_value));
  value = *answer;
  return {};
}

Result<void> run_init(InitOptions options, Context& ctx) {
  if (!options.force && std::filesystem::exists(options.output)) {
    return fail(ErrorKind::Usage, fmt::format("{} already exists", options.output),
                "pass --force to replace it, or --output another file");
  }
  if (auto r = need(ctx, options, options.jira_url, "Jira URL (https://site.atlassian.net or https://jira.example.com)", "--jira-url"); !r) return r;
  if (auto r = need(ctx, options, options.user, "Jira user (e-mail on Cloud, user name on Data Center; empty for a PAT)", "--user", "-"); !r) return r;
  if (options.user == "-") options.user.clear();
  if (auto r = need(ctx, options, options.token_env, "Environment variable holding the API token", "--token-env", "JIRA_API_TOKEN"); !r) return r;
  if (auto r = need(ctx, options, options.project, "Jira project key", "--project", "FAULT"); !r) return r;
  std::string default_confluence = http::trim_base_url(options.jira_url);
  if (default_confluence.find(".atlassian.net") != std::string::npos) default_confluence += "/wiki";
  if (auto r = need(ctx, options, options.confluence_url, "Confluence URL", "--confluence-url", default_confluence); !r) return r;
  if (auto r = need(ctx, options, options.space, "Confluence space key", "--space", "OPS"); !r) return r;

  auto token = ctx.env().get(options.token_env);
  if (!token || token->empty()) {
    return fail(ErrorKind::Config, fmt::format("${} is not set", options.token_env),
                fmt::format("export {}=<your API token or personal access token> and run init again", options.token_env));
  }
  ctx.redactor().add_secret(*token);
  ctx.config_overrides["jira.url"] = options.jira_url;
  ctx.config_overrides["jira.user"] = options.user;
  ctx.config_overrides["jira.token"] = *token;
  ctx.config_overrides["jira.project"] = options.project;
  ctx.config_overrides["confluence.url"] = options.confluence_url;
  ctx.config_overrides["confluence.space"] = options.space;
  ctx.config_overrides["confluence.parent"] = options.parent;

  config::InitFacts facts;
  facts.jira_url = http::trim_base_url(options.jira_url);
  facts.user = options.user;
  facts.token_env = options.token_env;
  facts.project = options.project;
  facts.confluence_url = http::trim_base_url(options.confluence_url);
  facts.space = options.space;
  facts.parent = options.parent;
  if (auto r = app::discover_site(ctx, {options.fault_type}, facts); !r) return r;

  const auto text = config::render_init_config(facts);
  if (ctx.options.dry_run) {
    ctx.out() << text;
    return {};
  }
  // The file holds no secret (the token is named by token_env): readable like any config.
  if (auto r = write_file_atomically(options.output, text); !r) return r;
  std::error_code ignored;
  std::filesystem::permissions(options.output, std::filesystem::perms(0644), std::filesystem::perm_options::replace, ignored);
  if (ctx.options.json) {
    print_json(ctx.out(), {{"config", options.output},
                           {"flavor", facts.flavor},
                           {"confluence_flavor", facts.confluence_flavor},
                           {"fault_type", facts.fault_type},
                           {"subtask_type", facts.subtask_type},
                           {"fields", facts.fields},
                           {"workflow", facts.workflow},
                           {"notes", facts.notes}});
  } else {
    ctx.out() << fmt::format("wrote {} ({} Jira, {} Confluence, project {}, {} mapped fields)\n", options.output,
                             facts.flavor, facts.confluence_flavor, facts.project, facts.fields.size());
    for (const auto& note : facts.notes) ctx.out() << "note: " << note << '\n';
    ctx.out() << "next: faultline doctor\n";
  }
  return {};
}

}  // namespace

void register_init(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<InitOptions>();
  auto* init = app.add_subcommand("init", "Discover your Jira and Confluence and write a commented config file");
  init->add_flag("--non-interactive", options->non_interactive, "Never ask; fail naming any missing flag");
  init->add_option("--jira-url", options->jira_url, "Jira base URL");
  init->add_option("--confluence-url", options->confluence_url, "Confluence base URL (Cloud: .../wiki)");
  init->add_option("--user", options->user, "E-mail (Cloud) or user name (Data Center); omit for a bearer PAT");
  init->add_option("--token-env", options->token_env, "Environment variable that holds the token");
  init->add_option("--project", options->project, "Jira project key for faults");
  init->add_option("--space", options->space, "Confluence space key for review pages");
  init->add_option("--parent", options->parent, "Title of the parent page of review pages")->capture_default_str();
  init->add_option("--fault-type", options->fault_type, "Issue type of faults (default: discovered)");
  init->add_option("-o,--output", options->output, "Config file to write")->capture_default_str();
  init->add_flag("--force", options->force, "Replace an existing file");
  set_examples(*init, {"faultline init",
                       "faultline init --non-interactive --jira-url https://acme.atlassian.net --user me@acme.com \\\n"
                       "      --token-env JIRA_API_TOKEN --project FAULT --space OPS --output faultline.toml"});
  init->callback([options, &ctx] { finish(ctx, run_init(*options, ctx)); });
}

}  // namespace faultline::cli
