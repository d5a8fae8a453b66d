func.func private @f() attributes {a = #moe.quant<int2, block = [1, 128]>}
