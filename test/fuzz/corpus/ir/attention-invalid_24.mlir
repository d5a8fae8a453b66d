func.func @int_shared_key(%q: tensor<?x2x12xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>, %kpe: tensor<?x4xi8>) -> tensor<?x2x8xf32> {
  %0 = moe.attention %q, %k, %v shared_key(%kpe : tensor<?x4xi8>) scale(0.25) window(<global>) : tensor<?x2x12xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}
