// Reading TOML against the schema: text helpers for messages, and the Loader's generic walk
// over a table (scalars checked and stored, handlers for the rest, unknown keys with a hint).
#include "config/loader.hpp"

#include <algorithm>
#include <charconv>

#include <date/tz.h>
#include <fmt/format.h>

#include "faultline/util/redact.hpp"
#include "faultline/util/strings.hpp"

namespace faultline::config::loading {

std::string join_names(Choices names) { return fmt::format("{}", fmt::join(names, ", ")); }

std::string join_names(const std::vector<std::string>& names) { return fmt::format("{}", fmt::join(names, ", ")); }

namespace {

// Edit distance counting a swap of two neighbours as one edit (optimal string alignment).
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

// One entry of a table, in a form that can be sorted.
struct Entry {
  const toml::key* key_ptr;
  const toml::node* node_ptr;
};

}  // namespace

std::optional<std::string> closest(std::string_view name, const std::vector<std::string>& candidates) {
  const std::size_t limit = std::clamp<std::size_t>((name.size() + 1) / 3, 1, 3);
  std::optional<std::string> best;
  std::size_t best_distance = limit + 1;
  for (const auto& candidate : candidates) {
    const std::size_t distance = edit_distance(name, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

std::vector<std::string> to_strings(Choices names) { return {names.begin(), names.end()}; }

bool contains(Choices names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::vector<std::pair<const toml::key&, const toml::node&>> in_file_order(const toml::table& table) {
  std::vector<Entry> entries;
  for (const auto& [key, node] : table) entries.push_back({&key, &node});
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    const auto& x = a.node_ptr->source().begin;
    const auto& y = b.node_ptr->source().begin;
    return x.line != y.line ? x.line < y.line : x.column < y.column;
  });
  std::vector<std::pair<const toml::key&, const toml::node&>> ordered;
  ordered.reserve(entries.size());
  for (const auto& entry : entries) ordered.emplace_back(*entry.key_ptr, *entry.node_ptr);
  return ordered;
}

bool is_env_name(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front())) != 0) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; });
}

std::expected<std::string, std::string> normalize_url(std::string_view text, Choices schemes) {
  text = trim(text);
  const auto separator = text.find("://");
  const std::string scheme = separator == std::string_view::npos ? std::string() : lower(text.substr(0, separator));
  if (separator == std::string_view::npos || !contains(schemes, scheme)) {
    return std::unexpected(fmt::format("not an {} URL", fmt::join(schemes, " or ")));
  }
  const std::string_view rest = text.substr(separator + 3);
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) {
    return std::unexpected(std::string("a URL whose user:password@ is not allowed here; set user = ... and the "
                                       "token with token_env or token_cmd"));
  }
  if (authority.empty()) return std::unexpected(std::string("a URL without a host"));
  if (std::any_of(text.begin(), text.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; })) {
    return std::unexpected(std::string("a URL with white space in it"));
  }
  std::string url(text);
  while (url.size() > separator + 3 + authority.size() && url.back() == '/') url.pop_back();
  return url;
}

// ---- where a value comes from -------------------------------------------------------------
std::string Loader::label(const toml::node& node) const {
  return fmt::format("{}:{}", m_file, node.source().begin.line);
}

Place Loader::file_place(const toml::node& node) const {
  Place place;
  place.label = label(node);
  place.source = {m_layer == Layer::File ? "file" : "profile", place.label};
  return place;
}

const ScalarSpec* Loader::find_spec(const std::vector<ScalarSpec>& specs, std::string_view key) const {
  auto found = std::find_if(specs.begin(), specs.end(), [key](const ScalarSpec& spec) { return spec.key == key; });
  return found == specs.end() ? nullptr : &*found;
}

void Loader::unknown_key(const toml::node& node, const std::string& display_path, std::string_view name,
                         const std::vector<std::string>& allowed) {
  std::string hint;
  if (auto best = closest(name, allowed)) hint = fmt::format(" (did you mean '{}'?)", join_key(display_path, *best));
  problem(fmt::format("{}: unknown key '{}'{}; allowed: {}", label(node), join_key(display_path, name), hint,
                      join_names(allowed)));
}

const toml::table* Loader::as_table(const toml::node& node, const std::string& display) {
  if (const auto* table = node.as_table()) return table;
  problem(fmt::format("{}: {}: expected a table, found {}", label(node), display, core::toml_type_name(node)));
  return nullptr;
}

std::optional<std::vector<std::string>> Loader::as_string_list(const toml::node& node, const std::string& display) {
  const auto* array = node.as_array();
  if (array == nullptr) {
    problem(fmt::format("{}: {}: expected an array of strings, found {}", label(node), display, core::toml_type_name(node)));
    return std::nullopt;
  }
  std::vector<std::string> values;
  for (const auto& element : *array) {
    const auto* text = element.as_string();
    if (text == nullptr) {
      problem(fmt::format("{}: {}: expected an array of strings, found {} in it", label(element), display,
                          core::toml_type_name(element)));
      return std::nullopt;
    }
    values.push_back(text->get());
  }
  return values;
}

void Loader::walk(const toml::table& table, const std::string& path, const std::string& display_path,
                  const std::vector<ScalarSpec>& specs, const std::vector<Handler>& handlers) {
  for (const auto& [key, node] : in_file_order(table)) {
    const std::string name(key.str());
    const std::string display = join_key(display_path, name);
    if (const ScalarSpec* spec = find_spec(specs, join_key(path, name))) {
      take_scalar(*spec, node, display);
      continue;
    }
    auto handler = std::find_if(handlers.begin(), handlers.end(), [&name](const Handler& h) { return h.name == name; });
    if (handler != handlers.end()) {
      handler->apply(node, display);
      continue;
    }
    std::vector<std::string> allowed;
    const std::string child_prefix = path + ".";
    for (const auto& spec : specs) {
      if (spec.key.starts_with(child_prefix) && spec.key.find('.', child_prefix.size()) == std::string::npos) {
        allowed.push_back(spec.key.substr(child_prefix.size()));
      }
    }
    for (const auto& h : handlers) allowed.push_back(h.name);
    unknown_key(node, display_path, name, allowed);
  }
}

void Loader::take_scalar(const ScalarSpec& spec, const toml::node& node, const std::string& display) {
  if (spec.check == Check::Integer) {
    const auto* number = node.as_integer();
    if (number == nullptr) {
      problem(fmt::format("{}: {}: expected an integer from {} to {}, found {}", label(node), display, spec.min_value,
                          spec.max_value, core::toml_type_name(node)));
      return;
    }
    assign(spec, {}, number->get(), file_place(node), display);
    return;
  }
  const auto* text = node.as_string();
  if (text == nullptr) {
    std::string allowed = spec.check == Check::Choice ? fmt::format(" (one of {})", join_names(spec.choices)) : "";
    problem(fmt::format("{}: {}: expected a string{}, found {}", label(node), display, allowed, core::toml_type_name(node)));
    return;
  }
  assign(spec, text->get(), std::nullopt, file_place(node), display);
}

void Loader::assign(const ScalarSpec& spec, const std::string& text, std::optional<std::int64_t> number,
                    const Place& place, const std::string& display) {
  auto reject = [&](const std::string& why) { problem(fmt::format("{}: {}: {}", place.label, display, why), place.kind); };
  std::string value = text;
  switch (spec.check) {
    case Check::Text: break;
    case Check::Url:
    case Check::SmtpUrl: {
      constexpr std::array<std::string_view, 2> k_http{"http", "https"};
      constexpr std::array<std::string_view, 2> k_smtp{"smtp", "smtps"};
      const bool smtp = spec.check == Check::SmtpUrl;
      if (value.empty()) break;  // an empty URL means "not set"
      auto url = normalize_url(value, smtp ? Choices(k_smtp) : Choices(k_http));
      if (!url) {
        // Quoted with its credentials masked: a refused URL may still carry a password.
        reject(fmt::format("'{}' is {}; allowed: {}", mask_url_credentials(value), url.error(),
                           smtp ? "an smtp:// or smtps:// URL without user:password@" : k_url_allowed));
        return;
      }
      value = *url;
      break;
    }
    case Check::Choice:
      if (!contains(spec.choices, value)) {
        std::string hint;
        if (auto best = closest(value, to_strings(spec.choices))) hint = fmt::format(" (did you mean '{}'?)", *best);
        reject(fmt::format("'{}' is not allowed{}; allowed: {}", value, hint, join_names(spec.choices)));
        return;
      }
      break;
    case Check::Zone:
      try {
        (void)date::locate_zone(value);
      } catch (const std::exception&) {
        reject(fmt::format("'{}' is not a known IANA time zone; allowed: a name from the tz database such as "
                           "'UTC', 'Europe/Berlin', 'Asia/Shanghai'",
                           value));
        return;
      }
      break;
    case Check::Integer: {
      if (!number) {
        std::int64_t parsed = 0;
        auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
        if (value.empty() || error != std::errc{} || end != value.data() + value.size()) {
          reject(fmt::format("'{}' is not an integer; allowed: {} to {}", value, spec.min_value, spec.max_value));
          return;
        }
        number = parsed;
      }
      if (*number < spec.min_value || *number > spec.max_value) {
        reject(fmt::format("{} is out of range; allowed: {} to {}", *number, spec.min_value, spec.max_value));
        return;
      }
      spec.set_number(m_state.config, static_cast<int>(*number));
      m_state.config.sources[spec.key] = place.source;
      return;
    }
  }
  spec.set_text(m_state.config, value);
  m_state.config.sources[spec.key] = place.source;
}

}  // namespace faultline::config::loading
