func.func @nested() {
  moe.parameter @p : tensor<4xf32>
  return
}
