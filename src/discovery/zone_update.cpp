#include "discovery/zone_update.hpp"

namespace wakufleet::discovery {

std::vector<std::string> split_txt(std::string_view value) {
  std::vector<std::string> strings;
  do {
    strings.emplace_back(value.substr(0, kMaxTxtString));
    value.remove_prefix(strings.back().size());
  } while (!value.empty());
  return strings;
}

std::vector<RecordChange> order_zone_update(const std::map<std::string, std::string>& old_records,
                                            const std::map<std::string, std::string>& new_records,
                                            const std::string& root_name) {
  auto changed = [&old_records](const std::string& name, const std::string& value) {
    auto it = old_records.find(name);
    return it == old_records.end() || it->second != value;
  };
  std::vector<RecordChange> changes;
  for (const auto& [name, value] : new_records)
    if (name != root_name && changed(name, value)) changes.push_back({RecordChange::Kind::upsert, name, value});
  if (auto root = new_records.find(root_name); root != new_records.end() && changed(root_name, root->second))
    changes.push_back({RecordChange::Kind::upsert, root_name, root->second});
  for (const auto& [name, value] : old_records)
    if (!new_records.contains(name)) changes.push_back({RecordChange::Kind::remove, name, ""});
  return changes;
}

}  // namespace wakufleet::discovery
