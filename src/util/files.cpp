#include "util/files.hpp"

#include <fstream>

namespace wakufleet::util {

namespace fs = std::filesystem;

Result<void> write_file_atomically(const std::string& path, const std::string& content, fs::perms mode) {
  std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!(out << content) || !out.flush()) return fail("cannot write " + temporary);
  }
  std::error_code error;
  fs::permissions(temporary, mode, error);
  if (!error) fs::rename(temporary, path, error);
  if (error) return fail("cannot write " + path + ": " + error.message());
  return {};
}

}  // namespace wakufleet::util
