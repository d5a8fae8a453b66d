func.func private @f() attributes {a = #moe.quant<int8, block = [1, 128, 1]>}
