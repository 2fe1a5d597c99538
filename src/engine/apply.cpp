// The executor behind apply(): a small worker pool over the change graph.
#include "engine/apply.hpp"

#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace wakufleet::engine {

namespace {

struct Step {
  const Change* change;
  std::vector<std::size_t> waits_for;  // indexes of steps that must succeed first
  enum class Status { Pending, Running, Done, Failed } status = Status::Pending;
};

std::vector<Step> build_steps(const Plan& plan) {
  std::vector<Step> steps;
  std::map<std::string, std::size_t> index_of;
  for (const auto& change : plan.changes) {
    index_of[change.address] = steps.size();
    steps.push_back({&change, {}});
  }
  std::vector<std::size_t> deletes;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].change->action == Action::Delete) deletes.push_back(i);
  }
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Change& change = *steps[i].change;
    if (change.action == Action::Delete) {
      // Delete dependents first: wait for every deleted resource that depends on this one.
      for (std::size_t other : deletes) {
        const auto& needs = steps[other].change->prior->depends_on;
        if (std::find(needs.begin(), needs.end(), change.address) != needs.end()) steps[i].waits_for.push_back(other);
      }
      continue;
    }
    // Deletes free names and addresses that new resources may take: they all go first.
    steps[i].waits_for = deletes;
    for (const auto& dependency : change.desired->depends_on) {
      auto found = index_of.find(dependency);
      if (found != index_of.end() && steps[found->second].change->action != Action::Delete) {
        steps[i].waits_for.push_back(found->second);
      }
    }
  }
  return steps;
}

// Finds a cycle with a depth-first walk; returns the addresses on it (empty: none).
bool visit(const std::vector<Step>& steps, std::size_t at, std::vector<int>& mark, std::vector<std::string>& path) {
  mark[at] = 1;
  path.push_back(steps[at].change->address);
  for (std::size_t next : steps[at].waits_for) {
    if (mark[next] == 1) {
      path.push_back(steps[next].change->address);
      return true;
    }
    if (mark[next] == 0 && visit(steps, next, mark, path)) return true;
  }
  mark[at] = 2;
  path.pop_back();
  return false;
}

std::vector<std::string> find_cycle(const std::vector<Step>& steps) {
  std::vector<int> mark(steps.size(), 0);
  std::vector<std::string> path;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (mark[i] == 0 && visit(steps, i, mark, path)) return path;
  }
  return {};
}

// Rolling changes: updates and replacements within a group go one at a time; creates of new
// resources do not disturb running ones, so they run in parallel.
const std::string& rollout_group(const Change& change) {
  static const std::string none;
  bool rolling = change.action == Action::Update || change.action == Action::Replace;
  return rolling && change.desired ? change.desired->rollout_group : none;
}

state::ResourceState with_bookkeeping(state::ResourceState created, const Resource& desired) {
  created.type = desired.type;
  created.name = desired.name;
  created.depends_on = desired.depends_on;
  if (!desired.sensitive.empty()) {
    created.attributes[kSensitiveKeysAttribute] = json(std::vector<std::string>(desired.sensitive.begin(), desired.sensitive.end()));
  }
  return created;
}

class Executor {
 public:
  Executor(Provider& provider, const Plan& plan, state::State& state, const SaveFn& save, Reporter& reporter)
      : provider_(provider), state_(state), save_(save), reporter_(reporter), steps_(build_steps(plan)) {}

  ApplyOutcome run(int parallelism) {
    if (auto cycle = find_cycle(steps_); !cycle.empty()) {
      std::string text;
      for (const auto& address : cycle) text += (text.empty() ? "" : " -> ") + address;
      outcome_.errors.push_back("dependency cycle: " + text);
      return outcome_;
    }
    std::vector<std::thread> workers;
    int count = std::max(1, std::min<int>(parallelism, static_cast<int>(steps_.size())));
    for (int i = 0; i < count; ++i) workers.emplace_back([this] { work(); });
    for (auto& worker : workers) worker.join();
    for (const auto& step : steps_) {
      if (step.status == Step::Status::Pending) ++outcome_.skipped;
    }
    return outcome_;
  }

 private:
  void work() {
    std::unique_lock lock(mutex_);
    while (true) {
      std::size_t picked = 0;
      cv_.wait(lock, [&] { return pick(picked) || no_more_work(); });
      if (!pick(picked)) return;
      start(picked);
      lock.unlock();
      util::Result<void> result = execute(*steps_[picked].change);
      lock.lock();
      finish(picked, result);
      cv_.notify_all();
    }
  }

  bool ready(const Step& step) const {
    for (std::size_t need : step.waits_for) {
      if (steps_[need].status != Step::Status::Done) return false;
    }
    const std::string& group = rollout_group(*step.change);
    return group.empty() || !busy_groups_.count(group);
  }

  bool pick(std::size_t& picked) const {
    if (failed_) return false;
    for (std::size_t i = 0; i < steps_.size(); ++i) {
      if (steps_[i].status == Step::Status::Pending && ready(steps_[i])) {
        picked = i;
        return true;
      }
    }
    return false;
  }

  // Nothing can be started now and nothing running could change that: either a failure
  // stopped new work, or no step is running (so whatever is still pending will never be ready).
  bool no_more_work() const { return failed_ || running_ == 0; }

  void start(std::size_t index) {
    steps_[index].status = Step::Status::Running;
    ++running_;
    const Change& change = *steps_[index].change;
    if (!rollout_group(change).empty()) busy_groups_.insert(rollout_group(change));
    reporter_.started(change);
    started_at_[index] = std::chrono::steady_clock::now();
  }

  void finish(std::size_t index, const util::Result<void>& result) {
    --running_;
    const Change& change = *steps_[index].change;
    if (!rollout_group(change).empty()) busy_groups_.erase(rollout_group(change));
    if (result.ok()) {
      steps_[index].status = Step::Status::Done;
      ++outcome_.completed;
      auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_at_[index]);
      reporter_.finished(change, elapsed);
    } else {
      steps_[index].status = Step::Status::Failed;
      failed_ = true;
      outcome_.errors.push_back(change.address + ": " + result.error().message);
      reporter_.failed(change, result.error().message);
    }
  }

  ProgressFn progress_fn() {
    return [this](const std::string& address, const std::string& message) {
      std::lock_guard lock(mutex_);
      reporter_.progress(address, message);
    };
  }

  // Runs outside the lock; records results in the state under it.
  util::Result<void> execute(const Change& change) {
    ProgressFn progress = progress_fn();
    if (change.action == Action::Delete || change.action == Action::Replace) {
      if (auto gone = provider_.destroy(*change.prior, progress); !gone) return gone;
      if (auto saved = record_removal(change.address); !saved) return saved;
      if (change.action == Action::Delete) return {};
    }
    if (change.action == Action::Update) {
      auto updated = provider_.update(*change.desired, *change.prior, progress);
      if (!updated) return updated.error();
      return record(with_bookkeeping(std::move(updated).value(), *change.desired));
    }
    auto created = provider_.create(*change.desired, progress);
    if (!created) return created.error();
    return record(with_bookkeeping(std::move(created).value(), *change.desired));
  }

  util::Result<void> record(state::ResourceState resource) {
    std::lock_guard lock(mutex_);
    std::string address = resource.address();
    state_.resources[address] = std::move(resource);
    return save_(state_);
  }

  util::Result<void> record_removal(const std::string& address) {
    std::lock_guard lock(mutex_);
    state_.resources.erase(address);
    return save_(state_);
  }

  Provider& provider_;
  state::State& state_;
  const SaveFn& save_;
  Reporter& reporter_;
  std::vector<Step> steps_;
  std::map<std::size_t, std::chrono::steady_clock::time_point> started_at_;
  std::set<std::string> busy_groups_;
  std::mutex mutex_;
  std::condition_variable cv_;
  int running_ = 0;
  bool failed_ = false;
  ApplyOutcome outcome_;
};

}  // namespace

ApplyOutcome apply(Provider& provider, const Plan& plan, state::State& state, const SaveFn& save, Reporter& reporter,
                   const ApplyOptions& options) {
  Executor executor(provider, plan, state, save, reporter);
  return executor.run(options.parallelism);
}

}  // namespace wakufleet::engine
