// uvm-capture: runs a UVMScope capture plan (`uvmscope plan <scenario>`) over cudaMallocManaged memory on one GPU and
// records CUPTI's unified-memory counter activity as JSON lines (README.md beside this file gives both formats).
//
//   uvm-capture <plan.txt> -o <capture.jsonl>     run the plan on GPU 0
//   uvm-capture <plan.txt> --check                read and check the plan only (no GPU needed)
//   uvm-capture <plan.txt> -o <capture.jsonl> --grid-stride <blocks> <threads>
//                                                 every kernel as a grid-stride loop over every 4-byte element of its
//                                                 pages (numbers.md's kernel shape) instead of one thread per page
//
// Exit status: 0 ok, 1 a CUDA or CUPTI call failed during the run, 2 bad usage or a bad plan, 3 refused (the GPU has
// too little free memory for the plan, or no GPU).

#include <cuda.h>
#include <cuda_runtime.h>
#include <cupti.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/utsname.h>
#include <unistd.h>
#include <vector>

namespace {

constexpr int kPlanVersion = 1;
constexpr int kCaptureVersion = 1;
constexpr const char *kToolVersion = "uvm-capture 1.1";
constexpr int kMaxGpus = 8;  // src/engine/capture/plan.ts MAX_PLAN_GPUS
constexpr uint64_t kMaxManagedBytes = 32ull << 30;  // a hard cap on top of the free-memory rule
constexpr size_t kMaxPlanBytes = 16u << 20;

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

[[noreturn]] void die(int status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  std::fputs("uvm-capture: ", stderr);
  std::vfprintf(stderr, fmt, ap);
  std::fputc('\n', stderr);
  va_end(ap);
  std::exit(status);
}

std::string jsonString(const std::string &s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string hex64(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  return buf;
}

std::string trim(const std::string &s) {
  size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return "";
  size_t b = s.find_last_not_of(" \t\r\n");
  return s.substr(a, b - a + 1);
}

std::vector<std::string> split(const std::string &s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

// FNV-1a, 64 bits, the plan's hash (src/engine/capture/plan.ts computes the same).
uint64_t fnv1a64(const std::string &bytes) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

bool parseU64(const std::string &s, uint64_t &out) {
  if (s.empty() || s.size() > 20) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  errno = 0;
  char *end = nullptr;
  unsigned long long v = std::strtoull(s.c_str(), &end, 10);
  if (errno != 0 || *end != '\0') return false;
  out = v;
  return true;
}

std::string readSmallFile(const std::string &path) {
  std::ifstream in(path);
  if (!in) return "";
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (s.size() > 4096) s.resize(4096);
  return trim(s);
}

// First line of a command's output, or "" (nvidia-smi may be missing).
std::string commandLine(const char *cmd) {
  FILE *p = popen(cmd, "r");
  if (!p) return "";
  char buf[512];
  std::string out;
  if (std::fgets(buf, sizeof buf, p)) out = buf;
  pclose(p);
  return trim(out);
}

// ---------------------------------------------------------------------------------------------------------------
// The plan

enum class ActionKind { Skip, CpuRead, CpuWrite, Kernel, Prefetch, Advise };
enum class AccessOp : unsigned { Read = 0, Write = 1, Atomic = 2 };

struct Access {
  int region = 0;
  AccessOp op = AccessOp::Read;
  std::string pattern;
  std::vector<uint32_t> pages;
};

struct Action {
  int line = 0;
  int step = 0;
  ActionKind kind = ActionKind::Skip;
  std::string op;  // the scenario's op name, for the step marker
  int region = -1;
  std::vector<uint32_t> pages;  // cpu read/write
  std::vector<Access> accesses;  // kernel
  uint64_t offset = 0, length = 0;  // prefetch
  int proc = -1;  // prefetch target / advice target: -1 the CPU, 0.. a GPU ordinal, -2 none
  int device = 0;  // kernel: the CUDA device it runs on
  std::string advice;
};

struct PlanRegion {
  int index = 0;
  std::string name;
  uint64_t size = 0;
};

struct Skipped {
  int step = 0;
  std::string op, why;
};

struct Plan {
  std::string text;
  uint64_t hash = 0;
  std::string scenario, source;
  std::vector<std::string> gpus;  // the scenario's name of each CUDA device, by ordinal (gpu0 = device 0, …)
  uint64_t pageSize = 4096;
  uint64_t managedBytes = 0;
  int steps = -1;
  std::vector<PlanRegion> regions;
  std::vector<Skipped> skipped;
  std::vector<std::string> ignored;
  std::vector<Action> actions;

  const PlanRegion *region(int index) const {
    for (const auto &r : regions)
      if (r.index == index) return &r;
    return nullptr;
  }
};

struct PlanError {
  int line;
  std::string message;
};

// `a`, `a-b` items separated by commas.
bool parsePages(const std::string &s, uint64_t limit, std::vector<uint32_t> &out, std::string &why) {
  size_t i = 0;
  while (i <= s.size()) {
    size_t comma = s.find(',', i);
    if (comma == std::string::npos) comma = s.size();
    std::string item = s.substr(i, comma - i);
    size_t dash = item.find('-');
    uint64_t a = 0, b = 0;
    bool ok = dash == std::string::npos ? parseU64(item, a) : parseU64(item.substr(0, dash), a) && parseU64(item.substr(dash + 1), b);
    if (dash == std::string::npos) b = a;
    if (!ok || b < a) {
      why = "bad page item \"" + item + "\"";
      return false;
    }
    if (b >= limit) {
      why = "page " + std::to_string(b) + " is past the region's " + std::to_string(limit) + " pages";
      return false;
    }
    if (out.size() + (b - a + 1) > (64u << 20)) {
      why = "too many pages";
      return false;
    }
    for (uint64_t p = a; p <= b; p++) out.push_back(static_cast<uint32_t>(p));
    i = comma + 1;
  }
  return true;
}

bool parseProc(const std::string &s, int gpus, int &proc) {
  if (s == "cpu") {
    proc = -1;
    return true;
  }
  if (s == "-") {
    proc = -2;
    return true;
  }
  uint64_t g = 0;
  if (s.rfind("gpu", 0) == 0 && parseU64(s.substr(3), g) && g < static_cast<uint64_t>(gpus)) {
    proc = static_cast<int>(g);
    return true;
  }
  return false;
}

bool parseAccessOp(const std::string &s, AccessOp &op) {
  if (s == "read") op = AccessOp::Read;
  else if (s == "write") op = AccessOp::Write;
  else if (s == "atomic") op = AccessOp::Atomic;
  else return false;
  return true;
}

Plan readPlan(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) die(2, "cannot read the plan %s: %s", path.c_str(), std::strerror(errno));
  Plan plan;
  plan.text.assign((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (plan.text.size() > kMaxPlanBytes) die(2, "%s: the plan is larger than %zu bytes", path.c_str(), kMaxPlanBytes);
  plan.hash = fnv1a64(plan.text);

  std::vector<PlanError> errors;
  auto fail = [&](int line, const std::string &m) { errors.push_back({line, m}); };
  std::istringstream lines(plan.text);
  std::string raw;
  int lineNo = 0;
  bool sawVersion = false, inBody = false, sawEnd = false;
  int expectAccesses = 0;
  Action *kernel = nullptr;
  while (std::getline(lines, raw)) {
    lineNo++;
    if (!raw.empty() && raw.back() == '\r') raw.pop_back();
    if (raw.empty() || raw[0] == '#') continue;
    if (sawEnd) {
      fail(lineNo, "text after `end`");
      break;
    }
    size_t sp = raw.find(' ');
    std::string key = raw.substr(0, sp);
    std::string rest = sp == std::string::npos ? "" : raw.substr(sp + 1);
    std::vector<std::string> w = split(rest);
    if (!sawVersion) {
      uint64_t v = 0;
      if (key != "uvm-plan" || w.size() != 1 || !parseU64(w[0], v)) {
        fail(lineNo, "not a uvm-capture plan: the first line must be `uvm-plan " + std::to_string(kPlanVersion) + "`");
        break;
      }
      if (v != kPlanVersion) {
        fail(lineNo, "unsupported plan version " + w[0] + " (this tool reads version " + std::to_string(kPlanVersion) + ")");
        break;
      }
      sawVersion = true;
      continue;
    }
    if (expectAccesses > 0) {
      // access <region> <op> <pattern> <pages>
      Access a;
      uint64_t r = 0;
      const PlanRegion *pr = nullptr;
      std::string why;
      if (key != "access" || w.size() != 4) {
        fail(lineNo, "expected `access <region> <op> <pattern> <pages>`");
      } else if (!parseU64(w[0], r) || !(pr = plan.region(static_cast<int>(r)))) {
        fail(lineNo, "unknown region " + w[0]);
      } else if (!parseAccessOp(w[1], a.op)) {
        fail(lineNo, "unknown access op " + w[1]);
      } else if (!parsePages(w[3], pr->size / plan.pageSize, a.pages, why)) {
        fail(lineNo, why);
      } else {
        a.region = static_cast<int>(r);
        a.pattern = w[2];
        kernel->accesses.push_back(std::move(a));
      }
      expectAccesses--;
      continue;
    }
    if (!inBody) {
      uint64_t v = 0;
      if (key == "scenario") plan.scenario = rest;
      else if (key == "source") plan.source = rest;
      else if (key == "page-size") {
        if (w.size() != 1 || !parseU64(w[0], v) || v != 4096) fail(lineNo, "page-size must be 4096");
      } else if (key == "gpu") {
        uint64_t d = 0;
        if (w.size() != 2 || !parseU64(w[0], d)) fail(lineNo, "expected `gpu <ordinal> <name>`");
        else if (d != plan.gpus.size()) fail(lineNo, "gpu lines must number the devices 0, 1, 2… in order (expected " + std::to_string(plan.gpus.size()) + ")");
        else if (d >= static_cast<uint64_t>(kMaxGpus)) fail(lineNo, "at most " + std::to_string(kMaxGpus) + " GPUs");
        else plan.gpus.push_back(w[1]);
      } else if (key == "region") {
        uint64_t idx = 0, size = 0;
        if (w.size() != 3 || !parseU64(w[0], idx) || !parseU64(w[2], size) || size == 0 || size % 4096 != 0 || idx > 100000)
          fail(lineNo, "expected `region <index> <name> <bytes>` (bytes a positive multiple of 4096)");
        else if (plan.region(static_cast<int>(idx)))
          fail(lineNo, "region " + w[0] + " given twice");
        else
          plan.regions.push_back({static_cast<int>(idx), w[1], size});
      } else if (key == "managed-bytes") {
        if (w.size() != 1 || !parseU64(w[0], plan.managedBytes)) fail(lineNo, "expected `managed-bytes <n>`");
      } else if (key == "steps") {
        if (w.size() != 1 || !parseU64(w[0], v) || v > 10000000) fail(lineNo, "expected `steps <n>`");
        else plan.steps = static_cast<int>(v);
      } else if (key == "skipped") {
        uint64_t st = 0;
        if (w.size() < 2 || !parseU64(w[0], st)) fail(lineNo, "expected `skipped <step> <op> <why>`");
        else {
          size_t at = rest.find(w[1]) + w[1].size();
          plan.skipped.push_back({static_cast<int>(st), w[1], trim(rest.substr(at))});
        }
      } else if (key == "ignored") {
        plan.ignored.push_back(rest);
      } else if (key == "begin") {
        inBody = true;
      } else {
        fail(lineNo, "unknown header line `" + key + "`");
      }
      continue;
    }
    if (key == "end") {
      sawEnd = true;
      continue;
    }
    if (key != "step" || w.size() < 2) {
      fail(lineNo, "expected `step <index> …` or `end`");
      continue;
    }
    Action a;
    a.line = lineNo;
    uint64_t st = 0;
    if (!parseU64(w[0], st) || static_cast<int>(st) != static_cast<int>(plan.actions.size())) {
      fail(lineNo, "steps must be numbered 0, 1, 2… in order (expected " + std::to_string(plan.actions.size()) + ")");
      continue;
    }
    a.step = static_cast<int>(st);
    const std::string &verb = w[1];
    uint64_t r = 0;
    const PlanRegion *pr = nullptr;
    std::string why;
    if (verb == "skip" && w.size() == 3) {
      a.kind = ActionKind::Skip;
      a.op = w[2];
    } else if (verb == "cpu" && w.size() == 5 && (w[2] == "read" || w[2] == "write")) {
      a.kind = w[2] == "read" ? ActionKind::CpuRead : ActionKind::CpuWrite;
      a.op = "cpu." + w[2];
      if (!parseU64(w[3], r) || !(pr = plan.region(static_cast<int>(r)))) fail(lineNo, "unknown region " + w[3]);
      else if (!parsePages(w[4], pr->size / plan.pageSize, a.pages, why)) fail(lineNo, why);
      a.region = static_cast<int>(r);
    } else if (verb == "kernel" && w.size() == 4) {
      uint64_t n = 0;
      a.kind = ActionKind::Kernel;
      a.op = "gpu.kernel";
      uint64_t d = 0;
      if (!parseU64(w[2], d) || d >= plan.gpus.size())
        fail(lineNo, "kernel on GPU " + w[2] + ", which the plan's `gpu` lines do not name");
      else a.device = static_cast<int>(d);
      if (!parseU64(w[3], n) || n == 0 || n > 4096) fail(lineNo, "a kernel needs 1..4096 accesses");
      else expectAccesses = static_cast<int>(n);
    } else if (verb == "prefetch" && w.size() == 6) {
      a.kind = ActionKind::Prefetch;
      a.op = "uvm.prefetch";
      if (!parseU64(w[2], r) || !(pr = plan.region(static_cast<int>(r)))) fail(lineNo, "unknown region " + w[2]);
      else if (!parseU64(w[3], a.offset) || !parseU64(w[4], a.length) || a.length == 0 || a.offset > pr->size || a.length > pr->size - a.offset)
        fail(lineNo, "the prefetch range must lie in the region");
      else if (!parseProc(w[5], static_cast<int>(plan.gpus.size()), a.proc) || a.proc == -2) fail(lineNo, "prefetch to cpu or a GPU the plan names (gpu0…)");
      a.region = static_cast<int>(r);
    } else if (verb == "advise" && w.size() == 5) {
      a.kind = ActionKind::Advise;
      a.op = "uvm.advise";
      a.advice = w[3];
      static const char *known[] = {"read-mostly", "preferred-location", "accessed-by", "unset-read-mostly", "unset-preferred-location", "unset-accessed-by"};
      if (!parseU64(w[2], r) || !(pr = plan.region(static_cast<int>(r)))) fail(lineNo, "unknown region " + w[2]);
      else if (std::find_if(std::begin(known), std::end(known), [&](const char *k) { return a.advice == k; }) == std::end(known))
        fail(lineNo, "unknown advice " + a.advice);
      else if (!parseProc(w[4], static_cast<int>(plan.gpus.size()), a.proc)) fail(lineNo, "advice target must be cpu, a GPU the plan names (gpu0…) or -");
      a.region = static_cast<int>(r);
    } else {
      fail(lineNo, "unknown step line");
    }
    plan.actions.push_back(std::move(a));
    if (expectAccesses > 0) kernel = &plan.actions.back();
  }
  if (errors.empty()) {
    if (!sawVersion) fail(lineNo, "empty plan");
    else if (plan.gpus.empty()) fail(lineNo, "the plan names no GPU (`gpu 0 <name>`)");
    else if (expectAccesses > 0) fail(lineNo, "the plan ends inside a kernel's accesses");
    else if (!sawEnd) fail(lineNo, "the plan has no `end` line: it is cut short");
    else if (plan.steps != static_cast<int>(plan.actions.size()))
      fail(lineNo, "the header says " + std::to_string(plan.steps) + " steps, the body has " + std::to_string(plan.actions.size()));
    uint64_t sum = 0;
    for (const auto &r : plan.regions) sum += r.size;
    if (sum != plan.managedBytes) fail(lineNo, "managed-bytes is not the sum of the regions' sizes");
  }
  if (!errors.empty()) {
    for (const auto &e : errors) std::fprintf(stderr, "%s:%d: %s\n", path.c_str(), e.line, e.message.c_str());
    std::exit(2);
  }
  return plan;
}

// ---------------------------------------------------------------------------------------------------------------
// CUDA and CUPTI

#define CUDA_OK(call)                                                                                       \
  do {                                                                                                       \
    cudaError_t e_ = (call);                                                                                 \
    if (e_ != cudaSuccess) throw std::runtime_error(std::string(#call) + ": " + cudaGetErrorString(e_));     \
  } while (0)

#define CUPTI_OK(call)                                                                                      \
  do {                                                                                                       \
    CUptiResult r_ = (call);                                                                                 \
    if (r_ != CUPTI_SUCCESS) {                                                                               \
      const char *s_ = nullptr;                                                                              \
      cuptiGetResultString(r_, &s_);                                                                         \
      throw std::runtime_error(std::string(#call) + ": " + (s_ ? s_ : "unknown CUPTI error"));               \
    }                                                                                                        \
  } while (0)

std::mutex gMutex;
std::vector<CUpti_ActivityUnifiedMemoryCounter3> gRecords;  // collected by CUPTI's buffer callback
uint64_t gDropped = 0;
uint64_t gOtherRecords = 0;

constexpr size_t kBufferBytes = 8u << 20;

void CUPTIAPI bufferRequested(uint8_t **buffer, size_t *size, size_t *maxRecords) {
  *buffer = static_cast<uint8_t *>(std::aligned_alloc(8, kBufferBytes));
  *size = *buffer ? kBufferBytes : 0;
  *maxRecords = 0;
}

void CUPTIAPI bufferCompleted(CUcontext ctx, uint32_t stream, uint8_t *buffer, size_t, size_t valid) {
  std::vector<CUpti_ActivityUnifiedMemoryCounter3> got;
  uint64_t other = 0;
  CUpti_Activity *rec = nullptr;
  while (valid > 0 && cuptiActivityGetNextRecord(buffer, valid, &rec) == CUPTI_SUCCESS) {
    if (rec->kind == CUPTI_ACTIVITY_KIND_UNIFIED_MEMORY_COUNTER)
      got.push_back(*reinterpret_cast<CUpti_ActivityUnifiedMemoryCounter3 *>(rec));
    else
      other++;
  }
  size_t dropped = 0;
  cuptiActivityGetNumDroppedRecords(ctx, stream, &dropped);
  {
    std::lock_guard<std::mutex> lock(gMutex);
    gRecords.insert(gRecords.end(), got.begin(), got.end());
    gDropped += dropped;
    gOtherRecords += other;
  }
  std::free(buffer);
}

std::vector<CUpti_ActivityUnifiedMemoryCounter3> takeRecords() {
  std::lock_guard<std::mutex> lock(gMutex);
  std::vector<CUpti_ActivityUnifiedMemoryCounter3> out;
  out.swap(gRecords);
  return out;
}

struct CounterKindName {
  CUpti_ActivityUnifiedMemoryCounterKind kind;
  const char *name;
  bool required;
};

const CounterKindName kCounters[] = {
    {CUPTI_ACTIVITY_UNIFIED_MEMORY_COUNTER_KIND_BYTES_TRANSFER_HTOD, "htod", true},
    {CUPTI_ACTIVITY_UNIFIED_MEMORY_COUNTER_KIND_BYTES_TRANSFER_DTOH, "dtoh", true},
    {CUPTI_ACTIVITY_UNIFIED_MEMORY_COUNTER_KIND_CPU_PAGE_FAULT_COUNT, "cpu_page_fault", true},
    {CUPTI_ACTIVITY_UNIFIED_MEMORY_COUNTER_KIND_GPU_PAGE_FAULT, "gpu_page_fault", true},
    {CUPTI_ACTIVITY_UNIFIED_MEMORY_COUNTER_KIND_THRASHING, "thrashing", false},
    {CUPTI_ACTIVITY_UNIFIED_MEMORY_COUNTER_KIND_THROTTLING, "throttling", false},
    {CUPTI_ACTIVITY_UNIFIED_MEMORY_COUNTER_KIND_REMOTE_MAP, "remote_map", false},
    {CUPTI_ACTIVITY_UNIFIED_MEMORY_COUNTER_KIND_BYTES_TRANSFER_DTOD, "dtod", false},
};

const char *counterName(CUpti_ActivityUnifiedMemoryCounterKind k) {
  for (const auto &c : kCounters)
    if (c.kind == k) return c.name;
  return "unknown";
}

// Enables every counter kind CUPTI accepts here; returns the names enabled. The required four must all work. One GPU:
// scope device 0, as every one-GPU capture ran; several: every device of the process, so that both ends of a
// device-to-device copy and every GPU's faults are reported.
std::vector<std::string> enableCounters(int gpus) {
  std::vector<CUpti_ActivityUnifiedMemoryCounterConfig> configs;
  for (const auto &c : kCounters) {
    CUpti_ActivityUnifiedMemoryCounterConfig cfg{};
    cfg.scope = gpus > 1 ? CUPTI_ACTIVITY_UNIFIED_MEMORY_COUNTER_SCOPE_PROCESS_ALL_DEVICES
                         : CUPTI_ACTIVITY_UNIFIED_MEMORY_COUNTER_SCOPE_PROCESS_SINGLE_DEVICE;
    cfg.kind = c.kind;
    cfg.deviceId = 0;
    cfg.enable = 1;
    configs.push_back(cfg);
  }
  std::vector<std::string> names;
  if (cuptiActivityConfigureUnifiedMemoryCounter(configs.data(), static_cast<uint32_t>(configs.size())) == CUPTI_SUCCESS) {
    for (const auto &c : kCounters) names.push_back(c.name);
    return names;
  }
  // one at a time, to learn which kinds this platform lacks
  for (size_t i = 0; i < configs.size(); i++) {
    CUptiResult r = cuptiActivityConfigureUnifiedMemoryCounter(&configs[i], 1);
    if (r == CUPTI_SUCCESS) names.push_back(kCounters[i].name);
    else if (kCounters[i].required) {
      const char *s = nullptr;
      cuptiGetResultString(r, &s);
      throw std::runtime_error(std::string("CUPTI refused the unified-memory counter ") + kCounters[i].name + ": " + (s ? s : "?"));
    }
  }
  return names;
}

// ---------------------------------------------------------------------------------------------------------------
// The capture file

constexpr uint64_t kBlock = 2u << 20;  // UVM_VA_BLOCK_SIZE

uint64_t extent(uint64_t size) { return (size + kBlock - 1) / kBlock * kBlock; }

struct Region {
  PlanRegion spec;
  char *base = nullptr;
};

class Capture {
 public:
  Capture(FILE *out, uint64_t t0) : out_(out), t0_(t0) {}

  void line(const std::string &json) {
    std::fputs(json.c_str(), out_);
    std::fputc('\n', out_);
  }

  int64_t rel(uint64_t t) const { return static_cast<int64_t>(t - t0_); }

  void setRegions(const std::vector<Region> *regions) { regions_ = regions; }

  // Writes the records collected so far (oldest first).
  void drain() {
    auto recs = takeRecords();
    std::stable_sort(recs.begin(), recs.end(), [](const auto &a, const auto &b) { return a.start < b.start; });
    for (const auto &r : recs) record(r);
    records_ += recs.size();
    std::fflush(out_);
  }

  uint64_t records() const { return records_; }

 private:
  static std::string proc(uint32_t id) {
    if (id == CUPTI_UNIFIED_MEMORY_CPU_DEVICE_ID) return "\"cpu\"";
    return "\"gpu" + std::to_string(id) + "\"";
  }

  static const char *access(uint32_t flags) {
    switch (flags) {
      case CUPTI_ACTIVITY_UNIFIED_MEMORY_ACCESS_TYPE_READ: return "read";
      case CUPTI_ACTIVITY_UNIFIED_MEMORY_ACCESS_TYPE_WRITE: return "write";
      case CUPTI_ACTIVITY_UNIFIED_MEMORY_ACCESS_TYPE_ATOMIC: return "atomic";
      case CUPTI_ACTIVITY_UNIFIED_MEMORY_ACCESS_TYPE_PREFETCH: return "prefetch";
      default: return "unknown";
    }
  }

  static const char *migrationCause(uint32_t flags) {
    switch (flags) {
      case CUPTI_ACTIVITY_UNIFIED_MEMORY_MIGRATION_CAUSE_USER: return "user";
      case CUPTI_ACTIVITY_UNIFIED_MEMORY_MIGRATION_CAUSE_COHERENCE: return "coherence";
      case CUPTI_ACTIVITY_UNIFIED_MEMORY_MIGRATION_CAUSE_PREFETCH: return "prefetch";
      case CUPTI_ACTIVITY_UNIFIED_MEMORY_MIGRATION_CAUSE_EVICTION: return "eviction";
      case CUPTI_ACTIVITY_UNIFIED_MEMORY_MIGRATION_CAUSE_ACCESS_COUNTERS: return "access_counters";
      default: return "unknown";
    }
  }

  static const char *remoteMapCause(uint32_t flags) {
    switch (flags) {
      case CUPTI_ACTIVITY_UNIFIED_MEMORY_REMOTE_MAP_CAUSE_COHERENCE: return "coherence";
      case CUPTI_ACTIVITY_UNIFIED_MEMORY_REMOTE_MAP_CAUSE_THRASHING: return "thrashing";
      case CUPTI_ACTIVITY_UNIFIED_MEMORY_REMOTE_MAP_CAUSE_POLICY: return "policy";
      case CUPTI_ACTIVITY_UNIFIED_MEMORY_REMOTE_MAP_CAUSE_OUT_OF_MEMORY: return "out_of_memory";
      case CUPTI_ACTIVITY_UNIFIED_MEMORY_REMOTE_MAP_CAUSE_EVICTION: return "eviction";
      default: return "unknown";
    }
  }

  void record(const CUpti_ActivityUnifiedMemoryCounter3 &r) {
    std::string s = "{\"type\":\"um\",\"kind\":\"";
    s += counterName(r.counterKind);
    s += "\",\"start\":" + std::to_string(rel(r.start));
    const bool hasEnd = r.counterKind == CUPTI_ACTIVITY_UNIFIED_MEMORY_COUNTER_KIND_BYTES_TRANSFER_HTOD ||
                        r.counterKind == CUPTI_ACTIVITY_UNIFIED_MEMORY_COUNTER_KIND_BYTES_TRANSFER_DTOH ||
                        r.counterKind == CUPTI_ACTIVITY_UNIFIED_MEMORY_COUNTER_KIND_BYTES_TRANSFER_DTOD ||
                        r.counterKind == CUPTI_ACTIVITY_UNIFIED_MEMORY_COUNTER_KIND_GPU_PAGE_FAULT ||
                        r.counterKind == CUPTI_ACTIVITY_UNIFIED_MEMORY_COUNTER_KIND_THROTTLING;
    if (hasEnd) s += ",\"end\":" + std::to_string(rel(r.end));
    s += ",\"address\":\"" + hex64(r.address) + "\"";
    if (regions_) {
      for (size_t i = 0; i < regions_->size(); i++) {
        const Region &g = (*regions_)[i];
        uint64_t b = reinterpret_cast<uint64_t>(g.base);
        // the driver may move bytes past the region's end, up to the end of its last 2 MiB block (cudaMallocManaged
        // rounds the allocation up); the offset then is the region's size or more
        if (r.address >= b && r.address < b + extent(g.spec.size)) {
          s += ",\"region\":" + std::to_string(g.spec.index) + ",\"offset\":" + std::to_string(r.address - b);
          break;
        }
      }
    }
    switch (r.counterKind) {
      case CUPTI_ACTIVITY_UNIFIED_MEMORY_COUNTER_KIND_BYTES_TRANSFER_HTOD:
      case CUPTI_ACTIVITY_UNIFIED_MEMORY_COUNTER_KIND_BYTES_TRANSFER_DTOH:
      case CUPTI_ACTIVITY_UNIFIED_MEMORY_COUNTER_KIND_BYTES_TRANSFER_DTOD:
        s += ",\"bytes\":" + std::to_string(r.value) + ",\"src\":" + proc(r.srcId) + ",\"dst\":" + proc(r.dstId);
        s += std::string(",\"cause\":\"") + migrationCause(r.flags) + "\"";
        break;
      case CUPTI_ACTIVITY_UNIFIED_MEMORY_COUNTER_KIND_GPU_PAGE_FAULT:
        s += ",\"value\":" + std::to_string(r.value) + ",\"src\":" + proc(r.srcId);
        s += std::string(",\"access\":\"") + access(r.flags) + "\"";
        break;
      case CUPTI_ACTIVITY_UNIFIED_MEMORY_COUNTER_KIND_CPU_PAGE_FAULT_COUNT:
        s += ",\"pc\":\"" + hex64(r.value) + "\"";
        s += std::string(",\"access\":\"") + access(r.flags) + "\"";
        break;
      case CUPTI_ACTIVITY_UNIFIED_MEMORY_COUNTER_KIND_THRASHING:
        s += ",\"bytes\":" + std::to_string(r.value) + ",\"processors\":\"" + hex64(r.processors[0]) + "\"";
        s += std::string(",\"in_cpu\":") + ((r.flags & CUPTI_ACTIVITY_FLAG_THRASHING_IN_CPU) ? "true" : "false");
        break;
      case CUPTI_ACTIVITY_UNIFIED_MEMORY_COUNTER_KIND_THROTTLING:
        s += ",\"src\":" + proc(r.srcId);
        s += std::string(",\"in_cpu\":") + ((r.flags & CUPTI_ACTIVITY_FLAG_THROTTLING_IN_CPU) ? "true" : "false");
        break;
      case CUPTI_ACTIVITY_UNIFIED_MEMORY_COUNTER_KIND_REMOTE_MAP:
        s += ",\"bytes\":" + std::to_string(r.value) + ",\"src\":" + proc(r.srcId) + ",\"dst\":" + proc(r.dstId);
        s += std::string(",\"cause\":\"") + remoteMapCause(r.flags) + "\"";
        break;
      default:
        s += ",\"value\":" + std::to_string(r.value);
    }
    s += ",\"flags\":" + std::to_string(r.flags) + "}";
    line(s);
  }

  FILE *out_;
  uint64_t t0_;
  uint64_t records_ = 0;
  const std::vector<Region> *regions_ = nullptr;
};

// ---------------------------------------------------------------------------------------------------------------
// The accesses

struct Touch {
  unsigned long long addr;
  unsigned op;
};

__global__ void touchPages(const Touch *touches, unsigned long long n, unsigned *sink) {
  unsigned long long i = blockIdx.x * static_cast<unsigned long long>(blockDim.x) + threadIdx.x;
  if (i >= n) return;
  unsigned *p = reinterpret_cast<unsigned *>(touches[i].addr);
  switch (touches[i].op) {
    case 0: {
      unsigned v = *reinterpret_cast<volatile unsigned *>(p);
      if (v == 0x9e3779b9u) atomicAdd(sink, 1u);  // keeps the load
      break;
    }
    case 1:
      *reinterpret_cast<volatile unsigned *>(p) = static_cast<unsigned>(i) | 1u;
      break;
    default:
      atomicAdd(p, 1u);
  }
}

// numbers.md's shape: a grid-stride loop over every 4-byte element of the kernel's pages (element e is word e % 1024 of
// touch e / 1024), so each page is touched by 1024 threads and the warps in flight sweep the pages together.
__global__ void touchElementsStride(const Touch *touches, unsigned long long n, unsigned *sink) {
  const unsigned long long words = n * 1024ull;
  const unsigned long long stride = static_cast<unsigned long long>(gridDim.x) * blockDim.x;
  for (unsigned long long e = blockIdx.x * static_cast<unsigned long long>(blockDim.x) + threadIdx.x; e < words; e += stride) {
    const Touch &t = touches[e >> 10];
    unsigned *p = reinterpret_cast<unsigned *>(t.addr) + (e & 1023);
    switch (t.op) {
      case 0: {
        unsigned v = *reinterpret_cast<volatile unsigned *>(p);
        if (v == 0x9e3779b9u) atomicAdd(sink, 1u);
        break;
      }
      case 1:
        *reinterpret_cast<volatile unsigned *>(p) = static_cast<unsigned>(e) | 1u;
        break;
      default:
        atomicAdd(p, 1u);
    }
  }
}

/** --grid-stride: 0 blocks = one thread per page (touchPages). */
unsigned gStrideBlocks = 0, gStrideThreads = 0;

volatile unsigned gCpuSink = 0;

class Runner {
 public:
  // Copies every kernel's page list to device memory first, so that a step is only its launch and the steps follow
  // each other as closely as in a program (the driver's thrashing detection works on intervals of microseconds).
  // Each kernel's list lives on the device that runs it, and each device has its own sink (`sinks[d]`).
  Runner(const Plan &plan, std::vector<Region> &regions, const std::vector<unsigned *> &sinks) : plan_(plan), regions_(regions), sinks_(sinks) {
    for (const auto &a : plan.actions) {
      if (a.kind != ActionKind::Kernel) continue;
      CUDA_OK(cudaSetDevice(a.device));
      std::vector<Touch> touches;
      for (const auto &acc : a.accesses) {
        uint64_t b = reinterpret_cast<uint64_t>(base(acc.region));
        for (uint32_t p : acc.pages) touches.push_back({b + static_cast<uint64_t>(p) * plan_.pageSize, static_cast<unsigned>(acc.op)});
      }
      Touch *dev = nullptr;
      CUDA_OK(cudaMalloc(&dev, touches.size() * sizeof(Touch)));
      CUDA_OK(cudaMemcpy(dev, touches.data(), touches.size() * sizeof(Touch), cudaMemcpyHostToDevice));
      kernels_[a.step] = {dev, touches.size()};
    }
    CUDA_OK(cudaSetDevice(0));
  }

  ~Runner() {
    for (auto &k : kernels_) cudaFree(k.second.first);  // cudaFree finds the pointer's device itself
  }

  // Waits for every device of the plan (a prefetch or advice may involve any of them); device 0 stays current.
  void syncAll() {
    for (size_t d = plan_.gpus.size(); d-- > 0;) {
      CUDA_OK(cudaSetDevice(static_cast<int>(d)));
      CUDA_OK(cudaDeviceSynchronize());
    }
  }

  char *base(int index) {
    for (auto &r : regions_)
      if (r.spec.index == index) return r.base;
    throw std::runtime_error("no region " + std::to_string(index));
  }

  void run(const Action &a) {
    switch (a.kind) {
      case ActionKind::Skip:
        return;
      case ActionKind::CpuRead: {
        volatile unsigned *b = reinterpret_cast<volatile unsigned *>(base(a.region));
        unsigned sum = 0;
        for (uint32_t p : a.pages) sum += b[static_cast<size_t>(p) * (plan_.pageSize / 4)];
        gCpuSink = gCpuSink + sum;
        return;
      }
      case ActionKind::CpuWrite: {
        volatile unsigned *b = reinterpret_cast<volatile unsigned *>(base(a.region));
        for (uint32_t p : a.pages) b[static_cast<size_t>(p) * (plan_.pageSize / 4)] = p | 0x80000000u;
        return;
      }
      case ActionKind::Kernel: {
        const auto &k = kernels_.at(a.step);
        const unsigned threads = 256;
        const unsigned long long n = k.second;
        const unsigned blocks = static_cast<unsigned>((n + threads - 1) / threads);
        // the step's device: cudaSetDevice costs nothing once its context exists (made at the start)
        CUDA_OK(cudaSetDevice(a.device));
        unsigned *sink = sinks_.at(a.device);
        if (gStrideBlocks > 0) touchElementsStride<<<gStrideBlocks, gStrideThreads>>>(k.first, n, sink);
        else touchPages<<<blocks, threads>>>(k.first, n, sink);
        CUDA_OK(cudaGetLastError());
        CUDA_OK(cudaDeviceSynchronize());
        if (a.device != 0) CUDA_OK(cudaSetDevice(0));
        return;
      }
      case ActionKind::Prefetch: {
        cudaMemLocation loc{};
        loc.type = a.proc < 0 ? cudaMemLocationTypeHost : cudaMemLocationTypeDevice;
        loc.id = a.proc < 0 ? 0 : a.proc;
        CUDA_OK(cudaMemPrefetchAsync(base(a.region) + a.offset, a.length, loc, 0, 0));
        if (plan_.gpus.size() > 1) syncAll();
        else CUDA_OK(cudaDeviceSynchronize());
        return;
      }
      case ActionKind::Advise: {
        const PlanRegion *r = plan_.region(a.region);
        cudaMemoryAdvise advice = cudaMemAdviseSetReadMostly;
        if (a.advice == "read-mostly") advice = cudaMemAdviseSetReadMostly;
        else if (a.advice == "unset-read-mostly") advice = cudaMemAdviseUnsetReadMostly;
        else if (a.advice == "preferred-location") advice = cudaMemAdviseSetPreferredLocation;
        else if (a.advice == "unset-preferred-location") advice = cudaMemAdviseUnsetPreferredLocation;
        else if (a.advice == "accessed-by") advice = cudaMemAdviseSetAccessedBy;
        else if (a.advice == "unset-accessed-by") advice = cudaMemAdviseUnsetAccessedBy;
        cudaMemLocation loc{};
        loc.type = a.proc == -1 ? cudaMemLocationTypeHost : cudaMemLocationTypeDevice;
        loc.id = a.proc >= 0 ? a.proc : 0;
        CUDA_OK(cudaMemAdvise(base(a.region), r->size, advice, loc));
        if (plan_.gpus.size() > 1) syncAll();
        else CUDA_OK(cudaDeviceSynchronize());
        return;
      }
    }
  }

 private:
  const Plan &plan_;
  std::vector<Region> &regions_;
  const std::vector<unsigned *> &sinks_;
  std::map<int, std::pair<Touch *, size_t>> kernels_;  // step → its touches on the step's device
};

// ---------------------------------------------------------------------------------------------------------------
// The machine

std::string isoDate() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string uvmParams() {
  const char *dir = "/sys/module/nvidia_uvm/parameters";
  std::map<std::string, std::string> params;
  if (DIR *d = opendir(dir)) {
    while (dirent *e = readdir(d)) {
      std::string name = e->d_name;
      if (name.empty() || name[0] == '.') continue;
      params[name] = readSmallFile(std::string(dir) + "/" + name);
    }
    closedir(d);
  }
  std::string s = "{";
  bool first = true;
  for (const auto &[k, v] : params) {
    s += (first ? "" : ",") + jsonString(k) + ":" + jsonString(v);
    first = false;
  }
  return s + "}";
}

std::string machineJson(int device) {
  cudaDeviceProp prop{};
  CUDA_OK(cudaGetDeviceProperties(&prop, device));
  int driver = 0, runtime = 0;
  CUDA_OK(cudaDriverGetVersion(&driver));
  CUDA_OK(cudaRuntimeGetVersion(&runtime));
  uint32_t cupti = 0;
  cuptiGetVersion(&cupti);
  auto attr = [&](cudaDeviceAttr a) {
    int v = 0;
    return cudaDeviceGetAttribute(&v, a, device) == cudaSuccess ? v : -1;
  };
  const int hostAtomics = attr(cudaDevAttrHostNativeAtomicSupported);
  size_t freeMem = 0, totalMem = 0;
  CUDA_OK(cudaMemGetInfo(&freeMem, &totalMem));
  std::string driverString = commandLine("nvidia-smi --query-gpu=driver_version --format=csv,noheader -i 0 2>/dev/null");
  std::string procVersion = readSmallFile("/proc/driver/nvidia/version");
  if (size_t nl = procVersion.find('\n'); nl != std::string::npos) procVersion.resize(nl);
  std::string pcie = commandLine(
      "nvidia-smi --query-gpu=pcie.link.gen.current,pcie.link.gen.max,pcie.link.width.current,pcie.link.width.max "
      "--format=csv,noheader -i 0 2>/dev/null");
  utsname u{};
  uname(&u);
  char busId[32] = "";
  cudaDeviceGetPCIBusId(busId, sizeof busId, device);

  std::string s = "{";
  s += "\"gpu\":" + jsonString(prop.name);
  s += ",\"compute_capability\":\"" + std::to_string(prop.major) + "." + std::to_string(prop.minor) + "\"";
  s += ",\"multiprocessors\":" + std::to_string(prop.multiProcessorCount);
  s += ",\"memory_bytes\":" + std::to_string(prop.totalGlobalMem);
  s += ",\"free_bytes_at_start\":" + std::to_string(freeMem);
  s += ",\"pci_bus_id\":" + jsonString(busId);
  s += ",\"driver_version\":" + jsonString(driverString);
  s += ",\"driver_api_version\":" + std::to_string(driver);
  s += ",\"driver_proc_version\":" + jsonString(procVersion);
  s += ",\"cuda_runtime_version\":" + std::to_string(runtime);
  s += ",\"cupti_api_version\":" + std::to_string(cupti);
  s += ",\"link\":" + jsonString(hostAtomics == 1 ? "nvlink-c2c" : "pcie");
  s += ",\"pcie\":" + jsonString(pcie);
  s += ",\"host_native_atomics\":" + std::to_string(hostAtomics);
  s += ",\"concurrent_managed_access\":" + std::to_string(attr(cudaDevAttrConcurrentManagedAccess));
  s += ",\"pageable_memory_access\":" + std::to_string(attr(cudaDevAttrPageableMemoryAccess));
  s += ",\"page_size\":" + std::to_string(sysconf(_SC_PAGESIZE));
  s += ",\"kernel\":" + jsonString(std::string(u.sysname) + " " + u.release + " " + u.machine);
  s += ",\"uvm_params\":" + uvmParams();
  return s + "}";
}

uint64_t timestamp() {
  uint64_t t = 0;
  CUPTI_OK(cuptiGetTimestamp(&t));
  return t;
}

// One GPU of the plan as the header's `gpus` lists it: the scenario's name, the device, its memory.
std::string gpuJson(const Plan &plan, int d) {
  cudaDeviceProp prop{};
  CUDA_OK(cudaGetDeviceProperties(&prop, d));
  CUDA_OK(cudaSetDevice(d));
  size_t freeMem = 0, totalMem = 0;
  CUDA_OK(cudaMemGetInfo(&freeMem, &totalMem));
  CUDA_OK(cudaSetDevice(0));
  char busId[32] = "";
  cudaDeviceGetPCIBusId(busId, sizeof busId, d);
  return "{\"ordinal\":" + std::to_string(d) + ",\"name\":" + jsonString(plan.gpus[d]) + ",\"gpu\":" + jsonString(prop.name) +
         ",\"pci_bus_id\":" + jsonString(busId) + ",\"multiprocessors\":" + std::to_string(prop.multiProcessorCount) +
         ",\"memory_bytes\":" + std::to_string(prop.totalGlobalMem) + ",\"free_bytes_at_start\":" + std::to_string(freeMem) + "}";
}

int capture(const Plan &plan, const std::string &outPath, const std::string &command) {
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices < 1) die(3, "no CUDA device");
  const int gpus = static_cast<int>(plan.gpus.size());
  if (gpus > devices) {
    std::string names;
    for (int d = devices; d < gpus; d++) names += (names.empty() ? "" : ", ") + ("gpu" + std::to_string(d) + " (" + plan.gpus[d] + ")");
    die(3, "the plan runs on %d GPUs but this machine has %d CUDA device%s: no device for %s", gpus, devices, devices == 1 ? "" : "s",
        names.c_str());
  }
  // a context on every device of the plan, device 0 last so that it is current
  for (int d = gpus; d-- > 0;) {
    CUDA_OK(cudaSetDevice(d));
    CUDA_OK(cudaFree(nullptr));  // creates the context
  }

  if (plan.managedBytes > kMaxManagedBytes)
    die(3, "the plan asks for %" PRIu64 " bytes of managed memory; this tool allocates at most %" PRIu64, plan.managedBytes, kMaxManagedBytes);
  for (int d = 0; d < gpus; d++) {
    size_t freeMem = 0, totalMem = 0;
    CUDA_OK(cudaSetDevice(d));
    CUDA_OK(cudaMemGetInfo(&freeMem, &totalMem));
    // every GPU may end up holding all of it
    if (freeMem < 2 * plan.managedBytes)
      die(3, "GPU %d has %zu bytes free, less than twice the plan's %" PRIu64 " bytes of managed memory: refusing to run", d, freeMem,
          plan.managedBytes);
    int concurrent = 0;
    cudaDeviceGetAttribute(&concurrent, cudaDevAttrConcurrentManagedAccess, d);
    if (!concurrent) die(3, "GPU %d has no concurrent managed access (no GPU page faults to record)", d);
  }
  CUDA_OK(cudaSetDevice(0));

  // Peer access between every pair of the plan's GPUs, where CUDA says it can: the header records what each pair had
  // (the UVM driver maps a peer's memory and copies device to device only between peers: docs/model.md, "Two GPUs")
  std::string peers = "[";
  for (int a = 0; a < gpus; a++) {
    for (int b = 0; b < gpus; b++) {
      if (a == b) continue;
      int can = 0;
      CUDA_OK(cudaDeviceCanAccessPeer(&can, a, b));
      bool enabled = false;
      std::string error;
      if (can) {
        CUDA_OK(cudaSetDevice(a));
        cudaError_t e = cudaDeviceEnablePeerAccess(b, 0);
        if (e == cudaSuccess || e == cudaErrorPeerAccessAlreadyEnabled) enabled = true;
        else error = cudaGetErrorString(e);
        cudaGetLastError();  // clears an already-enabled error
        CUDA_OK(cudaSetDevice(0));
      }
      peers += std::string(peers.size() > 1 ? "," : "") + "{\"from\":" + std::to_string(a) + ",\"to\":" + std::to_string(b) +
               ",\"can_access_peer\":" + std::to_string(can) + ",\"enabled\":" + (enabled ? "true" : "false") +
               (error.empty() ? "" : ",\"error\":" + jsonString(error)) + "}";
    }
  }
  peers += "]";
  std::string gpuList = "[";
  for (int d = 0; d < gpus; d++) gpuList += (d ? "," : "") + gpuJson(plan, d);
  gpuList += "]";

  CUPTI_OK(cuptiActivityRegisterCallbacks(bufferRequested, bufferCompleted));
  std::vector<std::string> counters = enableCounters(gpus);
  CUPTI_OK(cuptiActivityEnable(CUPTI_ACTIVITY_KIND_UNIFIED_MEMORY_COUNTER));
  const uint64_t t0 = timestamp();

  // Load the kernel's module and warm the launch path on plain device memory, which CUPTI's counters ignore: on every
  // device of the plan, each with its own sink.
  std::vector<unsigned *> sinks(gpus, nullptr);
  std::vector<Touch *> warms(gpus, nullptr);
  for (int d = gpus; d-- > 0;) {
    CUDA_OK(cudaSetDevice(d));
    CUDA_OK(cudaMalloc(&sinks[d], 4096));
    CUDA_OK(cudaMalloc(&warms[d], sizeof(Touch)));
    Touch t{reinterpret_cast<unsigned long long>(sinks[d]) + 64, 1};
    CUDA_OK(cudaMemcpy(warms[d], &t, sizeof t, cudaMemcpyHostToDevice));
    touchPages<<<1, 32>>>(warms[d], 1, sinks[d]);
    CUDA_OK(cudaDeviceSynchronize());
  }

  std::vector<Region> regions;
  for (const auto &r : plan.regions) {
    Region g;
    g.spec = r;
    CUDA_OK(cudaMallocManaged(&g.base, r.size, cudaMemAttachGlobal));
    regions.push_back(g);
  }

  FILE *out = outPath == "-" ? stdout : std::fopen(outPath.c_str(), "w");
  if (!out) die(1, "cannot write %s: %s", outPath.c_str(), std::strerror(errno));
  Capture cap(out, t0);
  cap.setRegions(&regions);

  std::string h = "{\"type\":\"header\",\"format\":\"uvm-capture\",\"version\":" + std::to_string(kCaptureVersion);
  h += ",\"tool\":" + jsonString(kToolVersion);
  h += ",\"date\":" + jsonString(isoDate());
  h += ",\"command\":" + jsonString(command);
  h += ",\"scenario\":" + jsonString(plan.scenario);
  h += ",\"source\":" + jsonString(plan.source);
  h += ",\"plan_version\":" + std::to_string(kPlanVersion);
  h += ",\"plan_hash\":\"" + [&] {
    char buf[20];
    std::snprintf(buf, sizeof buf, "%016" PRIx64, plan.hash);
    return std::string(buf);
  }() + "\"";
  h += ",\"t0\":\"" + std::to_string(t0) + "\"";
  h += ",\"machine\":" + machineJson(0);
  h += ",\"gpus\":" + gpuList + ",\"peers\":" + peers;
  h += ",\"counters\":[";
  for (size_t i = 0; i < counters.size(); i++) h += (i ? "," : "") + jsonString(counters[i]);
  h += "],\"steps\":" + std::to_string(plan.steps);
  h += ",\"managed_bytes\":" + std::to_string(plan.managedBytes);
  h += ",\"scaled\":false";
  h += ",\"regions\":[";
  for (size_t i = 0; i < regions.size(); i++) {
    const uint64_t b = reinterpret_cast<uint64_t>(regions[i].base);
    h += std::string(i ? "," : "") + "{\"index\":" + std::to_string(regions[i].spec.index) + ",\"name\":" + jsonString(regions[i].spec.name) +
         ",\"size\":" + std::to_string(regions[i].spec.size) + ",\"base\":\"" + hex64(b) + "\",\"block_offset\":" + std::to_string(b % (2u << 20)) + "}";
  }
  h += "],\"skipped\":[";
  for (size_t i = 0; i < plan.skipped.size(); i++)
    h += std::string(i ? "," : "") + "{\"step\":" + std::to_string(plan.skipped[i].step) + ",\"op\":" + jsonString(plan.skipped[i].op) +
         ",\"why\":" + jsonString(plan.skipped[i].why) + "}";
  h += "],\"ignored\":[";
  for (size_t i = 0; i < plan.ignored.size(); i++) h += (i ? "," : "") + jsonString(plan.ignored[i]);
  h += "]}";
  cap.line(h);
  Runner runner(plan, regions, sinks);
  cuptiActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
  cap.drain();  // anything before the first step (there should be nothing)

  std::string status = "ok", message;
  int steps = 0;
  for (const auto &a : plan.actions) {
    const uint64_t start = timestamp();
    try {
      runner.run(a);
    } catch (const std::exception &e) {
      status = "error";
      message = "step " + std::to_string(a.step) + " (plan line " + std::to_string(a.line) + "): " + e.what();
    }
    const uint64_t end = timestamp();
    // no flush here: a forced flush takes milliseconds, which would space the steps out far more than a program
    // does; records are assigned to steps by their timestamps
    cap.drain();
    cap.line("{\"type\":\"step\",\"step\":" + std::to_string(a.step) + ",\"op\":" + jsonString(a.op) +
             ",\"skipped\":" + (a.kind == ActionKind::Skip ? "true" : "false") + ",\"start\":" + std::to_string(cap.rel(start)) +
             ",\"end\":" + std::to_string(cap.rel(end)) + "}");
    steps++;
    if (status != "ok") break;
  }
  for (int d = gpus; d-- > 0;) {
    cudaSetDevice(d);
    cudaDeviceSynchronize();
  }
  usleep(200 * 1000);  // let the driver's last events reach CUPTI
  cuptiActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
  cap.drain();
  uint64_t dropped = 0, other = 0;
  {
    std::lock_guard<std::mutex> lock(gMutex);
    dropped = gDropped;
    other = gOtherRecords;
  }
  std::string end = "{\"type\":\"end\",\"status\":" + jsonString(status);
  if (!message.empty()) end += ",\"message\":" + jsonString(message);
  end += ",\"records\":" + std::to_string(cap.records()) + ",\"steps\":" + std::to_string(steps) + ",\"dropped\":" + std::to_string(dropped) +
         ",\"other_records\":" + std::to_string(other) + "}";
  cap.line(end);
  if (out != stdout) std::fclose(out);
  for (auto &r : regions) cudaFree(r.base);
  for (int d = 0; d < gpus; d++) {
    cudaFree(sinks[d]);
    cudaFree(warms[d]);
  }
  if (status != "ok") {
    std::fprintf(stderr, "uvm-capture: %s\n", message.c_str());
    return 1;
  }
  std::fprintf(stderr, "uvm-capture: %s: %d steps, %" PRIu64 " records, %" PRIu64 " dropped\n", outPath.c_str(), steps, cap.records(), dropped);
  return 0;
}

void usage() {
  std::fputs(
      "Usage: uvm-capture <plan.txt> -o <capture.jsonl>   run the plan on its GPUs (CUDA devices 0, 1, …) under CUPTI\n"
      "       uvm-capture <plan.txt> --check              read and check the plan only\n"
      "       uvm-capture <plan.txt> -o <capture.jsonl> --grid-stride <blocks> <threads>\n"
      "                                                   every kernel as a grid-stride loop over every element\n",
      stderr);
}

}  // namespace

int main(int argc, char **argv) {
  std::string planPath, outPath;
  bool check = false;
  std::string command = "uvm-capture";
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    command += " " + a;
    if (a == "-o" && i + 1 < argc) {
      outPath = argv[++i];
      command += std::string(" ") + argv[i];
    } else if (a == "--grid-stride" && i + 2 < argc) {
      gStrideBlocks = static_cast<unsigned>(std::strtoul(argv[++i], nullptr, 10));
      gStrideThreads = static_cast<unsigned>(std::strtoul(argv[++i], nullptr, 10));
      command += std::string(" ") + argv[i - 1] + " " + argv[i];
      if (gStrideBlocks == 0 || gStrideThreads == 0 || gStrideThreads > 1024) {
        usage();
        return 2;
      }
    } else if (a == "--check") {
      check = true;
    } else if (a == "-h" || a == "--help") {
      usage();
      return 0;
    } else if (!a.empty() && a[0] != '-' && planPath.empty()) {
      planPath = a;
    } else {
      usage();
      return 2;
    }
  }
  if (planPath.empty() || (!check && outPath.empty())) {
    usage();
    return 2;
  }
  Plan plan = readPlan(planPath);
  if (check) {
    size_t touches = 0;
    for (const auto &a : plan.actions) {
      touches += a.pages.size();
      for (const auto &acc : a.accesses) touches += acc.pages.size();
    }
    std::printf("ok: %s: plan %016" PRIx64 ", %zu GPU%s, %d steps (%zu skipped), %zu regions, %" PRIu64 " managed bytes, %zu page touches\n",
                planPath.c_str(), plan.hash, plan.gpus.size(), plan.gpus.size() == 1 ? "" : "s", plan.steps, plan.skipped.size(),
                plan.regions.size(), plan.managedBytes, touches);
    return 0;
  }
  try {
    return capture(plan, outPath, command);
  } catch (const std::exception &e) {
    die(1, "%s", e.what());
  }
}
