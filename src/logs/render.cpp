// Printing records: one line of text each, or one JSON object each (JSON lines).
#include <nlohmann/json.hpp>

#include "logs/query.hpp"

namespace wakufleet::logs {

namespace {

std::string upper(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return out;
}

const char* level_color(Level level) {
  if (level >= Level::Error) return "\x1b[31m";  // red
  if (level == Level::Warn) return "\x1b[33m";   // yellow
  if (level == Level::Debug) return "\x1b[2m";   // dim
  return "";
}

// "INFO ", "ERROR", "-    ": five columns so that loggers line up.
std::string level_column(const LogRecord& record, bool color) {
  std::string name = record.level ? upper(level_name(*record.level)) : "-";
  if (name.size() < 5) name.append(5 - name.size(), ' ');
  if (!color || !record.level) return name;
  const char* code = level_color(*record.level);
  return *code == '\0' ? name : std::string(code) + name + "\x1b[0m";
}

nlohmann::json fields_json(const std::string& fields) {
  if (fields.empty()) return nlohmann::json::object();
  auto parsed = nlohmann::json::parse(fields, nullptr, false);
  return parsed.is_discarded() ? nlohmann::json(fields) : parsed;
}

nlohmann::json optional_text(const std::string& text) { return text.empty() ? nlohmann::json() : nlohmann::json(text); }

}  // namespace

std::string render_text(const LogRecord& record, const RenderOptions& options) {
  std::string line = format_time(record.time_ns);
  line += ' ';
  line += record.node;
  if (record.node.size() < options.node_width) line.append(options.node_width - record.node.size(), ' ');
  line += ' ';
  line += level_column(record, options.color);
  line += ' ';
  if (!record.logger.empty()) {
    line += record.logger;
    line += ": ";
  }
  line += record.message;
  if (!record.fields.empty()) {
    line += ' ';
    line += record.fields;
  }
  return line;
}

std::string render_json(const LogRecord& record) {
  nlohmann::json object = {
      {"id", record.id},
      {"time", format_time(record.time_ns)},
      {"node", record.node},
      {"level", record.level ? nlohmann::json(std::string(level_name(*record.level))) : nlohmann::json()},
      {"logger", optional_text(record.logger)},
      {"msg", record.message},
      {"fields", fields_json(record.fields)},
      {"line", record.line()},
  };
  // Logs may hold any bytes: replace invalid UTF-8 rather than fail the whole output.
  return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace wakufleet::logs
