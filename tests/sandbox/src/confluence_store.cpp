// Confluence data and its invariants.
#include "confluence_store.hpp"
#include "service.hpp"

#include <algorithm>
#include <cctype>

#include "cql.hpp"
#include "hooks_crypto.hpp"
#include "xhtml.hpp"

namespace sandbox {

namespace {

using nlohmann::json;

std::int64_t to_number(const std::string& id) {
  if (id.empty() || id.size() > 18 || !std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return -1;
  }
  return std::stoll(id);
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

json version_to_json(const ConfVersion& v) {
  return json{{"number", v.number}, {"title", v.title},     {"body", v.body},
              {"when_ms", v.when_ms}, {"by", v.by},         {"message", v.message},
              {"minor_edit", v.minor_edit}};
}

ConfVersion version_from_json(const json& j) {
  ConfVersion v;
  v.number = j.value("number", 1);
  v.title = j.value("title", "");
  v.body = j.value("body", "");
  v.when_ms = j.value("when_ms", std::int64_t{0});
  v.by = j.value("by", json());
  v.message = j.value("message", "");
  v.minor_edit = j.value("minor_edit", false);
  return v;
}

// An attachment in the state file; the bytes of every version as base64.
json attachment_to_json(const ConfAttachment& a) {
  json versions = json::array();
  for (const auto& v : a.versions) {
    versions.push_back(json{{"number", v.number},   {"media_type", v.media_type}, {"comment", v.comment},
                            {"minor_edit", v.minor_edit}, {"when_ms", v.when_ms}, {"by", v.by},
                            {"data_base64", base64_encode(v.data)}});
  }
  return json{{"id", a.id}, {"title", a.title}, {"versions", versions}};
}

ConfAttachment attachment_from_json(const json& j) {
  ConfAttachment a;
  a.id = j.value("id", "");
  a.title = j.value("title", "");
  for (const auto& v : j.value("versions", json::array())) {
    ConfAttachmentVersion out;
    out.number = v.value("number", 1);
    out.media_type = v.value("media_type", "");
    out.comment = v.value("comment", "");
    out.minor_edit = v.value("minor_edit", false);
    out.when_ms = v.value("when_ms", std::int64_t{0});
    out.by = v.value("by", json());
    out.data = base64_decode(v.value("data_base64", "")).value_or("");
    a.versions.push_back(std::move(out));
  }
  if (a.versions.empty()) {
    // A state file from before attachments kept their bytes: the metadata of the latest version.
    ConfAttachmentVersion v;
    v.number = j.value("version", 1);
    v.media_type = j.value("media_type", "");
    v.comment = j.value("comment", "");
    v.when_ms = j.value("when_ms", std::int64_t{0});
    v.by = j.value("by", json());
    a.versions.push_back(std::move(v));
  }
  return a;
}

json page_to_json(const ConfPage& p) {
  json versions = json::array();
  for (const auto& v : p.versions) versions.push_back(version_to_json(v));
  json labels = json::array();
  for (const auto& l : p.labels) labels.push_back(json{{"id", l.id}, {"prefix", l.prefix}, {"name", l.name}});
  json attachments = json::array();
  for (const auto& a : p.attachments) attachments.push_back(attachment_to_json(a));
  json properties = json::array();
  for (const auto& pr : p.properties)
    properties.push_back(json{{"id", pr.id}, {"key", pr.key}, {"value", pr.value}, {"version", pr.version}, {"when_ms", pr.when_ms}});
  return json{{"properties", properties},{"id", p.id},           {"space_key", p.space_key}, {"parent_id", p.parent_id},
              {"status", p.status},   {"created_ms", p.created_ms}, {"creator", p.creator},
              {"versions", versions}, {"labels", labels},         {"attachments", attachments}};
}

ConfPage page_from_json(const json& j) {
  ConfPage p;
  p.id = j.value("id", "");
  p.space_key = j.value("space_key", "");
  p.parent_id = j.value("parent_id", "");
  p.status = j.value("status", "current");
  p.created_ms = j.value("created_ms", std::int64_t{0});
  p.creator = j.value("creator", json());
  for (const auto& v : j.value("versions", json::array())) p.versions.push_back(version_from_json(v));
  for (const auto& l : j.value("labels", json::array())) {
    p.labels.push_back(ConfLabel{l.value("id", ""), l.value("prefix", "global"), l.value("name", "")});
  }
  for (const auto& a : j.value("attachments", json::array())) p.attachments.push_back(attachment_from_json(a));
  for (const auto& pr : j.value("properties", json::array())) {
    p.properties.push_back(ConfProperty{pr.value("id", ""), pr.value("key", ""), pr.value("value", json()),
                                        pr.value("version", 1), pr.value("when_ms", std::int64_t{0})});
  }
  if (p.versions.empty()) p.versions.push_back(ConfVersion{});
  return p;
}

json default_confluence_seed() {
  return json{{"spaces", json::array({json{{"key", "OPS"}, {"name", "Operations"}, {"id", "98304"}}})},
              {"pages", json::array({json{{"id", "65601"},
                                          {"title", "Fault Reviews"},
                                          {"space", "OPS"},
                                          {"parent", nullptr},
                                          {"body", "<p>Fault review reports.</p>"},
                                          {"version", 1}}})}};
}

ConfError bad_xhtml(const XhtmlError& e) {
  return ConfError{400, "Error parsing xhtml: " + e.describe()};
}

}  // namespace

std::optional<std::string> invalid_label_reason(const std::string& name) {
  if (name.empty()) return "label name is empty";
  if (name.size() > 255) return "label name is longer than 255 characters";
  constexpr std::string_view k_bad = ":;,.?&[]()#^*@!<> \t\r\n";
  auto at = name.find_first_of(k_bad);
  if (at != std::string::npos) {
    return "label name '" + name + "' contains an invalid character '" + std::string(1, name[at]) + "'";
  }
  return std::nullopt;
}

void ConfluenceStore::load_seed(const json& seed) {
  m_spaces.clear();
  m_pages.clear();
  m_next_id = 131073;
  m_seed_user = json();
  if (seed.is_object() && seed.contains("users") && seed["users"].is_array() && !seed["users"].empty()) {
    m_seed_user = seed["users"].front();
  }
  json part = seed.is_object() && seed.contains("confluence") ? seed["confluence"] : default_confluence_seed();
  json wrapper{{"confluence", part}};
  extend_seed(wrapper);
}

void ConfluenceStore::extend_seed(const json& seed) {
  if (!seed.is_object() || !seed.contains("confluence") || !seed["confluence"].is_object()) return;
  const json& part = seed["confluence"];
  for (const auto& s : part.value("spaces", json::array())) {
    ConfSpace space{s.value("key", ""), s.value("name", ""), id_text(s.value("id", json())),
                    id_text(s.value("homepageId", json()))};
    if (space.key.empty()) continue;
    if (space.id.empty()) space.id = next_id();
    if (space.name.empty()) space.name = space.key;
    auto it = std::find_if(m_spaces.begin(), m_spaces.end(), [&](const ConfSpace& x) { return x.key == space.key; });
    if (it != m_spaces.end()) *it = space;
    else m_spaces.push_back(space);
    m_next_id = std::max(m_next_id, to_number(space.id) + 1);
  }
  for (const auto& s : part.value("pages", json::array())) {
    ConfPage p;
    p.id = id_text(s.value("id", json()));
    if (p.id.empty()) p.id = next_id();
    std::int64_t number = to_number(p.id);
    if (number < 0) continue;
    p.space_key = s.value("space", "");
    p.parent_id = id_text(s.value("parent", json()));
    p.status = s.value("status", "current");
    p.creator = s.value("creator", m_seed_user);
    p.created_ms = s.value("created_ms", std::int64_t{0});
    if (s.contains("created") && s["created"].is_string()) {
      // "yyyy-MM-dd" or "yyyy-MM-dd HH:mm", UTC; a seed page is otherwise dated at the epoch.
      p.created_ms = parse_cql_date(s["created"].get<std::string>()).value_or(p.created_ms);
    }
    int count = std::max(1, s.value("version", 1));
    for (int n = 1; n <= count; ++n) {
      ConfVersion v;
      v.number = n;
      v.title = s.value("title", "");
      v.body = s.value("body", "");
      v.when_ms = p.created_ms;
      v.by = p.creator;
      p.versions.push_back(std::move(v));
    }
    for (const auto& l : s.value("labels", json::array())) {
      if (l.is_string()) p.labels.push_back(ConfLabel{next_id(), "global", lower(l.get<std::string>())});
    }
    m_pages[number] = std::move(p);
    m_next_id = std::max(m_next_id, number + 1);
  }
}

json ConfluenceStore::snapshot() const {
  json spaces = json::array();
  for (const auto& s : m_spaces) {
    spaces.push_back(json{{"key", s.key}, {"name", s.name}, {"id", s.id}, {"homepage_id", s.homepage_id}});
  }
  json pages = json::array();
  for (const auto& [number, p] : m_pages) pages.push_back(page_to_json(p));
  return json{{"spaces", spaces}, {"pages", pages}, {"next_id", m_next_id}, {"seed_user", m_seed_user}};
}

void ConfluenceStore::restore(const json& state) {
  m_spaces.clear();
  m_pages.clear();
  for (const auto& s : state.value("spaces", json::array())) {
    m_spaces.push_back(ConfSpace{s.value("key", ""), s.value("name", ""), s.value("id", ""), s.value("homepage_id", "")});
  }
  for (const auto& p : state.value("pages", json::array())) {
    ConfPage page = page_from_json(p);
    std::int64_t number = to_number(page.id);
    if (number >= 0) m_pages[number] = std::move(page);
  }
  m_next_id = state.value("next_id", std::int64_t{131073});
  m_seed_user = state.value("seed_user", json());
}

const ConfSpace* ConfluenceStore::space_by_key(const std::string& key) const {
  auto it = std::find_if(m_spaces.begin(), m_spaces.end(), [&](const ConfSpace& s) { return s.key == key; });
  return it == m_spaces.end() ? nullptr : &*it;
}

const ConfSpace* ConfluenceStore::space_by_id(const std::string& id) const {
  auto it = std::find_if(m_spaces.begin(), m_spaces.end(), [&](const ConfSpace& s) { return s.id == id; });
  return it == m_spaces.end() ? nullptr : &*it;
}

const ConfPage* ConfluenceStore::page(const std::string& id) const {
  auto it = m_pages.find(to_number(id));
  return it == m_pages.end() ? nullptr : &it->second;
}

ConfPage* ConfluenceStore::mutable_page(const std::string& id) {
  auto it = m_pages.find(to_number(id));
  return it == m_pages.end() ? nullptr : &it->second;
}

std::vector<const ConfPage*> ConfluenceStore::pages() const {
  std::vector<const ConfPage*> out;
  out.reserve(m_pages.size());
  for (const auto& [number, p] : m_pages) out.push_back(&p);
  return out;
}

std::vector<const ConfPage*> ConfluenceStore::children(const std::string& id) const {
  std::vector<const ConfPage*> out;
  for (const auto& [number, p] : m_pages) {
    if (p.parent_id == id && p.status == "current") out.push_back(&p);
  }
  return out;
}

std::vector<const ConfPage*> ConfluenceStore::ancestors(const ConfPage& start) const {
  std::vector<const ConfPage*> out;
  const ConfPage* at = &start;
  while (!at->parent_id.empty() && out.size() < 1000) {
    const ConfPage* parent = page(at->parent_id);
    if (parent == nullptr) break;
    out.push_back(parent);
    at = parent;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::string ConfluenceStore::next_id() { return std::to_string(m_next_id++); }

std::expected<void, ConfError> ConfluenceStore::check_title(const std::string& space_key, const std::string& title,
                                                            const std::string& except_id) const {
  if (title.empty()) return std::unexpected(ConfError{400, "A title is required"});
  if (title.size() > 255) return std::unexpected(ConfError{400, "Title cannot be longer than 255 characters"});
  for (const auto& [number, p] : m_pages) {
    // Trashed pages keep their titles reserved, as in Confluence.
    if (p.space_key == space_key && p.id != except_id && p.current().title == title && p.status != "draft") {
      return std::unexpected(ConfError{400, "A page with this title already exists: A page already exists with the title " +
                                                title + " in the space with key " + space_key});
    }
  }
  return {};
}

std::expected<void, ConfError> ConfluenceStore::check_parent(const std::string& space_key, const std::string& parent_id,
                                                             const std::string& page_id) const {
  if (parent_id.empty()) return {};
  const ConfPage* parent = page(parent_id);
  if (parent == nullptr || parent->status == "trashed") {
    return std::unexpected(ConfError{400, "Could not find the parent page with id " + parent_id});
  }
  if (parent->space_key != space_key) {
    return std::unexpected(ConfError{400, "The parent page " + parent_id + " is not in space " + space_key});
  }
  if (!page_id.empty()) {
    if (parent_id == page_id) return std::unexpected(ConfError{400, "A page cannot be its own parent"});
    for (const ConfPage* a : ancestors(*parent)) {
      if (a->id == page_id) return std::unexpected(ConfError{400, "A page cannot be moved under its own descendant"});
    }
  }
  return {};
}

std::expected<const ConfPage*, ConfError> ConfluenceStore::create_page(const ConfNewPage& input, const json& user,
                                                                      std::int64_t now_ms) {
  if (space_by_key(input.space_key) == nullptr) {
    return std::unexpected(ConfError{404, "No space with key : " + input.space_key});
  }
  if (input.status != "current" && input.status != "draft") {
    return std::unexpected(ConfError{400, "Unsupported status '" + input.status + "' for a new page"});
  }
  if (input.status == "current") {
    if (auto ok = check_title(input.space_key, input.title, ""); !ok) return std::unexpected(ok.error());
  }
  if (auto ok = check_parent(input.space_key, input.parent_id, ""); !ok) return std::unexpected(ok.error());
  if (auto ok = check_storage_xhtml(input.body); !ok) return std::unexpected(bad_xhtml(ok.error()));
  for (const auto& l : input.labels) {
    if (auto why = invalid_label_reason(lower(l.name))) return std::unexpected(ConfError{400, *why});
  }
  ConfPage p;
  p.id = next_id();
  p.space_key = input.space_key;
  p.parent_id = input.parent_id;
  p.status = input.status;
  p.created_ms = now_ms;
  p.creator = user;
  ConfVersion v;
  v.number = 1;
  v.title = input.title;
  v.body = input.body;
  v.when_ms = now_ms;
  v.by = user;
  p.versions.push_back(std::move(v));
  std::int64_t number = to_number(p.id);
  auto [it, inserted] = m_pages.emplace(number, std::move(p));
  static_cast<void>(inserted);
  if (!input.labels.empty()) {
    auto added = add_labels(it->second.id, input.labels);
    if (!added) return std::unexpected(added.error());
  }
  return &it->second;
}

std::expected<const ConfPage*, ConfError> ConfluenceStore::update_page(const std::string& id,
                                                                      const ConfPageUpdate& input, const json& user,
                                                                      std::int64_t now_ms) {
  ConfPage* p = mutable_page(id);
  if (p == nullptr || (p->status == "trashed" && input.status.value_or("") != "current")) {
    return std::unexpected(ConfError{404, "No content with id " + id + " found"});
  }
  int current = p->current().number;
  if (input.version_number != current + 1) {
    return std::unexpected(
        ConfError{409, "Version must be incremented on update. Current version is: " + std::to_string(current)});
  }
  if (auto ok = check_title(p->space_key, input.title, p->id); !ok) return std::unexpected(ok.error());
  std::string parent = input.parent_id.value_or(p->parent_id);
  if (parent != p->parent_id) {
    if (auto ok = check_parent(p->space_key, parent, p->id); !ok) return std::unexpected(ok.error());
  }
  std::string body = input.body.value_or(p->current().body);
  if (auto ok = check_storage_xhtml(body); !ok) return std::unexpected(bad_xhtml(ok.error()));
  if (input.status && *input.status != "current" && *input.status != "draft") {
    return std::unexpected(ConfError{400, "Unsupported status '" + *input.status + "' for an update"});
  }
  ConfVersion v;
  v.number = input.version_number;
  v.title = input.title;
  v.body = std::move(body);
  v.when_ms = now_ms;
  v.by = user;
  v.message = input.message;
  v.minor_edit = input.minor_edit;
  p->versions.push_back(std::move(v));
  p->parent_id = parent;
  p->status = "current";
  return p;
}

std::expected<void, ConfError> ConfluenceStore::delete_page(const std::string& id, bool purge) {
  ConfPage* p = mutable_page(id);
  if (p == nullptr) return std::unexpected(ConfError{404, "No content with id " + id + " found"});
  if (p->status == "trashed") {
    if (!purge) return std::unexpected(ConfError{404, "No content with id " + id + " found"});
    m_pages.erase(to_number(id));
    return {};
  }
  p->status = "trashed";
  return {};
}

std::expected<const ConfPage*, ConfError> ConfluenceStore::add_labels(const std::string& id,
                                                                     const std::vector<ConfLabel>& labels) {
  ConfPage* p = mutable_page(id);
  if (p == nullptr || p->status == "trashed") return std::unexpected(ConfError{404, "No content with id " + id + " found"});
  for (const auto& l : labels) {
    std::string name = lower(l.name);
    if (auto why = invalid_label_reason(name)) return std::unexpected(ConfError{400, *why});
    std::string prefix = l.prefix.empty() ? "global" : l.prefix;
    if (prefix != "global" && prefix != "my" && prefix != "team") {
      return std::unexpected(ConfError{400, "Invalid label prefix '" + prefix + "'"});
    }
  }
  for (const auto& l : labels) {
    std::string name = lower(l.name);
    std::string prefix = l.prefix.empty() ? "global" : l.prefix;
    bool exists = std::any_of(p->labels.begin(), p->labels.end(),
                              [&](const ConfLabel& x) { return x.name == name && x.prefix == prefix; });
    if (!exists) p->labels.push_back(ConfLabel{next_id(), prefix, name});
  }
  return p;
}

std::expected<void, ConfError> ConfluenceStore::remove_label(const std::string& id, const std::string& name) {
  ConfPage* p = mutable_page(id);
  if (p == nullptr || p->status == "trashed") return std::unexpected(ConfError{404, "No content with id " + id + " found"});
  std::string wanted = lower(name);
  auto it = std::find_if(p->labels.begin(), p->labels.end(), [&](const ConfLabel& l) { return l.name == wanted; });
  if (it == p->labels.end()) return std::unexpected(ConfError{404, "Label '" + name + "' is not on content " + id});
  p->labels.erase(it);
  return {};
}

const ConfAttachmentVersion* ConfAttachment::version(int number) const {
  auto it = std::find_if(versions.begin(), versions.end(), [&](const ConfAttachmentVersion& v) { return v.number == number; });
  return it == versions.end() ? nullptr : &*it;
}

namespace {

// A version of `upload` numbered `number`, by `user` at `now_ms`.
ConfAttachmentVersion version_of(const ConfUpload& upload, int number, const json& user, std::int64_t now_ms) {
  ConfAttachmentVersion v;
  v.number = number;
  v.media_type = upload.media_type.empty() ? "application/octet-stream" : upload.media_type;
  v.comment = upload.comment;
  v.minor_edit = upload.minor_edit;
  v.data = upload.data;
  v.when_ms = now_ms;
  v.by = user;
  return v;
}

// The digits of an attachment id without Cloud's "att" prefix.
std::string_view attachment_number(std::string_view id) { return id.starts_with("att") ? id.substr(3) : id; }

ConfError duplicate_file_name(const std::string& name) {
  return ConfError{400, "Cannot add a new attachment with same file name as an existing attachment: " + name};
}

}  // namespace

std::expected<const ConfAttachment*, ConfError> ConfluenceStore::add_attachment(const std::string& page_id,
                                                                               const ConfUpload& upload,
                                                                               UploadMode mode, bool cloud_ids,
                                                                               const json& user, std::int64_t now_ms) {
  ConfPage* p = mutable_page(page_id);
  if (p == nullptr || p->status == "trashed") {
    return std::unexpected(ConfError{404, "No content with id " + page_id + " found"});
  }
  auto it = std::find_if(p->attachments.begin(), p->attachments.end(),
                         [&](const ConfAttachment& a) { return a.title == upload.file_name; });
  if (it != p->attachments.end()) {
    if (mode == UploadMode::CreateOnly) return std::unexpected(duplicate_file_name(upload.file_name));
    it->versions.push_back(version_of(upload, it->current().number + 1, user, now_ms));
    return &*it;
  }
  ConfAttachment a;
  a.id = (cloud_ids ? "att" : "") + next_id();
  a.title = upload.file_name;
  a.versions.push_back(version_of(upload, 1, user, now_ms));
  p->attachments.push_back(std::move(a));
  return &p->attachments.back();
}

std::expected<const ConfAttachment*, ConfError> ConfluenceStore::update_attachment_data(
    const std::string& page_id, const std::string& attachment_id, const ConfUpload& upload, const json& user,
    std::int64_t now_ms) {
  ConfPage* p = mutable_page(page_id);
  if (p == nullptr || p->status == "trashed") {
    return std::unexpected(ConfError{404, "No content with id " + page_id + " found"});
  }
  auto it = std::find_if(p->attachments.begin(), p->attachments.end(), [&](const ConfAttachment& a) {
    return attachment_number(a.id) == attachment_number(attachment_id);
  });
  if (it == p->attachments.end()) {
    return std::unexpected(ConfError{404, "No attachment with id " + attachment_id + " found on content " + page_id});
  }
  if (!upload.file_name.empty() && upload.file_name != it->title) {
    bool taken = std::any_of(p->attachments.begin(), p->attachments.end(),
                             [&](const ConfAttachment& a) { return a.title == upload.file_name; });
    if (taken) return std::unexpected(duplicate_file_name(upload.file_name));
    it->title = upload.file_name;
  }
  it->versions.push_back(version_of(upload, it->current().number + 1, user, now_ms));
  return &*it;
}

std::pair<const ConfPage*, const ConfAttachment*> ConfluenceStore::find_attachment(const std::string& id) const {
  if (attachment_number(id).empty()) return {nullptr, nullptr};
  for (const auto& [number, p] : m_pages) {
    for (const auto& a : p.attachments) {
      if (attachment_number(a.id) == attachment_number(id)) return {&p, &a};
    }
  }
  return {nullptr, nullptr};
}

std::expected<const ConfProperty*, ConfError> ConfluenceStore::put_property(const std::string& page_id,
                                                                           const std::string& key,
                                                                           const nlohmann::json& value,
                                                                           std::optional<int> version,
                                                                           std::int64_t now_ms) {
  ConfPage* page = mutable_page(page_id);
  if (page == nullptr || page->status == "trashed") return std::unexpected(ConfError{404, "No content with id " + page_id + " found"});
  if (key.empty() || key.size() > 255) return std::unexpected(ConfError{400, "A property key must be 1 to 255 characters"});
  auto found = std::find_if(page->properties.begin(), page->properties.end(), [&](const ConfProperty& p) { return p.key == key; });
  if (!version) {
    if (found != page->properties.end())
      return std::unexpected(ConfError{409, "A property with key '" + key + "' already exists on content " + page_id});
    page->properties.push_back(ConfProperty{next_id(), key, value, 1, now_ms});
    return &page->properties.back();
  }
  if (found == page->properties.end())
    return std::unexpected(ConfError{404, "No property with key '" + key + "' on content " + page_id});
  if (*version != found->version + 1)
    return std::unexpected(ConfError{409, "Version must be incremented on update. Current version is: " +
                                              std::to_string(found->version)});
  found->value = value;
  found->version = *version;
  found->when_ms = now_ms;
  return &*found;
}

std::expected<void, ConfError> ConfluenceStore::remove_property(const std::string& page_id, const std::string& key) {
  ConfPage* page = mutable_page(page_id);
  if (page == nullptr) return std::unexpected(ConfError{404, "No content with id " + page_id + " found"});
  const auto removed = std::erase_if(page->properties, [&](const ConfProperty& p) { return p.key == key; });
  if (removed == 0) return std::unexpected(ConfError{404, "No property with key '" + key + "' on content " + page_id});
  return {};
}

}  // namespace sandbox
