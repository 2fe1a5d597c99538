// Plan rendering: Terraform-style text and JSON.
#include <sstream>

#include "engine/plan.hpp"

namespace wakufleet::engine {

namespace {

struct Style {
  bool color;
  std::string paint(const std::string& text, const char* code) const {
    return color ? std::string("\033[") + code + "m" + text + "\033[0m" : text;
  }
};

const char* symbol(Action action) {
  switch (action) {
    case Action::Create: return "  +";
    case Action::Update: return "  ~";
    case Action::Replace: return "-/+";
    case Action::Delete: return "  -";
  }
  return "  ?";
}

const char* color_of(Action action) {
  switch (action) {
    case Action::Create: return "32";
    case Action::Update: return "33";
    case Action::Replace: return "35";
    case Action::Delete: return "31";
  }
  return "0";
}

const char* headline(Action action) {
  switch (action) {
    case Action::Create: return "will be created";
    case Action::Update: return "will be updated in place";
    case Action::Replace: return "must be replaced";
    case Action::Delete: return "will be destroyed";
  }
  return "";
}

std::string show_value(const std::optional<json>& value, bool sensitive) {
  if (!value) return "null";
  if (sensitive) return "(sensitive value)";
  return value->dump();
}

std::string attribute_line(const AttributeChange& attribute, std::size_t key_width, const Style& style) {
  std::string key = attribute.key + std::string(key_width - attribute.key.size(), ' ');
  std::string line;
  if (!attribute.before) {
    line = style.paint("+", "32") + " " + key + " = " + show_value(attribute.after, attribute.sensitive);
  } else if (!attribute.after) {
    line = style.paint("-", "31") + " " + key + " = " + show_value(attribute.before, attribute.sensitive);
  } else {
    line = style.paint("~", "33") + " " + key + " = " + show_value(attribute.before, attribute.sensitive) +
           " -> " + show_value(attribute.after, attribute.sensitive);
  }
  if (attribute.forces_replacement) line += style.paint(" # forces replacement", "31");
  return "      " + line + "\n";
}

void render_change(std::ostringstream& out, const Change& change, const Style& style) {
  std::string type = change.desired ? change.desired->type : change.prior->type;
  std::string name = change.desired ? change.desired->name : change.prior->name;
  out << "  # " << style.paint(change.address, "1") << " " << headline(change.action) << "\n";
  out << style.paint(symbol(change.action), color_of(change.action)) << " " << type << " \"" << name << "\" {\n";
  std::size_t width = 0;
  for (const auto& attribute : change.attributes) width = std::max(width, attribute.key.size());
  for (const auto& attribute : change.attributes) {
    if (attribute.key == kSensitiveKeysAttribute) continue;
    out << attribute_line(attribute, width, style);
  }
  out << "    }\n\n";
}

}  // namespace

std::string summary_line(const Plan& plan) {
  if (plan.empty()) return "No changes. The fleet matches the spec.";
  return "Plan: " + std::to_string(plan.to_add) + " to add, " + std::to_string(plan.to_change) + " to change, " +
         std::to_string(plan.to_destroy) + " to destroy.";
}

std::string render_text(const Plan& plan, bool color) {
  Style style{color};
  std::ostringstream out;
  if (!plan.empty()) {
    out << "wakufleet will perform the following actions:\n\n";
    for (const auto& change : plan.changes) render_change(out, change, style);
  }
  out << style.paint(summary_line(plan), "1") << "\n";
  return out.str();
}

json render_json(const Plan& plan) {
  json changes = json::array();
  for (const auto& change : plan.changes) {
    json attributes = json::array();
    for (const auto& attribute : change.attributes) {
      if (attribute.key == kSensitiveKeysAttribute) continue;
      json entry = {{"key", attribute.key},
                    {"sensitive", attribute.sensitive},
                    {"forces_replacement", attribute.forces_replacement}};
      if (!attribute.sensitive) {
        entry["before"] = attribute.before ? *attribute.before : json(nullptr);
        entry["after"] = attribute.after ? *attribute.after : json(nullptr);
      }
      attributes.push_back(std::move(entry));
    }
    const auto& type = change.desired ? change.desired->type : change.prior->type;
    const auto& name = change.desired ? change.desired->name : change.prior->name;
    changes.push_back({{"address", change.address},
                       {"type", type},
                       {"name", name},
                       {"action", to_string(change.action)},
                       {"attributes", std::move(attributes)}});
  }
  return {{"format_version", "1"},
          {"changes", std::move(changes)},
          {"summary", {{"add", plan.to_add}, {"change", plan.to_change}, {"destroy", plan.to_destroy}}}};
}

}  // namespace wakufleet::engine
