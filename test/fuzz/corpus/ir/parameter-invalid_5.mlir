moe.parameter @p : memref<4xf32>
