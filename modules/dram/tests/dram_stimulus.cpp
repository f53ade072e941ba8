#include "dram_stimulus.h"
#include "energon/config/dram_yaml.h"

#include <cmath>

namespace energon::hw::test {

DramConfig small_config() { return load_dram_config(std::string(ENERGON_DRAM_TEST_DIR) + "/test-small.yaml"); }

uint64_t small_addr(uint64_t row, uint64_t bank_group, uint64_t bank, uint64_t column) {
  return (row << 13) | (bank_group << 12) | (bank << 10) | (column << 6);
}

DramStimulus::DramStimulus(sc_core::sc_module_name name, sc_core::sc_time clock,
                           std::function<void(DramStimulus&)> script)
    : sc_module(name), init("init"), clock_(clock), script_(std::move(script)) {
  SC_HAS_PROCESS(DramStimulus);
  SC_THREAD(run);
}

void DramStimulus::run() {
  script_(*this);
  finished = true;
}

Access DramStimulus::read(uint64_t address, unsigned length, uint8_t* data) {
  return transport(tlm::TLM_READ_COMMAND, address, length, data);
}

Access DramStimulus::write(uint64_t address, unsigned length, const uint8_t* data) {
  return transport(tlm::TLM_WRITE_COMMAND, address, length, const_cast<uint8_t*>(data));
}

Access DramStimulus::transport(tlm::tlm_command cmd, uint64_t address, unsigned length, uint8_t* data,
                               const std::vector<uint8_t>* byte_enables, unsigned streaming_width) {
  if (!data) {
    scratch_.assign(length, 0);
    data = scratch_.data();
  }
  tlm::tlm_generic_payload gp;
  gp.set_command(cmd);
  gp.set_address(address);
  gp.set_data_ptr(data);
  gp.set_data_length(length);
  gp.set_streaming_width(streaming_width ? streaming_width : length);
  if (byte_enables) {
    gp.set_byte_enable_ptr(const_cast<uint8_t*>(byte_enables->data()));
    gp.set_byte_enable_length(unsigned(byte_enables->size()));
  }
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  init->b_transport(gp, delay);
  return {gp.get_response_status(), int64_t(std::llround(delay / clock_))};
}

void DramStimulus::wait_until_cycle(int64_t cycle) {
  const sc_core::sc_time target = clock_ * double(cycle);
  if (target > sc_core::sc_time_stamp()) wait(target - sc_core::sc_time_stamp());
}

int64_t DramStimulus::now_cycle() const { return int64_t(std::llround(sc_core::sc_time_stamp() / clock_)); }

}  // namespace energon::hw::test
