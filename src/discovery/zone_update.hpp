// Publishing a DNS tree: TXT strings of at most 255 bytes, and an update order that never
// leaves resolvers with a root whose entries are missing.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace wakufleet::discovery {

constexpr std::size_t kMaxTxtString = 255;  // one DNS <character-string>

// Cuts a TXT value into the <character-string>s of one TXT record; resolvers join them back.
std::vector<std::string> split_txt(std::string_view value);

struct RecordChange {
  enum class Kind { upsert, remove };
  Kind kind;
  std::string name;
  std::string value;  // empty for remove
  bool operator==(const RecordChange&) const = default;
};

// The changes that turn the old records into the new ones, safely ordered: first every new or
// changed entry other than the root (clients following the old root never see them), then the
// root (everything it points to exists by now), then removal of records nothing references
// any more (the new root no longer leads to them). Records are full name -> TXT value.
std::vector<RecordChange> order_zone_update(const std::map<std::string, std::string>& old_records,
                                            const std::map<std::string, std::string>& new_records,
                                            const std::string& root_name);

}  // namespace wakufleet::discovery
