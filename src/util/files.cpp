#include "util/files.hpp"

#include <fstream>
#include <mutex>

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

std::string secrets_dir(const std::string& state_path) { return state_path + ".secrets"; }

std::string ensure_secrets_dir(const std::string& state_path) {
  const std::string dir = secrets_dir(state_path);
  std::error_code error;
  fs::create_directories(dir, error);
  fs::permissions(dir, fs::perms::owner_all, error);
  return dir;
}

Result<std::string> ensure_secret_line(const std::string& path, const std::function<Result<std::string>()>& generate) {
  // Apply's workers may ask for one node's key at the same moment: one key must come out.
  static std::mutex secret_files;
  std::lock_guard lock(secret_files);
  if (!fs::exists(path)) {
    auto secret = generate();
    if (!secret) return secret.error();
    if (auto written = write_file_atomically(path, *secret + "\n"); !written) return written.error();
  }
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace wakufleet::util
