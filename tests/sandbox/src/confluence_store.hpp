// The Confluence emulation's data: spaces, pages with their version history, labels and
// attachments, and the operations on them that both API generations (v1 and v2) and both
// flavors share. Rendering to JSON in each API's shape lives in confluence.cpp.
#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sandbox {

// An error of a store operation: the HTTP status and Confluence's message.
struct ConfError {
  int status = 400;      // 400, 404, 409, ...
  std::string message;   // e.g. "Version must be incremented on update. Current version is: 3"
};

// One saved version of a page.
struct ConfVersion {
  int number = 1;              // 1, 2, ...
  std::string title;           // title as of this version
  std::string body;            // storage-format body as of this version
  std::int64_t when_ms = 0;    // when it was saved (epoch milliseconds, UTC)
  nlohmann::json by;           // the user who saved it (sandbox user JSON, or null)
  std::string message;         // version comment
  bool minor_edit = false;     // "minor edit" flag
};

// A label on a page.
struct ConfLabel {
  std::string id;      // numeric id
  std::string prefix;  // "global", "my" or "team"
  std::string name;    // lower-case name
};

// One attachment (all its versions share id and title).
struct ConfAttachment {
  std::string id;          // "att123" on Cloud, "123" on Data Center
  std::string title;       // file name
  std::string media_type;  // from the part's Content-Type
  std::string comment;     // from the "comment" part
  std::size_t size = 0;    // bytes of the latest version
  int version = 1;         // latest version number
  std::int64_t when_ms = 0;  // when the latest version was uploaded
  nlohmann::json by;       // who uploaded it
};

// A page.
struct ConfPage {
  std::string id;                        // numeric id as text
  std::string space_key;                 // owning space
  std::string parent_id;                 // empty for a root page
  std::string status = "current";        // "current", "draft" or "trashed"
  std::int64_t created_ms = 0;           // creation time
  nlohmann::json creator;                // who created it
  std::vector<ConfVersion> versions;     // oldest first; back() is current
  std::vector<ConfLabel> labels;         // in the order added
  std::vector<ConfAttachment> attachments;  // in the order added

  // The current version (pages always have at least one).
  const ConfVersion& current() const { return versions.back(); }
};

// A space.
struct ConfSpace {
  std::string key;          // "OPS"
  std::string name;         // "Operations"
  std::string id;           // numeric id as text
  std::string homepage_id;  // page new pages go under when created without a parent (v2); may be empty
};

// Inputs of a page creation.
struct ConfNewPage {
  std::string space_key;             // required
  std::string title;                 // required
  std::string parent_id;             // empty: root (or the space homepage when asked)
  std::string body;                  // storage format
  std::string status = "current";    // "current" or "draft"
  std::vector<ConfLabel> labels;     // labels to add (ids assigned by the store)
};

// Inputs of a page update.
struct ConfPageUpdate {
  std::string title;                       // new (or same) title; required
  std::optional<std::string> body;         // new body; unchanged when absent
  int version_number = 0;                  // must be current + 1
  std::string message;                     // version comment
  bool minor_edit = false;                 // minor edit flag
  std::optional<std::string> parent_id;    // move under this page when present
  std::optional<std::string> status;       // "current" restores a trashed page
};

// All Confluence data of the sandbox, with its invariants (unique titles per space, version
// numbering, well-formed storage bodies).
class ConfluenceStore {
public:
  // Replaces everything with the seed's "confluence" part (the default OPS space and the
  // "Fault Reviews" page when the part is absent).
  void load_seed(const nlohmann::json& seed);
  // Adds or replaces the seed's spaces (by key) and pages (by id).
  void extend_seed(const nlohmann::json& seed);
  // Whole state as JSON, and back.
  nlohmann::json snapshot() const;
  void restore(const nlohmann::json& state);

  // Space by key or by id; nullptr when absent.
  const ConfSpace* space_by_key(const std::string& key) const;
  const ConfSpace* space_by_id(const std::string& id) const;
  // All spaces in seed order.
  const std::vector<ConfSpace>& spaces() const { return m_spaces; }

  // Page by id (any status); nullptr when absent.
  const ConfPage* page(const std::string& id) const;
  // All pages, ordered by numeric id.
  std::vector<const ConfPage*> pages() const;
  // Current child pages of `id`, in creation order.
  std::vector<const ConfPage*> children(const std::string& id) const;
  // Ancestor pages of `page`, from the root down to its parent.
  std::vector<const ConfPage*> ancestors(const ConfPage& page) const;

  // Creates a page. Errors: 404 unknown space, 400 missing title / duplicate title / bad
  // parent / malformed storage body ("Error parsing xhtml: ...").
  std::expected<const ConfPage*, ConfError> create_page(const ConfNewPage& input, const nlohmann::json& user,
                                                       std::int64_t now_ms);
  // Saves a new version. Errors: 404 unknown page, 409 version not current+1, 400 duplicate
  // title / malformed body / bad parent.
  std::expected<const ConfPage*, ConfError> update_page(const std::string& id, const ConfPageUpdate& input,
                                                       const nlohmann::json& user, std::int64_t now_ms);
  // Moves a page to the trash, or purges it when it is already trashed and `purge` is set.
  // Error: 404 unknown page.
  std::expected<void, ConfError> delete_page(const std::string& id, bool purge);

  // Adds labels (lower-cased; existing ones kept). Error: 404 unknown page, 400 invalid name.
  std::expected<const ConfPage*, ConfError> add_labels(const std::string& id, const std::vector<ConfLabel>& labels);
  // Removes a label by name. Error: 404 unknown page or label.
  std::expected<void, ConfError> remove_label(const std::string& id, const std::string& name);

  // Adds an attachment or, when `new_version` is set and one with that title exists, a new
  // version of it. Error: 404 unknown page, 400 same file name already attached.
  std::expected<const ConfAttachment*, ConfError> add_attachment(const std::string& page_id, ConfAttachment input,
                                                                bool new_version, bool cloud_ids);

private:
  // Page by id for changing; nullptr when absent.
  ConfPage* mutable_page(const std::string& id);
  // 400 when `title` is empty, too long, or taken in the space by a page other than `except_id`.
  std::expected<void, ConfError> check_title(const std::string& space_key, const std::string& title,
                                             const std::string& except_id) const;
  // 400 when `parent_id` is not a live page of the space, or (for a move of `page_id`) would
  // make a cycle.
  std::expected<void, ConfError> check_parent(const std::string& space_key, const std::string& parent_id,
                                              const std::string& page_id) const;
  // A fresh id (content, label and attachment ids share one counter, as in Confluence).
  std::string next_id();

  std::vector<ConfSpace> m_spaces;               // all spaces
  std::map<std::int64_t, ConfPage> m_pages;      // pages by numeric id
  std::int64_t m_next_id = 131073;               // next content / label / attachment id
  nlohmann::json m_seed_user;                    // creator of seeded pages
};

// Checks a label name the way Confluence does: non-empty, at most 255 characters, no
// whitespace and none of : ; , . ? & [ ] ( ) # ^ * @ !. Returns the reason when invalid.
std::optional<std::string> invalid_label_reason(const std::string& name);

}  // namespace sandbox
