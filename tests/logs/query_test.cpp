// `wakufleet logs` filters, ordering, rendering and --follow.
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fixtures.hpp"

namespace wakufleet::logs {
namespace {

using namespace testing;

constexpr std::int64_t kMinute = 60LL * 1'000'000'000;

std::string line_at(const std::string& level, std::int64_t minute, const std::string& msg, const std::string& extra = "") {
  return R"({"level":")" + level + R"(","ts":")" + format_time(kBaseTime + minute * kMinute) +
         R"(","logger":"gowaku.node","msg":")" + msg + "\"" + extra + "}";
}

// node-0 and node-1, a line a minute from minute 0 to 9, levels and messages varied.
class QueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* levels[] = {"debug", "info", "warn", "error", "fatal"};
    for (int minute = 0; minute < 10; ++minute) {
      for (const std::string node : {"node-0", "node-1"}) {
        const std::string msg = minute % 2 == 0 ? "failed to dial peer" : "connected to peer";
        fleet.append_line(node, line_at(levels[minute % 5], minute, msg, R"(,"peer":"16Uiu2HAmQx)" + node.substr(5) + "\""));
      }
    }
    fleet.append_line("node-0", R"(2026/11/25 09:55:30 "GET http://127.0.0.1:8645/health HTTP/1.1" 200)");
    collector = open_collector(fleet.root());
    poll(*collector);
  }

  std::vector<LogRecord> query(const LogQuery& q) {
    auto result = run_query(collector->index(), q);
    EXPECT_TRUE(result) << result.error().message;
    return result ? result->records : std::vector<LogRecord>{};
  }

  TempFleet fleet;
  std::unique_ptr<Collector> collector;
};

TEST_F(QueryTest, NoFilterReturnsEverythingOldestFirst) {
  auto records = query({});
  ASSERT_EQ(records.size(), 21u);
  for (std::size_t i = 1; i < records.size(); ++i) EXPECT_LE(records[i - 1].time_ns, records[i].time_ns);
}

TEST_F(QueryTest, LimitKeepsTheNewestLinesInTimeOrder) {
  LogQuery q;
  q.limit = 3;
  q.node = "node-1";
  auto records = query(q);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].time_ns, kBaseTime + 7 * kMinute);
  EXPECT_EQ(records[2].time_ns, kBaseTime + 9 * kMinute);
}

TEST_F(QueryTest, NodeFilter) {
  LogQuery q;
  q.node = "node-1";
  auto records = query(q);
  EXPECT_EQ(records.size(), 10u);
  for (const auto& record : records) EXPECT_EQ(record.node, "node-1");
  q.node = "node-9";
  EXPECT_TRUE(query(q).empty());
}

TEST_F(QueryTest, LevelFilterIsAMinimum) {
  LogQuery q;
  q.min_level = Level::Warn;
  auto records = query(q);
  EXPECT_EQ(records.size(), 12u);  // warn, error, fatal on both nodes, twice each
  for (const auto& record : records) {
    ASSERT_TRUE(record.level);
    EXPECT_GE(*record.level, Level::Warn);
  }
  q.min_level = Level::Fatal;
  EXPECT_EQ(query(q).size(), 4u);
}

TEST_F(QueryTest, SinceAndUntilBoundTheTime) {
  LogQuery q;
  q.since = from_ns(kBaseTime + 3 * kMinute);
  q.until = from_ns(kBaseTime + 6 * kMinute);
  q.node = "node-1";
  auto records = query(q);
  ASSERT_EQ(records.size(), 3u);  // minutes 3, 4, 5 (until is exclusive)
  EXPECT_EQ(records.front().time_ns, kBaseTime + 3 * kMinute);
  EXPECT_EQ(records.back().time_ns, kBaseTime + 5 * kMinute);
  // relative: 4m before minute 9 = minute 5 on
  q = {};
  q.node = "node-1";
  q.since = *parse_time_arg("4m", from_ns(kBaseTime + 9 * kMinute));
  EXPECT_EQ(query(q).size(), 5u);  // minutes 5..9
}

TEST_F(QueryTest, GrepMatchesWordsPhrasesAndFields) {
  LogQuery q;
  q.grep = "dial";
  EXPECT_EQ(query(q).size(), 10u);
  q.grep = "\"connected to peer\"";
  EXPECT_EQ(query(q).size(), 10u);
  q.grep = "16Uiu2HAmQx1";  // a value of the extra fields
  EXPECT_EQ(query(q).size(), 10u);
  q.grep = "16Uiu2HAmQx";  // a prefix is not a word...
  EXPECT_EQ(query(q).size(), 0u);
  q.grep = "16Uiu2HAmQx*";  // ...unless asked for
  EXPECT_EQ(query(q).size(), 20u);
  q.grep = "health";  // plain lines are searchable too
  EXPECT_EQ(query(q).size(), 1u);
  q.grep = "FAILED";  // case-insensitive
  EXPECT_EQ(query(q).size(), 10u);
}

TEST_F(QueryTest, GrepTextThatIsNotFtsSyntaxIsSearchedAsAPhrase) {
  LogQuery q;
  q.grep = "to-dial";  // '-' is not FTS5 syntax: the phrase "to dial"
  EXPECT_EQ(query(q).size(), 10u);
  q.grep = "failed to dial (";
  EXPECT_EQ(query(q).size(), 10u);
  q.grep = "\"unbalanced";
  EXPECT_EQ(query(q).size(), 0u);
  q.grep = "peer:x";  // not a column: searched as the words peer, x
  EXPECT_EQ(query(q).size(), 0u);
  auto expression = fts_expression(collector->index(), "a \"b\" (");
  ASSERT_TRUE(expression);
  EXPECT_EQ(*expression, "\"a \"\"b\"\" (\"");
}

TEST_F(QueryTest, FiltersCombine) {
  LogQuery q;
  q.node = "node-0";
  q.grep = "dial";
  q.min_level = Level::Warn;
  q.since = from_ns(kBaseTime + 2 * kMinute);
  EXPECT_EQ(query(q).size(), 3u);  // minutes 2 (warn), 4 (fatal), 8 (error); 6 is info
}

// The plan depends on how common the word is (word index first, or time index first): every
// plan must give what a plain filter over all records gives.
TEST(QueryPlans, EveryPlanReturnsTheLastMatchesInTimeOrder) {
  TempFleet fleet;
  const std::size_t total = 6000;
  for (std::size_t seq = 0; seq < total; ++seq) {
    const std::string words = seq % 50 == 0 ? "alpha beta" : "alpha";  // 6000 and 120 matches
    // Two nodes, times interleaved and not in the order of writing within a node.
    const std::int64_t minute = static_cast<std::int64_t>(seq / 2 + (seq % 4 == 1 ? 3 : 0));
    fleet.append_line("node-" + std::to_string(seq % 2), line_at("info", minute, words, R"(,"seq":)" + std::to_string(seq)));
  }
  auto collector = open_collector(fleet.root());
  poll(*collector);
  auto everything = all_records(collector->index());
  auto expected = [&](const LogQuery& q, const std::string& word) {
    std::vector<LogRecord> matching;
    for (const auto& record : everything) {
      if (q.node && record.node != *q.node) continue;
      if (q.since && record.time_ns < to_ns(*q.since)) continue;
      if (record.message.find(word) == std::string::npos) continue;
      matching.push_back(record);
    }
    if (matching.size() > q.limit) matching.erase(matching.begin(), matching.end() - static_cast<long>(q.limit));
    return matching;
  };
  for (const char* word : {"alpha", "beta"}) {
    for (const std::optional<std::string>& node : {std::optional<std::string>(), std::optional<std::string>("node-1")}) {
      for (const std::optional<std::int64_t> since_minute : {std::optional<std::int64_t>(), std::optional<std::int64_t>(2900)}) {
        LogQuery q;
        q.grep = word;
        q.node = node;
        if (since_minute) q.since = from_ns(kBaseTime + *since_minute * kMinute);
        auto result = run_query(collector->index(), q);
        ASSERT_TRUE(result) << result.error().message;
        auto want = expected(q, word);
        ASSERT_EQ(result->records.size(), want.size()) << word << " " << node.value_or("-");
        for (std::size_t i = 0; i < want.size(); ++i) {
          ASSERT_EQ(result->records[i].id, want[i].id) << word << " " << node.value_or("-") << " at " << i;
        }
      }
    }
  }
}

TEST(Render, TextLineAsDocumented) {
  LogRecord record;
  record.time_ns = *parse_rfc3339_ns("2026-11-25T12:30:00.833Z");
  record.node = "node-0";
  record.level = Level::Info;
  record.logger = "gowaku.rest";
  record.message = "fetched peers";
  record.fields = R"({"count":3})";
  record.raw = "{...}";
  EXPECT_EQ(render_text(record), R"(2026-11-25T12:30:00.833Z node-0 INFO  gowaku.rest: fetched peers {"count":3})");
  EXPECT_EQ(render_text(record, {false, 8}),
            R"(2026-11-25T12:30:00.833Z node-0   INFO  gowaku.rest: fetched peers {"count":3})");
  EXPECT_EQ(render_text(record, {true, 0}).find("\x1b["), std::string::npos) << "info is not colored";
  record.level = Level::Error;
  EXPECT_NE(render_text(record, {true, 0}).find("\x1b[31mERROR\x1b[0m"), std::string::npos);
}

TEST(Render, PlainLineAndJson) {
  LogRecord record;
  record.id = 7;
  record.time_ns = *parse_rfc3339_ns("2026-11-25T12:30:00Z");
  record.node = "node-2";
  record.message = "panic: boom";
  EXPECT_EQ(render_text(record), "2026-11-25T12:30:00.000Z node-2 -     panic: boom");
  auto plain = nlohmann::json::parse(render_json(record));
  EXPECT_TRUE(plain["level"].is_null());
  EXPECT_EQ(plain["line"], "panic: boom");
  record.level = Level::Warn;
  record.logger = "gowaku";
  record.message = "slow";
  record.fields = R"({"ms":250})";
  record.raw = R"({"level":"warn","msg":"slow","ms":250})";
  auto json = nlohmann::json::parse(render_json(record));
  EXPECT_EQ(json["id"], 7);
  EXPECT_EQ(json["time"], "2026-11-25T12:30:00.000Z");
  EXPECT_EQ(json["level"], "warn");
  EXPECT_EQ(json["fields"]["ms"], 250);
  EXPECT_EQ(json["line"], record.raw);
}

TEST(Follow, DeliversNewMatchingLinesInOrder) {
  TempFleet fleet;
  fleet.append_line("node-0", waku_line(0));
  auto collector = open_collector(fleet.root());
  poll(*collector);
  auto reader = Index::open_for_reading(index_path(fleet.root()));
  ASSERT_TRUE(reader);
  auto start = run_query(**reader, {});
  ASSERT_TRUE(start);
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (std::size_t seq = 1; seq <= 60; ++seq) {
      fleet.append_line(seq % 2 ? "node-1" : "node-0", waku_line(seq));
      if (seq % 10 == 0) poll(*collector);
    }
  });
  std::vector<std::size_t> seen;
  LogQuery q;
  q.node = "node-1";
  auto followed = follow(
      **reader, q, start->last_id,
      [&](const LogRecord& record) {
        seen.push_back(*seq_of(record.line()));
        return seen.size() < 30;
      },
      stop, std::chrono::milliseconds(10));
  writer.join();
  ASSERT_TRUE(followed) << followed.error().message;
  ASSERT_EQ(seen.size(), 30u);
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], 2 * i + 1);
}

TEST(Follow, StopsWhenTheIndexIsRebuilt) {
  TempFleet fleet;
  fleet.append_line("node-0", waku_line(0));
  auto collector = open_collector(fleet.root());
  poll(*collector);
  auto reader = Index::open_for_reading(index_path(fleet.root()));
  ASSERT_TRUE(reader);
  auto rebuilt = Index::recreate(index_path(fleet.root()));
  ASSERT_TRUE(rebuilt);
  std::atomic<bool> stop{false};
  auto followed = follow(**reader, {}, 0, [](const LogRecord&) { return true; }, stop);
  ASSERT_FALSE(followed);
  EXPECT_NE(followed.error().message.find("rebuilt"), std::string::npos);
}

// The CLI reads while no collector runs: the WAL and shared-memory files are gone then.
TEST(Query, ReadsAnIndexThatNoCollectorHasOpen) {
  TempFleet fleet;
  fleet.append_line("node-0", waku_line(0));
  open_collector(fleet.root())->poll_once().value();
  ASSERT_FALSE(std::filesystem::exists(index_path(fleet.root()) + "-wal"));
  auto reader = Index::open_for_reading(index_path(fleet.root()));
  ASSERT_TRUE(reader) << reader.error().message;
  EXPECT_EQ(all_records(**reader).size(), 1u);
}

TEST(Query, MissingIndexIsExplained) {
  TempFleet fleet;
  auto reader = Index::open_for_reading(index_path(fleet.root()));
  ASSERT_FALSE(reader);
  EXPECT_NE(reader.error().message.find("collector"), std::string::npos);
}

}  // namespace
}  // namespace wakufleet::logs
