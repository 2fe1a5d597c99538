#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "dns/zone.hpp"
#include "util/text.hpp"

namespace wakufleet::dns {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::string quoted_txt(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// Reads the character-strings of a TXT rdata as kdig prints it: "abc" "def".
std::vector<std::string> parse_txt(const std::string& text) {
  std::vector<std::string> values;
  std::size_t i = 0;
  while ((i = text.find('"', i)) != std::string::npos) {
    std::string value;
    for (++i; i < text.size() && text[i] != '"'; ++i) {
      if (text[i] == '\\' && i + 1 < text.size()) ++i;
      value += text[i];
    }
    values.push_back(value);
    ++i;
  }
  return values;
}

// A rejected TSIG key is the one failure with a clear cause; say it in words.
std::string explain(const std::string& output) {
  bool bad_key = output.find("BADSIG") != std::string::npos || output.find("BADKEY") != std::string::npos ||
                 output.find("TSIG") != std::string::npos;
  if (!bad_key) return util::trim(output);
  return "the server rejected the TSIG key (" + util::trim(output) +
         "): the key in the fleet's secrets does not match the one the DNS server was configured with";
}

class Rfc2136Zone : public Zone {
 public:
  Rfc2136Zone(util::ProcessRunner& runner, std::string server, int port, std::string origin, TsigKey key,
              std::string key_file)
      : runner_(runner), server_(std::move(server)), port_(port), origin_(std::move(origin)), key_(std::move(key)),
        key_file_(std::move(key_file)) {}

  const std::string& origin() const override { return origin_; }

  util::Result<std::vector<Record>> list() override {
    std::lock_guard lock(mutex_);
    if (auto written = write_key_file(); !written) return written.error();
    auto transfer = runner_.run({"kdig", "@" + server_, "-p", std::to_string(port_), "-k", key_file_, origin_, "AXFR",
                                 "+noall", "+answer", "+nocrypto"},
                                15s);
    if (!transfer) return transfer.error();
    if (transfer->exit_code != 0 || transfer->output.find("failed") != std::string::npos ||
        transfer->output.find("ERROR") != std::string::npos) {
      return util::fail("listing zone " + origin_ + " at " + server_ + " failed: " + explain(transfer->output));
    }
    return parse_axfr(transfer->output);
  }

  util::Result<void> upsert(const Record& record) override {
    std::string script = "update delete " + record.name + ". " + record.type + "\n" + "update add " + record.name +
                         ". " + std::to_string(record.ttl) + " " + record.type + " " + rdata_text(record) + "\n";
    return send(script);
  }

  util::Result<void> remove(const std::string& name, const std::string& type) override {
    return send("update delete " + name + ". " + type + "\n");
  }

 private:
  util::Result<void> write_key_file() {
    std::ofstream out(key_file_, std::ios::trunc);
    out << key_.algorithm << ":" << key_.name << ":" << key_.secret << "\n";
    out.close();
    std::error_code error;
    fs::permissions(key_file_, fs::perms::owner_read | fs::perms::owner_write, error);
    if (!out || error) return util::fail("cannot write the TSIG key file " + key_file_);
    return {};
  }

  // Updates of one zone go one at a time: each is a separate SOA serial bump anyway.
  util::Result<void> send(const std::string& updates) {
    std::lock_guard lock(mutex_);
    if (auto written = write_key_file(); !written) return written;
    std::string script_path = key_file_ + ".update";
    {
      std::ofstream out(script_path, std::ios::trunc);
      out << "server " << server_ << " " << port_ << "\nzone " << origin_ << ".\n" << updates << "send\n";
    }
    auto sent = runner_.run({"knsupdate", "-k", key_file_, script_path}, 15s);
    std::error_code error;
    fs::remove(script_path, error);
    if (!sent) return sent.error();
    if (sent->exit_code != 0) {
      return util::fail("DNS update of zone " + origin_ + " at " + server_ + " failed: " + explain(sent->output));
    }
    return {};
  }

  std::vector<Record> parse_axfr(const std::string& output) const {
    std::vector<Record> records;
    std::istringstream lines(output);
    std::string line;
    while (std::getline(lines, line)) {
      std::istringstream fields(line);
      Record record;
      std::string klass;
      if (!(fields >> record.name >> record.ttl >> klass >> record.type)) continue;
      if (record.type == "SOA" || record.type == "NS" || record.type == "TSIG") continue;
      if (!record.name.empty() && record.name.back() == '.') record.name.pop_back();
      std::string rest;
      std::getline(fields, rest);
      if (record.type == "TXT") {
        record.values = parse_txt(rest);
      } else {
        record.values = {util::trim(rest)};
      }
      records.push_back(std::move(record));
    }
    return records;
  }

  util::ProcessRunner& runner_;
  std::string server_;
  int port_;
  std::string origin_;
  TsigKey key_;
  std::string key_file_;
  std::mutex mutex_;
};

}  // namespace

std::unique_ptr<Zone> make_rfc2136_zone(util::ProcessRunner& runner, std::string server_address, int port,
                                        std::string origin, TsigKey key, std::string key_file) {
  return std::make_unique<Rfc2136Zone>(runner, std::move(server_address), port, std::move(origin), std::move(key),
                                       std::move(key_file));
}

std::vector<std::string> split_txt(const std::string& value) {
  std::vector<std::string> parts;
  for (std::size_t at = 0; at < value.size(); at += 255) parts.push_back(value.substr(at, 255));
  if (parts.empty()) parts.push_back("");
  return parts;
}

std::string rdata_text(const Record& record) {
  if (record.type != "TXT") return record.values.empty() ? "" : record.values.front();
  std::string text;
  for (const auto& value : record.values) text += (text.empty() ? "" : " ") + quoted_txt(value);
  return text;
}

}  // namespace wakufleet::dns
