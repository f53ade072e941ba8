// energon-trace: runs one register-level trace against router + controller + memory +
// datapath, without the firmware driver. Exit status 0 = PASS, 1 = FAIL, 2 = bad usage/trace.
#include <boost/program_options.hpp>
#include <systemc>

#include <cstdio>
#include <iostream>
#include <memory>

#include "energon/hw/controller.h"
#include "energon/hw/router.h"
#include "energon/trace/flat_memory.h"
#include "energon/trace/stub_datapath.h"
#include "energon/trace/trace.h"
#include "energon/trace/trace_runner.h"
#include "energon/hw/accel_config.h"
#include "energon/hw/datapath.h"
#include "energon/hw/dram.h"
#include "energon/config/dram_yaml.h"

namespace po = boost::program_options;
using namespace sc_core;

namespace {

constexpr uint64_t kRegsBase = 0x4000'0000;
constexpr uint64_t kMemBase = 0x8000'0000;
constexpr uint64_t kFlatMemBytes = 64ull << 20;

struct Options {
  std::string trace;
  std::string datapath = "stub";
  std::string hw = "energon-edge";
  std::string dram = "flat";
  std::vector<std::string> data_dirs;
  double max_time_us = 1e6;
};

int usage_error(const std::string& what) {
  std::cerr << "energon-trace: " << what << "\n";
  return 2;
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  Options opt;
  po::options_description desc("energon-trace <trace> [options]");
  desc.add_options()("help,h", "this help")                                                                 //
      ("trace", po::value(&opt.trace), "trace file (testbenches/trace/README.md)")                          //
      ("datapath", po::value(&opt.datapath), "stub (completes jobs, no data) | real")                       //
      ("hw", po::value(&opt.hw), "accelerator preset for --datapath real (energon-edge | energon-server)")  //
      ("dram", po::value(&opt.dram), "flat (ideal 64 MiB, 10 ns) | a DRAM preset name or YAML file")        //
      ("data-dir", po::value(&opt.data_dirs), "extra directory for load/compare files (repeatable)")        //
      ("max-time-us", po::value(&opt.max_time_us), "simulated-time limit");
  po::positional_options_description pos;
  pos.add("trace", 1);
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(argc, argv).options(desc).positional(pos).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << desc << "\n";
      return 0;
    }
  } catch (const po::error& e) {
    return usage_error(e.what());
  }
  if (opt.trace.empty()) return usage_error("no trace file given");
  if (opt.datapath != "stub" && opt.datapath != "real")
    return usage_error("--datapath must be 'stub' or 'real', got '" + opt.datapath + "'");

  std::vector<energon::trace::Command> commands;
  try {
    commands =
        energon::trace::parse_trace(opt.trace, energon::trace::platform_symbols(kRegsBase, kMemBase), opt.data_dirs);
  } catch (const energon::trace::TraceError& e) {
    return usage_error(e.what());
  }

  energon::hw::Router router("router");
  energon::hw::Controller ctrl("controller");
  energon::trace::TraceRunner runner("trace", std::move(commands));
  sc_signal<bool> irq("irq");

  // Memory: target 0 of the router.
  std::unique_ptr<energon::trace::FlatMemory> flat;
  uint64_t mem_bytes = kFlatMemBytes;
  std::unique_ptr<energon::hw::Dram> dram;
  try {
    if (opt.dram == "flat") {
      flat = std::make_unique<energon::trace::FlatMemory>("memory", kFlatMemBytes);
      router.initiator_socket.bind(flat->socket);
    } else {
      dram = std::make_unique<energon::hw::Dram>("dram", energon::hw::load_dram_config(opt.dram));
      mem_bytes = dram->config().size_bytes;
      router.initiator_socket.bind(dram->tgt);
    }
  } catch (const std::exception& e) {
    return usage_error(e.what());
  }
  router.initiator_socket.bind(ctrl.regs);  // target 1
  router.map(kMemBase, mem_bytes, 0, "memory");
  router.map(kRegsBase, ENERGON_REG_SPACE_BYTES, 1, "regs");
  runner.socket.bind(router.target_socket);
  ctrl.mem.bind(router.target_socket);
  ctrl.irq.bind(irq);
  runner.irq.bind(irq);

  std::unique_ptr<energon::trace::StubDatapath> stub;
  std::unique_ptr<energon::hw::Datapath> datapath;
  if (opt.datapath == "stub") {
    stub = std::make_unique<energon::trace::StubDatapath>("datapath", sc_time(1, SC_US));
    ctrl.datapath.bind(*stub);
  } else {
    try {
      datapath = std::make_unique<energon::hw::Datapath>("datapath", energon::hw::accel_preset(opt.hw));
    } catch (const std::exception& e) {
      return usage_error(e.what());
    }
    datapath->mem.bind(router.target_socket);
    ctrl.datapath.bind(datapath->job);
  }

  sc_report_handler::set_actions("/OSCI/SystemC", SC_INFO, SC_DO_NOTHING);  // "stopped by user" noise
  sc_start(sc_time(opt.max_time_us, SC_US));
  if (!runner.finished()) {
    std::printf("FAIL %s: did not finish within %g us of simulated time (%zu commands done)\n", opt.trace.c_str(),
                opt.max_time_us, runner.executed());
    return 1;
  }
  if (!runner.passed()) {
    std::printf("FAIL %s\n", runner.failure().c_str());
    return 1;
  }
  std::printf("PASS %s: %zu commands, %s simulated\n", opt.trace.c_str(), runner.executed(),
              sc_time_stamp().to_string().c_str());
  return 0;
}
