// Inputs are bound by the runtime's input binding (ds/binding.h): a token
// count T above the model's positions (`max_position_embeddings` of
// `moe.config`, or `moe.max_tokens` from `ds-import --max-tokens`) and
// negative or out-of-range positions are refused, naming the input.
//
// RUN: %python %S/Inputs/st.py write %t.w.safetensors "unused:F32:1=0"
// RUN: %python %S/Inputs/st.py write %t.ok.safetensors "input_ids:I32:3=1,2,3"
// RUN: ds-interp %s --weights %t.w.safetensors --inputs %t.ok.safetensors -o %t.out
// RUN: %python %S/Inputs/st.py print %t.out | FileCheck %s --check-prefix=DEFAULT
// DEFAULT: positions I64[3] 0 1 2
//
// RUN: %python %S/Inputs/st.py write %t.long.safetensors "input_ids:I32:5=1,2,3,4,5"
// RUN: not ds-interp %s --weights %t.w.safetensors --inputs %t.long.safetensors -o %t.out 2>&1 | FileCheck %s --check-prefix=LONG
// LONG: ds-interp: error: {{.*}}long.safetensors: input 'input_ids': 5 tokens, more than the 4 of max_position_embeddings of the model
//
// RUN: %python %S/Inputs/st.py write %t.neg.safetensors "input_ids:I32:2=1,2" "positions:I64:2=0,-1"
// RUN: not ds-interp %s --weights %t.w.safetensors --inputs %t.neg.safetensors -o %t.out 2>&1 | FileCheck %s --check-prefix=NEG
// NEG: ds-interp: error: {{.*}}neg.safetensors: input 'positions': element 1 = -1 is negative
//
// RUN: %python %S/Inputs/st.py write %t.far.safetensors "input_ids:I32:2=1,2" "positions:I64:2=3,4"
// RUN: not ds-interp %s --weights %t.w.safetensors --inputs %t.far.safetensors -o %t.out 2>&1 | FileCheck %s --check-prefix=FAR
// FAR: ds-interp: error: {{.*}}far.safetensors: input 'positions': element 1 = 4 is outside [0, 4) (max_position_embeddings of the model)
//
// A tensor that feeds no input is refused: a misspelt `position_ids` would
// otherwise fall back to the default positions silently.
// RUN: %python %S/Inputs/st.py write %t.extra.safetensors "input_ids:I32:2=1,2" "position_ids:I64:2=2,3"
// RUN: not ds-interp %s --weights %t.w.safetensors --inputs %t.extra.safetensors -o %t.out 2>&1 | FileCheck %s --check-prefix=EXTRA
// EXTRA: ds-interp: error: {{.*}}extra.safetensors: tensor 'position_ids' is no input of @forward (its inputs: input_ids, positions)
//
// `moe.max_tokens` (ds-import --max-tokens) bounds T below the positions.
// RUN: sed 's/moe.config = {max_position_embeddings = 4 : i64}/moe.config = {max_position_embeddings = 4 : i64}, moe.max_tokens = 2 : i64/' %s > %t.max.mlir
// RUN: not ds-interp %t.max.mlir --weights %t.w.safetensors --inputs %t.ok.safetensors -o %t.out 2>&1 | FileCheck %s --check-prefix=MAX_TOKENS
// MAX_TOKENS: ds-interp: error: {{.*}}ok.safetensors: input 'input_ids': 3 tokens, more than the 2 of --max-tokens of the import

module attributes {moe.config = {max_position_embeddings = 4 : i64}} {
  func.func @forward(%ids: tensor<?xi32> {moe.name = "input_ids"},
                     %pos: tensor<?xi64> {moe.name = "positions"})
      -> (tensor<?xi64> {moe.name = "positions"}) {
    return %pos : tensor<?xi64>
  }
}
