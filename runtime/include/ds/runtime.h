/*===- ds/runtime.h - the ds runtime's C API ---------------------*- C -*-===*\
|*                                                                            *|
|* Part of ds, an MLIR compiler for Mixture-of-Experts transformers.          *|
|*                                                                            *|
|* Load a compiled `.dsb` module, create a session on a device, bind weights  *|
|* from safetensors, run an entry point with named inputs, read its outputs   *|
|* and timings (design.md §7, docs/compile-path.md §5). Plain C; the handles  *|
|* are opaque.                                                                *|
|*                                                                            *|
|* Errors: every call that can fail returns a `ds_status *`: NULL on success, *|
|* else a status whose message (ds_status_message) names the file, tensor,    *|
|* field or value; the caller frees it with ds_status_free. Out-parameters    *|
|* are written only on success.                                               *|
|*                                                                            *|
|* Lifetimes: a session keeps its module alive (ds_module_free may come       *|
|* first). Strings and arrays returned by the info functions live as long as  *|
|* the module; output and timing data until the session's next run or free.  *|
|* A session is not thread-safe; distinct sessions are independent.           *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef DS_RUNTIME_H
#define DS_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ds_status ds_status;
typedef struct ds_module ds_module;
typedef struct ds_session ds_session;

/* Element types; the values are ds::DType's. */
typedef enum ds_dtype {
  DS_DTYPE_BOOL = 0,
  DS_DTYPE_U8 = 1,
  DS_DTYPE_I8 = 2,
  DS_DTYPE_F8_E5M2 = 3,
  DS_DTYPE_F8_E4M3 = 4,
  DS_DTYPE_F8_E8M0 = 5,
  DS_DTYPE_I16 = 6,
  DS_DTYPE_U16 = 7,
  DS_DTYPE_F16 = 8,
  DS_DTYPE_BF16 = 9,
  DS_DTYPE_I32 = 10,
  DS_DTYPE_U32 = 11,
  DS_DTYPE_F32 = 12,
  DS_DTYPE_F64 = 13,
  DS_DTYPE_I64 = 14,
  DS_DTYPE_U64 = 15,
  DS_DTYPE_I4 = 16
} ds_dtype;

/* A dim of a signature that takes any size (the token dim). */
#define DS_DYNAMIC_DIM (-1)

/* ---- status ------------------------------------------------------------ */

/* The message of a failure ("" for NULL). */
const char *ds_status_message(const ds_status *status);
void ds_status_free(ds_status *status);

/* The safetensors name of `dtype` ("BF16"), or "?" */
const char *ds_dtype_name(ds_dtype dtype);

/* ---- modules ----------------------------------------------------------- */

/* Reads and verifies a module file / the bytes of one (copied). */
ds_status *ds_module_load_file(const char *path, ds_module **out);
ds_status *ds_module_load_bytes(const void *data, size_t size, ds_module **out);
void ds_module_free(ds_module *module);

/* Module info. */
const char *ds_module_target(const ds_module *module);
const char *ds_module_producer(const ds_module *module);
const char *ds_module_model(const ds_module *module);
size_t ds_module_parameter_count(const ds_module *module);
size_t ds_module_kernel_count(const ds_module *module);
size_t ds_module_entry_count(const ds_module *module);
/* The name of entry `index`, or NULL when out of range. */
const char *ds_module_entry_name(const ds_module *module, size_t index);

/* One input or output of an entry: its dims use DS_DYNAMIC_DIM for T. */
typedef struct ds_port_info {
  const char *name;
  ds_dtype dtype;
  size_t rank;
  const int64_t *shape;
} ds_port_info;

typedef struct ds_entry_info {
  const char *name;
  size_t input_count;
  size_t output_count;
  size_t launch_count;
  int64_t plan_max_tokens;
  int64_t plan_peak_bytes;
  int64_t plan_naive_bytes;
} ds_entry_info;

ds_status *ds_module_entry_info(const ds_module *module, const char *entry,
                                ds_entry_info *out);
ds_status *ds_module_entry_input(const ds_module *module, const char *entry,
                                 size_t index, ds_port_info *out);
ds_status *ds_module_entry_output(const ds_module *module, const char *entry,
                                  size_t index, ds_port_info *out);

/* ---- sessions ---------------------------------------------------------- */

typedef struct ds_session_options {
  /* The largest token count of a run; the arena is sized for it. 0: each
   * entry's plan. */
  int64_t max_tokens;
  /* The host memory limit in bytes. 0: half the physical memory. */
  int64_t memory_limit;
} ds_session_options;

/* Zero options (the defaults). */
void ds_session_options_init(ds_session_options *options);

/* `device`: "cpu"; "sim" and "cuda" fail with "not available in this build"
 * for now. `options` may be NULL. */
ds_status *ds_session_create(const ds_module *module, const char *device,
                             const ds_session_options *options,
                             ds_session **out);
void ds_session_free(ds_session *session);

/* Binds the module's parameters to a safetensors checkpoint: a file, a
 * directory or a sharded index (memory-mapped; once per session). */
ds_status *ds_session_bind_weights(ds_session *session, const char *path);

/* A named tensor: `size` bytes of `dtype`, little-endian, row-major. */
typedef struct ds_tensor {
  const char *name;
  ds_dtype dtype;
  size_t rank;
  const int64_t *shape;
  const void *data;
  size_t size;
} ds_tensor;

/* Runs `entry` (NULL: "forward") on `inputs`, one per input of the entry by
 * name; a missing "positions" defaults to 0 .. T-1. */
ds_status *ds_session_run(ds_session *session, const char *entry,
                          const ds_tensor *inputs, size_t input_count);

/* The outputs of the last run. */
size_t ds_session_output_count(const ds_session *session);
ds_status *ds_session_output(const ds_session *session, size_t index,
                             ds_tensor *out);

/* One launch of the last run. */
typedef struct ds_timing {
  const char *op;       /* "gemm", "attention", ... */
  const char *location; /* "model.mlir:12:5" or "" */
  double microseconds;
} ds_timing;

size_t ds_session_timing_count(const ds_session *session);
ds_status *ds_session_timing(const ds_session *session, size_t index,
                             ds_timing *out);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* DS_RUNTIME_H */
