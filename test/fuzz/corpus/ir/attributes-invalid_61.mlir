func.func private @f() attributes {a = #moe.quantized<int8, block = [1, 128]>}
