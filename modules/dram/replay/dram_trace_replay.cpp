#include "dram_trace_replay.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <stdexcept>
#include <unordered_map>

#include "dram_controller.h"

namespace energon::hw {

std::vector<DramTraceRequest> read_dram_trace(const std::string& path, size_t max_requests) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open the trace");
  std::vector<DramTraceRequest> out;
  std::string line;
  size_t number = 0;
  while (std::getline(in, line) && (max_requests == 0 || out.size() < max_requests)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    DramTraceRequest r;
    char command[16] = {};
    unsigned long long t = 0, a = 0;
    if (std::sscanf(line.c_str(), "%llu: %15s 0x%llx", &t, command, &a) != 3)
      throw std::runtime_error(path + ":" + std::to_string(number) + ": expected '<ps>: read|write 0x<address>'");
    const std::string cmd = command;
    if (cmd != "read" && cmd != "write")
      throw std::runtime_error(path + ":" + std::to_string(number) + ": unknown command '" + cmd + "'");
    r.time_ps = int64_t(t);
    r.address = a;
    r.write = cmd == "write";
    out.push_back(r);
  }
  return out;
}

DramReplayResult replay_dram_trace(const DramConfig& config, const std::vector<DramTraceRequest>& trace,
                                   const DramReplayOptions& options) {
  DramStats stats(config.channels, config.tck_ps, config.peak_bandwidth_gbps());
  DramController controller(config, stats);
  std::vector<int64_t> done(trace.size(), -1);
  std::vector<size_t> completed(controller.buses(), 0);  // per player: served (column command issued)
  std::vector<unsigned> bus_of(trace.size());
  controller.set_completion_sink([&](const DramController::Completion& c) {
    done[c.tag] = c.data_end;
    ++completed[bus_of[c.tag]];
  });

  const unsigned buses = controller.buses();
  std::vector<std::vector<size_t>> players(buses);  // request indices per command bus, in trace order
  for (size_t i = 0; i < trace.size(); ++i) {
    if (trace[i].address >= config.size_bytes) throw std::runtime_error("trace address beyond the DRAM size");
    bus_of[i] = controller.bus_of(trace[i].address);
    players[bus_of[i]].push_back(i);
  }
  auto cycle_of = [&](int64_t ps) { return int64_t(std::ceil((double(ps) - 0.5) / config.tck_ps)); };

  for (unsigned b = 0; b < buses; ++b) {
    const auto& order = players[b];
    size_t head = 0;
    size_t issued = 0;
    int64_t last_handoff = -1;
    const DramTraceRequest* last = nullptr;  // the request handed over last
    size_t full_at = ~size_t(0);             // completed[b] when the head's bank was last found full
    while (head < order.size() || controller.pending(b) > 0) {
      const int64_t now = controller.now(b);
      if (head < order.size()) {
        const DramTraceRequest& r = trace[order[head]];
        const bool same_block = options.handoff_bytes > 0 && last && last->time_ps == r.time_ps &&
                                last->address / options.handoff_bytes == r.address / options.handoff_bytes;
        const int64_t due = std::max(cycle_of(r.time_ps), same_block ? last_handoff : last_handoff + 1);
        // A full bank buffer only frees when a request of this bus is served.
        bool room = issued - completed[b] < options.max_outstanding && full_at != completed[b];
        if (room && due <= now && !controller.can_accept(r.address)) {
          room = false;
          full_at = completed[b];
        }
        if (due <= now && room) {
          controller.enqueue(order[head], r.write, r.address, now);
          last_handoff = now;
          last = &r;
          ++issued;
          ++head;
          full_at = ~size_t(0);
          continue;  // the next one at the earliest a cycle later
        }
        // Wait for the hand-off time, or (full) for the controller to serve something.
        const int64_t next = controller.next_event(b);
        const int64_t until = due > now ? std::min(due, next == DramController::kIdle ? due : std::max(next, now + 1))
                                        : (next == DramController::kIdle ? now + 1 : std::max(next, now + 1));
        controller.run(b, until);
      } else {
        const int64_t next = controller.next_event(b);
        controller.run(b, next == DramController::kIdle ? now + 1 : std::max(next, now + 1));
      }
    }
  }

  // Metrics as the reference computes them.
  DramReplayResult res;
  res.requests = trace.size();
  const double tck_ns = config.tck_ps / 1000.0;
  int64_t first_ps = INT64_MAX;
  double last_ns = 0;
  uint64_t bytes = 0;
  struct Line {
    double time_ns;
    double response_ns;
    bool read;
  };
  std::unordered_map<uint64_t, size_t> index;  // (time, line address) → line
  std::vector<Line> lines;
  for (size_t i = 0; i < trace.size(); ++i) {
    const DramTraceRequest& r = trace[i];
    first_ps = std::min(first_ps, r.time_ps);
    const double response = double(done[i]) * tck_ns;
    last_ns = std::max(last_ns, response);
    bytes += config.burst_bytes();
    const uint64_t key = uint64_t(r.time_ps) * 0x9E3779B97F4A7C15ull ^ (r.address / 64);
    auto [it, fresh] = index.try_emplace(key, lines.size());
    if (fresh)
      lines.push_back({double(r.time_ps) / 1000.0, response, !r.write});
    else
      lines[it->second].response_ns = std::max(lines[it->second].response_ns, response);
  }
  res.lines = lines.size();
  res.span_ns = last_ns - double(first_ps) / 1000.0;
  res.bandwidth_gbps = res.span_ns > 0 ? double(bytes) / res.span_ns : 0;
  std::vector<double> lat;
  for (const Line& l : lines)
    if (l.read) lat.push_back(l.response_ns - l.time_ns);
  if (!lat.empty()) {
    double sum = 0;
    for (double v : lat) sum += v;
    res.read_latency_mean_ns = sum / double(lat.size());
    std::sort(lat.begin(), lat.end());
    const double pos = 0.95 * double(lat.size() - 1);
    const size_t lo = size_t(pos);
    const size_t hi = std::min(lo + 1, lat.size() - 1);
    res.read_latency_p95_ns = lat[lo] + (lat[hi] - lat[lo]) * (pos - double(lo));
  }
  const DramChannelStats t = stats.total();
  res.row_hit_rate = t.reads + t.writes ? double(t.row_hits) / double(t.reads + t.writes) : 0;
  res.activates = t.activates;
  res.refreshes = t.refreshes;
  res.reordered = t.reordered;
  return res;
}

}  // namespace energon::hw
