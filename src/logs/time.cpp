#include "logs/time.hpp"

#include <cstdio>
#include <ctime>

#include "util/text.hpp"

namespace wakufleet::logs {

namespace {

constexpr std::int64_t kNsPerSecond = 1'000'000'000;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm): no time zone
// database, no libc call, so parsing a million "ts" fields stays cheap.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

// Reads exactly `count` digits at text[pos]; advances pos.
bool read_digits(std::string_view text, std::size_t& pos, std::size_t count, int& value) {
  if (pos + count > text.size()) return false;
  value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += count;
  return true;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

// ".833" → 833000000 ns; any number of digits, beyond 9 ignored.
std::int64_t read_fraction_ns(std::string_view text, std::size_t& pos) {
  if (pos >= text.size() || text[pos] != '.') return 0;
  ++pos;
  std::int64_t ns = 0;
  std::int64_t scale = 100'000'000;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
    ns += (text[pos] - '0') * scale;
    scale /= 10;
    ++pos;
  }
  return ns;
}

// "Z", "+01:00", "+0100" or nothing (UTC) → the offset in seconds east of UTC.
std::optional<std::int64_t> read_zone_seconds(std::string_view text, std::size_t& pos) {
  if (pos == text.size()) return 0;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
    return 0;
  }
  if (text[pos] != '+' && text[pos] != '-') return std::nullopt;
  const int sign = text[pos] == '-' ? -1 : 1;
  ++pos;
  int hours = 0;
  int minutes = 0;
  if (!read_digits(text, pos, 2, hours)) return std::nullopt;
  if (pos < text.size() && text[pos] == ':') ++pos;
  if (!read_digits(text, pos, 2, minutes)) return std::nullopt;
  return sign * (hours * 3600 + minutes * 60);
}

struct DateTime {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  bool plausible() const {
    return month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 60;
  }
  std::int64_t utc_seconds() const {
    return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 + hour * 3600 +
           minute * 60 + second;
  }
};

// "YYYY<ds>MM<ds>DD<ts>HH:MM:SS" where ds/ts are the date and date-time separators.
bool read_date_time(std::string_view text, std::size_t& pos, char date_sep, std::string_view time_seps, DateTime& out) {
  if (!read_digits(text, pos, 4, out.year) || !expect(text, pos, date_sep) || !read_digits(text, pos, 2, out.month) ||
      !expect(text, pos, date_sep) || !read_digits(text, pos, 2, out.day)) {
    return false;
  }
  if (pos >= text.size() || time_seps.find(text[pos]) == std::string_view::npos) return false;
  ++pos;
  return read_digits(text, pos, 2, out.hour) && expect(text, pos, ':') && read_digits(text, pos, 2, out.minute) &&
         expect(text, pos, ':') && read_digits(text, pos, 2, out.second) && out.plausible();
}

// Local wall-clock time → UTC seconds. mktime consults the zone rules on every call, so the
// answer is cached per hour (zones change their offset on hour boundaries, or nearly so).
std::int64_t local_to_utc_seconds(const DateTime& local) {
  thread_local std::int64_t cached_key = -1;
  thread_local std::int64_t cached_hour_start = 0;
  const std::int64_t day_key = (static_cast<std::int64_t>(local.year) * 13 + local.month) * 32 + local.day;
  const std::int64_t key = day_key * 24 + local.hour;
  if (key != cached_key) {
    std::tm tm{};
    tm.tm_year = local.year - 1900;
    tm.tm_mon = local.month - 1;
    tm.tm_mday = local.day;
    tm.tm_hour = local.hour;
    tm.tm_isdst = -1;
    cached_hour_start = static_cast<std::int64_t>(std::mktime(&tm));
    cached_key = key;
  }
  return cached_hour_start + local.minute * 60 + local.second;
}

}  // namespace

std::optional<std::int64_t> parse_rfc3339_ns(std::string_view text) {
  std::size_t pos = 0;
  DateTime dt;
  if (!read_date_time(text, pos, '-', "Tt ", dt)) return std::nullopt;
  const std::int64_t fraction = read_fraction_ns(text, pos);
  auto zone = read_zone_seconds(text, pos);
  if (!zone || pos != text.size()) return std::nullopt;
  return (dt.utc_seconds() - *zone) * kNsPerSecond + fraction;
}

std::optional<std::int64_t> parse_go_log_prefix_ns(std::string_view line) {
  std::size_t pos = 0;
  DateTime dt;
  if (!read_date_time(line, pos, '/', " ", dt)) return std::nullopt;
  const std::int64_t fraction = read_fraction_ns(line, pos);
  if (pos < line.size() && line[pos] != ' ') return std::nullopt;
  return local_to_utc_seconds(dt) * kNsPerSecond + fraction;
}

std::string format_time(std::int64_t ns) {
  std::int64_t seconds = ns / kNsPerSecond;
  std::int64_t rest = ns % kNsPerSecond;
  if (rest < 0) {  // floor, so that times before 1970 still print their own second
    rest += kNsPerSecond;
    --seconds;
  }
  std::int64_t days = seconds / 86400;
  std::int64_t in_day = seconds % 86400;
  if (in_day < 0) {
    in_day += 86400;
    --days;
  }
  const Civil date = civil_from_days(days);
  char text[40];
  std::snprintf(text, sizeof text, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ", static_cast<long long>(date.year),
                date.month, date.day, static_cast<long long>(in_day / 3600), static_cast<long long>(in_day / 60 % 60),
                static_cast<long long>(in_day % 60), static_cast<long long>(rest / 1'000'000));
  return text;
}

util::Result<TimePoint> parse_time_arg(std::string_view text, TimePoint reference) {
  const std::string trimmed = util::trim(text);
  if (auto seconds = util::parse_duration_seconds(trimmed)) return reference - std::chrono::seconds(*seconds);
  if (auto ns = parse_rfc3339_ns(trimmed)) return from_ns(*ns);
  return util::fail("'" + trimmed +
                    "' is neither a duration (10m, 2h, 7d, 1h30m) nor a time (2026-11-25T12:30:00Z, RFC3339)");
}

}  // namespace wakufleet::logs
