// The Confluence emulation's data: spaces, pages with their version history, labels and
// attachments, and the operations on them that both API generations (v1 and v2) and both
// flavors share. Rendering to JSON in each API's shape lives in confluence.cpp.
#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <utility>
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

// One uploaded version of an attachment.
struct ConfAttachmentVersion {
  int number = 1;              // 1, 2, ...
  std::string media_type;      // from the file part's Content-Type
  std::string comment;         // from the "comment" part (Confluence's version comment)
  bool minor_edit = false;     // from the "minorEdit" part
  std::string data;            // the file's bytes
  std::int64_t when_ms = 0;    // when it was uploaded (epoch milliseconds, UTC)
  nlohmann::json by;           // who uploaded it (sandbox user JSON, or null)
};

// One attachment: all its versions share id and (current) title.
struct ConfAttachment {
  std::string id;                              // "att123" on Cloud, "123" on Data Center
  std::string title;                           // file name
  std::vector<ConfAttachmentVersion> versions; // oldest first; never empty

  // The latest version.
  const ConfAttachmentVersion& current() const { return versions.back(); }
  // Version `number`; nullptr when there is none.
  const ConfAttachmentVersion* version(int number) const;
};

// One file of an upload (a multipart "file" part with its comment and minorEdit).
struct ConfUpload {
  std::string file_name;   // the part's filename
  std::string media_type;  // the part's Content-Type (application/octet-stream when absent)
  std::string comment;     // may be empty
  bool minor_edit = false; // "minorEdit" part
  std::string data;        // the bytes
};

// What an upload does when the page already has an attachment with the file's name.
enum class UploadMode {
  CreateOnly,      // refuse (400), as POST .../child/attachment does
  CreateOrUpdate,  // add a new version, as Cloud's PUT and POST ?allowDuplicated=true do
};

// A page.
// A content property of a page: a JSON value under a key, versioned.
struct ConfProperty {
  std::string id;     // numeric id as text (shares the content id counter)
  std::string key;
  nlohmann::json value;
  int version = 1;
  std::int64_t when_ms = 0;
};

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
  std::vector<ConfProperty> properties;     // content properties, in the order created

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

  // Adds an attachment, or a new version of the one with the file's name when `mode` allows.
  // Error: 404 unknown page, 400 same file name already attached ("Cannot add a new attachment
  // with same file name as an existing attachment: NAME").
  std::expected<const ConfAttachment*, ConfError> add_attachment(const std::string& page_id, const ConfUpload& upload,
                                                                UploadMode mode, bool cloud_ids,
                                                                const nlohmann::json& user, std::int64_t now_ms);
  // Adds a new version (bytes, file name, media type, comment) to attachment `attachment_id` of
  // the page. Error: 404 unknown page or attachment, 400 the new file name is another
  // attachment's.
  std::expected<const ConfAttachment*, ConfError> update_attachment_data(const std::string& page_id,
                                                                        const std::string& attachment_id,
                                                                        const ConfUpload& upload,
                                                                        const nlohmann::json& user, std::int64_t now_ms);
  // Creates the content property `key` (`version` = nullopt) or writes version `*version`,
  // which must be the current one + 1. Errors: 404 unknown page (or, for an update, unknown
  // property), 409 a create of a key that exists or a version that is not current + 1, 400 an
  // empty or over-long key.
  std::expected<const ConfProperty*, ConfError> put_property(const std::string& page_id, const std::string& key,
                                                            const nlohmann::json& value, std::optional<int> version,
                                                            std::int64_t now_ms);
  // Removes a property by key. Error: 404 unknown page or property.
  std::expected<void, ConfError> remove_property(const std::string& page_id, const std::string& key);

  // An attachment by id ("att123" and "123" name the same one) with the page it is on; both
  // nullptr when absent.
  std::pair<const ConfPage*, const ConfAttachment*> find_attachment(const std::string& id) const;

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
