#include "faultline/notify/payload.hpp"

#include <ctime>

#include "faultline/notify/markdown_literals.hpp"
#include "faultline/notify/signing.hpp"
#include "faultline/notify/text_limits.hpp"

namespace faultline::notify {

namespace {

using json = nlohmann::json;

std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// Split parts without the whitespace-only ones (a platform rejects an empty message).
std::vector<std::string> split_parts(std::string_view text, std::size_t max_bytes) {
  std::vector<std::string> parts;
  for (auto& part : split_utf8(text, max_bytes))
    if (!is_blank(part)) parts.push_back(std::move(part));
  if (parts.empty()) parts.emplace_back(" ");
  return parts;
}

bool is_mobile(const Mention& mention) { return mention.id.starts_with(k_mobile_prefix); }

std::string mobile_number(const Mention& mention) {
  return mention.id.substr(k_mobile_prefix.size());
}

std::string part_suffix(std::size_t index, std::size_t count) {
  if (count <= 1) return {};
  return " (" + std::to_string(index + 1) + "/" + std::to_string(count) + ")";
}

// "@name @name" for people who have no id on this platform: shown, not paged. The names are
// data, so in Markdown they are literal text like any template value.
enum class NameText { Plain, Markdown };

std::string unresolved_text(const ResolvedMentions& mentions, NameText form) {
  std::string out;
  for (const auto& name : mentions.unresolved)
    out += (out.empty() ? "@" : " @") + (form == NameText::Markdown ? escape_markdown_text(name) : name);
  return out;
}

void append_paragraph(std::string& text, std::string_view paragraph) {
  if (paragraph.empty()) return;
  if (!text.empty()) text += "\n\n";
  text += paragraph;
}

// The message's link in Markdown; its title is data, so it is literal text.
std::string markdown_link(const Message& message) {
  if (message.link_url.empty()) return {};
  return "[" + escape_markdown_text(message.link_title) + "](" +
         escape_markdown_text(link_destination(message.link_url)) + ")";
}

// WeCom, DingTalk and Teams document no escape for their Markdown (WeCom group robot markdown:
// headings, bold, [links](url), `code`, quotes, <font color>, <@userid>; DingTalk custom robot
// markdown: headings, quotes, bold, italic, links, images, lists; Adaptive Cards TextBlock:
// bold, italic, lists, links, where a backslash is honoured on some clients only, AdaptiveCards
// issues #5590, #5758). A zero-width space on both sides of a value's special character breaks
// every construct that needs it next to another character ("<font", "<@id", "](", "**", "~~",
// a line-start "- ") on any parser, and shows nothing.
std::string zero_width_markdown(std::string_view markdown) {
  return markdown_with_literals(markdown, LiteralStyle::ZeroWidthFence);
}

std::vector<json> wecom_payloads(const Message& message, const ResolvedMentions& mentions,
                                 const PlatformLimits& limits) {
  std::string content = "**" + message.title + "**";
  append_paragraph(content, message.markdown_body);
  append_paragraph(content, markdown_link(message));
  std::string mention_line;
  json mobiles = json::array();
  for (const auto& mention : mentions.mentions) {
    if (is_mobile(mention)) {
      mobiles.push_back(mobile_number(mention));
    } else {
      mention_line += (mention_line.empty() ? "" : " ") + ("<@" + mention.id + ">");
    }
  }
  const std::string unresolved = unresolved_text(mentions, NameText::Markdown);
  if (!unresolved.empty()) mention_line += (mention_line.empty() ? "" : " ") + unresolved;
  append_paragraph(content, mention_line);

  std::vector<json> payloads;
  for (auto& part : split_parts(zero_width_markdown(content), limits.wecom_markdown_bytes))
    payloads.push_back(json{{"msgtype", "markdown"}, {"markdown", {{"content", std::move(part)}}}});
  // markdown cannot @all nor take phone numbers: one short text message pages them.
  if (mentions.all || !mobiles.empty()) {
    // text.content reads <@userid> too: the title's values stay fenced.
    json text = {{"content", truncate_utf8(zero_width_markdown(message.title), limits.wecom_text_bytes, "…")}};
    if (mentions.all) text["mentioned_list"] = json::array({"@all"});
    if (!mobiles.empty()) text["mentioned_mobile_list"] = mobiles;
    payloads.push_back(json{{"msgtype", "text"}, {"text", std::move(text)}});
  }
  return payloads;
}

std::vector<json> dingtalk_payloads(const Message& message, const ResolvedMentions& mentions,
                                    const PlatformLimits& limits) {
  std::string text = "#### " + message.title;
  append_paragraph(text, message.markdown_body);
  append_paragraph(text, markdown_link(message));
  json user_ids = json::array();
  json mobiles = json::array();
  std::string mention_line;
  for (const auto& mention : mentions.mentions) {
    const std::string id = is_mobile(mention) ? mobile_number(mention) : mention.id;
    (is_mobile(mention) ? mobiles : user_ids).push_back(id);
    mention_line += (mention_line.empty() ? "@" : " @") + id;  // the text must name them too
  }
  const std::string unresolved = unresolved_text(mentions, NameText::Markdown);
  if (!unresolved.empty()) mention_line += (mention_line.empty() ? "" : " ") + unresolved;
  append_paragraph(text, mention_line);

  const auto parts = split_parts(zero_width_markdown(text), limits.dingtalk_text_bytes);
  const std::string plain_title = markdown_to_plain(message.title);
  std::vector<json> payloads;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    json payload = {{"msgtype", "markdown"},
                    {"markdown", {{"title", plain_title + part_suffix(i, parts.size())},
                                  {"text", parts[i]}}}};
    if (i + 1 == parts.size()) {  // mentions once, with the part that names them
      payload["at"] = {{"atUserIds", user_ids}, {"atMobiles", mobiles}, {"isAtAll", mentions.all}};
    }
    payloads.push_back(std::move(payload));
  }
  return payloads;
}

std::vector<json> feishu_payloads(const Message& message, const ResolvedMentions& mentions,
                                  const PlatformLimits& limits) {
  std::string content = message.markdown_body;
  std::string mention_line;
  for (const auto& mention : mentions.mentions)
    mention_line += (mention_line.empty() ? "" : " ") + ("<at id=" + mention.id + "></at>");
  if (mentions.all) mention_line += std::string(mention_line.empty() ? "" : " ") + "<at id=all></at>";
  const std::string unresolved = unresolved_text(mentions, NameText::Markdown);
  if (!unresolved.empty()) mention_line += (mention_line.empty() ? "" : " ") + unresolved;
  append_paragraph(content, mention_line);

  // lark_md shows a character literally as an HTML numeric reference ("&#60;" for "<": Feishu
  // message card Markdown, special character escapes), so a value's <at id=all></at> is text.
  const auto parts = split_parts(markdown_with_literals(content, LiteralStyle::NumericEntity),
                                 limits.feishu_content_bytes);
  // The header is plain_text; the fence keeps a value's "<at" inert should a client read it.
  const std::string header_title = zero_width_markdown(message.title);
  std::vector<json> payloads;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    json elements = json::array();
    elements.push_back({{"tag", "div"}, {"text", {{"tag", "lark_md"}, {"content", parts[i]}}}});
    if (i + 1 == parts.size() && !message.link_url.empty()) {
      elements.push_back(
          {{"tag", "action"},
           {"actions", json::array({{{"tag", "button"},
                                     {"text", {{"tag", "plain_text"}, {"content", message.link_title}}},
                                     {"url", message.link_url},
                                     {"type", "primary"}}})}});
    }
    json card = {{"config", {{"wide_screen_mode", true}}},
                 {"header",
                  {{"title", {{"tag", "plain_text"},
                              {"content", header_title + part_suffix(i, parts.size())}}}}},
                 {"elements", std::move(elements)}};
    payloads.push_back(json{{"msg_type", "interactive"}, {"card", std::move(card)}});
  }
  return payloads;
}

std::string slack_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

enum class MrkdwnBold { Convert, Drop };


// One line of Markdown to mrkdwn: **bold** -> *bold* (or plain when Drop), [text](url) ->
// <url|text>, & < > escaped. An escaped character (a template value's) is only text: Slack has
// no escape for * _ ~ `, but without < no value makes a link or a mention.
std::string mrkdwn_inline(std::string_view line, MrkdwnBold bold) {
  std::string out;
  std::size_t i = 0;
  while (i < line.size()) {
    if (is_escape_at(line, i)) {
      out += slack_escape(line.substr(i + 1, 1));
      i += 2;
      continue;
    }
    if (line.substr(i, 2) == "**") {
      const auto close = find_unescaped_bold(line, i + 2);
      if (close != std::string_view::npos && close > i + 2) {
        const std::string inner = mrkdwn_inline(line.substr(i + 2, close - i - 2), MrkdwnBold::Drop);
        out += bold == MrkdwnBold::Convert ? "*" + inner + "*" : inner;
        i = close + 2;
        continue;
      }
    }
    if (line[i] == '[') {
      if (const auto link = markdown_link_at(line, i)) {
        out += "<" + slack_escape(link_destination(link->url)) + "|" + mrkdwn_inline(link->text, MrkdwnBold::Drop) + ">";
        i = link->end;
        continue;
      }
    }
    out += slack_escape(line.substr(i, 1));
    ++i;
  }
  return out;
}

// A section of mrkdwn. verbatim: Slack then leaves plain text alone (no automatic links,
// channel names or mentions from a value's text) and still reads <url|text>, <@U...> and
// <!channel> (Block Kit text object: verbatim).
json slack_section(const std::string& text) {
  return {{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", text}, {"verbatim", true}}}};
}

std::vector<json> slack_payloads(const Message& message, const ResolvedMentions& mentions,
                                 const PlatformLimits& limits) {
  const std::string plain_title = markdown_to_plain(message.title);
  std::string text = "*" + slack_escape(plain_title) + "*";
  append_paragraph(text, markdown_to_mrkdwn(message.markdown_body));
  if (!message.link_url.empty())
    append_paragraph(text, "<" + slack_escape(link_destination(message.link_url)) + "|" +
                               slack_escape(message.link_title) + ">");
  std::string mention_line;
  for (const auto& mention : mentions.mentions)
    mention_line += (mention_line.empty() ? "" : " ") + ("<@" + mention.id + ">");
  if (mentions.all) mention_line += std::string(mention_line.empty() ? "" : " ") + "<!channel>";
  const std::string unresolved = slack_escape(unresolved_text(mentions, NameText::Plain));
  if (!unresolved.empty()) mention_line += (mention_line.empty() ? "" : " ") + unresolved;
  append_paragraph(text, mention_line);

  const auto sections = split_parts(text, limits.slack_section_bytes);
  std::vector<std::vector<std::string>> messages;
  std::size_t bytes = 0;
  for (const auto& section : sections) {
    if (messages.empty() || messages.back().size() >= std::max<std::size_t>(limits.slack_blocks, 1) ||
        bytes + section.size() > limits.slack_text_bytes) {
      messages.emplace_back();
      bytes = 0;
    }
    messages.back().push_back(section);
    bytes += section.size();
  }
  std::vector<json> payloads;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    json blocks = json::array();
    for (const auto& section : messages[i])
      blocks.push_back(slack_section(section));
    const std::string fallback = truncate_utf8(
        slack_escape(plain_title) + part_suffix(i, messages.size()), limits.slack_text_bytes, "…");
    payloads.push_back(json{{"text", fallback}, {"blocks", std::move(blocks)}});
  }
  return payloads;
}

// Teams TextBlocks need a blank line for a line break.
std::string teams_markdown(std::string_view markdown) {
  std::string out;
  std::size_t pos = 0;
  while (pos <= markdown.size()) {
    const auto end = markdown.find('\n', pos);
    std::string_view line = markdown.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!is_blank(line)) {
      if (!out.empty()) out += "\n\n";
      out += line;
    }
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return out;
}

json teams_card(const Message& message, const std::string& body, const ResolvedMentions& mentions) {
  json blocks = json::array();
  blocks.push_back({{"type", "TextBlock"}, {"text", zero_width_markdown(message.title)}, {"weight", "Bolder"},
                    {"size", "Medium"}, {"wrap", true}});
  if (!body.empty()) blocks.push_back({{"type", "TextBlock"}, {"text", body}, {"wrap", true}});
  json entities = json::array();
  std::string mention_line;
  for (const auto& mention : mentions.mentions) {
    const std::string tag = "<at>" + mention.person + "</at>";
    mention_line += (mention_line.empty() ? "" : " ") + tag;
    entities.push_back({{"type", "mention"}, {"text", tag},
                        {"mentioned", {{"id", mention.id}, {"name", mention.person}}}});
  }
  const std::string unresolved = zero_width_markdown(unresolved_text(mentions, NameText::Markdown));
  if (!unresolved.empty()) mention_line += (mention_line.empty() ? "" : " ") + unresolved;
  if (!mention_line.empty()) blocks.push_back({{"type", "TextBlock"}, {"text", mention_line}, {"wrap", true}});
  json content = {{"$schema", "http://adaptivecards.io/schemas/adaptive-card.json"},
                  {"type", "AdaptiveCard"},
                  {"version", "1.4"},
                  {"body", std::move(blocks)},
                  {"msteams", {{"width", "Full"}}}};
  if (!entities.empty()) content["msteams"]["entities"] = std::move(entities);
  if (!message.link_url.empty()) {
    content["actions"] = json::array(
        {{{"type", "Action.OpenUrl"}, {"title", message.link_title}, {"url", message.link_url}}});
  }
  return json{{"type", "message"},
              {"attachments", json::array({{{"contentType", "application/vnd.microsoft.card.adaptive"},
                                            {"contentUrl", nullptr},
                                            {"content", std::move(content)}}})}};
}

std::vector<json> teams_payloads(const Message& message, const ResolvedMentions& mentions,
                                 const PlatformLimits& limits) {
  const std::string body = teams_markdown(zero_width_markdown(message.markdown_body));
  json card = teams_card(message, body, mentions);
  std::size_t size = dump(card).size();
  if (size <= limits.teams_payload_bytes) return {std::move(card)};

  const std::string suffix = message.link_url.empty()
                                 ? std::string("\n\n… (truncated)")
                                 : "\n\n… (truncated; the full text is at " +
                                       zero_width_markdown(markdown_link(message)) + ")";
  // Shrink the body by the overflow until the whole payload fits (JSON escaping may grow it).
  std::size_t budget = body.size();
  for (int round = 0; round < 16 && size > limits.teams_payload_bytes; ++round) {
    const std::size_t overflow = size - limits.teams_payload_bytes;
    budget = budget > overflow + suffix.size() ? budget - overflow : suffix.size();
    card = teams_card(message, truncate_utf8(body, budget, suffix), mentions);
    size = dump(card).size();
  }
  return {std::move(card)};
}

std::vector<json> generic_payloads(const Message& message, const ResolvedMentions& mentions) {
  json people = json::array();
  for (const auto& mention : mentions.mentions) people.push_back({{"person", mention.person}, {"id", mention.id}});
  json link = nullptr;
  if (!message.link_url.empty()) link = {{"url", message.link_url}, {"title", message.link_title}};
  return {json{{"event", message.event},
               {"title", markdown_to_plain(message.title)},
               {"body", message.markdown_body},
               {"link", std::move(link)},
               {"mentions", std::move(people)},
               {"mention_all", mentions.all},
               {"dedupe_key", message.dedupe_key}}};
}

std::string iso8601_utc(std::chrono::system_clock::time_point time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return buffer;
}

// An RFC 8941 sf-string: quoted, with \ and " escaped.
std::string structured_string(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string markdown_to_mrkdwn(std::string_view markdown) {
  std::string out;
  out.reserve(markdown.size());
  std::size_t pos = 0;
  while (pos <= markdown.size()) {
    const auto end = markdown.find('\n', pos);
    std::string_view line = markdown.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    std::size_t hashes = 0;
    while (hashes < line.size() && hashes < 7 && line[hashes] == '#') ++hashes;
    const bool heading = hashes >= 1 && hashes <= 6 && hashes < line.size() &&
                         (line[hashes] == ' ' || line[hashes] == '\t');
    if (heading) {
      std::string_view rest = line.substr(hashes);
      while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
      out += "*" + mrkdwn_inline(rest, MrkdwnBold::Drop) + "*";
    } else {
      out += mrkdwn_inline(line, MrkdwnBold::Convert);
    }
    if (end == std::string_view::npos) break;
    out += '\n';
    pos = end + 1;
  }
  return out;
}

std::vector<json> build_payloads(ChannelKind kind, const Message& message,
                                 const ResolvedMentions& mentions, const PlatformLimits& limits) {
  switch (kind) {
    case ChannelKind::WeCom: return wecom_payloads(message, mentions, limits);
    case ChannelKind::DingTalk: return dingtalk_payloads(message, mentions, limits);
    case ChannelKind::Feishu: return feishu_payloads(message, mentions, limits);
    case ChannelKind::Slack: return slack_payloads(message, mentions, limits);
    case ChannelKind::Teams: return teams_payloads(message, mentions, limits);
    case ChannelKind::Generic: return generic_payloads(message, mentions);
    case ChannelKind::Email: return {};
  }
  return {};
}

http::Request make_request(ChannelKind kind, const config::Channel& channel, const json& body,
                           const Message& message, std::size_t part,
                           std::chrono::system_clock::time_point now, std::string_view sent_at) {
  http::Request request;
  request.method = http::Method::Post;
  request.url = channel.url;
  request.headers.emplace_back("Content-Type", "application/json");
  json payload = body;
  const auto since_epoch = now.time_since_epoch();
  switch (kind) {
    case ChannelKind::DingTalk: {
      payload["msgUuid"] = part == 0 ? message.dedupe_key : message.dedupe_key + "#" + std::to_string(part);
      if (!channel.secret.empty()) {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count();
        request.url = dingtalk_signed_url(channel.url, channel.secret, ms);
      }
      request.retry = http::RetrySafety::Safe;
      break;
    }
    case ChannelKind::Feishu: {
      if (!channel.secret.empty()) {
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count();
        payload["timestamp"] = std::to_string(seconds);
        payload["sign"] = feishu_sign(channel.secret, seconds);
      }
      break;
    }
    case ChannelKind::Generic: {
      payload["sent_at"] = sent_at.empty() ? iso8601_utc(now) : std::string(sent_at);
      request.headers.front().second = "application/json; charset=utf-8";
      request.headers.emplace_back("X-Faultline-Event", message.event);
      std::string key = message.dedupe_key;
      if (part > 0) key += "#" + std::to_string(part);
      request.headers.emplace_back("Idempotency-Key", structured_string(key));
      request.retry = http::RetrySafety::Safe;
      break;
    }
    default: break;
  }
  request.body = dump(payload);
  if (kind == ChannelKind::Generic && !channel.secret.empty())
    request.headers.emplace_back("X-Faultline-Signature", generic_signature(channel.secret, request.body));
  return request;
}

}  // namespace faultline::notify
