// Lines → records, and the time texts of logs and of the command line.
#include <ctime>

#include <gtest/gtest.h>

#include "logs/line_parser.hpp"
#include "logs/time.hpp"

namespace wakufleet::logs {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

ParsedLine parse(std::string_view line) {
  ParsedLine parsed;
  parse_line(line, parsed);
  return parsed;
}

TEST(ParseLine, GoWakuJsonLine) {
  auto line = parse(
      R"({"level":"info","ts":"2026-11-25T12:30:00.833Z","logger":"gowaku.rest","caller":"rest/admin.go:81","msg":"fetched peers","count":3,"peers":["a","b"],"opts":{"x":1}})");
  EXPECT_TRUE(line.json);
  EXPECT_EQ(line.level, Level::Info);
  EXPECT_EQ(line.logger, "gowaku.rest");
  EXPECT_EQ(line.message, "fetched peers");
  // caller is dropped from the fields; the rest keep their order and their compact text
  EXPECT_EQ(line.fields, R"({"count":3,"peers":["a","b"],"opts":{"x":1}})");
  ASSERT_TRUE(line.time_ns);
  EXPECT_EQ(format_time(*line.time_ns), "2026-11-25T12:30:00.833Z");
  EXPECT_FALSE(line.coarse_time);
}

TEST(ParseLine, JsonWithoutExtraFields) {
  auto line = parse(R"({"level":"error","ts":"2026-11-25T12:30:00Z","msg":"boom"})");
  EXPECT_TRUE(line.json);
  EXPECT_EQ(line.level, Level::Error);
  EXPECT_EQ(line.fields, "");
  EXPECT_EQ(line.logger, "");
}

TEST(ParseLine, EscapesInStringsAreDecoded) {
  auto line = parse(R"({"level":"warn","msg":"a \"quoted\"\n\u00e9 \ud83d\ude00 \/","k":"v\"w"})");
  EXPECT_EQ(line.message, "a \"quoted\"\n\xC3\xA9 \xF0\x9F\x98\x80 /");
  EXPECT_EQ(line.fields, R"({"k":"v\"w"})");  // fields keep their JSON text as written
}

TEST(ParseLine, BracesInsideStringsDoNotEndTheObject) {
  auto line = parse(R"({"level":"info","msg":"x","q":"}{][","n":{"a":"}"}})");
  EXPECT_TRUE(line.json);
  EXPECT_EQ(line.fields, R"({"q":"}{][","n":{"a":"}"}})");
}

TEST(ParseLine, NumericEpochTimestamp) {
  auto line = parse(R"({"level":"debug","ts":1795600200.5,"msg":"m"})");
  ASSERT_TRUE(line.time_ns);
  EXPECT_NEAR(static_cast<double>(*line.time_ns), 1795600200.5e9, 1e3);
  EXPECT_EQ(line.level, Level::Debug);
}

TEST(ParseLine, PlainTextIsKeptWhole) {
  const std::string text = "panic: runtime error: index out of range";
  auto line = parse(text);
  EXPECT_FALSE(line.json);
  EXPECT_FALSE(line.level);
  EXPECT_FALSE(line.time_ns);
  EXPECT_EQ(line.message, text);
}

TEST(ParseLine, GoLogPrefixGivesALocalSecond) {
  auto line = parse(R"(2026/11/25 12:30:00 "POST http://127.0.0.1:8645/relay/v1/messages HTTP/1.1" 200)");
  EXPECT_FALSE(line.json);
  ASSERT_TRUE(line.time_ns);
  EXPECT_TRUE(line.coarse_time);
  std::tm local{};
  local.tm_year = 126;
  local.tm_mon = 10;
  local.tm_mday = 25;
  local.tm_hour = 12;
  local.tm_min = 30;
  local.tm_isdst = -1;
  EXPECT_EQ(*line.time_ns, static_cast<std::int64_t>(std::mktime(&local)) * kSecond);
}

TEST(ParseLine, JsonThatIsNotALogRecordOrIsBrokenStaysPlain) {
  EXPECT_FALSE(parse(R"({"a":1})").json);  // neither level nor msg
  EXPECT_FALSE(parse(R"({"level":"info","msg":"x")").json);
  EXPECT_FALSE(parse(R"({"level":"info","msg":"x"} trailing)").json);
  EXPECT_FALSE(parse(R"({"level":"info","msg":"unterminated})").json);
  EXPECT_EQ(parse(R"({"level":"info")").message, R"({"level":"info")");
}

TEST(ParseLine, UnknownLevelIsNull) {
  auto line = parse(R"({"level":"trace","msg":"x"})");
  EXPECT_TRUE(line.json);
  EXPECT_FALSE(line.level);
}

TEST(Levels, NamesAndOrder) {
  EXPECT_EQ(parse_level("WARN"), Level::Warn);
  EXPECT_EQ(parse_level("warning"), Level::Warn);
  EXPECT_EQ(parse_level("dpanic"), Level::DPanic);
  EXPECT_FALSE(parse_level("verbose"));
  EXPECT_LT(Level::Debug, Level::Info);
  EXPECT_LT(Level::Warn, Level::Error);
  EXPECT_LT(Level::Error, Level::Fatal);
  EXPECT_EQ(level_name(Level::Fatal), "fatal");
}

TEST(Time, Rfc3339Forms) {
  const std::int64_t base = 1'795'609'800LL * kSecond;  // 2026-11-25T12:30:00Z
  EXPECT_EQ(parse_rfc3339_ns("2026-11-25T12:30:00Z"), base);
  EXPECT_EQ(parse_rfc3339_ns("2026-11-25T12:30:00.833Z"), base + 833'000'000);
  EXPECT_EQ(parse_rfc3339_ns("2026-11-25T13:30:00+01:00"), base);
  EXPECT_EQ(parse_rfc3339_ns("2026-11-25T11:30:00-0100"), base);
  EXPECT_EQ(parse_rfc3339_ns("2026-11-25 12:30:00"), base);
  EXPECT_EQ(parse_rfc3339_ns("2026-11-25T12:30:00.123456789Z"), base + 123'456'789);
  EXPECT_FALSE(parse_rfc3339_ns("2026-13-25T12:30:00Z"));
  EXPECT_FALSE(parse_rfc3339_ns("2026-11-25"));
  EXPECT_FALSE(parse_rfc3339_ns("2026-11-25T12:30:00Zjunk"));
}

TEST(Time, FormatRoundTrips) {
  for (const char* text : {"1970-01-01T00:00:00.000Z", "2000-02-29T23:59:59.999Z", "2026-11-25T12:30:00.833Z",
                           "1969-12-31T23:59:59.500Z"}) {
    auto ns = parse_rfc3339_ns(text);
    ASSERT_TRUE(ns) << text;
    EXPECT_EQ(format_time(*ns), text);
  }
}

TEST(Time, ArgumentsRelativeAndAbsolute) {
  const TimePoint reference = from_ns(1'795'609'800LL * kSecond);
  EXPECT_EQ(*parse_time_arg("10m", reference), reference - std::chrono::minutes(10));
  EXPECT_EQ(*parse_time_arg("2h", reference), reference - std::chrono::hours(2));
  EXPECT_EQ(*parse_time_arg("7d", reference), reference - std::chrono::hours(24 * 7));
  EXPECT_EQ(*parse_time_arg("1h30m", reference), reference - std::chrono::minutes(90));
  EXPECT_EQ(to_ns(*parse_time_arg("2026-11-25T12:00:00Z", reference)), 1'795'608'000LL * kSecond);
  auto bad = parse_time_arg("yesterday", reference);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("neither a duration"), std::string::npos);
}

}  // namespace
}  // namespace wakufleet::logs
