// What a parsed JQL query says about itself: the values it names (for the caller's existence
// check) and its syntax tree in the shape of Cloud's POST /rest/api/3/jql/parse.
#include <string>
#include <string_view>
#include <vector>

#include "jql_ast.hpp"

namespace sandbox::jql {

using nlohmann::json;

namespace {

// The domain a field family's values name, if they name one.
std::optional<ValueDomain> domain_of(FieldKind kind) {
  switch (kind) {
    case FieldKind::Project: return ValueDomain::Project;
    case FieldKind::Status: return ValueDomain::Status;
    case FieldKind::User:
    case FieldKind::Watcher: return ValueDomain::User;
    case FieldKind::Priority: return ValueDomain::Priority;
    case FieldKind::IssueType: return ValueDomain::IssueType;
    case FieldKind::FixVersion: return ValueDomain::Version;
    case FieldKind::Component: return ValueDomain::Component;
    case FieldKind::Sprint: return ValueDomain::Sprint;
    case FieldKind::IssueLinkType: return ValueDomain::LinkType;
    default: return std::nullopt;
  }
}

// Appends the literals of one clause that name something.
void clause_refs(const Clause& c, std::vector<ValueRef>& out) {
  auto domain = domain_of(c.field.kind);
  if (!domain) return;
  auto add = [&](const Operand& o) {
    if (o.kind == Operand::Kind::Literal) out.push_back(ValueRef{*domain, c.field.display, o.text});
  };
  if (c.operand.kind == Operand::Kind::List) {
    for (const auto& item : c.operand.items) add(item);
  } else {
    add(c.operand);
  }
}

void node_refs(const Node& n, std::vector<ValueRef>& out) {
  if (n.kind == Node::Kind::Leaf) {
    clause_refs(n.clause, out);
    return;
  }
  for (const auto& child : n.children) node_refs(child, out);
}


// A field name as JQL can take it back: quoted when it holds anything but letters, digits,
// dots, underscores and the cf[N] brackets.
std::string encoded_name(std::string_view name) {
  bool plain = !name.empty();
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '.' || c == '[' || c == ']';
    plain = plain && ok;
  }
  if (plain) return std::string(name);
  std::string out = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

json field_json(const FieldRef& f) { return {{"name", f.display}, {"encodedName", encoded_name(f.display)}}; }

// One operand (not a list) as ValueOperand, FunctionOperand or KeywordOperand.
json unitary_json(const Operand& o) {
  switch (o.kind) {
    case Operand::Kind::Empty:
      return {{"keyword", "empty"}};
    case Operand::Kind::Literal:
      return {{"value", o.text}, {"encodedValue", o.raw.empty() ? o.text : o.raw}};
    default:
      return {{"function", o.text.substr(0, o.text.size() - 2)}, {"arguments", o.args}, {"encodedOperand", o.raw}};
  }
}

json node_json(const Node& n) {
  if (n.kind == Node::Kind::Leaf) {
    const Clause& c = n.clause;
    json operand;
    if (c.operand.kind == Operand::Kind::List) {
      json values = json::array();
      for (const auto& item : c.operand.items) values.push_back(unitary_json(item));
      operand = {{"values", values}, {"encodedOperand", c.operand.raw}};
    } else {
      operand = unitary_json(c.operand);
    }
    return {{"field", field_json(c.field)}, {"operator", std::string(op_name(c.op))}, {"operand", operand}};
  }
  json clauses = json::array();
  for (const auto& child : n.children) clauses.push_back(node_json(child));
  const char* op = n.kind == Node::Kind::And ? "and" : n.kind == Node::Kind::Or ? "or" : "not";
  return {{"operator", op}, {"clauses", clauses}};
}

}  // namespace

std::vector<ValueRef> value_refs(const Query& q) {
  std::vector<ValueRef> out;
  if (q.where) node_refs(*q.where, out);
  return out;
}

json structure(const Query& q) {
  json out = json::object();
  if (q.where) out["where"] = node_json(*q.where);
  if (!q.order_by.empty()) {
    json fields = json::array();
    for (const auto& key : q.order_by) {
      json element = {{"field", field_json(key.field)}};
      if (key.explicit_direction) element["direction"] = key.descending ? "desc" : "asc";
      fields.push_back(element);
    }
    out["orderBy"] = {{"fields", fields}};
  }
  return out;
}

}  // namespace sandbox::jql
