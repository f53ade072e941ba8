#include "energon/fw/energon_fw.h"

#include "energon/hw/energon_desc_codec.h"

#include <stddef.h>
#include <string.h>

static uint32_t rd(const energon_dev_t* dev, uint32_t off) {
  return dev->hal->read32(dev->hal->ctx, dev->reg_base + off);
}
static void wr(const energon_dev_t* dev, uint32_t off, uint32_t v) {
  dev->hal->write32(dev->hal->ctx, dev->reg_base + off, v);
}

/* HI, LO, HI: if the high word changed, the low word wrapped in between; read it again. */
static uint64_t rd64(const energon_dev_t* dev, uint32_t lo_off) {
  uint32_t hi = rd(dev, lo_off + 4u);
  uint32_t lo = rd(dev, lo_off);
  const uint32_t hi2 = rd(dev, lo_off + 4u);
  if (hi2 != hi) {
    lo = rd(dev, lo_off);
    hi = hi2;
  }
  return ((uint64_t)hi << 32) | lo;
}

int energon_init(energon_dev_t* dev, const energon_hal_t* hal, uint64_t reg_base) {
  if (!dev || !hal || !hal->read32 || !hal->write32 || !hal->wait_for_interrupt) return ENERGON_FW_EINVAL;
  memset(dev, 0, sizeof(*dev));
  dev->hal = hal;
  dev->reg_base = reg_base;
  wr(dev, ENERGON_REG_CTRL, ENERGON_CTRL_SOFT_RESET);
  wr(dev, ENERGON_REG_IRQ_STATUS, ENERGON_IRQ_DONE | ENERGON_IRQ_ERROR);
  wr(dev, ENERGON_REG_IRQ_MASK, ENERGON_IRQ_DONE | ENERGON_IRQ_ERROR);
  wr(dev, ENERGON_REG_CTRL, ENERGON_CTRL_ENABLE | ENERGON_CTRL_IRQ_EN);
  dev->jobs_done_base = rd(dev, ENERGON_REG_JOBS_DONE);
  return ENERGON_FW_OK;
}

int energon_probe(energon_dev_t* dev) {
  if (!dev || !dev->hal) return ENERGON_FW_EINVAL;
  if (rd(dev, ENERGON_REG_ID) != ENERGON_ID_VALUE) return ENERGON_FW_ENODEV;
  dev->version = rd(dev, ENERGON_REG_VERSION);
  if ((dev->version >> 24) != (ENERGON_VERSION_VALUE >> 24)) return ENERGON_FW_EVERSION;
  return ENERGON_FW_OK;
}

int energon_queue_setup(energon_dev_t* dev, uint64_t ring_base, uint32_t entries) {
  if (!dev || !dev->hal || entries < 2 || entries > ENERGON_QUEUE_MAX_ENTRIES || ring_base % ENERGON_RING_ALIGN != 0)
    return ENERGON_FW_EINVAL;
  if (!dev->hal->mem_write || !dev->hal->mem_read) return ENERGON_FW_EINVAL;
  dev->ring_base = ring_base;
  dev->ring_entries = entries;
  wr(dev, ENERGON_REG_QUEUE_BASE_LO, (uint32_t)ring_base);
  wr(dev, ENERGON_REG_QUEUE_BASE_HI, (uint32_t)(ring_base >> 32));
  wr(dev, ENERGON_REG_QUEUE_SIZE, entries);
  dev->tail = rd(dev, ENERGON_REG_QUEUE_HEAD);
  if (dev->tail >= entries) dev->tail = 0;
  wr(dev, ENERGON_REG_QUEUE_TAIL, dev->tail);
  return ENERGON_FW_OK;
}

static uint32_t queue_space(const energon_dev_t* dev) {
  const uint32_t head = rd(dev, ENERGON_REG_QUEUE_HEAD) % dev->ring_entries;
  const uint32_t used = (dev->tail + dev->ring_entries - head) % dev->ring_entries;
  return dev->ring_entries - 1u - used;
}

uint32_t energon_queue_space(const energon_dev_t* dev) {
  if (!dev || dev->ring_entries == 0) return 0;
  return queue_space(dev);
}

int energon_submit(energon_dev_t* dev, const energon_desc_t* descs, uint32_t count, uint32_t* first_index) {
  if (!dev || !dev->hal || (count && !descs)) return ENERGON_FW_EINVAL;
  if (dev->ring_entries == 0) return ENERGON_FW_ENOQUEUE;
  if (count > queue_space(dev)) return ENERGON_FW_EFULL;
  if (first_index) *first_index = dev->tail;
  for (uint32_t i = 0; i < count; ++i) {
    uint8_t bytes[ENERGON_DESC_BYTES];
    energon_desc_encode(&descs[i], bytes);
    memset(bytes + ENERGON_RESULT_OFFSET, 0, ENERGON_RESULT_BYTES); /* hardware fills it */
    const uint64_t at = dev->ring_base + (uint64_t)dev->tail * ENERGON_DESC_BYTES;
    if (dev->hal->mem_write(dev->hal->ctx, at, bytes, sizeof bytes) != 0) return ENERGON_FW_EIO;
    dev->tail = (dev->tail + 1u) % dev->ring_entries;
  }
  dev->submitted += count;
  /* One doorbell for the whole batch: the hardware walks head → tail on its own. */
  if (count) wr(dev, ENERGON_REG_QUEUE_TAIL, dev->tail);
  return ENERGON_FW_OK;
}

int energon_wait(energon_dev_t* dev, uint32_t timeout_us, energon_wait_info_t* info) {
  if (!dev || !dev->hal) return ENERGON_FW_EINVAL;
  energon_wait_info_t w;
  memset(&w, 0, sizeof w);
  int rc = ENERGON_FW_OK;
  for (;;) {
    const uint32_t causes = rd(dev, ENERGON_REG_IRQ_STATUS);
    if (causes) {
      wr(dev, ENERGON_REG_IRQ_STATUS, causes); /* write one to clear */
      w.irq_causes |= causes;
    }
    const uint32_t status = rd(dev, ENERGON_REG_STATUS);
    w.jobs_done = rd(dev, ENERGON_REG_JOBS_DONE) - dev->jobs_done_base;
    if (status & ENERGON_STATUS_QUEUE_ERR) {
      rc = ENERGON_FW_EQUEUE;
      break;
    }
    if ((int32_t)(w.jobs_done - dev->submitted) >= 0) break;
    if (dev->hal->wait_for_interrupt(dev->hal->ctx, timeout_us) != 0) {
      rc = ENERGON_FW_ETIMEDOUT;
      break;
    }
  }
  const uint32_t status = rd(dev, ENERGON_REG_STATUS);
  w.last_error = (status & ENERGON_STATUS_ERR_MASK) >> ENERGON_STATUS_ERR_SHIFT;
  w.err_desc = rd(dev, ENERGON_REG_ERR_DESC);
  if (rc == ENERGON_FW_OK && (w.irq_causes & ENERGON_IRQ_ERROR)) rc = ENERGON_FW_EJOB;
  if (info) *info = w;
  return rc;
}

int energon_read_result(energon_dev_t* dev, uint32_t index, energon_result_t* out) {
  if (!dev || !dev->hal || !out) return ENERGON_FW_EINVAL;
  if (dev->ring_entries == 0) return ENERGON_FW_ENOQUEUE;
  if (index >= dev->ring_entries) return ENERGON_FW_EINVAL;
  energon_desc_t d;
  uint8_t tail[ENERGON_RESULT_BYTES]; /* the result block: one copy */
  const uint64_t at = dev->ring_base + (uint64_t)index * ENERGON_DESC_BYTES + ENERGON_RESULT_OFFSET;
  if (dev->hal->mem_read(dev->hal->ctx, at, tail, sizeof tail) != 0) return ENERGON_FW_EIO;
  energon_result_decode(tail, &d);
  out->done = (d.result_status & ENERGON_RESULT_DONE) != 0;
  out->error = (d.result_status >> ENERGON_RESULT_ERR_SHIFT) & 0xFFu;
  out->cycles = d.result_cycles;
  out->allowed = d.result_allowed;
  for (uint32_t r = 0; r < ENERGON_MAX_ROUNDS; ++r) out->kept[r] = d.result_kept[r];
  out->final_kept = d.result_final;
  return ENERGON_FW_OK;
}

int energon_read_counters(energon_dev_t* dev, energon_counters_t* c) {
  if (!dev || !dev->hal || !c) return ENERGON_FW_EINVAL;
  c->cycles = rd64(dev, ENERGON_REG_PERF_CYCLES_LO);
  c->busy_ctrl = rd64(dev, ENERGON_REG_PERF_BUSY_CTRL_LO);
  c->busy_fetch = rd64(dev, ENERGON_REG_PERF_BUSY_FETCH_LO);
  c->busy_filter = rd64(dev, ENERGON_REG_PERF_BUSY_FILTER_LO);
  c->busy_select = rd64(dev, ENERGON_REG_PERF_BUSY_SELECT_LO);
  c->busy_attn = rd64(dev, ENERGON_REG_PERF_BUSY_ATTN_LO);
  c->rd_desc = rd64(dev, ENERGON_REG_PERF_RD_DESC_LO);
  c->rd_q = rd64(dev, ENERGON_REG_PERF_RD_Q_LO);
  c->rd_k[0] = rd64(dev, ENERGON_REG_PERF_RD_K0_LO);
  c->rd_k[1] = rd64(dev, ENERGON_REG_PERF_RD_K1_LO);
  c->rd_k[2] = rd64(dev, ENERGON_REG_PERF_RD_K2_LO);
  c->rd_k[3] = rd64(dev, ENERGON_REG_PERF_RD_K3_LO);
  c->rd_v = rd64(dev, ENERGON_REG_PERF_RD_V_LO);
  c->rd_scale = rd64(dev, ENERGON_REG_PERF_RD_SCALE_LO);
  c->wr_out = rd64(dev, ENERGON_REG_PERF_WR_OUT_LO);
  c->wr_desc = rd64(dev, ENERGON_REG_PERF_WR_DESC_LO);
  c->keys_allowed = rd64(dev, ENERGON_REG_PERF_KEYS_ALLOWED_LO);
  c->kept[0] = rd64(dev, ENERGON_REG_PERF_KEPT_R1_LO);
  c->kept[1] = rd64(dev, ENERGON_REG_PERF_KEPT_R2_LO);
  c->kept[2] = rd64(dev, ENERGON_REG_PERF_KEPT_R3_LO);
  c->kept[3] = rd64(dev, ENERGON_REG_PERF_KEPT_R4_LO);
  c->kept_final = rd64(dev, ENERGON_REG_PERF_KEPT_FINAL_LO);
  c->jobs_done = rd(dev, ENERGON_REG_JOBS_DONE);
  return ENERGON_FW_OK;
}

void energon_clear_counters(energon_dev_t* dev) { wr(dev, ENERGON_REG_PERF_CTRL, ENERGON_PERF_CLEAR); }

#define HW_MSG(name, value, desc) \
  case (value):                   \
    return (desc);
#define FW_MSG(name, value, desc) \
  case (value):                   \
    return (desc);
#define HW_NAME(name, value, desc) \
  case (value):                    \
    return #name;

const char* energon_strerror(int code) {
  if (code < 0) {
    switch (code) { ENERGON_FW_ERRORS(FW_MSG) default : return "Unknown driver status"; }
  }
  switch (code) { ENERGON_ERRORS(HW_MSG) default : return "Unknown hardware error code"; }
}

const char* energon_error_name(int code) {
  if (code < 0) {
    switch (code) { ENERGON_FW_ERRORS(HW_NAME) default : return "UNKNOWN"; }
  }
  switch (code) { ENERGON_ERRORS(HW_NAME) default : return "UNKNOWN"; }
}
