// activity_from_job on the real JobOutcome of energon/hw/job_if.h (hence a SystemC runner).
#include <catch2/catch.hpp>

#include "energon/hw/energy.h"
#include "energon/hw/job_if.h"
#include "energon/config/energy_yaml.h"

using namespace energon::hw;

TEST_CASE("energy activity_from_job reads a JobOutcome's traffic classes", "[energy]") {
  JobOutcome o;
  o.cycles = 3000;
  o.allowed = 800;
  o.kept = {300, 0, 0, 0};
  o.final_kept = 300;
  o.bytes[size_t(Traffic::desc_rd)] = 256;
  o.bytes[size_t(Traffic::q)] = 1024;
  o.bytes[size_t(Traffic::k0)] = 2048;
  o.bytes[size_t(Traffic::k1)] = 512;
  o.bytes[size_t(Traffic::k2)] = 4096;
  o.bytes[size_t(Traffic::v)] = 4096;
  o.bytes[size_t(Traffic::scale)] = 8;
  o.bytes[size_t(Traffic::out)] = 1024;
  o.bytes[size_t(Traffic::desc_wr)] = 64;

  const JobCounters c = job_counters(o);
  CHECK(c.dram_read_bytes == 256 + 1024 + 2048 + 512 + 4096 + 4096 + 8);
  CHECK(c.dram_write_bytes == 1024 + 64);
  CHECK(c.descriptor_bytes == 256 + 64);
  CHECK(c.final_kept == 300);

  energon_desc_t desc{};
  desc.policy = ENERGON_POLICY_MPMRF;
  desc.d = 64;
  desc.n_rounds = 1;
  desc.round[0] = {ENERGON_RULE_THRESHOLD, 4, 2, 0, 0, 0, 0};
  JobContext ctx;
  ctx.sram_hit_bytes = 100;
  const JobActivity a = activity_from_job(desc, o, ctx);
  REQUIRE(a.rounds.size() == 1);
  CHECK(a.rounds[0].macs == 800 * 64);
  CHECK(a.int16_macs == 300 * 64 * 2);
  CHECK(a.dram_read_bytes == c.dram_read_bytes);
  CHECK(a.sram_write_bytes == c.dram_read_bytes + c.dram_write_bytes - 320);
  CHECK(a.sram_read_bytes == a.sram_write_bytes + 100);
  CHECK(a.seconds == Approx(3e-6));

  const EnergyBreakdown e = estimate_energy(load_energy_table(), "lpddr4", a);
  CHECK(e.dram_pj == Approx(double(c.dram_read_bytes + c.dram_write_bytes) * 8 * 13.0));
}
