#include "energon/debug/timeline_trace.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

namespace energon::debug {

void TimelineTrace::span(hw::TraceTrack track, const char* name, const sc_core::sc_time& start,
                         const sc_core::sc_time& end, uint64_t cycles) {
  add(spans_[size_t(track)], name, start, end, cycles);
}

void TimelineTrace::channel_span(unsigned channel, const char* name, const sc_core::sc_time& start,
                                 const sc_core::sc_time& end) {
  if (channel >= 1024) return;
  if (channels_.size() <= channel) channels_.resize(channel + 1);
  add(channels_[channel], name, start, end, 0);
}

void TimelineTrace::add(std::vector<Span>& v, const char* name, const sc_core::sc_time& start,
                        const sc_core::sc_time& end, uint64_t cycles) {
  if (!v.empty()) {
    Span& last = v.back();
    const bool joins = last.name == name && start >= last.start && start <= last.end;
    if (joins || stored_ >= kMaxEvents) {
      if (!joins) coarsened_ = true;
      last.end = std::max(last.end, end);
      last.cycles += cycles;
      ++last.count;
      return;
    }
  }
  v.push_back({name, start, std::max(start, end), cycles, 1});
  ++stored_;
}

void TimelineTrace::value(hw::TraceValue what, uint64_t value, const sc_core::sc_time& at) {
  std::vector<Sample>& v = values_[size_t(what)];
  if (!v.empty() && v.back().value == value) return;
  if (stored_ >= kMaxEvents) {
    coarsened_ = true;
    return;
  }
  v.push_back({at, value});
  ++stored_;
}

uint64_t TimelineTrace::busy_cycles(hw::TraceTrack t) const {
  uint64_t sum = 0;
  for (const Span& s : spans_[size_t(t)]) sum += s.cycles;
  return sum;
}

namespace {

double us(const sc_core::sc_time& t) { return t.to_seconds() * 1e6; }

}  // namespace

void TimelineTrace::write(std::ostream& os, const std::string& metadata) const {
  char buf[512];
  os << "{\"displayTimeUnit\":\"ns\",\"otherData\":" << metadata << ",\"traceEvents\":[\n";
  os << "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"args\":{\"name\":\"energon-vp\"}}";
  for (size_t t = 0; t < spans_.size(); ++t) {
    if (hw::TraceTrack(t) == hw::TraceTrack::dram && spans_[t].empty()) continue;  // per channel below
    std::snprintf(buf, sizeof buf,
                  ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":%zu,\"args\":{\"name\":\"%s\"}}", t + 1,
                  to_string(hw::TraceTrack(t)));
    os << buf;
    std::snprintf(
        buf, sizeof buf,
        ",\n{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":1,\"tid\":%zu,\"args\":{\"sort_index\":%zu}}", t + 1,
        t + 1);
    os << buf;
  }
  for (size_t t = 0; t < spans_.size(); ++t)
    for (const Span& s : spans_[t]) {
      std::snprintf(buf, sizeof buf,
                    ",\n{\"name\":\"%s\",\"cat\":\"%s\",\"ph\":\"X\",\"pid\":1,\"tid\":%zu,\"ts\":%.6f,\"dur\":%.6f,"
                    "\"args\":{\"cycles\":%" PRIu64 ",\"spans\":%" PRIu64 "}}",
                    s.name, to_string(hw::TraceTrack(t)), t + 1, us(s.start), us(s.end) - us(s.start), s.cycles,
                    s.count);
      os << buf;
    }
  // DRAM channels: one lane each after the block tracks (the spans of TraceTrack::dram itself
  // would be whole transactions; the DRAM model reports bursts per channel instead).
  for (size_t c = 0; c < channels_.size(); ++c) {
    const size_t tid = spans_.size() + 1 + c;
    std::snprintf(buf, sizeof buf,
                  ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":%zu,\"args\":{\"name\":\"dram ch%zu\"}}",
                  tid, c);
    os << buf;
    std::snprintf(
        buf, sizeof buf,
        ",\n{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":1,\"tid\":%zu,\"args\":{\"sort_index\":%zu}}", tid,
        size_t(hw::TraceTrack::dram) + 1);
    os << buf;
    for (const Span& s : channels_[c]) {
      std::snprintf(buf, sizeof buf,
                    ",\n{\"name\":\"%s\",\"cat\":\"dram\",\"ph\":\"X\",\"pid\":1,\"tid\":%zu,\"ts\":%.6f,\"dur\":%.6f,"
                    "\"args\":{\"bursts\":%" PRIu64 "}}",
                    s.name, tid, us(s.start), us(s.end) - us(s.start), s.count);
      os << buf;
    }
  }
  for (size_t v = 0; v < values_.size(); ++v)
    for (const Sample& s : values_[v]) {
      std::snprintf(buf, sizeof buf,
                    ",\n{\"name\":\"%s\",\"ph\":\"C\",\"pid\":1,\"ts\":%.6f,\"args\":{\"value\":%" PRIu64 "}}",
                    to_string(hw::TraceValue(v)), us(s.at), s.value);
      os << buf;
    }
  os << "\n]}\n";
}

}  // namespace energon::debug
