// The collector against log directories written as s6-log writes them: no line lost or
// repeated across rotations and restarts, partial lines held back, retention, corruption.
#include <fcntl.h>
#include <unistd.h>

#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "fixtures.hpp"

namespace wakufleet::logs {
namespace {

using namespace testing;

void expect_each_seq_once(Index& index, std::size_t written, const std::string& node = "node-0") {
  auto counts = seq_counts(all_records(index, node));
  ASSERT_EQ(counts.size(), written) << "distinct lines indexed";
  for (std::size_t seq = 0; seq < written; ++seq) {
    auto found = counts.find(seq);
    ASSERT_NE(found, counts.end()) << "line " << seq << " was lost";
    ASSERT_EQ(found->second, 1) << "line " << seq << " was indexed " << found->second << " times";
  }
}

TEST(Collector, IngestsJsonAndPlainLines) {
  TempFleet fleet;
  fleet.append_line("node-0", R"({"level":"info","ts":"2026-11-25T12:30:00.833Z","logger":"gowaku.rest","msg":"fetched peers","count":3})");
  fleet.append_line("node-0", R"(2026/11/25 12:30:01 "POST http://127.0.0.1:8645/admin/v1/peers HTTP/1.1" 200)");
  fleet.append_line("node-0", "goroutine 1 [running]:");
  fleet.append_line("node-1", R"({"level":"error","ts":"2026-11-25T12:30:02Z","msg":"dial failed"})");
  auto collector = open_collector(fleet.root());
  EXPECT_EQ(poll(*collector).lines, 4u);
  auto records = all_records(collector->index(), std::string("node-0"));
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].level, Level::Info);
  EXPECT_EQ(records[0].message, "fetched peers");
  EXPECT_EQ(records[0].fields, R"({"count":3})");
  EXPECT_EQ(format_time(records[0].time_ns), "2026-11-25T12:30:00.833Z");
  EXPECT_FALSE(records[1].level);
  EXPECT_FALSE(records[1].is_json());
  // A line without a time at the live end of `current`: the time it was written.
  EXPECT_EQ(records[2].message, "goroutine 1 [running]:");
  EXPECT_GE(records[2].time_ns, to_ns(now()) - 60'000'000'000);
  EXPECT_EQ(poll(*collector).lines, 0u) << "nothing new";
}

// Read long after they were written (here: from an archive), lines without a time stay next to
// the line before them rather than being dated to the moment the collector read them.
TEST(Collector, UntimedLinesInOldFilesFollowThePreviousLine) {
  TempFleet fleet;
  fleet.append_line("node-0", R"({"level":"error","ts":"2026-11-25T12:30:00Z","msg":"about to crash"})");
  fleet.append_line("node-0", "panic: boom");
  fleet.append_line("node-0", "goroutine 1 [running]:");
  fleet.rotate("node-0");
  fleet.append_line("node-0", R"({"level":"info","ts":"2026-11-25T12:31:00Z","msg":"started"})");
  auto collector = open_collector(fleet.root());
  poll(*collector);
  auto records = all_records(collector->index());
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[1].message, "panic: boom");
  EXPECT_EQ(records[1].time_ns, records[0].time_ns);
  EXPECT_EQ(records[2].time_ns, records[0].time_ns);
  EXPECT_EQ(records[3].message, "started");
}

TEST(Collector, PartialLineWaitsForItsNewline) {
  TempFleet fleet;
  const std::string line = waku_line(0);
  fleet.append("node-0", line.substr(0, 40));
  auto collector = open_collector(fleet.root());
  EXPECT_EQ(poll(*collector).lines, 0u);
  fleet.append("node-0", line.substr(40));
  EXPECT_EQ(poll(*collector).lines, 0u) << "complete text, but no newline yet";
  collector = open_collector(fleet.root());  // a restart in between changes nothing
  fleet.append("node-0", "\n");
  EXPECT_EQ(poll(*collector).lines, 1u);
  auto records = all_records(collector->index());
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].line(), line);
}

TEST(Collector, UnterminatedLastLineOfAFinishedFileCounts) {
  TempFleet fleet;
  fleet.append_line("node-0", waku_line(0));
  fleet.append("node-0", waku_line(1));  // s6-log was killed mid-line
  auto collector = open_collector(fleet.root());
  EXPECT_EQ(poll(*collector).lines, 1u);
  // s6-log's restart turns the leftover current into an @….u archive and starts a new current.
  std::filesystem::rename(fleet.current("node-0"), fleet.log_dir("node-0") + "/" + fleet.next_archive_name());
  fleet.append_line("node-0", waku_line(2));
  EXPECT_EQ(poll(*collector).lines, 2u);
  expect_each_seq_once(collector->index(), 3);
}

// Lines keep arriving while s6-log rotates; the collector polls at random moments, including
// between the steps of a rotation, is restarted (a new instance on the same index) now and then
// and uses a small batch so that it often stops in the middle of a file.
TEST(Collector, RotationAndRestartsNeitherLoseNorRepeatLines) {
  TempFleet fleet;
  std::mt19937 random(42);
  auto collector = open_collector(fleet.root(), 17);
  auto maybe_poll = [&] {
    if (random() % 3 == 0) poll(*collector);
    if (random() % 10 == 0) collector = open_collector(fleet.root(), 17);
  };
  const std::size_t total = 3000;
  for (std::size_t seq = 0; seq < total; ++seq) {
    fleet.append_line("node-0", waku_line(seq));
    if (random() % 50 == 0) maybe_poll();
    if (random() % 120 == 0) {
      fleet.rotate("node-0", maybe_poll);
      poll(*collector);  // keeping up, so trimming (as s6-log's n4) only deletes files already read
      fleet.trim("node-0", 4);
    }
  }
  poll(*collector);
  expect_each_seq_once(collector->index(), total);
}

TEST(Collector, ManyNodesAreFollowedIndependently) {
  TempFleet fleet;
  for (std::size_t seq = 0; seq < 200; ++seq) {
    fleet.append_line("node-" + std::to_string(seq % 3), waku_line(seq));
    if (seq == 100) fleet.rotate("node-1");
  }
  auto collector = open_collector(fleet.root());
  EXPECT_EQ(poll(*collector).lines, 200u);
  for (int node = 0; node < 3; ++node) {
    auto counts = seq_counts(all_records(collector->index(), "node-" + std::to_string(node)));
    for (const auto& [seq, count] : counts) {
      EXPECT_EQ(seq % 3, static_cast<std::size_t>(node));
      EXPECT_EQ(count, 1);
    }
  }
}

TEST(Collector, FilesDeletedBeforeTheyWereReadAreReportedNotRepeated) {
  TempFleet fleet;
  auto collector = open_collector(fleet.root());
  for (std::size_t seq = 0; seq < 10; ++seq) fleet.append_line("node-0", waku_line(seq));
  poll(*collector);
  fleet.append_line("node-0", waku_line(10));  // unread when its file goes away
  fleet.rotate("node-0");
  for (std::size_t seq = 11; seq < 14; ++seq) {
    fleet.append_line("node-0", waku_line(seq));
    fleet.rotate("node-0");
  }
  fleet.trim("node-0", 2);  // the collector fell behind: s6-log deleted the two oldest archives
  fleet.append_line("node-0", waku_line(14));
  auto stats = poll(*collector);
  ASSERT_EQ(stats.warnings.size(), 1u);
  EXPECT_NE(stats.warnings[0].find("deleted by s6-log"), std::string::npos);
  auto counts = seq_counts(all_records(collector->index()));
  for (std::size_t seq : {0u, 9u, 12u, 13u, 14u}) EXPECT_EQ(counts[seq], 1) << seq;
  EXPECT_EQ(counts.count(10), 0u);
  EXPECT_EQ(counts.count(11), 0u);
  EXPECT_TRUE(poll(*collector).warnings.empty()) << "reported once";
}

// Two collectors on one index (the service and a CLI catching up) take turns: BEGIN IMMEDIATE
// makes each read its cursor only once it holds the write lock.
TEST(Collector, ConcurrentCollectorsDoNotDuplicate) {
  TempFleet fleet;
  const std::size_t total = 4000;
  std::atomic<bool> done{false};
  auto run = [&] {
    auto collector = open_collector(fleet.root(), 50);
    while (!done.load()) poll(*collector);
    poll(*collector);
  };
  fleet.append_line("node-0", waku_line(0));
  open_collector(fleet.root());  // create the index before the threads race to
  std::thread first(run);
  std::thread second(run);
  for (std::size_t seq = 1; seq < total; ++seq) {
    fleet.append_line("node-0", waku_line(seq));
    if (seq % 500 == 0) fleet.rotate("node-0");
  }
  done = true;
  first.join();
  second.join();
  auto collector = open_collector(fleet.root());
  poll(*collector);
  expect_each_seq_once(collector->index(), total);
}

// `rm logs.db` while the service runs: it starts a new index from the files still on disk
// instead of writing on into the deleted one.
TEST(Collector, AnIndexRemovedUnderItIsStartedAgain) {
  TempFleet fleet;
  fleet.append_line("node-0", waku_line(0));
  auto collector = open_collector(fleet.root());
  poll(*collector);
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(index_path(fleet.root()) + suffix);
  fleet.append_line("node-0", waku_line(1));
  EXPECT_EQ(poll(*collector).lines, 2u);
  auto reader = Index::open_for_reading(index_path(fleet.root()));
  ASSERT_TRUE(reader);
  EXPECT_EQ(all_records(**reader).size(), 2u);
}

TEST(Retention, DropsRecordsOlderThanTheMaximumAge) {
  TempFleet fleet;
  const std::int64_t day = 86'400LL * 1'000'000'000;
  const std::int64_t reference = kBaseTime + 30 * day;
  for (std::size_t seq = 0; seq < 100; ++seq) {
    const std::int64_t age = seq < 40 ? 10 * day : day;  // 40 lines ten days old, 60 one day old
    fleet.append_line("node-0", waku_line(seq, reference - age));
  }
  auto collector = open_collector(fleet.root());
  poll(*collector);
  auto deleted = collector->index().apply_retention({std::chrono::hours(24 * 7), std::nullopt}, from_ns(reference));
  ASSERT_TRUE(deleted) << deleted.error().message;
  EXPECT_EQ(*deleted, 40);
  auto counts = seq_counts(all_records(collector->index()));
  EXPECT_EQ(counts.size(), 60u);
  EXPECT_EQ(counts.begin()->first, 40u);
  // The word index forgot them too.
  LogQuery query;
  query.grep = "received";
  auto found = run_query(collector->index(), query);
  ASSERT_TRUE(found);
  for (const auto& record : found->records) EXPECT_GE(*seq_of(record.line()), 40u);
}

TEST(Retention, KeepsTheNewestRecordsWithinTheSizeLimit) {
  TempFleet fleet;
  const std::size_t total = 20000;
  std::string text;
  for (std::size_t seq = 0; seq < total; ++seq) text += waku_line(seq) + "\n";
  fleet.append("node-0", text);
  auto collector = open_collector(fleet.root());
  poll(*collector);
  auto used = collector->index().used_bytes();
  ASSERT_TRUE(used);
  const std::uint64_t limit = *used / 2;
  auto deleted = collector->index().apply_retention({std::nullopt, limit}, now());
  ASSERT_TRUE(deleted) << deleted.error().message;
  EXPECT_GT(*deleted, 0);
  EXPECT_LE(*collector->index().used_bytes(), limit);
  auto counts = seq_counts(all_records(collector->index()));
  EXPECT_EQ(counts.size(), total - static_cast<std::size_t>(*deleted));
  EXPECT_EQ(counts.rbegin()->first, total - 1) << "the newest line stays";
  EXPECT_EQ(counts.begin()->first, static_cast<std::size_t>(*deleted)) << "the oldest lines went first";
}

void overwrite(const std::string& path, off_t offset, std::size_t count) {
  const int fd = ::open(path.c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  const std::string garbage(count, '\xA5');
  ASSERT_EQ(::pwrite(fd, garbage.data(), garbage.size(), offset), static_cast<ssize_t>(count));
  ::close(fd);
}

void expect_rebuilt_after_corruption(off_t offset, std::size_t count) {
  TempFleet fleet;
  const std::size_t total = 5000;
  for (std::size_t seq = 0; seq < total; ++seq) {
    fleet.append_line("node-0", waku_line(seq));
    if (seq % 1000 == 999) fleet.rotate("node-0");
  }
  const std::string db = index_path(fleet.root());
  {
    auto collector = open_collector(fleet.root());
    poll(*collector);
  }
  overwrite(db, offset, count);
  auto collector = open_collector(fleet.root());
  EXPECT_TRUE(std::filesystem::exists(db + ".corrupt")) << "the damaged file is kept aside";
  poll(*collector);
  expect_each_seq_once(collector->index(), total);
}

TEST(Corruption, DamagedHeaderIsDetectedAndRebuiltFromTheLogFiles) { expect_rebuilt_after_corruption(0, 100); }

TEST(Corruption, DamagedPagesAreDetectedAndRebuiltFromTheLogFiles) {
  expect_rebuilt_after_corruption(4096 * 3, 4096 * 8);
}

TEST(Corruption, ReadersAskForACheckAndASoundIndexIsLeftAlone) {
  TempFleet fleet;
  fleet.append_line("node-0", waku_line(0));
  auto collector = open_collector(fleet.root());
  poll(*collector);
  request_check(index_path(fleet.root()));
  auto stats = poll(*collector);
  EXPECT_FALSE(stats.rebuilt);
  EXPECT_FALSE(check_requested(index_path(fleet.root())));
  EXPECT_EQ(all_records(collector->index()).size(), 1u);
}

}  // namespace
}  // namespace wakufleet::logs
