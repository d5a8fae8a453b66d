//===- sim.cpp - The sim's scheduler and hazard checks --------------------===//
//
// Part of the ds project, a compiler and runtime for Mixture-of-Experts models.
//
//===----------------------------------------------------------------------===//
//
// Each CTA's threads run as fibers (Boost.Context's fcontext: a register
// swap, no syscall) on the launching OS thread; the CTAs run one after
// another. At every switch point the scheduler picks the next runnable
// thread at random (seeded). A hazard records the launch's error and
// returns to the runtime entry point it was found in, which (its owning
// locals destroyed) abandons the thread; the scheduler then resumes every
// other started thread of the block once, and each leaves at its switch
// point. Nothing unwinds through kernel frames, so the runtime needs no
// exceptions (kernels hold plain data). Under AddressSanitizer every switch
// is annotated (__sanitizer_start/finish_switch_fiber) and a fiber that
// never resumes clears its frames first.
//
//===----------------------------------------------------------------------===//

#include "ds/sim/sim.h"

#include <boost/context/detail/fcontext.hpp>

// AddressSanitizer must know which stack the thread runs on: the switch
// annotations below tell it at every fiber switch, or its stack bounds,
// __asan_handle_no_return and its reports of stack accesses go wrong.
#if defined(__SANITIZE_ADDRESS__)
#define DS_SIM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DS_SIM_ASAN 1
#endif
#endif
#ifdef DS_SIM_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <sys/mman.h>
#include <unistd.h>

namespace ds {
namespace sim {

namespace fc = boost::context::detail;

struct FThread;

namespace {

constexpr size_t kRedzone = 64; // bytes between shared arrays
constexpr size_t kMaxStaticArrays = 256;
constexpr uint16_t kManyReaders = 0xffff;

struct BarrierState {
  unsigned expected = 0, arrived = 0;
  bool full = false;
  const char *what = nullptr, *file = nullptr;
  int line = 0;
  std::vector<FThread *> waiters;
};

struct Collective {
  unsigned mask = 0, arrived = 0;
  const char *what = nullptr, *file = nullptr;
  int line = 0;
  size_t bytes = 0;
  FThread *lanes[32] = {};
};

struct WarpState {
  std::vector<Collective> pending;
  unsigned exited = 0; // lanes that have exited
};

struct SharedArray {
  const void *tag;
  size_t offset, bytes;
  const char *name;
};

struct Buffer {
  uintptr_t base;
  size_t bytes;
  std::string name;
  bool readOnly;
};

/// Shadow of one shared byte: the last writer and the last reader(s), as
/// thread index + 1 (0: none), with the barrier interval of the access.
struct Shadow {
  uint32_t writeTime, readTime;
  uint16_t writer, reader;
};

/// A completed barrier that not every thread took part in.
struct PartialSync {
  uint32_t time;
  std::vector<uint64_t> members;
};

enum class State { Runnable, Blocked, Exited };
enum class Wait { None, Barrier, Warp };

} // namespace

struct FThread : Thread {
  Device::Impl *impl = nullptr;
  fc::fcontext_t context = nullptr;
  State state = State::Runnable;
  Wait wait = Wait::None;
  unsigned waitId = 0;
  const char *waitWhat = nullptr, *waitFile = nullptr;
  int waitLine = 0;
  unsigned waitMask = 0;
  const void *warpIn = nullptr;
  void *warpOut = nullptr;
  unsigned accesses = 0;
  bool started = false; // has run: its context is a suspended fiber
};

struct Device::Impl {
  size_t stackBytes = 0, pageBytes = 0;
  std::vector<unsigned char *> stacks; // each: guard page + stackBytes
  std::vector<Buffer> buffers;         // sorted by base
  LaunchOptions options;

  // The launch.
  const Kernel *kernel = nullptr;
  void **params = nullptr;
  Dim3 grid, block;
  size_t dynamicBytes = 0;
  unsigned blockThreads = 0;
  std::vector<std::unique_ptr<FThread>> threads;
  std::vector<FThread *> runnable;
  fc::fcontext_t scheduler = nullptr;
  const void *mainBottom = nullptr; // the scheduler's stack, for ASan
  size_t mainBytes = 0;
  bool failed = false;
  std::string error;
  uint64_t rng = 0, switches = 0;
  unsigned live = 0, exited = 0;
  FThread *firstExited = nullptr;
  BarrierState bars[16];
  std::vector<WarpState> warps;

  // Shared memory: [redzone][dynamic][redzone][static arrays, redzones].
  std::vector<unsigned char> arena;
  uintptr_t arenaBase = 0;
  size_t dynamicOffset = kRedzone, staticStart = 0, staticCursor = 0,
         staticBytes = 0;
  std::vector<SharedArray> statics;
  std::vector<Shadow> shadow;
  uint32_t now = 1, lastFull = 1;
  const char *lastFullFile = nullptr;
  int lastFullLine = 0;
  std::vector<PartialSync> partials;

  ~Impl() {
    for (unsigned char *s : stacks) {
#ifdef DS_SIM_ASAN
      // A later mapping of these pages must not inherit stack poison
      // (every fiber leaves its stack clean; this is for the next owner).
      ASAN_UNPOISON_MEMORY_REGION(s + pageBytes, stackBytes);
#endif
      munmap(s, pageBytes + stackBytes);
    }
  }

  uint64_t random() { // splitmix64
    uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
};

namespace {

using Impl = Device::Impl;

FThread *self(Thread *t) { return static_cast<FThread *>(t); }

std::string dims(UInt3 v) { return cat("(", v.x, ",", v.y, ",", v.z, ")"); }

std::string who(const FThread *t) {
  return cat("thread ", dims(t->threadIdx), " (warp ", t->warp, ", lane ",
             t->lane, ")");
}

std::string where(const char *file, int line) {
  return cat(file ? file : "?", ":", line);
}

std::string hex(uint64_t v) {
  char b[32];
  std::snprintf(b, sizeof b, "0x%" PRIx64, v);
  return b;
}

std::string hexMask(unsigned m) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%08x", m);
  return b;
}

//===- Fiber switches ----------------------------------------------------===//

/// ASan: the thread is about to switch to the stack [bottom, bottom+bytes);
/// `fakeSave` keeps the current fiber's fake stack (nullptr: the current
/// fiber never resumes, so its fake stack is destroyed).
inline void startSwitch(Impl *, void **fakeSave, const void *bottom,
                        size_t bytes) {
#ifdef DS_SIM_ASAN
  __sanitizer_start_switch_fiber(fakeSave, bottom, bytes);
#else
  (void)fakeSave, (void)bottom, (void)bytes;
#endif
}

/// ASan: the switch has landed; `fake` is the saved fake stack of the
/// fiber now running (nullptr on its first entry); the stack we came from
/// is stored in `*bottomOld`, `*bytesOld` when not null.
inline void finishSwitch(void *fake, const void **bottomOld, size_t *bytesOld) {
#ifdef DS_SIM_ASAN
  __sanitizer_finish_switch_fiber(fake, bottomOld, bytesOld);
#else
  (void)fake, (void)bottomOld, (void)bytesOld;
#endif
}

inline void asanNoReturn() {
#ifdef DS_SIM_ASAN
  __asan_handle_no_return();
#endif
}

/// Leaves the calling fiber for good: it is never resumed.
[[noreturn]] void leaveFiber(Impl *I) {
  // The fiber's frames are never unwound: clear their shadow (and destroy
  // the fiber's fake stack) so that the stack can be reused.
  asanNoReturn();
  startSwitch(I, nullptr, I->mainBottom, I->mainBytes);
  fc::jump_fcontext(I->scheduler, nullptr);
  __builtin_unreachable();
}

/// Abandons the fiber of `t` after a hazard (its or another thread's). The
/// frames above hold no owning objects (kernels hold plain data; the API
/// entry points return from their checks before they come here), so
/// nothing leaks.
[[noreturn]] void abandon(FThread *t) {
  t->state = State::Exited;
  leaveFiber(t->impl);
}

/// Gives the OS thread back to the scheduler; returns when resumed. A
/// fiber resumed after the launch failed is abandoned here.
void switchOut(FThread *t) {
  Impl *I = t->impl;
  void *fake = nullptr;
  startSwitch(I, &fake, I->mainBottom, I->mainBytes);
  fc::transfer_t r = fc::jump_fcontext(I->scheduler, nullptr);
  finishSwitch(fake, &I->mainBottom, &I->mainBytes);
  I->scheduler = r.fctx;
  if (I->failed)
    abandon(t);
}

void yieldRunnable(FThread *t) {
  t->impl->runnable.push_back(t);
  switchOut(t);
}

/// Fails the launch with a hazard of `t`. The caller returns, which destroys
/// its temporaries; the API entry point then abandons the fiber.
void fail(FThread *t, const std::string &message) {
  Impl *I = t->impl;
  if (!I->failed) {
    I->failed = true;
    I->error = cat("sim: kernel '", I->kernel->name(), "' block ",
                   dims(t->blockIdx), " ", who(t), ": ", message);
  }
}

void *failNull(FThread *t, const std::string &message) {
  fail(t, message);
  return nullptr;
}

//===- Checked accesses --------------------------------------------------===//

const char *accessName(int kind) {
  return kind == kRead ? "read" : kind == kWrite ? "write" : "atomic";
}

std::string sharedPlace(Impl *I, size_t off) {
  if (off >= I->dynamicOffset && off < I->dynamicOffset + I->dynamicBytes)
    return cat("dynamic shared[+", off - I->dynamicOffset, "]");
  for (const SharedArray &a : I->statics)
    if (off >= a.offset && off < a.offset + a.bytes)
      return cat("'", a.name, "'[+", off - a.offset, "]");
  return cat("shared offset ", hex(off));
}

bool synced(Impl *I, unsigned a, unsigned b, uint32_t time) {
  if (time < I->lastFull)
    return true;
  for (const PartialSync &p : I->partials)
    if (p.time > time && (p.members[a / 64] >> (a % 64) & 1) &&
        (b == kManyReaders || (p.members[b / 64] >> (b % 64) & 1)))
      return true;
  return false;
}

std::string interval(Impl *I) {
  if (!I->lastFullFile)
    return "since the block started";
  return cat("since __syncthreads at ",
             where(I->lastFullFile, I->lastFullLine));
}

void race(FThread *t, int kind, size_t bytes, size_t off, size_t byte,
          const char *what, unsigned other) {
  Impl *I = t->impl;
  std::string by = other == kManyReaders ? std::string("other threads")
                                         : who(I->threads[other].get());
  return fail(t, cat("shared-memory race: ", accessName(kind), " of ", bytes,
                     " bytes at ", sharedPlace(I, off), " (shared offset ",
                     hex(off), "): byte ", sharedPlace(I, byte), " was ", what,
                     " by ", by, " with no barrier between them (", interval(I),
                     ")"));
}

void checkRace(FThread *t, size_t off, size_t bytes, int kind) {
  Impl *I = t->impl;
  unsigned me = t->linear;
  uint16_t tag = uint16_t(me + 1);
  for (size_t b = off; b < off + bytes; ++b) {
    Shadow &s = I->shadow[b];
    if (s.writer && s.writer != tag &&
        !synced(I, me, s.writer - 1, s.writeTime))
      return race(t, kind, bytes, off, b, "written", s.writer - 1u);
    if (kind == kWrite) {
      if (s.reader && s.reader != tag &&
          !synced(I, me,
                  s.reader == kManyReaders ? kManyReaders : s.reader - 1u,
                  s.readTime))
        return race(t, kind, bytes, off, b, "read",
                    s.reader == kManyReaders ? kManyReaders : s.reader - 1u);
      s.writer = tag;
      s.writeTime = I->now;
      s.reader = 0;
    } else {
      if (!s.reader || s.reader == tag ||
          synced(I, me, s.reader == kManyReaders ? kManyReaders : s.reader - 1u,
                 s.readTime))
        s.reader = tag;
      else
        s.reader = kManyReaders;
      s.readTime = I->now;
    }
  }
}

void checkShared(FThread *t, uintptr_t addr, size_t bytes, int kind) {
  Impl *I = t->impl;
  size_t off = addr - I->arenaBase;
  bool inside = off >= I->dynamicOffset &&
                off + bytes <= I->dynamicOffset + I->dynamicBytes;
  const char *nearest = "dynamic shared";
  size_t nearStart = I->dynamicOffset, nearBytes = I->dynamicBytes;
  size_t bestDist = SIZE_MAX;
  auto dist = [&](size_t start, size_t n) {
    return off < start ? start - off : off >= start + n ? off - (start + n) : 0;
  };
  if (I->dynamicBytes)
    bestDist = dist(I->dynamicOffset, I->dynamicBytes);
  for (const SharedArray &a : I->statics) {
    if (off >= a.offset && off + bytes <= a.offset + a.bytes) {
      inside = true;
      break;
    }
    size_t d = dist(a.offset, a.bytes);
    if (d < bestDist) {
      bestDist = d;
      nearest = a.name;
      nearStart = a.offset;
      nearBytes = a.bytes;
    }
  }
  if (!inside) {
    std::string rel;
    if (bestDist == SIZE_MAX)
      rel = "the block has no shared memory";
    else if (off < nearStart)
      rel = cat(nearStart - off, " bytes before the start of '", nearest, "' (",
                nearBytes, " bytes)");
    else
      rel = cat(off - nearStart, " bytes from the start of '", nearest,
                "', which has ", nearBytes, " bytes");
    return fail(t, cat("out-of-bounds shared ", accessName(kind), " of ", bytes,
                       " bytes at shared offset ", hex(off), ": ", rel));
  }
  if (kind != kAtomic)
    checkRace(t, off, bytes, kind);
}

void checkGlobal(FThread *t, uintptr_t addr, size_t bytes, int kind) {
  Impl *I = t->impl;
  auto it =
      std::upper_bound(I->buffers.begin(), I->buffers.end(), addr,
                       [](uintptr_t a, const Buffer &b) { return a < b.base; });
  if (it != I->buffers.begin()) {
    const Buffer &b = *(it - 1);
    if (addr + bytes <= b.base + b.bytes) {
      if (kind != kRead && b.readOnly)
        return fail(t, cat("global ", accessName(kind), " of ", bytes,
                           " bytes at ", hex(addr), " into read-only buffer '",
                           b.name, "' (offset ", addr - b.base, ")"));
      return;
    }
  }
  // Name the nearest buffer.
  std::string rel = "no global buffer is registered";
  size_t best = SIZE_MAX;
  auto consider = [&](const Buffer &b) {
    if (addr >= b.base) {
      size_t d = addr - b.base;
      if (d < best) {
        best = d;
        rel = cat("byte offset ", d, " of buffer '", b.name, "', which has ",
                  b.bytes, " bytes (at ", hex(b.base), ")");
      }
    } else if (b.base - addr < best) {
      best = b.base - addr;
      rel = cat(best, " bytes before buffer '", b.name, "' (", b.bytes,
                " bytes at ", hex(b.base), ")");
    }
  };
  if (it != I->buffers.begin())
    consider(*(it - 1));
  if (it != I->buffers.end())
    consider(*it);
  return fail(t, cat("out-of-bounds global ", accessName(kind), " of ", bytes,
                     " bytes at ", hex(addr), ": ", rel));
}

void apiAccess(Thread *th, const void *addr, size_t bytes, int kind,
               int space) {
  FThread *t = self(th);
  Impl *I = t->impl;
  if (I->options.checks) {
    uintptr_t a = reinterpret_cast<uintptr_t>(addr);
    if (a >= I->arenaBase && a < I->arenaBase + I->arena.size()) {
      if (space == kGlobal)
        return fail(t, cat("a global ", accessName(kind), " at ", hex(a),
                           " of shared memory (",
                           sharedPlace(I, a - I->arenaBase), ")"));
      checkShared(t, a, bytes, kind);
    } else {
      if (space == kShared)
        return fail(t, cat("a shared ", accessName(kind), " at ", hex(a),
                           ", which is not shared memory"));
      checkGlobal(t, a, bytes, kind);
    }
    if (I->failed)
      abandon(t);
  }
  if (I->options.switchEveryAccesses &&
      ++t->accesses % I->options.switchEveryAccesses == 0)
    yieldRunnable(t);
}

//===- Barriers ----------------------------------------------------------===//

std::string barrierName(const char *what, unsigned id, unsigned count,
                        bool full) {
  return full ? std::string(what) : cat(what, "(", id, ", ", count, ")");
}

/// The barrier; returns after a hazard (no owning locals live across a
/// switch: a fiber blocked here may be abandoned).
void barrier(FThread *t, unsigned id, unsigned count, const char *what,
             const char *file, int line) {
  Impl *I = t->impl;
  bool full = count == 0;
  if (full)
    count = I->blockThreads;
  auto name = [&] { return barrierName(what, id, count, full); };
  if (id >= 16)
    return fail(t, cat(name(), " at ", where(file, line),
                       ": barrier id out of range 0..15"));
  if (!full && (count % 32 != 0 || count > I->blockThreads))
    return fail(t, cat(name(), " at ", where(file, line),
                       ": the thread count must "
                       "be a multiple of 32 and at most the block's ",
                       I->blockThreads));
  if (full && I->exited)
    return fail(
        t, cat("barrier divergence: ", name(), " at ", where(file, line),
               " can never complete: ", who(I->firstExited), " has exited"));
  BarrierState &B = I->bars[id];
  if (B.arrived == 0) {
    B.expected = count;
    B.full = full;
    B.what = what;
    B.file = file;
    B.line = line;
  } else if (B.expected != count || B.full != full ||
             (full && (B.line != line || std::strcmp(B.file, file) != 0))) {
    return fail(t, cat("barrier divergence: ", name(), " at ",
                       where(file, line), " while ", B.arrived, " threads (",
                       who(B.waiters[0]), " first) wait at ",
                       barrierName(B.what, id, B.expected, B.full), " at ",
                       where(B.file, B.line)));
  }
  B.waiters.push_back(t);
  if (++B.arrived < B.expected) {
    t->state = State::Blocked;
    t->wait = Wait::Barrier;
    t->waitId = id;
    t->waitWhat = what;
    t->waitFile = file;
    t->waitLine = line;
    switchOut(t);
    return;
  }
  // Complete: a new barrier interval.
  ++I->now;
  if (B.expected == I->blockThreads) {
    I->lastFull = I->now;
    I->lastFullFile = file;
    I->lastFullLine = line;
    I->partials.clear();
  } else {
    PartialSync p{I->now, std::vector<uint64_t>((I->blockThreads + 63) / 64)};
    for (FThread *w : B.waiters)
      p.members[w->linear / 64] |= 1ull << (w->linear % 64);
    I->partials.push_back(std::move(p));
  }
  for (FThread *w : B.waiters)
    if (w != t) {
      w->state = State::Runnable;
      w->wait = Wait::None;
      I->runnable.push_back(w);
    }
  B.waiters.clear();
  B.arrived = 0;
  yieldRunnable(t);
}

void apiBarrier(Thread *th, unsigned id, unsigned count, const char *what,
                const char *file, int line) {
  FThread *t = self(th);
  barrier(t, id, count, what, file, line);
  if (t->impl->failed)
    abandon(t);
}

//===- Warp collectives --------------------------------------------------===//

/// A warp collective; returns after a hazard (as barrier()).
void warp(FThread *t, unsigned mask, const char *what, const void *in,
          size_t bytes, void *out, const char *file, int line) {
  Impl *I = t->impl;
  WarpState &W = I->warps[t->warp];
  unsigned lanes = std::min(32u, I->blockThreads - t->warp * 32);
  unsigned exist = lanes == 32 ? 0xffffffffu : (1u << lanes) - 1;
  auto call = [&] {
    return cat(what, " with mask ", hexMask(mask), " at ", where(file, line));
  };
  if (!(mask >> t->lane & 1u))
    return fail(t,
                cat(call(), ": the mask excludes the calling lane ", t->lane));
  if (mask & ~exist)
    return fail(t,
                cat(call(), ": the mask names lanes ", hexMask(mask & ~exist),
                    " that this warp does not have"));
  if (mask & W.exited)
    return fail(t, cat(call(), ": the mask names lanes ",
                       hexMask(mask & W.exited), " that have exited"));
  if (bytes > kMaxWarpBytes)
    return fail(
        t, cat(call(), ": ", bytes, " bytes per lane, above ", kMaxWarpBytes));
  Collective *c = nullptr;
  for (Collective &p : W.pending)
    if (p.mask & mask) {
      if (p.mask != mask || p.bytes != bytes || std::strcmp(p.what, what) != 0)
        return fail(t,
                    cat("warp divergence: ", call(), " while lanes ",
                        hexMask(p.arrived), " wait in ", p.what, " with mask ",
                        hexMask(p.mask), " at ", where(p.file, p.line)));
      c = &p;
      break;
    }
  if (!c) {
    W.pending.emplace_back();
    c = &W.pending.back();
    c->mask = mask;
    c->what = what;
    c->file = file;
    c->line = line;
    c->bytes = bytes;
  }
  c->lanes[t->lane] = t;
  c->arrived |= 1u << t->lane;
  t->warpIn = in;
  t->warpOut = out;
  if (c->arrived != mask) {
    t->state = State::Blocked;
    t->wait = Wait::Warp;
    t->waitWhat = what;
    t->waitFile = file;
    t->waitLine = line;
    t->waitMask = mask;
    switchOut(t);
    return;
  }
  if (bytes) {
    unsigned char all[32 * kMaxWarpBytes];
    std::memset(all, 0, 32 * bytes);
    for (unsigned l = 0; l < 32; ++l)
      if (mask >> l & 1u)
        std::memcpy(all + l * bytes, c->lanes[l]->warpIn, bytes);
    for (unsigned l = 0; l < 32; ++l)
      if (mask >> l & 1u)
        std::memcpy(c->lanes[l]->warpOut, all, 32 * bytes);
  }
  for (unsigned l = 0; l < 32; ++l)
    if ((mask >> l & 1u) && c->lanes[l] != t) {
      FThread *w = c->lanes[l];
      w->state = State::Runnable;
      w->wait = Wait::None;
      I->runnable.push_back(w);
    }
  W.pending.erase(W.pending.begin() + (c - W.pending.data()));
  yieldRunnable(t);
}

void apiWarp(Thread *th, unsigned mask, const char *what, const void *in,
             size_t bytes, void *out, const char *file, int line) {
  FThread *t = self(th);
  warp(t, mask, what, in, bytes, out, file, line);
  if (t->impl->failed)
    abandon(t);
}

//===- Shared memory, the rest of the API --------------------------------===//

/// A static shared array; nullptr after a hazard.
void *staticShared(FThread *t, const void *tag, size_t bytes, size_t align,
                   const char *name) {
  Impl *I = t->impl;
  for (const SharedArray &a : I->statics)
    if (a.tag == tag) {
      if (a.bytes != bytes)
        return failNull(t,
                        cat("shared array '", name, "' declared with ", bytes,
                            " bytes, but ", a.bytes, " by another thread"));
      return I->arena.data() + a.offset;
    }
  if (I->staticBytes + bytes + I->dynamicBytes > I->options.maxSharedBytes)
    return failNull(t, cat("shared array '", name, "' (", bytes,
                           " bytes) takes the "
                           "block's shared memory to ",
                           I->staticBytes + bytes + I->dynamicBytes,
                           " bytes (static and dynamic), above the limit of ",
                           I->options.maxSharedBytes));
  size_t al = std::max<size_t>(align, 16);
  size_t off = (I->staticCursor + al - 1) / al * al;
  if (I->statics.size() >= kMaxStaticArrays ||
      off + bytes + kRedzone > I->arena.size())
    return failNull(t, cat("shared array '", name, "': more than ",
                           kMaxStaticArrays, " static shared arrays"));
  I->statics.push_back({tag, off, bytes, name});
  I->staticCursor = off + bytes + kRedzone;
  I->staticBytes += bytes;
  return I->arena.data() + off;
}

void *apiStaticShared(Thread *th, const void *tag, size_t bytes, size_t align,
                      const char *name) {
  FThread *t = self(th);
  void *p = staticShared(t, tag, bytes, align, name);
  if (!p)
    abandon(t);
  return p;
}

void *apiDynamicShared(Thread *th, size_t *bytes) {
  Impl *I = self(th)->impl;
  if (bytes)
    *bytes = I->dynamicBytes;
  return I->arena.data() + I->dynamicOffset;
}

void apiYield(Thread *th) { yieldRunnable(self(th)); }

void apiHazard(Thread *th, const char *message, const char *file, int line) {
  fail(self(th), cat(message, " at ", where(file, line)));
  abandon(self(th));
}

const Api kApi = {kAbiVersion,     apiAccess,        apiBarrier, apiWarp,
                  apiStaticShared, apiDynamicShared, apiYield,   apiHazard};

//===- Threads and blocks ------------------------------------------------===//

/// A thread's end: a hazard when others wait for it.
void onExit(FThread *t) {
  Impl *I = t->impl;
  const BarrierState &B = I->bars[0];
  if (B.arrived && B.full)
    return fail(t, cat("barrier divergence: the thread exits while ", B.arrived,
                       " threads (", who(B.waiters[0]), " first) wait at ",
                       B.what, " at ", where(B.file, B.line)));
  WarpState &W = I->warps[t->warp];
  for (const Collective &c : W.pending)
    if (c.mask >> t->lane & 1u)
      return fail(t, cat("the lane exits while lanes ", hexMask(c.arrived),
                         " wait for it in ", c.what, " with mask ",
                         hexMask(c.mask), " at ", where(c.file, c.line)));
  W.exited |= 1u << t->lane;
  t->state = State::Exited;
  if (!I->exited++)
    I->firstExited = t;
  --I->live;
}

void fiberMain(fc::transfer_t from) {
  FThread *t = static_cast<FThread *>(from.data);
  Impl *I = t->impl;
  finishSwitch(nullptr, &I->mainBottom, &I->mainBytes);
  I->scheduler = from.fctx;
  I->kernel->invoke(I->params, t, &kApi);
  onExit(t);
  t->state = State::Exited;
  leaveFiber(I);
}

std::string waitDescription(Impl *I, const FThread *t) {
  if (t->wait == Wait::Barrier) {
    const BarrierState &B = I->bars[t->waitId];
    return cat(barrierName(t->waitWhat, t->waitId, B.expected, B.full), " at ",
               where(t->waitFile, t->waitLine), " (", B.arrived, " of ",
               B.expected, " arrived)");
  }
  unsigned arrived = 0;
  for (const Collective &c : I->warps[t->warp].pending)
    if (c.mask == t->waitMask)
      arrived = c.arrived;
  return cat(t->waitWhat, " with mask ", hexMask(t->waitMask), " at ",
             where(t->waitFile, t->waitLine), " (lanes ", hexMask(arrived),
             " arrived)");
}

void deadlock(Impl *I, UInt3 block) {
  std::string msg =
      cat("sim: kernel '", I->kernel->name(), "' block ", dims(block),
          ": deadlock: all ", I->live, " live threads are blocked:");
  unsigned n = I->blockThreads;
  for (unsigned i = 0; i < n;) {
    const FThread *t = I->threads[i].get();
    if (t->state != State::Blocked) {
      ++i;
      continue;
    }
    std::string d = waitDescription(I, t);
    unsigned j = i + 1;
    while (j < n && I->threads[j]->state == State::Blocked &&
           waitDescription(I, I->threads[j].get()) == d)
      ++j;
    const FThread *last = I->threads[j - 1].get();
    msg += j - i == 1 ? cat(" thread ", dims(t->threadIdx))
                      : cat(" threads ", dims(t->threadIdx), "..",
                            dims(last->threadIdx));
    msg += cat(" wait at ", d, ";");
    i = j;
  }
  if (I->exited)
    msg += cat(" ", I->exited, " threads have exited");
  else
    msg.pop_back();
  I->failed = true;
  I->error = msg;
}

} // namespace

/// Runs `t` until it switches back to the scheduler.
static void resume(Device::Impl &I, FThread *t) {
  void *fake = nullptr;
  startSwitch(&I, &fake, I.stacks[t->linear] + I.pageBytes, I.stackBytes);
  t->started = true;
  fc::transfer_t r = fc::jump_fcontext(t->context, t);
  finishSwitch(fake, nullptr, nullptr);
  t->context = r.fctx;
}

Kernel::Kernel(std::string name, EntryFn entry, std::shared_ptr<void> library)
    : Name(std::move(name)), Function(reinterpret_cast<void *>(entry)),
      Invoke([](void *f, void **params, Thread *self, const Api *api) {
        reinterpret_cast<EntryFn>(f)(params, self, api);
      }),
      Library(std::move(library)) {}

Device::Device(size_t stackBytes) : P(std::make_unique<Impl>()) {
  P->pageBytes = size_t(sysconf(_SC_PAGESIZE));
  size_t s = std::max<size_t>(stackBytes, 16 * 1024);
  P->stackBytes = (s + P->pageBytes - 1) / P->pageBytes * P->pageBytes;
}

Device::~Device() = default;

uint64_t Device::lastSwitches() const { return P->switches; }

Status Device::registerBuffer(const void *base, size_t bytes, std::string name,
                              bool readOnly) {
  uintptr_t b = reinterpret_cast<uintptr_t>(base);
  if (!base || bytes == 0 || b + bytes < b)
    return Status::error(cat("sim: buffer '", name, "': empty or invalid"));
  for (const Buffer &o : P->buffers)
    if (b < o.base + o.bytes && o.base < b + bytes)
      return Status::error(
          cat("sim: buffer '", name, "' overlaps buffer '", o.name, "'"));
  Buffer nb{b, bytes, std::move(name), readOnly};
  P->buffers.insert(std::upper_bound(P->buffers.begin(), P->buffers.end(), nb,
                                     [](const Buffer &x, const Buffer &y) {
                                       return x.base < y.base;
                                     }),
                    std::move(nb));
  return Status::success();
}

void Device::unregisterBuffer(const void *base) {
  uintptr_t b = reinterpret_cast<uintptr_t>(base);
  P->buffers.erase(std::remove_if(P->buffers.begin(), P->buffers.end(),
                                  [&](const Buffer &x) { return x.base == b; }),
                   P->buffers.end());
}

void Device::clearBuffers() { P->buffers.clear(); }

Status Device::launch(const Kernel &kernel, Dim3 grid, Dim3 block,
                      size_t dynamicSharedBytes, void **params) {
  Impl &I = *P;
  I.options = Options;
  if (!kernel)
    return Status::error("sim: launch of an empty kernel");
  std::string what = cat("sim: kernel '", kernel.name(), "'");
  if (grid.count() == 0 || block.count() == 0)
    return Status::error(
        cat(what, ": empty grid ", dims(grid), " or block ", dims(block)));
  if (block.count() > Options.maxThreadsPerBlock)
    return Status::error(cat(what, ": block ", dims(block), " has ",
                             block.count(), " threads, above ",
                             Options.maxThreadsPerBlock));
  if (dynamicSharedBytes > Options.maxSharedBytes)
    return Status::error(cat(what, ": ", dynamicSharedBytes,
                             " bytes of dynamic shared memory, above ",
                             Options.maxSharedBytes));
  I.kernel = &kernel;
  I.params = params;
  I.grid = grid;
  I.block = block;
  I.blockThreads = unsigned(block.count());
  I.dynamicBytes = dynamicSharedBytes;
  I.failed = false;
  I.error.clear();
  I.rng = Options.seed * 0x2545f4914f6cdd1dull + 1;
  I.switches = 0;

  // Shared memory and its shadow, reused across launches.
  I.staticStart = (kRedzone + dynamicSharedBytes + kRedzone + 127) / 128 * 128;
  size_t arenaBytes = I.staticStart + Options.maxSharedBytes +
                      kRedzone * (kMaxStaticArrays + 1) + 4096;
  if (I.arena.size() < arenaBytes) {
    I.arena.assign(arenaBytes, 0);
    I.shadow.assign(arenaBytes, Shadow{});
  }
  I.arenaBase = reinterpret_cast<uintptr_t>(I.arena.data());
  if (I.now > 0xf0000000u) { // keep the interval counter from wrapping
    std::fill(I.shadow.begin(), I.shadow.end(), Shadow{});
    I.now = I.lastFull = 1;
  }

  // Fibers and their stacks.
  while (I.stacks.size() < I.blockThreads) {
    void *s = mmap(nullptr, I.pageBytes + I.stackBytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (s == MAP_FAILED)
      return Status::error(
          cat(what, ": cannot map a ", I.stackBytes, "-byte fiber stack"));
    mprotect(s, I.pageBytes, PROT_NONE); // the guard page
    I.stacks.push_back(static_cast<unsigned char *>(s));
  }
  while (I.threads.size() < I.blockThreads)
    I.threads.push_back(std::make_unique<FThread>());
  I.warps.assign((I.blockThreads + 31) / 32, WarpState{});

  // The CTAs, in a seeded random order.
  uint64_t blocks = grid.count();
  std::vector<uint64_t> order(blocks);
  for (uint64_t b = 0; b < blocks; ++b)
    order[b] = b;
  if (Options.shuffleBlocks)
    for (uint64_t b = blocks; b > 1; --b)
      std::swap(order[b - 1], order[I.random() % b]);

  for (uint64_t linearBlock : order) {
    UInt3 bidx{unsigned(linearBlock % grid.x),
               unsigned(linearBlock / grid.x % grid.y),
               unsigned(linearBlock / grid.x / grid.y)};
    ++I.now;
    I.lastFull = I.now;
    I.lastFullFile = nullptr;
    I.partials.clear();
    I.statics.clear();
    I.staticCursor = I.staticStart;
    I.staticBytes = 0;
    for (BarrierState &b : I.bars) {
      b.arrived = 0;
      b.waiters.clear();
    }
    for (WarpState &w : I.warps) {
      w.pending.clear();
      w.exited = 0;
    }
    I.exited = 0;
    I.firstExited = nullptr;
    I.live = I.blockThreads;
    I.runnable.clear();
    for (unsigned i = 0; i < I.blockThreads; ++i) {
      FThread &t = *I.threads[i];
      t.impl = &I;
      t.threadIdx =
          UInt3{i % block.x, i / block.x % block.y, i / block.x / block.y};
      t.blockIdx = bidx;
      t.blockDim = block;
      t.gridDim = grid;
      t.linear = i;
      t.warp = i / 32;
      t.lane = i % 32;
      t.state = State::Runnable;
      t.wait = Wait::None;
      t.accesses = 0;
      t.started = false;
      unsigned char *top = I.stacks[i] + I.pageBytes + I.stackBytes;
      t.context = fc::make_fcontext(top, I.stackBytes, fiberMain);
      I.runnable.push_back(&t);
    }
    while (!I.failed) {
      if (I.runnable.empty()) {
        if (I.live)
          deadlock(&I, bidx);
        break;
      }
      size_t k = size_t(I.random() % I.runnable.size());
      FThread *t = I.runnable[k];
      I.runnable[k] = I.runnable.back();
      I.runnable.pop_back();
      ++I.switches;
      resume(I, t);
    }
    if (I.failed) {
      // Abandon the block's other fibers: each resumes, sees the failure
      // and leaves for good (ASan clears its frames; nothing unwinds).
      for (unsigned i = 0; i < I.blockThreads; ++i) {
        FThread *t = I.threads[i].get();
        if (t->started && t->state != State::Exited)
          resume(I, t);
      }
      return Status::error(I.error);
    }
  }
  return Status::success();
}

} // namespace sim
} // namespace ds
